import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { ACCESS_REQUESTED_V1, AUDIT_CHECKPOINTS_V1, AuditCheckpointsV1 } from '@roomkey/contracts';
import { CheckpointSigner, CheckpointVerifier } from '../src/adapters/checkpoint-keys';
import { ChainedContent, keyedRowHash, unkeyedRowHash } from '../src/domain/chain';
import { checkpointMessage } from '../src/domain/checkpoint';
import { collect, produceRaw } from '../../../test/support/kafka';
import { freshDatabase, query } from '../../../test/support/postgres';
import { AuditApp, auditVerify, consumedRecord, startAuditApp, TEST_AUDIT_KEYS } from './support';

type Database = Awaited<ReturnType<typeof freshDatabase>>;

let offset = 0;
/** Logs `n` access requests as the consumer would. */
async function logRows(app: AuditApp, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const requestId = randomUUID();
    const { event, meta } = consumedRecord(
      ACCESS_REQUESTED_V1,
      { requestId, channel: 'mobile', qr: `RK1.R.${i}` },
      { partition: 0, offset: offset++, correlationId: requestId },
    );
    await app.log.append(event, meta);
  }
}

const rowIds = async (db: Database) =>
  (await query<{ id: string }>(db.url, 'select id::text from event_log order by id')).map(
    (r) => r.id,
  );

/**
 * What a PostgreSQL superuser can do: switch the append-only trigger off, change rows, and
 * switch it on again.
 */
async function asSuperuser(db: Database, work: (c: Client) => Promise<unknown>): Promise<void> {
  const c = new Client({ connectionString: db.adminUrl });
  await c.connect();
  try {
    await c.query('begin');
    await c.query('alter table event_log disable trigger event_log_append_only');
    await work(c);
    await c.query('alter table event_log enable trigger event_log_append_only');
    await c.query('commit');
  } finally {
    await c.end();
  }
}

interface RawRow {
  id: string;
  event_id: string;
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  type: string;
  occurred_at: Date;
  correlation_id: string;
  causation_id: string | null;
  producer: string;
  trace_id: string | null;
  payload: unknown;
  hash: string;
}

const contentOf = (r: RawRow): ChainedContent => ({
  eventId: r.event_id,
  topic: r.topic,
  partition: r.partition,
  offset: String(r.offset),
  key: r.key,
  type: r.type,
  occurredAt: r.occurred_at,
  correlationId: r.correlation_id,
  causationId: r.causation_id,
  producer: r.producer,
  traceId: r.trace_id,
  payload: r.payload,
});

/**
 * An edit made whole by someone without the chain's key: the row's payload changed, and every
 * hash from it to the end recomputed with `hash` (the algorithm is no secret), each row's
 * previous hash set to match. `keyId` is what the rows then say they were chained under
 * (undefined: left as it was).
 */
async function editAndRechain(
  db: Database,
  rowId: string,
  hash: (prev: string, row: ChainedContent) => string,
  keyId?: string | null,
): Promise<void> {
  await asSuperuser(db, async (c) => {
    await c.query(
      `update event_log set payload = jsonb_set(payload, '{channel}', '"kiosk"') where id = $1`,
      [rowId],
    );
    const rows = (await c.query<RawRow>('select * from event_log order by id')).rows;
    let prev: string | undefined;
    for (const r of rows) {
      if (BigInt(r.id) < BigInt(rowId)) {
        prev = r.hash;
        continue;
      }
      const forged = hash(prev!, contentOf(r));
      await c.query('update event_log set prev_hash = $2, hash = $3 where id = $1', [
        r.id,
        prev,
        forged,
      ]);
      if (keyId !== undefined) {
        await c.query('update event_log set chain_key_id = $2 where id = $1', [r.id, keyId]);
      }
      prev = forged;
    }
  });
}

/** Keeps the log as it is now; `restore` puts it back after a test damaged it. */
async function snapshot(db: Database) {
  await query(db.adminUrl, 'drop table if exists pristine');
  await query(db.adminUrl, 'create table pristine as select * from event_log');
  return () =>
    asSuperuser(db, async (c) => {
      await c.query('delete from event_log');
      await c.query('insert into event_log select * from pristine');
    });
}

const logIdOf = async (db: Database) =>
  (await query<{ log_id: string }>(db.url, 'select log_id::text from event_log_chain'))[0]!.log_id;

describe('a keyed chain edited by someone without the key', () => {
  let t: AuditApp;
  let ids: string[];
  let restore: () => Promise<void>;

  beforeAll(async () => {
    t = await startAuditApp();
    await logRows(t, 6);
    ids = await rowIds(t.db);
    restore = await snapshot(t.db);
  }, 60_000);

  afterEach(() => restore());
  afterAll(() => t?.stop());

  it('verifies as it was logged, and audit:verify says what it checked', async () => {
    const cli = await auditVerify(t.db.url);
    expect(cli.code).toBe(0);
    expect(cli.out).toContain(`audit log ${await logIdOf(t.db)}`);
    expect(cli.out).toContain(
      `chain: rows ${ids[0]} to ${ids[5]} checked, 6 hold (6 under key test)`,
    );
    expect(cli.out).toMatch(/checkpoints: 0 of this log .*none yet/);
    expect(cli.out).toContain('6 chained rows verified');
  });

  it('is found when the chain is recomputed with plain SHA-256', async () => {
    // The rows still name their key: their hashes are no HMAC under it.
    await editAndRechain(t.db, ids[2]!, unkeyedRowHash);
    const asKeyed = await auditVerify(t.db.url);
    expect(asKeyed.code).toBe(1);
    expect(asKeyed.out).toContain(`row ${ids[2]}: its content does not match its hash`);
    await restore();
    // The rows pass for ones from before the chain had keys: not after keyed rows.
    await editAndRechain(t.db, ids[2]!, unkeyedRowHash, null);
    const asUnkeyed = await auditVerify(t.db.url);
    expect(asUnkeyed.code).toBe(1);
    expect(asUnkeyed.out).toContain(`row ${ids[2]}: it is chained without a key after keyed rows`);
  });

  it('is found when the chain is recomputed as HMACs under a key of ones own', async () => {
    const logId = await logIdOf(t.db);
    const theirs = randomBytes(32);
    await editAndRechain(t.db, ids[2]!, (prev, row) => keyedRowHash(theirs, logId, prev, row));
    const cli = await auditVerify(t.db.url);
    expect(cli.code).toBe(1);
    expect(cli.out).toContain(`row ${ids[2]}: its content does not match its hash`);
    // Naming a key id of their own does not help.
    await restore();
    await editAndRechain(t.db, ids[2]!, (prev, row) => keyedRowHash(theirs, logId, prev, row), 'x');
    expect((await auditVerify(t.db.url)).out).toContain(
      `row ${ids[2]}: it names a chain key that is not in AUDIT_CHAIN_KEYRING`,
    );
  });
});

describe('checkpoints', () => {
  const ROWS = 5;
  let db: Database;
  let t: AuditApp;
  let logId: string;
  let published: Awaited<ReturnType<typeof collect<AuditCheckpointsV1>>>;
  const ours = (c: AuditCheckpointsV1) => c.payload.logId === logId;

  beforeAll(async () => {
    published = await collect<AuditCheckpointsV1>(AUDIT_CHECKPOINTS_V1);
    db = await freshDatabase('roomkey_audit');
    // Every ROWS rows; the timer far off, so that only the row count makes one.
    t = await startAuditApp(
      { AUDIT_CHECKPOINT_ROWS: String(ROWS), AUDIT_CHECKPOINT_MS: '3600000' },
      db,
    );
    logId = await logIdOf(db);
  }, 60_000);

  afterAll(async () => {
    await t?.stop();
    await published?.stop();
    await db?.drop();
  });

  it('one is published, signed, once N rows were logged', async () => {
    await logRows(t, ROWS - 1);
    await new Promise((r) => setTimeout(r, 1500));
    expect(published.matching(ours)).toEqual([]);
    await logRows(t, 1);
    const [checkpoint] = await published.waitFor(ours);
    const [last] = await query<{ id: string; hash: string }>(
      db.url,
      'select id::text, hash from event_log order by id desc limit 1',
    );
    const c = checkpoint!.payload;
    expect(c).toMatchObject({ logId, rowId: last!.id, hash: last!.hash, chainKeyId: 'test' });
    expect(checkpoint!.producer).toBe('audit');
    const verifier = CheckpointVerifier.fromSpec(
      CheckpointSigner.fromSpec(TEST_AUDIT_KEYS.AUDIT_CHECKPOINT_SIGNING_KEY).publicKeySpec(),
    );
    expect(verifier.verify(c.signingKeyId, checkpointMessage(c, c.signingKeyId), c.signature)).toBe(
      true,
    );
    // The log does not log its own checkpoints.
    expect(
      await query(db.url, 'select 1 from event_log where topic = $1', [AUDIT_CHECKPOINTS_V1]),
    ).toEqual([]);

    const cli = await auditVerify(db.url);
    expect(cli.code).toBe(0);
    expect(cli.out).toContain(
      `checkpoints: 1 of this log on ${AUDIT_CHECKPOINTS_V1}, 1 matching their row; the newest (${c.at}) covers rows up to ${c.rowId}, 0 rows since`,
    );
  });

  it('a deleted tail is found: the newest checkpoint names a row that is gone', async () => {
    await logRows(t, 2);
    const ids = await rowIds(db);
    const restore = await snapshot(db);
    // Rows 4 to 7 go, the checkpointed fifth among them: what is left chains perfectly.
    await asSuperuser(db, (c) => c.query('delete from event_log where id >= $1', [ids[3]]));
    const cli = await auditVerify(db.url);
    expect(cli.code).toBe(1);
    expect(cli.out).toContain(`chain: rows ${ids[0]} to ${ids[2]} checked, 3 hold`);
    expect(cli.out).toContain(
      `(row ${ids[4]}): the log ends at row ${ids[2]}, before it (rows were deleted from the end)`,
    );
    await restore();
    expect((await auditVerify(db.url)).code).toBe(0);
  });

  it('one not signed by the audit app is named', async () => {
    const [last] = await query<{ id: string; hash: string }>(
      db.url,
      'select id::text, hash from event_log order by id desc limit 1',
    );
    const someone = CheckpointSigner.fromSpec(`test:${randomBytes(32).toString('base64')}`);
    const end = {
      logId,
      rowId: last!.id,
      hash: last!.hash,
      chainKeyId: 'test',
      at: new Date().toISOString(),
    };
    const forged: AuditCheckpointsV1 = {
      eventId: randomUUID(),
      type: 'audit.checkpoints',
      occurredAt: end.at,
      correlationId: logId,
      causationId: null,
      producer: 'audit',
      payload: {
        ...end,
        signingKeyId: 'test',
        signature: someone.sign(checkpointMessage(end, 'test')),
      },
    };
    await produceRaw(AUDIT_CHECKPOINTS_V1, logId, JSON.stringify(forged));
    const cli = await auditVerify(db.url);
    expect(cli.code).toBe(1);
    expect(cli.out).toContain(`its signature does not hold under key test`);
  });
});

describe('checkpoints on a timer', () => {
  let t: AuditApp;
  let logId: string;
  let published: Awaited<ReturnType<typeof collect<AuditCheckpointsV1>>>;
  const ours = (c: AuditCheckpointsV1) => c.payload.logId === logId;

  beforeAll(async () => {
    published = await collect<AuditCheckpointsV1>(AUDIT_CHECKPOINTS_V1);
    t = await startAuditApp({ AUDIT_CHECKPOINT_MS: '300' });
    logId = await logIdOf(t.db);
  }, 60_000);

  afterAll(async () => {
    await t?.stop();
    await published?.stop();
  });

  it('come every T while rows are logged, and not while none are', async () => {
    await new Promise((r) => setTimeout(r, 1000));
    expect(published.matching(ours)).toEqual([]);
    /** Logs rows and waits for a checkpoint of the last one; how many there are by then. */
    const logAndWait = async (n: number) => {
      await logRows(t, n);
      const last = (await rowIds(t.db)).at(-1);
      await published.waitFor((c) => ours(c) && c.payload.rowId === last, 1, 5000);
      return published.matching(ours).length;
    };
    const first = await logAndWait(2);
    await new Promise((r) => setTimeout(r, 1000));
    expect(published.matching(ours)).toHaveLength(first);
    expect(await logAndWait(1)).toBe(first + 1);
  });
});

describe('a chain key rotated', () => {
  const k1 = `k1:${randomBytes(32).toString('base64')}`;
  const k2 = `k2:${randomBytes(32).toString('base64')}`;
  let db: Database;

  beforeAll(async () => {
    db = await freshDatabase('roomkey_audit');
    const before = await startAuditApp({ AUDIT_CHAIN_KEYRING: k1 }, db);
    await logRows(before, 3);
    await before.stop();
    // The new key first: it chains new rows; the old one stays to check the rows under it.
    const after = await startAuditApp({ AUDIT_CHAIN_KEYRING: `${k2},${k1}` }, db);
    await logRows(after, 3);
    await after.stop();
  }, 60_000);

  afterAll(() => db?.drop());

  it('chains new rows under the new key, and the old rows still verify under the old one', async () => {
    const keys = await query<{ chain_key_id: string }>(
      db.url,
      'select chain_key_id from event_log order by id',
    );
    expect(keys.map((k) => k.chain_key_id)).toEqual(['k1', 'k1', 'k1', 'k2', 'k2', 'k2']);
    const both = await auditVerify(db.url, { AUDIT_CHAIN_KEYRING: `${k2},${k1}` });
    expect(both.code).toBe(0);
    expect(both.out).toContain('6 hold (3 under key k1, 3 under key k2)');
    // Each app checkpointed its rows as it stopped, the first under the old key.
    expect(both.out).toMatch(/checkpoints: 2 of this log on \S+, 2 matching their row/);
    // Without the old key, its rows cannot be told from forgeries.
    const newOnly = await auditVerify(db.url, { AUDIT_CHAIN_KEYRING: k2 });
    expect(newOnly.code).toBe(1);
    expect(newOnly.out).toContain('it names a chain key that is not in AUDIT_CHAIN_KEYRING');
  });
});
