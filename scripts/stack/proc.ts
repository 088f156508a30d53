import { spawn, spawnSync, SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

/** Runs a command to completion; throws with its output when it fails. */
export function run(cmd: string, args: string[], opts: SpawnSyncOptions = {}): string {
  const res = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (res.error) throw new Error(`${cmd}: ${res.error.message}`);
  if (res.status !== 0) {
    const out = `${res.stdout ?? ''}${res.stderr ?? ''}`.trim().split('\n').slice(-20).join('\n');
    throw new Error(`${cmd} ${args.join(' ')} exited ${res.status}\n${out}`);
  }
  return String(res.stdout ?? '');
}

/** A long-running server of the stack: started detached, tracked by a pid file. */
export class Daemon {
  readonly pidFile: string;
  readonly logFile: string;

  constructor(
    readonly name: string,
    readonly dir: string,
  ) {
    mkdirSync(dir, { recursive: true });
    this.pidFile = path.join(dir, `${name}.pid`);
    this.logFile = path.join(dir, `${name}.log`);
  }

  pid(): number | undefined {
    if (!existsSync(this.pidFile)) return undefined;
    const pid = Number(readFileSync(this.pidFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
  }

  start(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
    const log = openSync(this.logFile, 'a');
    const child = spawn(cmd, args, { detached: true, stdio: ['ignore', log, log], env });
    if (child.pid === undefined) throw new Error(`${this.name}: could not start ${cmd}`);
    child.unref();
    writeFileSync(this.pidFile, String(child.pid));
    return child.pid;
  }

  /** Records a pid of a process the daemon forked itself (e.g. pg_ctl's postgres). */
  adopt(pid: number): void {
    writeFileSync(this.pidFile, String(pid));
  }

  async stop(timeoutMs = 20000): Promise<boolean> {
    const pid = this.pid();
    if (pid === undefined) {
      rmSync(this.pidFile, { force: true });
      return false;
    }
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + timeoutMs;
    while (isAlive(pid) && Date.now() < deadline) await sleep(100);
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(this.pidFile, { force: true });
    return true;
  }

  tail(lines = 30): string {
    if (!existsSync(this.logFile)) return '';
    return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function portOpen(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Polls `ready` until it answers true; fails with the daemon's log tail when it never does. */
export async function waitFor(
  what: string,
  ready: () => Promise<boolean>,
  opts: { timeoutMs?: number; daemon?: Daemon } = {},
): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60000);
  while (Date.now() < deadline) {
    if (await ready().catch(() => false)) return;
    if (opts.daemon && opts.daemon.pid() === undefined) break;
    await sleep(250);
  }
  const tail = opts.daemon ? `\n--- ${opts.daemon.logFile} ---\n${opts.daemon.tail()}` : '';
  throw new Error(`${what} did not become ready${tail}`);
}
