import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { accessDecidedV1, lockEventsV1 } from '@roomkey/contracts';
import type { EventPublisher } from '@roomkey/common';
import { eventually } from '../../../test/support/apps';
import { ADMIN, call, memberToken } from '../../../test/support/auth';
import { publisherAs, produceRaw, rawEnvelope } from '../../../test/support/kafka';
import { query } from '../../../test/support/postgres';
import { Received, startReceiver } from '../../../test/support/webhook-receiver';
import { WebhookDispatcher } from '../src/services/webhook-dispatcher';
import { AuditUnderTest, startAuditUnderTest } from './support';

let t: AuditUnderTest;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let access: EventPublisher;

/** /flaky answers 500 to its first try of each message, /down always, /silent never. */
const answer = (path: string, n: number) => {
  if (path === '/silent') return null;
  if (path === '/down') return { status: 500, body: 'down for maintenance' };
  if (path === '/flaky' && n % 2 === 1) return { status: 500, body: 'try again later' };
  return { status: 200 };
};

const register = async (path: string, events: string[]) => {
  const res = await call(t.gw.url, 'POST', '/v1/webhooks', {
    token: t.admin,
    body: { url: receiver.url(path), events, description: `receiver ${path}` },
  });
  expect(res.status).toBe(201);
  return res.body as { id: string; secret: string; enabled: boolean };
};

const decision = (requestId = randomUUID()) => ({
  requestId,
  decision: 'granted',
  reasons: [],
  userId: randomUUID(),
  doorId: randomUUID(),
  latencyMs: 12,
});

/** The messages of one request id a path got. */
const about = (path: string, requestId: string) =>
  receiver
    .at(path)
    .filter(
      (r) => (JSON.parse(r.body) as { data: { requestId?: string } }).data.requestId === requestId,
    );

const verify = (secret: string, r: Received) =>
  new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as {
    type: string;
    data: Record<string, unknown>;
  };

const deliveries = async (id: string) =>
  (await call(t.gw.url, 'GET', `/v1/webhooks/${id}/deliveries?limit=200`, { token: t.admin }))
    .body as {
    items: {
      messageId: string;
      type: string;
      state: string;
      body: string;
      attempts: { status: number | null; response: string | null }[];
    }[];
  };

beforeAll(async () => {
  receiver = await startReceiver(answer);
  t = await startAuditUnderTest(
    {
      WEBHOOK_DEV_ALLOW_HTTP_LOOPBACK: 'true',
      WEBHOOK_POLL_MS: '50',
      WEBHOOK_RETRY_BASE_MS: '100',
      WEBHOOK_RETRY_MAX_MS: '400',
      WEBHOOK_MAX_ATTEMPTS: '4',
      WEBHOOK_DISABLE_AFTER_FAILURES: '3',
      WEBHOOK_TIMEOUT_MS: '2000',
    },
    { consume: true },
  );
  access = await publisherAs('access');
}, 90_000);

afterAll(async () => {
  await access?.onApplicationShutdown();
  await t?.stop();
  await receiver?.close();
});

describe('registering endpoints', () => {
  it('shows the secret once, keeps it sealed, and refuses URLs that are not https or not public', async () => {
    const created = await register('/registered', ['access.decided']);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const listed = (await call(t.gw.url, 'GET', '/v1/webhooks', { token: t.admin })).body as {
      id: string;
    }[];
    const mine = listed.find((w) => w.id === created.id);
    expect(mine).toMatchObject({ enabled: true, events: ['access.decided'] });
    expect(JSON.stringify(listed)).not.toContain(created.secret);
    const [stored] = await query<{ secret: unknown }>(
      t.db.url,
      'select secret from webhook_endpoints where id = $1',
      [created.id],
    );
    expect(JSON.stringify(stored!.secret)).not.toContain(created.secret.slice(6));

    const refused = async (url: string, code: string) => {
      const res = await call(t.gw.url, 'POST', '/v1/webhooks', {
        token: t.admin,
        body: { url, events: ['access.decided'] },
      });
      expect({ url, status: res.status, code: res.body.code }).toEqual({ url, status: 422, code });
    };
    await refused('http://hooks.example.com/in', 'WEBHOOK_URL_NOT_ALLOWED');
    await refused('https://10.1.2.3/in', 'WEBHOOK_URL_NOT_ALLOWED');
    await refused('https://169.254.169.254/latest/meta-data', 'WEBHOOK_URL_NOT_ALLOWED');
    await refused('https://[::ffff:192.168.1.1]/in', 'WEBHOOK_URL_NOT_ALLOWED');
    await refused('https://user:pw@hooks.example.com/in', 'WEBHOOK_URL_INVALID');
    await refused('ftp://hooks.example.com/in', 'WEBHOOK_URL_INVALID');
    const bad = await call(t.gw.url, 'POST', '/v1/webhooks', {
      token: t.admin,
      body: { url: receiver.url('/x'), events: ['everything'] },
    });
    expect(bad).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    const { token: member } = await memberToken(t.gw.url, t.admin);
    expect(await call(t.gw.url, 'GET', '/v1/webhooks', { token: member })).toMatchObject({
      status: 403,
      body: { code: 'INSUFFICIENT_ROLE' },
    });
  });
});

describe('delivering', () => {
  it('signs each delivery with its endpoint secret over the id, the timestamp and the body', async () => {
    const a = await register('/a', ['access.decided', 'door.forced', 'alert.opened']);
    const b = await register('/b', ['access.decided']);
    const d = decision();
    // The decision as the access app publishes it.
    await access.publish(accessDecidedV1, {
      key: d.requestId,
      correlationId: d.requestId,
      payload: { ...d, decision: 'granted' },
    });
    const [atA] = await eventually(
      async () => {
        const got = about('/a', d.requestId);
        return got.length > 0 ? got : undefined;
      },
      20_000,
      'the decision at /a',
    );
    const [atB] = await eventually(
      async () => {
        const got = about('/b', d.requestId);
        return got.length > 0 ? got : undefined;
      },
      20_000,
      'the decision at /b',
    );
    const body = verify(a.secret, atA!);
    expect(body).toMatchObject({ type: 'access.decided', data: { ...d } });
    expect(verify(b.secret, atB!)).toEqual(body);
    // One message, one id, whichever endpoint; each signed under its own secret.
    expect(atA!.headers['webhook-id']).toBe(atB!.headers['webhook-id']);
    expect(() => verify(b.secret, atA!)).toThrow(WebhookVerificationError);
    // A changed body, or the same delivery replayed outside the window, does not verify.
    expect(() =>
      verify(a.secret, { ...atA!, body: atA!.body.replace('granted', 'denied') }),
    ).toThrow(WebhookVerificationError);
    const old = String(Math.floor(Date.now() / 1000) - 3600);
    const replayed = { ...atA!, headers: { ...atA!.headers, 'webhook-timestamp': old } };
    expect(() => verify(a.secret, replayed)).toThrow(WebhookVerificationError);
  });

  it('tries again after a 500, with the same id, and lists each attempt with its answer', async () => {
    const flaky = await register('/flaky', ['access.decided']);
    const d = decision();
    await produceRaw(
      'access.decided.v1',
      d.requestId,
      rawEnvelope('access.decided', d.requestId, d),
    );
    const delivered = await eventually(
      async () => {
        const page = await deliveries(flaky.id);
        const item = page.items.find((i) => JSON.parse(i.body).data.requestId === d.requestId);
        return item?.state === 'delivered' ? item : undefined;
      },
      20_000,
      'the delivery after a retry',
    );
    expect(delivered.attempts.map((x) => [x.status, x.response])).toEqual([
      [500, 'try again later'],
      [200, 'ok'],
    ]);
    const tries = about('/flaky', d.requestId);
    expect(tries).toHaveLength(2);
    expect(tries[0]!.headers['webhook-id']).toBe(tries[1]!.headers['webhook-id']);
    // Each try is signed afresh, and each verifies.
    for (const r of tries) verify(flaky.secret, r);
  });

  it('gives up on an attempt that gets no answer within WEBHOOK_TIMEOUT_MS, and tries again', async () => {
    const silent = await register('/silent', ['access.decided']);
    const d = decision();
    await produceRaw(
      'access.decided.v1',
      d.requestId,
      rawEnvelope('access.decided', d.requestId, d),
    );
    const attempts = await eventually(
      async () => {
        const item = (await deliveries(silent.id)).items[0];
        return item && item.attempts.length >= 2 ? item.attempts : undefined;
      },
      30_000,
      'two attempts at /silent',
    );
    expect(attempts[0]).toMatchObject({ status: null, error: 'no answer within 2000 ms' });
    await call(t.gw.url, 'DELETE', `/v1/webhooks/${silent.id}`, { token: t.admin });
  });

  it('delivers each event once per endpoint, though the record comes twice', async () => {
    const one = await register('/once-1', ['access.decided']);
    const two = await register('/once-2', ['access.decided']);
    const d = decision();
    const twice = rawEnvelope('access.decided', d.requestId, d);
    await produceRaw('access.decided.v1', d.requestId, twice);
    await produceRaw('access.decided.v1', d.requestId, twice);
    // A later record on the same partition: once it is delivered, both copies were logged.
    const marker = decision();
    await produceRaw(
      'access.decided.v1',
      d.requestId,
      rawEnvelope('access.decided', marker.requestId, marker),
    );
    for (const path of ['/once-1', '/once-2']) {
      await eventually(
        async () => (about(path, marker.requestId).length > 0 ? true : undefined),
        20_000,
        `the marker at ${path}`,
      );
    }
    await eventually(async () => {
      const pending = await query<{ n: string }>(
        t.db.url,
        `select count(*) as n from webhook_deliveries where state = 'pending'
         and endpoint_id = any($1)`,
        [[one.id, two.id]],
      );
      return pending[0]!.n === '0' ? true : undefined;
    });
    expect(about('/once-1', d.requestId)).toHaveLength(1);
    expect(about('/once-2', d.requestId)).toHaveLength(1);
    expect((await deliveries(one.id)).items.filter((i) => i.state === 'delivered')).toHaveLength(2);
  });

  it('sends a door forced and the alert it opened to an endpoint that wants both', async () => {
    const lockId = randomUUID();
    const a = (
      (await call(t.gw.url, 'GET', '/v1/webhooks', { token: t.admin })).body as {
        id: string;
        url: string;
      }[]
    ).find((w) => w.url.endsWith('/a'))!;
    await access.publish(lockEventsV1, {
      key: lockId,
      correlationId: lockId,
      payload: { lockId, kind: 'state', state: 'forced' },
    });
    const types = await eventually(
      async () => {
        const got = receiver
          .at('/a')
          .map((r) => JSON.parse(r.body) as { type: string; data: Record<string, unknown> })
          .filter((m) => m.data.lockId === lockId || m.data.subject === `lock:${lockId}`)
          .map((m) => m.type)
          .sort();
        return got.length >= 2 ? got : undefined;
      },
      20_000,
      'door.forced and alert.opened at /a',
    );
    expect(types).toEqual(['alert.opened', 'door.forced']);
    expect((await deliveries(a.id)).items.map((i) => i.type)).toEqual(
      expect.arrayContaining(['door.forced', 'alert.opened']),
    );
  });
});

describe('an endpoint that keeps failing', () => {
  it('is disabled after repeated failures, raises an alert, and can be enabled again', async () => {
    const down = await register('/down', ['access.decided']);
    for (let i = 0; i < 2; i++) {
      const d = decision();
      await produceRaw(
        'access.decided.v1',
        d.requestId,
        rawEnvelope('access.decided', d.requestId, d),
      );
    }
    const disabled = await eventually(
      async () => {
        const list = (await call(t.gw.url, 'GET', '/v1/webhooks', { token: t.admin })).body as {
          id: string;
          enabled: boolean;
          failures: number;
        }[];
        const w = list.find((x) => x.id === down.id);
        return w && !w.enabled ? w : undefined;
      },
      20_000,
      'the endpoint disabled',
    );
    expect(disabled.failures).toBeGreaterThanOrEqual(3);
    const alert = await eventually(
      async () => {
        const alerts = (await call(t.gw.url, 'GET', '/v1/alerts', { token: t.admin })).body as {
          type: string;
          subject: string;
          state: string;
        }[];
        return alerts.find(
          (x) => x.type === 'webhook-disabled' && x.subject === `webhook:${down.id}`,
        );
      },
      20_000,
      'the webhook-disabled alert',
    );
    expect(alert).toMatchObject({ state: 'open' });
    // Nothing is left pending for a disabled endpoint, and nothing new is queued for it.
    const items = (await deliveries(down.id)).items;
    expect(items.every((i) => i.state === 'failed')).toBe(true);
    const attempts = receiver.at('/down').length;
    const d = decision();
    await produceRaw(
      'access.decided.v1',
      d.requestId,
      rawEnvelope('access.decided', d.requestId, d),
    );
    await eventually(async () => (about('/a', d.requestId).length > 0 ? true : undefined));
    expect(receiver.at('/down')).toHaveLength(attempts);

    const enabled = await call(t.gw.url, 'POST', `/v1/webhooks/${down.id}/enable`, {
      token: t.admin,
    });
    expect(enabled).toMatchObject({ status: 200, body: { enabled: true, failures: 0 } });
    expect(
      await call(t.gw.url, 'DELETE', `/v1/webhooks/${down.id}`, { token: t.admin }),
    ).toMatchObject({ status: 204 });
    expect(
      await call(t.gw.url, 'GET', `/v1/webhooks/${down.id}/deliveries`, { token: t.admin }),
    ).toMatchObject({ status: 404, body: { code: 'WEBHOOK_NOT_FOUND' } });
  });
});

describe('retention', () => {
  it('deletes settled deliveries past WEBHOOK_RETENTION_DAYS with their attempts, never a pending one', async () => {
    const keep = await register('/retention', ['access.decided']);
    const row = async (state: string, ageDays: number) => {
      const id = randomUUID();
      await query(
        t.db.url,
        `insert into webhook_deliveries (id, endpoint_id, message_id, type, body, state, next_at, created_at)
         values ($1, $2, $3, 'access.decided', '{}', $4, now() + interval '1 day',
                 now() - ($5 || ' days')::interval)`,
        [id, keep.id, randomUUID(), state, String(ageDays)],
      );
      await query(
        t.db.url,
        `insert into webhook_attempts (delivery_id, n, at, status, duration_ms) values ($1, 1, now(), 200, 1)`,
        [id],
      );
      return id;
    };
    const old = [await row('delivered', 31), await row('failed', 40)];
    const kept = [await row('delivered', 29), await row('pending', 60)];
    expect(await t.audit.app.get(WebhookDispatcher).sweepSettled()).toBeGreaterThanOrEqual(2);
    const left = await query<{ id: string }>(
      t.db.url,
      'select id from webhook_deliveries where id = any($1)',
      [[...old, ...kept]],
    );
    expect(left.map((r) => r.id).sort()).toEqual([...kept].sort());
    const attempts = await query<{ n: string }>(
      t.db.url,
      'select count(*) as n from webhook_attempts where delivery_id = any($1)',
      [old],
    );
    expect(attempts[0]!.n).toBe('0');
  });
});

describe('the command line', () => {
  const BIN = path.resolve(__dirname, '../../../clients/cli/bin/roomkey.js');
  let config: string;
  beforeAll(() => (config = mkdtempSync(path.join(os.tmpdir(), 'roomkey-webhooks-'))));
  afterAll(() => rmSync(config, { recursive: true, force: true }));

  /** `roomkey --json <args>` against the gateway: its exit code and what it printed. */
  const roomkey = (args: string[], stdin = '') =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, '--json', ...args], {
        env: { ...process.env, ROOMKEY_GATEWAY_URL: t.gw.url, ROOMKEY_CONFIG_DIR: config },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(stdin);
    });

  it('adds an endpoint (its secret printed once), lists it and its deliveries, and removes it', async () => {
    const login = await roomkey(['login', '-e', ADMIN.email, '--password-stdin'], ADMIN.password);
    expect(login.code).toBe(0);
    const add = await roomkey([
      'webhooks',
      'add',
      receiver.url('/cli'),
      '--event',
      'access.decided',
      '--description',
      'from the command line',
    ]);
    expect(add.code).toBe(0);
    const created = JSON.parse(add.stdout) as { id: string; secret: string };
    expect(created.secret).toMatch(/^whsec_/);

    const ls = await roomkey(['webhooks', 'ls']);
    const listed = (JSON.parse(ls.stdout) as { id: string; enabled: boolean }[]).find(
      (w) => w.id === created.id,
    );
    expect(listed).toMatchObject({ enabled: true });
    expect(ls.stdout).not.toContain(created.secret);

    const d = decision();
    await produceRaw(
      'access.decided.v1',
      d.requestId,
      rawEnvelope('access.decided', d.requestId, d),
    );
    const [got] = await eventually(
      async () => {
        const r = about('/cli', d.requestId);
        return r.length > 0 ? r : undefined;
      },
      20_000,
      'the decision at /cli',
    );
    verify(created.secret, got!);
    const items = await eventually(async () => {
      const r = await roomkey(['webhooks', 'deliveries', created.id, '--state', 'delivered']);
      const list = JSON.parse(r.stdout) as { type: string; attempts: { status: number }[] }[];
      return list.length > 0 ? list : undefined;
    });
    expect(items[0]).toMatchObject({ type: 'access.decided', attempts: [{ status: 200 }] });

    expect((await roomkey(['webhooks', 'rm', created.id])).code).toBe(0);
    const gone = await roomkey(['webhooks', 'rm', created.id]);
    expect(gone.code).toBe(5);
    expect(gone.stderr).toContain('WEBHOOK_NOT_FOUND');
    // Each command is a process of its own: tsx starts for each.
  }, 180_000);
});
