import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lockBuilds } from './podman';

const ROOT = path.resolve(__dirname, '../..');

/** Another build: a process that asks for the storage and says what it got, then waits. */
function otherBuild(cache: string): { child: ChildProcess; answer: Promise<string> } {
  const code = `
    const { lockBuilds } = require(${JSON.stringify(path.join(__dirname, 'podman'))});
    lockBuilds().then(
      () => { console.log('held ' + process.pid); setInterval(() => undefined, 1000); },
      (err) => { console.log('refused ' + err.message); process.exit(3); },
    );`;
  // node itself (tsx as a loader, not its launcher), so that the child is the process holding.
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=commonjs', '-e', code], {
    cwd: ROOT,
    env: { ...process.env, ROOMKEY_CACHE_DIR: cache },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const answer = new Promise<string>((resolve) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
    child.once('exit', () => resolve(out.trim()));
  });
  return { child, answer };
}

const gone = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((r) => child.once('exit', r));

describe('one images:build at a time', () => {
  const cache = mkdtempSync(path.join(os.tmpdir(), 'roomkey-builds-'));
  const before = process.env.ROOMKEY_CACHE_DIR;
  const others: ChildProcess[] = [];
  beforeAll(() => (process.env.ROOMKEY_CACHE_DIR = cache));
  afterEach(async () => {
    for (const c of others.splice(0)) {
      c.kill('SIGKILL');
      await gone(c);
    }
  });
  afterAll(() => {
    process.env.ROOMKEY_CACHE_DIR = before;
    rmSync(cache, { recursive: true, force: true });
  });

  it('stops with one line while another build holds the storage', async () => {
    const other = otherBuild(cache);
    others.push(other.child);
    const pid = /^held (\d+)$/.exec(await other.answer)?.[1];
    expect(pid).toBeDefined();
    await expect(lockBuilds()).rejects.toThrow(
      `another images:build (pid ${pid}) is building; wait for it to end`,
    );
  }, 60_000);

  it('of builds started at the same moment, exactly one holds the storage', async () => {
    const builds = [1, 2, 3].map(() => otherBuild(cache));
    others.push(...builds.map((b) => b.child));
    const answers = await Promise.all(builds.map((b) => b.answer));
    expect(answers.filter((a) => a.startsWith('held '))).toHaveLength(1);
    expect(answers.filter((a) => a.startsWith('refused another images:build'))).toHaveLength(2);
  }, 60_000);

  it('finds the storage free once the build holding it is killed', async () => {
    const other = otherBuild(cache);
    others.push(other.child);
    expect(await other.answer).toBe(`held ${other.child.pid}`);
    other.child.kill('SIGKILL');
    await gone(other.child);
    // Nothing to take over: the kernel freed the hold with the process.
    await expect(lockBuilds()).resolves.toBeUndefined();
    // And this process keeps it.
    await expect(lockBuilds()).resolves.toBeUndefined();
    const next = otherBuild(cache);
    others.push(next.child);
    expect(await next.answer).toBe(
      `refused another images:build (pid ${process.pid}) is building; wait for it to end`,
    );
  }, 60_000);
});
