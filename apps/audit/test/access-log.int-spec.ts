import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';
import { AUDIT_ALERTS_V1, AuditAlertsV1 } from '@roomkey/contracts';
import { call, memberToken } from '../../../test/support/auth';
import { collect } from '../../../test/support/kafka';
import { query } from '../../../test/support/postgres';
import { AccessLogProjection } from '../src/projections/access-log.projection';
import { AlertsProjection } from '../src/projections/alerts.projection';
import { rebuildProjection } from '../src/rebuild';
import { AuditUnderTest, startAuditUnderTest } from './support';

const HOUR = 3600_000;
/** A whole hour two days ago: the window the figures are about. */
const base = new Date(Math.floor(Date.now() / HOUR) * HOUR - 48 * HOUR);
const at = (minutes: number) => new Date(base.getTime() + minutes * 60_000);

let t: AuditUnderTest;
let member: { userId: string; token: string };
const other = randomUUID();
const [door1, door2, room1, room2] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
const ids = { r1: randomUUID(), r2: randomUUID(), r3: randomUUID(), r4: randomUUID() };

/** A request as the gateway publishes it, and its decision as the access app does. */
async function attempt(opts: {
  requestId: string;
  userId: string;
  doorId: string;
  roomId: string;
  decision: 'granted' | 'denied';
  reasons?: string[];
  latencyMs: number;
  decidedAt: Date;
  requested?: 'before' | 'after' | 'never';
}) {
  const request = () =>
    t.log(
      'access.requested.v1',
      {
        requestId: opts.requestId,
        at: new Date(opts.decidedAt.getTime() - opts.latencyMs).toISOString(),
        channel: 'mobile',
        mode: 'room-code',
        userId: opts.userId,
        roomId: opts.roomId,
        doorId: opts.doorId,
        qr: 'RK1.R.… (68 characters)',
      },
      { correlationId: opts.requestId, at: opts.decidedAt },
    );
  if ((opts.requested ?? 'before') === 'before') await request();
  await t.log(
    'access.decided.v1',
    {
      requestId: opts.requestId,
      decision: opts.decision,
      reasons: opts.reasons ?? [],
      userId: opts.userId,
      roomId: opts.roomId,
      doorId: opts.doorId,
      latencyMs: opts.latencyMs,
    },
    { correlationId: opts.requestId, at: opts.decidedAt },
  );
  if (opts.requested === 'after') await request();
}

const get = (p: string, token = t.admin) => call(t.gw.url, 'GET', p, { token });
const window = (from: Date, to: Date) =>
  `from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`;
const inBase = window(at(0), at(120));
const requestIds = (body: unknown) =>
  (body as { items: { requestId: string }[] }).items.map((i) => i.requestId);

beforeAll(async () => {
  t = await startAuditUnderTest({ ALERT_DENIALS_THRESHOLD: '2', ALERT_DENIALS_WINDOW_S: '3600' });
  member = await memberToken(t.gw.url, t.admin);
  const m = member.userId;
  await attempt({
    requestId: ids.r1,
    userId: m,
    doorId: door1,
    roomId: room1,
    decision: 'granted',
    latencyMs: 100,
    decidedAt: at(10),
  });
  await attempt({
    requestId: ids.r2,
    userId: m,
    doorId: door1,
    roomId: room1,
    decision: 'denied',
    reasons: ['face-no-match'],
    latencyMs: 200,
    decidedAt: at(20),
  });
  // The decision is logged before its request (they travel on different topics).
  await attempt({
    requestId: ids.r3,
    userId: other,
    doorId: door2,
    roomId: room2,
    decision: 'denied',
    reasons: ['qr-expired', 'face-no-match'],
    latencyMs: 300,
    decidedAt: at(70),
    requested: 'after',
  });
  await attempt({
    requestId: ids.r4,
    userId: other,
    doorId: door2,
    roomId: room2,
    decision: 'granted',
    latencyMs: 400,
    decidedAt: at(80),
  });
  // A second decision for r1 (published again after a crash) changes nothing: the first wins.
  await t.log(
    'access.decided.v1',
    {
      requestId: ids.r1,
      decision: 'denied',
      reasons: ['deadline'],
      userId: m,
      doorId: door1,
      latencyMs: 9000,
    },
    { correlationId: ids.r1, at: at(11) },
  );
}, 90_000);

afterAll(() => t?.stop());

describe('GET /v1/access-log', () => {
  it('lists decisions newest first, joined with their requests, the first decision winning', async () => {
    const res = await get(`/v1/access-log?${inBase}`);
    expect(res.status).toBe(200);
    expect(requestIds(res.body)).toEqual([ids.r4, ids.r3, ids.r2, ids.r1]);
    const items = (res.body as { items: Record<string, unknown>[] }).items;
    expect(items[3]).toEqual({
      requestId: ids.r1,
      decision: 'granted',
      reasons: [],
      requestedAt: new Date(at(10).getTime() - 100).toISOString(),
      decidedAt: at(10).toISOString(),
      userId: member.userId,
      roomId: room1,
      doorId: door1,
      lockId: null,
      deviceId: null,
      channel: 'mobile',
      mode: 'room-code',
      latencyMs: 100,
      liveness: null,
    });
    expect(items[1]).toMatchObject({ requestId: ids.r3, channel: 'mobile', decision: 'denied' });
  });

  it.each([
    ['user', () => `${inBase}&userId=${member.userId}`, () => [ids.r2, ids.r1]],
    ['door', () => `${inBase}&doorId=${door2}`, () => [ids.r4, ids.r3]],
    ['room', () => `${inBase}&roomId=${room1}`, () => [ids.r2, ids.r1]],
    ['decision', () => `${inBase}&decision=denied`, () => [ids.r3, ids.r2]],
    ['reason', () => `${inBase}&reason=qr-expired`, () => [ids.r3]],
    ['time range', () => window(at(15), at(75)), () => [ids.r3, ids.r2]],
    ['room and decision', () => `roomId=${room2}&decision=granted`, () => [ids.r4]],
  ])('filters by %s', async (_, filter, expected) => {
    const res = await get(`/v1/access-log?${filter()}`);
    expect(res.status).toBe(200);
    expect(requestIds(res.body)).toEqual(expected());
  });

  it('pages with a cursor, every entry once', async () => {
    const seen: string[] = [];
    let next: string | null = null;
    do {
      const res = await get(`/v1/access-log?${inBase}&limit=1${next ? `&after=${next}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...requestIds(res.body));
      next = (res.body as { next: string | null }).next;
    } while (next);
    expect(seen).toEqual([ids.r4, ids.r3, ids.r2, ids.r1]);
  });

  it('streams every match as CSV, across batches, entries at the same instant included once', async () => {
    // 620 decisions at one instant, a day before the others: more than one batch of 500.
    const instant = new Date(base.getTime() - 24 * HOUR);
    const user = randomUUID();
    const made = new Set<string>();
    for (let i = 0; i < 620; i++) {
      const requestId = randomUUID();
      made.add(requestId);
      await t.log(
        'access.decided.v1',
        {
          requestId,
          decision: 'granted',
          reasons: [],
          userId: user,
          latencyMs: 5,
          liveness: 'active',
        },
        { correlationId: requestId, at: instant },
      );
    }
    const res = await fetch(`${t.gw.url}/v1/access-log?userId=${user}&format=csv`, {
      headers: { authorization: `Bearer ${t.admin}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="access-log.csv"');
    const lines = (await res.text()).trimEnd().split('\n');
    expect(lines[0]).toBe(
      'requestId,decidedAt,decision,reasons,userId,roomId,doorId,lockId,deviceId,channel,mode,requestedAt,latencyMs,liveness',
    );
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows).toHaveLength(620);
    expect(new Set(rows.map((r) => r[0]))).toEqual(made);
    expect(rows[0]!.slice(1, 5)).toEqual([instant.toISOString(), 'granted', '', user]);
    // Which liveness judged the face is its own column.
    expect(rows.every((r) => r[13] === 'active')).toBe(true);
  }, 60_000);

  it('exports the same entries as CSV as it lists', async () => {
    const res = await fetch(`${t.gw.url}/v1/access-log?${inBase}&format=csv&decision=denied`, {
      headers: { authorization: `Bearer ${t.admin}` },
    });
    const rows = (await res.text()).trimEnd().split('\n').slice(1);
    expect(rows.map((r) => r.split(',')[0])).toEqual([ids.r3, ids.r2]);
    expect(rows[0]).toContain(',denied,qr-expired face-no-match,');
  });

  it.each([
    ['an unknown cursor', () => `after=${randomUUID()}`],
    ['a cursor that is not a uuid', () => 'after=abc'],
    ['from after to', () => window(at(60), at(10))],
    ['a bad instant', () => 'from=yesterday'],
    ['an unknown parameter', () => 'sort=asc'],
    ['an unknown decision', () => 'decision=maybe'],
    ['a reason that is not a code', () => 'reason=%3Cscript%3E'],
    ['a page too large', () => 'limit=201'],
  ])('answers 400 VALIDATION_FAILED to %s, as JSON or CSV', async (_, q) => {
    for (const format of ['json', 'csv']) {
      const res = await get(`/v1/access-log?${q()}&format=${format}`);
      expect(res).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    }
  });

  it('is for security staff only; a member has their own history', async () => {
    expect((await get('/v1/access-log', member.token)).status).toBe(403);
    expect((await get('/v1/stats', member.token)).status).toBe(403);
    expect((await call(t.gw.url, 'GET', '/v1/access-log')).status).toBe(401);
  });
});

describe('GET /v1/me/history', () => {
  it("shows a member their own decisions and nobody else's", async () => {
    const res = await get(`/v1/me/history?${inBase}`, member.token);
    expect(res.status).toBe(200);
    expect(requestIds(res.body)).toEqual([ids.r2, ids.r1]);
    const page1 = await get('/v1/me/history?limit=1', member.token);
    expect(requestIds(page1.body)).toEqual([ids.r2]);
    const page2 = await get(
      `/v1/me/history?limit=1&after=${(page1.body as { next: string }).next}`,
      member.token,
    );
    expect(requestIds(page2.body)).toEqual([ids.r1]);
    // Asking for someone else is not a filter it takes.
    expect(await get(`/v1/me/history?userId=${other}`, member.token)).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_FAILED' },
    });
    // The admin's own history is theirs: empty.
    expect(requestIds((await get('/v1/me/history')).body)).toEqual([]);
  });
});

describe('GET /v1/stats', () => {
  it('counts attempts per hour, denials by reason and the latency percentiles', async () => {
    const res = await get(`/v1/stats?${inBase}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      from: at(0).toISOString(),
      to: at(120).toISOString(),
      attempts: 4,
      granted: 2,
      denied: 2,
      perHour: [
        { hour: at(0).toISOString(), attempts: 2, granted: 1, denied: 1 },
        { hour: at(60).toISOString(), attempts: 2, granted: 1, denied: 1 },
      ],
      denialsByReason: [
        { reason: 'face-no-match', count: 2 },
        { reason: 'qr-expired', count: 1 },
      ],
      // percentile_cont over 100, 200, 300, 400 ms
      latencyMs: { p50: 250, p95: 385 },
    });
  });

  it('includes empty hours and has no percentiles without decisions', async () => {
    const empty = await get(`/v1/stats?${window(at(-180), at(-60))}`);
    expect(empty.body).toMatchObject({
      attempts: 0,
      perHour: [
        { hour: at(-180).toISOString(), attempts: 0 },
        { hour: at(-120).toISOString(), attempts: 0 },
      ],
      denialsByReason: [],
      latencyMs: { p50: null, p95: null },
    });
  });

  it('refuses a window over 31 days or running backwards', async () => {
    const long = await get(`/v1/stats?${window(at(-32 * 24 * 60), at(0))}`);
    expect(long).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    const onlyFrom = await get(
      `/v1/stats?from=${encodeURIComponent(at(-40 * 24 * 60).toISOString())}`,
    );
    expect(onlyFrom).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    const backwards = await get(`/v1/stats?${window(at(60), at(0))}`);
    expect(backwards).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
  });
});

describe('rebuilding the projections from the log', () => {
  const snapshot = async (table: string) => query(t.db.url, `select * from ${table} order by 1`);
  const indexNames = async (table: string) =>
    (
      await query<{ indexname: string }>(
        t.db.url,
        'select indexname from pg_indexes where tablename = $1 order by 1',
        [table],
      )
    ).map((r) => r.indexname);

  it('gives tables equal to the live ones, acknowledgements and resolutions included', async () => {
    // Alerts of several kinds, one acknowledged and one resolved through the gateway; their
    // announcements on audit.alerts.v1 are logged as the consumer would log them.
    const published = await collect<AuditAlertsV1>(AUDIT_ALERTS_V1);
    try {
      const [lockA, lockB] = [randomUUID(), randomUUID()];
      await t.log('lock.events.v1', { kind: 'state', state: 'forced', lockId: lockA });
      await t.log('lock.events.v1', { kind: 'offline', lockId: lockB });
      await t.log('face.checked.v1', { outcome: 'spoof', userId: member.userId });
      const list = (await get('/v1/alerts?limit=500')).body as { id: string; subject: string }[];
      const alertA = list.find((a) => a.subject === `lock:${lockA}`)!;
      const alertB = list.find((a) => a.subject === `lock:${lockB}`)!;
      expect(
        (await call(t.gw.url, 'POST', `/v1/alerts/${alertA.id}/ack`, { token: t.admin })).status,
      ).toBe(200);
      expect(
        (await call(t.gw.url, 'POST', `/v1/alerts/${alertB.id}/resolve`, { token: t.admin }))
          .status,
      ).toBe(200);
      // A second acknowledgement announces nothing.
      await call(t.gw.url, 'POST', `/v1/alerts/${alertA.id}/ack`, { token: t.admin });
      const changes = await published.waitFor(
        (e) => [alertA.id, alertB.id].includes(e.payload.alertId) && e.payload.state !== 'open',
        2,
      );
      expect(changes.map((e) => e.payload.state).sort()).toEqual(['acknowledged', 'resolved']);
      for (const e of changes) {
        await t.log(AUDIT_ALERTS_V1, e.payload, { at: new Date(e.occurredAt) });
      }
    } finally {
      await published.stop();
    }
    // Two denials of one person within the hour: the repeated-denials rule (threshold 2).
    const denied = randomUUID();
    for (let i = 0; i < 2; i++) {
      const requestId = randomUUID();
      await t.log(
        'access.decided.v1',
        { requestId, decision: 'denied', reasons: ['no-permission'], userId: denied, latencyMs: 3 },
        { correlationId: requestId },
      );
    }
    const liveAlerts = await snapshot('alerts');
    expect(liveAlerts.map((a) => (a as { type: string }).type)).toEqual(
      expect.arrayContaining(['repeated-denials', 'door-forced', 'lock-offline', 'spoof']),
    );
    const liveLog = await snapshot('access_log');
    const liveIndexes = [await indexNames('alerts'), await indexNames('access_log')];

    // A projection bug: an entry says the wrong thing; an alert has lost its acknowledgement.
    await query(
      t.db.url,
      `update access_log set decision = 'granted', reasons = '{}' where request_id = $1`,
      [ids.r2],
    );
    await query(t.db.url, `update alerts set state = 'open', acked_by = null, acked_at = null`);
    expect(await snapshot('access_log')).not.toEqual(liveLog);

    const db = t.audit.app.get(DataSource);
    await rebuildProjection(db, new AccessLogProjection(), 7);
    await rebuildProjection(
      db,
      new AlertsProjection({
        ALERT_DENIALS_THRESHOLD: 2,
        ALERT_DENIALS_WINDOW_S: 3600,
        ALERT_DEVICE_WINDOW_S: 900,
      }),
      7,
    );
    expect(await snapshot('access_log')).toEqual(liveLog);
    expect(await snapshot('alerts')).toEqual(liveAlerts);
    expect([await indexNames('alerts'), await indexNames('access_log')]).toEqual(liveIndexes);

    // The app goes on with the swapped-in tables: new alerts continue the feed's order.
    const maxSeq = Math.max(...liveAlerts.map((a) => Number((a as { seq: string }).seq)));
    await t.log('lock.events.v1', { kind: 'offline', lockId: randomUUID() });
    const newest = ((await get('/v1/alerts?limit=1')).body as { seq: number }[])[0]!;
    expect(newest.seq).toBeGreaterThan(maxSeq);
  }, 60_000);

  it('logs a row its projection fails on, and the rebuild puts the projection right', async () => {
    const requestId = randomUUID();
    // Two more decisions logged in the same transaction as the failing one (records that arrive
    // while one transaction appends go in the next together): their projection still happens.
    const [first, second] = [randomUUID(), randomUUID()];
    const apply = AccessLogProjection.prototype.apply;
    const spy = jest.spyOn(AccessLogProjection.prototype, 'apply').mockImplementation(function (
      this: AccessLogProjection,
      m,
      table,
      row,
    ) {
      if ((row.payload as { requestId?: string }).requestId === requestId) {
        return Promise.reject(new Error('a projection bug'));
      }
      return apply.call(this, m, table, row);
    });
    const decided = (id: string, latencyMs: number) =>
      t.log(
        'access.decided.v1',
        { requestId: id, decision: 'denied', reasons: ['timeout'], latencyMs },
        { correlationId: id },
      );
    try {
      await Promise.all([
        decided(first, 1),
        // Longer than an int of milliseconds can hold: a request decided weeks after it was made.
        decided(requestId, 3_000_000_000),
        decided(second, 2),
      ]);
    } finally {
      spy.mockRestore();
    }
    const logged = await query(
      t.db.url,
      'select 1 from event_log where correlation_id = any($1::text[])',
      [[requestId, first, second]],
    );
    expect(logged).toHaveLength(3);
    const entries = async () =>
      (await get(`/v1/access-log?decision=denied&reason=timeout&limit=100`)).body.items as {
        requestId: string;
      }[];
    const entry = async () => (await entries()).find((i) => i.requestId === requestId);
    expect(await entry()).toBeUndefined();
    const projected = (await entries()).map((i) => i.requestId);
    expect(projected).toEqual(expect.arrayContaining([first, second]));
    await rebuildProjection(t.audit.app.get(DataSource), new AccessLogProjection());
    expect(await entry()).toMatchObject({ requestId, latencyMs: 3_000_000_000 });
  });

  it('misses nothing logged while it runs', async () => {
    const db = t.audit.app.get(DataSource);
    const during = Array.from({ length: 40 }, () => randomUUID());
    const user = randomUUID();
    await Promise.all([
      rebuildProjection(db, new AccessLogProjection(), 50),
      (async () => {
        for (const requestId of during) {
          await t.log(
            'access.decided.v1',
            { requestId, decision: 'granted', reasons: [], userId: user, latencyMs: 1 },
            { correlationId: requestId },
          );
        }
      })(),
    ]);
    const rows = await query<{ request_id: string }>(
      t.db.url,
      'select request_id from access_log where user_id = $1',
      [user],
    );
    expect(new Set(rows.map((r) => r.request_id))).toEqual(new Set(during));
  }, 60_000);

  it('runs from the command line', async () => {
    const rebuild = (name: string) =>
      promisify(execFile)(process.execPath, ['clients/cli/bin/roomkey.js', 'rebuild', name], {
        cwd: path.resolve(__dirname, '../../..'),
        env: { ...process.env, DATABASE_URL: t.db.url },
      });
    const before = await snapshot('access_log');
    const { stdout } = await rebuild('access-log');
    expect(stdout).toMatch(/^access-log rebuilt from \d+ logged events in \d+ ms and swapped in/);
    expect(await snapshot('access_log')).toEqual(before);
    await expect(rebuild('nothing')).rejects.toMatchObject({ code: 2 });
    // Two processes of the CLI, each loading its code: a minute on a machine busy with more.
  }, 120_000);
});
