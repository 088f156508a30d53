import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { accessDecidedV1 } from '@roomkey/contracts';
import { eventually } from '../../../test/support/apps';
import { ADMIN, call } from '../../../test/support/auth';
import { publisherAs } from '../../../test/support/kafka';
import { AuditUnderTest, startAuditUnderTest } from './support';

/**
 * docs/integrations.md's examples, taken from the page as they are and run against a real
 * system (auth, audit with its consumer, the gateway): what the page tells integrators works.
 */
const ROOT = path.resolve(__dirname, '../../..');
const WORK = path.join(ROOT, '.test-results', 'integrations-examples');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

/** Every block after `<!-- example: name -->`, by name. */
function examples(): Map<string, { lang: string; code: string }> {
  const doc = readFileSync(path.join(ROOT, 'docs', 'integrations.md'), 'utf8');
  const found = new Map<string, { lang: string; code: string }>();
  for (const m of doc.matchAll(/<!-- example: (\S+) -->\s*```(\w+)\n([\s\S]*?)\n```/g)) {
    found.set(m[1]!, { lang: m[2]!, code: m[3]! });
  }
  return found;
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

let t: AuditUnderTest;
let env: Record<string, string>;
const docs = examples();
const children: ChildProcess[] = [];

/** Writes an example to a file of its own and runs it to the end; its output. */
async function run(name: string, extra: Record<string, string> = {}): Promise<string> {
  const example = docs.get(name);
  if (!example) throw new Error(`docs/integrations.md has no example "${name}"`);
  const file = path.join(WORK, example.lang === 'ts' ? `${name}.mts` : `${name}.sh`);
  writeFileSync(file, example.code);
  const [cmd, args] = example.lang === 'ts' ? [TSX, [file]] : ['bash', [file]];
  try {
    const { stdout } = await promisify(execFile)(cmd, args, {
      cwd: WORK,
      env: { ...process.env, ...env, ...extra },
      timeout: 30_000,
    });
    return stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`example ${name} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

beforeAll(async () => {
  mkdirSync(WORK, { recursive: true });
  t = await startAuditUnderTest(
    { WEBHOOK_DEV_ALLOW_HTTP_LOOPBACK: 'true', WEBHOOK_POLL_MS: '50' },
    { consume: true },
  );
  env = { ROOMKEY_URL: t.gw.url, ROOMKEY_EMAIL: ADMIN.email, ROOMKEY_PASSWORD: ADMIN.password };
}, 90_000);

afterAll(async () => {
  for (const c of children) c.kill();
  await t?.stop();
});

describe('docs/integrations.md', () => {
  it('has the examples this test runs, each marked', () => {
    expect([...docs.keys()].sort()).toEqual(['curl', 'receiver', 'register', 'sdk']);
  });

  it('signs in with curl, lists the open alerts and exports the denials as CSV', async () => {
    const out = await run('curl');
    expect(out).toContain('requestId');
  });

  it('signs in with the SDK and reads the access log and the webhooks', async () => {
    const out = await run('sdk');
    expect(out).toMatch(/^\d+ webhook endpoint\(s\)$/m);
  });

  it('registers a webhook with curl; the receiver example verifies what is delivered and refuses a forgery', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/roomkey`;
    await run('register', { RECEIVER_URL: url });
    const secret = readFileSync(path.join(WORK, 'webhook-secret'), 'utf8').trim();
    expect(secret).toMatch(/^whsec_/);

    const receiverFile = path.join(WORK, 'receiver.mts');
    writeFileSync(receiverFile, docs.get('receiver')!.code);
    const receiver = spawn(TSX, [receiverFile], {
      cwd: WORK,
      env: { ...process.env, WEBHOOK_SECRET: secret, PORT: String(port) },
    });
    children.push(receiver);
    let printed = '';
    receiver.stdout.on('data', (c: Buffer) => (printed += c.toString()));
    receiver.stderr.on('data', (c: Buffer) => (printed += c.toString()));
    await eventually(
      async () =>
        (await fetch(url, { method: 'POST', body: '{}' })).status === 400 ? true : undefined,
      20_000,
      'the receiver example to listen (and refuse an unsigned request)',
    );

    const requestId = randomUUID();
    const access = await publisherAs('access');
    try {
      await access.publish(accessDecidedV1, {
        key: requestId,
        correlationId: requestId,
        payload: { requestId, decision: 'denied', reasons: ['no-permission'], latencyMs: 40 },
      });
    } finally {
      await access.onApplicationShutdown();
    }
    const line = await eventually(
      async () => /verified access\.decided (\S+)/.exec(printed)?.[1],
      20_000,
      `the receiver example to verify a delivery (it printed: ${printed})`,
    );
    const [endpoint] = (await call(t.gw.url, 'GET', '/v1/webhooks', { token: t.admin })).body as {
      id: string;
    }[];
    const page = (
      await call(t.gw.url, 'GET', `/v1/webhooks/${endpoint!.id}/deliveries`, { token: t.admin })
    ).body as { items: { messageId: string; state: string; attempts: { status: number }[] }[] };
    expect(page.items[0]).toMatchObject({
      messageId: line,
      state: 'delivered',
      attempts: [{ status: 204 }],
    });

    // The same delivery with its body changed, or signed under another secret: refused.
    const forged = await fetch(url, {
      method: 'POST',
      headers: {
        'webhook-id': line,
        'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'webhook-signature': 'v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
      },
      body: JSON.stringify({ type: 'access.decided', data: { decision: 'granted' } }),
    });
    expect(forged.status).toBe(400);
  });
});
