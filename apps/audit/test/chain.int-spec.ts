import { randomUUID } from 'node:crypto';
import { ACCESS_REQUESTED_V1 } from '@roomkey/contracts';
import { query } from '../../../test/support/postgres';
import { AuditApp, auditVerify, consumedRecord, startAuditApp, verifyLog } from './support';

/** An `access.requested.v1` record as the consumer hands it to the log. */
const requestRecord = (partition: number, offset: number, extra: Record<string, unknown> = {}) => {
  const requestId = randomUUID();
  return consumedRecord(
    ACCESS_REQUESTED_V1,
    { requestId, channel: 'mobile', ...extra },
    { partition, offset, correlationId: requestId },
  );
};

describe('the hash-chained audit log', () => {
  let t: AuditApp;
  let db: AuditApp['db'];
  const ids: string[] = [];

  beforeAll(async () => {
    t = await startAuditApp();
    db = t.db;
    const log = t.log;
    for (let i = 0; i < 6; i++) {
      const { event, meta } = requestRecord(0, 1000 + i, {
        qr: `RK1.R.${i}`,
        nested: { b: 1, a: [i] },
      });
      await log.append(event, meta);
      // A redelivered record adds no row and leaves the chain whole.
      if (i === 2) await log.append(event, meta);
    }
    ids.push(
      ...(await query<{ id: string }>(db.url, 'select id::text from event_log order by id')).map(
        (r) => r.id,
      ),
    );
  }, 60_000);

  afterAll(() => t?.stop());

  it('holds: every row follows from the one before; the command says so', async () => {
    expect(ids).toHaveLength(6);
    expect(await verifyLog(db.url)).toMatchObject({ rows: 6, broken: undefined });
    const cli = await auditVerify(db.url);
    expect(cli).toMatchObject({ code: 0 });
    expect(cli.out).toContain('6 chained rows verified');
  });

  it('refuses UPDATE and DELETE in the database itself', async () => {
    // The app's own role lacks the privilege; even a superuser meets the trigger.
    for (const [url, refusal] of [
      [db.url, 'permission denied'],
      [db.adminUrl, 'append-only'],
    ] as const) {
      await expect(query(url, 'update event_log set type = $1', ['x'])).rejects.toThrow(refusal);
      await expect(query(url, 'delete from event_log')).rejects.toThrow(refusal);
    }
  });

  it('names an edited row, and a row after a deleted one', async () => {
    // A superuser switches the trigger off and edits the fourth row's payload.
    const asOwner = async (sql: string, params: unknown[] = []) => {
      await query(db.adminUrl, 'alter table event_log disable trigger event_log_append_only');
      await query(db.adminUrl, sql, params);
      await query(db.adminUrl, 'alter table event_log enable trigger event_log_append_only');
    };
    const [original] = await query<{ payload: unknown }>(
      db.url,
      'select payload from event_log where id = $1',
      [ids[3]],
    );
    await asOwner(
      `update event_log set payload = jsonb_set(payload, '{qr}', '"edited"') where id = $1`,
      [ids[3]],
    );
    expect(await verifyLog(db.url)).toMatchObject({ broken: { id: ids[3], problem: 'edited' } });
    const cli = await auditVerify(db.url, {}, ['--no-checkpoints']);
    expect(cli.code).toBe(1);
    expect(cli.out).toContain(`row ${ids[3]}`);

    await asOwner('update event_log set payload = $2 where id = $1', [ids[3], original!.payload]);
    expect(await verifyLog(db.url)).toMatchObject({ rows: 6, broken: undefined });

    await asOwner('delete from event_log where id = $1', [ids[1]]);
    expect(await verifyLog(db.url)).toMatchObject({
      broken: { id: ids[2], problem: 'missing-before' },
    });
  });
});

describe('records logged together', () => {
  let t: AuditApp;

  beforeAll(async () => {
    t = await startAuditApp();
  }, 60_000);

  afterAll(() => t?.stop());

  it('share transactions, keep one row per record and one chain, and a refused record fails alone', async () => {
    const { db, log } = t;
    const records = Array.from({ length: 40 }, (_, i) => requestRecord(i % 3, 5000 + i));
    const together = await Promise.allSettled([
      ...records.map((r) => log.append(r.event, r.meta)),
      // The same records again while they are being logged: a redelivery, and a copy of an
      // event at another position.
      log.append(records[5]!.event, records[5]!.meta),
      log.append(records[6]!.event, { ...records[6]!.meta, offset: '7777' }),
      ...records.slice(30).map((r) => log.append(r.event, r.meta)),
    ]);
    expect(together.every((o) => o.status === 'fulfilled')).toBe(true);
    const rows = await query<{ event_id: string; tx: string }>(
      db.url,
      'select event_id::text, xmin::text as tx from event_log order by id',
    );
    expect(rows.map((r) => r.event_id).sort()).toEqual(records.map((r) => r.event.eventId).sort());
    // Fewer transactions than rows: records that arrived together were logged together.
    expect(new Set(rows.map((r) => r.tx)).size).toBeLessThan(rows.length / 2);

    // PostgreSQL cannot hold a NUL in a jsonb string: the database refuses this one record,
    // and the records logged with it are logged all the same.
    const refused = requestRecord(0, 9999, { note: 'nul \u0000 inside' });
    const more = Array.from({ length: 5 }, (_, i) => requestRecord(1, 6000 + i));
    const [first, ...rest] = await Promise.allSettled([
      log.append(refused.event, refused.meta),
      ...more.map((r) => log.append(r.event, r.meta)),
    ]);
    expect(first!.status).toBe('rejected');
    expect(rest.every((o) => o.status === 'fulfilled')).toBe(true);
    expect(await verifyLog(db.url)).toMatchObject({ rows: 45, broken: undefined });
  });

  it('wait a moment at rest for the rest of their request, but not when catching up', async () => {
    const { db, log } = t;
    const txOf = async (eventIds: string[]) =>
      (
        await query<{ tx: string }>(
          db.url,
          'select xmin::text as tx from event_log where event_id = any($1::uuid[]) order by id',
          [eventIds],
        )
      ).map((r) => r.tx);
    // Two fresh records, the second consumed just after the first: one transaction.
    const [a, b] = [requestRecord(0, 8000), requestRecord(1, 8001)];
    await Promise.all([log.append(a.event, a.meta), log.append(b.event, b.meta)]);
    const [txA, txB] = await txOf([a.event.eventId, b.event.eventId]);
    expect(txA).toBe(txB);
    // A record ten seconds old is a backlog: it goes at once, without the one after it.
    const requestId = randomUUID();
    const old = consumedRecord(
      ACCESS_REQUESTED_V1,
      { requestId, channel: 'mobile' },
      { partition: 2, offset: 8002, correlationId: requestId, at: new Date(Date.now() - 10_000) },
    );
    const next = requestRecord(0, 8003);
    await Promise.all([log.append(old.event, old.meta), log.append(next.event, next.meta)]);
    const [txOld, txNext] = await txOf([old.event.eventId, next.event.eventId]);
    expect(txOld).not.toBe(txNext);
    expect(await verifyLog(db.url)).toMatchObject({ rows: 49, broken: undefined });
  });
});
