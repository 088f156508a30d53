import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { AUDIT_ALERTS_V1, AuditAlertsV1 } from '@roomkey/contracts';
import { call, memberToken } from '../../../test/support/auth';
import { collect } from '../../../test/support/kafka';
import { expectDocumentedAndForwarded } from '../../../test/support/routes';
import { AUDIT_CONTROLLERS } from '../src/http/routes';
import { AuditUnderTest, startAuditUnderTest } from './support';

let t: AuditUnderTest;
let gw: AuditUnderTest['gw'];
let admin: string;
let published: Awaited<ReturnType<typeof collect<AuditAlertsV1>>>;

/** Logs an event as the consumer would, at `agoS` seconds in the past. */
const log = (topic: string, payload: Record<string, unknown>, agoS = 0) =>
  t.log(topic, payload, { at: new Date(Date.now() - agoS * 1000) });

const alerts = async () =>
  (await call(gw.url, 'GET', '/v1/alerts?limit=500', { token: admin })).body as {
    id: string;
    type: string;
    subject: string;
    count: number;
    state: string;
    evidence: string[];
    ackedBy: string | null;
  }[];
const find = async (type: string, subject: string) =>
  (await alerts()).find((a) => a.type === type && a.subject === subject);

beforeAll(async () => {
  t = await startAuditUnderTest({ ALERT_DENIALS_THRESHOLD: '3', ALERT_DENIALS_WINDOW_S: '60' });
  ({ gw, admin } = t);
  published = await collect<AuditAlertsV1>(AUDIT_ALERTS_V1);
}, 60_000);

afterAll(async () => {
  await published?.stop();
  await t?.stop();
});

describe('alert rules', () => {
  it('repeated denials of one person or at one door: not below the threshold, once at it, growing after', async () => {
    const user = randomUUID();
    const door = randomUUID();
    const denied = (agoS = 0) =>
      log(
        'access.decided.v1',
        {
          decision: 'denied',
          reasons: ['face-no-match'],
          userId: user,
          doorId: door,
          latencyMs: 5,
        },
        agoS,
      );
    await denied(120); // outside the 60 s window
    await denied();
    await denied();
    expect(await find('repeated-denials', `user:${user}`)).toBeUndefined();
    await log('access.decided.v1', {
      decision: 'granted',
      reasons: [],
      userId: user,
      doorId: door,
      latencyMs: 5,
    });
    expect(await find('repeated-denials', `user:${user}`)).toBeUndefined();
    const third = await denied();
    const alert = await find('repeated-denials', `user:${user}`);
    expect(alert).toMatchObject({ state: 'open', count: 3 });
    expect(alert!.evidence).toContain(third);
    expect(await find('repeated-denials', `door:${door}`)).toMatchObject({ count: 3 });
    await denied();
    const grown = (await alerts()).filter((a) => a.subject === `user:${user}`);
    expect(grown).toHaveLength(1);
    expect(grown[0]).toMatchObject({ count: 4 });
    const sent = await published.waitFor((e) => e.payload.subject === `user:${user}`);
    expect(sent[0]!.payload).toMatchObject({
      type: 'repeated-denials',
      severity: 'high',
      windowSeconds: 60,
    });
  });

  it.each([
    ['spoof', 'face.checked.v1', { outcome: 'spoof', userId: 'U' }, 'user:U'],
    ['door-forced', 'lock.events.v1', { kind: 'state', state: 'forced', lockId: 'L' }, 'lock:L'],
    [
      'door-held-open',
      'lock.events.v1',
      { kind: 'state', state: 'held-open', lockId: 'L' },
      'lock:L',
    ],
    ['lock-offline', 'lock.events.v1', { kind: 'offline', lockId: 'L' }, 'lock:L'],
    ['lock-command-timeout', 'lock.events.v1', { kind: 'command-timeout', lockId: 'L' }, 'lock:L'],
    [
      'lock-reports-refused',
      'lock.events.v1',
      { kind: 'reports-refused', refused: 5, lockId: 'L' },
      'lock:L',
    ],
    [
      'lockdown-attempt',
      'access.decided.v1',
      { decision: 'denied', reasons: ['lockdown'], roomId: 'R', latencyMs: 1 },
      'room:R',
    ],
    ['account-locked', 'auth.events.v1', { kind: 'locked-out', userId: 'U' }, 'user:U'],
    ['token-reuse', 'auth.events.v1', { kind: 'token-reuse-detected', userId: 'U' }, 'user:U'],
  ])('%s fires on its event', async (type, topic, payload, subject) => {
    const tag = randomUUID();
    const p = JSON.parse(JSON.stringify(payload).replace(/"[ULRD]"/g, `"${tag}"`));
    const s = subject.replace(/[ULRD]$/, tag);
    await log(topic, p);
    expect(await find(type, s)).toMatchObject({ state: 'open', count: 1 });
    await log(topic, p);
    expect(await find(type, s)).toMatchObject({ count: 2 });
  });

  it('refused device sign-ins: one alert per source address and window, with a count', async () => {
    const source = `198.51.100.${Math.floor(Math.random() * 250)}`;
    const other = `203.0.113.${Math.floor(Math.random() * 250)}`;
    const refused = (ip: string, reason = 'device-unknown', agoS = 0) =>
      log('auth.events.v1', { kind: 'login-failed', deviceId: randomUUID(), reason, ip }, agoS);
    const before = (await alerts()).filter((a) => a.type === 'device-rejected').length;
    await refused(source, 'device-unknown', 1000); // a window (900 s) earlier
    for (let i = 0; i < 20; i++) await refused(source);
    await refused(source, 'device-revoked');
    await refused(other);
    const raised = (await alerts()).filter((a) => a.type === 'device-rejected');
    expect(raised.length - before).toBe(2);
    expect(await find('device-rejected', `address:${source}`)).toMatchObject({
      state: 'open',
      count: 21,
    });
    expect(await find('device-rejected', `address:${other}`)).toMatchObject({ count: 1 });
  });

  it.each([
    ['a match', 'face.checked.v1', { outcome: 'match', userId: randomUUID() }],
    ['a locked lock', 'lock.events.v1', { kind: 'state', state: 'locked', lockId: randomUUID() }],
    ['a wrong password', 'auth.events.v1', { kind: 'login-failed', reason: 'bad-credentials' }],
    [
      'a device secret typed wrong',
      'auth.events.v1',
      { kind: 'login-failed', deviceId: randomUUID(), reason: 'device-bad-secret' },
    ],
  ])('does not fire on %s', async (_, topic, payload) => {
    const before = (await alerts()).length;
    await log(topic, payload);
    expect((await alerts()).length).toBe(before);
  });
});

describe('alert handling through the gateway', () => {
  it('is acknowledged with who and when, then resolved; a new hit opens a new alert', async () => {
    const lock = randomUUID();
    await log('lock.events.v1', { kind: 'state', state: 'forced', lockId: lock });
    const alert = (await find('door-forced', `lock:${lock}`))!;
    const acked = await call(gw.url, 'POST', `/v1/alerts/${alert.id}/ack`, { token: admin });
    expect(acked).toMatchObject({
      status: 200,
      body: { state: 'acknowledged', ackedBy: expect.any(String) },
    });
    await log('lock.events.v1', { kind: 'state', state: 'forced', lockId: lock });
    expect((await alerts()).filter((a) => a.subject === `lock:${lock}`)).toHaveLength(1);
    const resolved = await call(gw.url, 'POST', `/v1/alerts/${alert.id}/resolve`, { token: admin });
    expect(resolved.body.state).toBe('resolved');
    await log('lock.events.v1', { kind: 'state', state: 'forced', lockId: lock });
    expect((await alerts()).filter((a) => a.subject === `lock:${lock}`)).toHaveLength(2);
  });

  it('streams new alerts live and, on reconnect with Last-Event-ID, exactly the ones missed', async () => {
    /** Opens the feed and collects `id:` lines until `count` alerts came or time is up. */
    const listen = async (count: number, lastEventId?: string, during?: () => Promise<void>) => {
      const abort = new AbortController();
      const res = await fetch(`${gw.url}/v1/alerts/stream`, {
        headers: {
          authorization: `Bearer ${admin}`,
          ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
        },
        signal: abort.signal,
      });
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      const reader = res.body!.getReader();
      const got: { id: string; subject: string }[] = [];
      let text = '';
      const deadline = Date.now() + 15000;
      void during?.();
      while (got.length < count && Date.now() < deadline) {
        const { value, done } = await reader.read();
        if (done) break;
        text += Buffer.from(value).toString('utf8');
        for (;;) {
          const end = text.indexOf('\n\n');
          if (end < 0) break;
          const block = text.slice(0, end);
          text = text.slice(end + 2);
          const id = /^id: (\d+)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (id && data)
            got.push({ id, subject: (JSON.parse(data) as { subject: string }).subject });
        }
      }
      abort.abort();
      return got;
    };
    const lock = () => randomUUID();
    const [a, b, c] = [lock(), lock(), lock()];
    const first = await listen(1, undefined, async () => {
      await new Promise((r) => setTimeout(r, 300));
      await log('lock.events.v1', { kind: 'state', state: 'forced', lockId: a });
    });
    expect(first.map((x) => x.subject)).toEqual([`lock:${a}`]);
    // While nobody listens, two more alerts open.
    await log('lock.events.v1', { kind: 'offline', lockId: b });
    await log('lock.events.v1', { kind: 'offline', lockId: c });
    const missed = await listen(2, first[0]!.id);
    expect(missed.map((x) => x.subject)).toEqual([`lock:${b}`, `lock:${c}`]);
    expect(Number(missed[0]!.id)).toBeGreaterThan(Number(first[0]!.id));
  });

  it('documents every alert route, and each one reaches the audit app', async () => {
    await expectDocumentedAndForwarded(gw.url, AUDIT_CONTROLLERS);
  });

  it('forwards only what it should: other methods are a 405, a body-less GET ignores its content-type', async () => {
    // fetch will not send TRACE; node:http will.
    const trace = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        `${gw.url}/v1/alerts`,
        { method: 'TRACE', headers: { authorization: `Bearer ${admin}` } },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(trace.status).toBe(405);
    expect(JSON.parse(trace.body)).toMatchObject({ code: 'METHOD_NOT_ALLOWED' });
    expect(
      await call(gw.url, 'GET', '/v1/alerts', {
        token: admin,
        headers: { 'content-type': 'multipart/form-data' },
      }),
    ).toMatchObject({ status: 200 });
    expect(
      await call(gw.url, 'POST', `/v1/alerts/${randomUUID()}/ack`, {
        token: admin,
        headers: { 'content-type': 'multipart/form-data' },
      }),
    ).toMatchObject({ status: 400, body: { code: 'MALFORMED_MULTIPART' } });
  });

  it('is for security staff only', async () => {
    const member = await memberToken(gw.url, admin);
    expect((await call(gw.url, 'GET', '/v1/alerts', { token: member.token })).status).toBe(403);
    expect(
      await call(gw.url, 'POST', `/v1/alerts/${randomUUID()}/ack`, { token: admin }),
    ).toMatchObject({ status: 404, body: { code: 'ALERT_NOT_FOUND' } });
  });
});
