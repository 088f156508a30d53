import { DataSource, EntityManager } from 'typeorm';
import { CHAIN_LOCK } from './services/event-log.service';
import { LoggedRow, Projection, tableName } from './projections/projection';

interface RawRow {
  id: string;
  event_id: string;
  topic: string;
  occurred_at: Date;
  payload: unknown;
}

/**
 * Rebuilds a projection from the event log: a fresh table shaped like the live one is filled
 * from every logged row of the projection's topics in log order, then swapped in. Appends go on
 * meanwhile; the last rows are applied while appends wait on the chain's lock, and the swap is
 * in that same transaction, so no logged row is missed or applied twice. A `serial` column keeps
 * its live values for rows that exist live (the alert feed's ids do not move).
 */
export async function rebuildProjection(
  db: DataSource,
  projection: Projection,
  batch = 1000,
  /** After each page: rows applied, and how many the log held for it when the rebuild began. */
  onProgress?: (done: number, total: number) => void,
): Promise<{ rows: number }> {
  const live = tableName(projection.table);
  const fresh = tableName(`${live}_rebuild`);
  await db.query(`drop table if exists ${fresh}`);
  await db.query(`create table ${fresh} (like ${live} including all)`);
  let last = '0';
  let rows = 0;
  const [{ total }] = onProgress
    ? ((await db.query('select count(*)::int as total from event_log where topic = any($1)', [
        projection.topics,
      ])) as [{ total: number }])
    : [{ total: 0 }];
  /** Applies the next page of logged rows; returns how many there were. */
  const applyPage = async (m: EntityManager): Promise<number> => {
    const page = (await m.query(
      `select id, event_id, topic, occurred_at, payload from event_log
       where id > $1 and topic = any($2) order by id limit $3`,
      [last, projection.topics, batch],
    )) as RawRow[];
    for (const r of page) {
      const row: LoggedRow = {
        id: String(r.id),
        eventId: r.event_id,
        topic: r.topic,
        occurredAt: r.occurred_at,
        payload: r.payload,
      };
      await projection.apply(m, fresh, row);
    }
    if (page.length > 0) last = String(page[page.length - 1]!.id);
    rows += page.length;
    onProgress?.(rows, Math.max(total, rows));
    return page.length;
  };
  // The bulk of the log, a page per transaction, without holding up appends.
  for (let n = batch; n === batch;) n = await db.transaction(applyPage);
  await db.transaction(async (m) => {
    await m.query('select pg_advisory_xact_lock($1)', [CHAIN_LOCK]);
    for (let n = batch; n === batch;) n = await applyPage(m);
    await swap(m, projection, live, fresh);
  });
  return { rows };
}

async function swap(m: EntityManager, projection: Projection, live: string, fresh: string) {
  if (projection.serial) {
    const col = tableName(projection.serial.column);
    const key = tableName(projection.serial.key);
    await m.query(
      `update ${fresh} f set ${col} = l.${col} from ${live} l where l.${key} = f.${key}`,
    );
    const [{ seq }] = (await m.query('select pg_get_serial_sequence($1, $2) as seq', [
      live,
      col,
    ])) as [{ seq: string | null }];
    // The sequence outlives the old table: it numbers the new one's rows from here on.
    if (seq) await m.query(`alter sequence ${seq} owned by ${fresh}.${col}`);
  }
  const liveIndexes = await indexes(m, live);
  await m.query(`drop table ${live}`);
  await m.query(`alter table ${fresh} rename to ${live}`);
  // The copies of the indexes take back the names of the ones they replace.
  for (const [shape, name] of await indexes(m, live)) {
    const original = liveIndexes.get(shape);
    if (original && original !== name) await m.query(`alter index ${name} rename to ${original}`);
  }
}

/** A table's indexes by shape (their definition without their own and their table's name). */
async function indexes(m: EntityManager, table: string): Promise<Map<string, string>> {
  const rows = (await m.query(
    `select c.relname as name, pg_get_indexdef(i.indexrelid) as def
     from pg_index i join pg_class c on c.oid = i.indexrelid
     where i.indrelid = $1::regclass`,
    [table],
  )) as { name: string; def: string }[];
  const shape = (def: string) => def.replace(/^(CREATE (UNIQUE )?INDEX )\S+ ON \S+/, '$1');
  return new Map(rows.map((r) => [shape(r.def), r.name]));
}
