import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from './proc';

/**
 * The stack script as a new machine runs it: empty Go, Maven and build caches, both cores kept
 * busy by other processes, and a stack of its own on free ports. The Kafka fetch and the
 * FerretDB build then take minutes; no server's readiness may run out of time meanwhile.
 */
const ROOT = path.resolve(__dirname, '../..');
const TSX = require.resolve('tsx/cli');

function stack(cmd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [TSX, path.join(ROOT, 'scripts/stack/cli.ts'), cmd], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const keep = (b: Buffer) => {
      out += b.toString('utf8');
      process.stdout.write(b);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    child.once('close', (code) => resolve({ code, out }));
  });
}

describe('the stack script on a new machine', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'roomkey-cold-'));
  // PostgreSQL runs as its own system user, which must reach the stack's folder.
  chmodSync(tmp, 0o755);
  const load: ChildProcess[] = [];
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    const [kafka, controller, mongo, pg, mqtt] = await Promise.all(
      Array.from({ length: 5 }, freePort),
    );
    env = {
      ...process.env,
      ROOMKEY_STACK_DIR: path.join(tmp, 'stack'),
      ROOMKEY_CACHE_DIR: path.join(tmp, 'cache'),
      ROOMKEY_KAFKA_PORT: String(kafka),
      ROOMKEY_KAFKA_CONTROLLER_PORT: String(controller),
      ROOMKEY_MONGO_PORT: String(mongo),
      ROOMKEY_PG_PORT: String(pg),
      ROOMKEY_MQTT_PORT: String(mqtt),
      GOCACHE: path.join(tmp, 'go-build'),
      GOMODCACHE: path.join(tmp, 'go-mod'),
      GOPATH: path.join(tmp, 'go'),
      // Module files are read-only unless asked; the folder is removed afterwards.
      GOFLAGS: '-modcacherw',
      MAVEN_OPTS: `-Dmaven.repo.local=${path.join(tmp, 'm2')}`,
    };
    for (let i = 0; i < os.availableParallelism(); i++) {
      load.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
    }
  });

  afterAll(async () => {
    load.forEach((p) => p.kill('SIGKILL'));
    await stack('down', env);
    rmSync(tmp, { recursive: true, force: true });
  });

  it('fetches, builds, starts every server and makes the topics at the first try', async () => {
    const up = await stack('up', env);
    expect(up.code).toBe(0);
    // Each long step says what it does and how long it took; the waits come after them.
    expect(up.out).toMatch(/fetching Kafka .*: done in \d+\.\d s/);
    expect(up.out).toMatch(/building FerretDB .*: done in \d+\.\d s/);
    expect(up.out.indexOf('waiting up to')).toBeGreaterThan(up.out.lastIndexOf('done in'));
    expect(up.out).toMatch(/topics made or grown: /);
    const status = await stack('status', env);
    expect(status.code).toBe(0);
  });
});
