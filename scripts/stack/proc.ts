import { spawn, SpawnOptions } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

/**
 * Runs a command to completion as an awaited child process (the event loop keeps running, so
 * the readiness checks of servers started beside it keep their time); throws with the end of
 * its output when it fails.
 */
export function run(cmd: string, args: string[], opts: SpawnOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => out.push(b));
    child.once('error', (err) => reject(new Error(`${cmd}: ${err.message}`)));
    child.once('close', (code, signal) => {
      const text = Buffer.concat(out).toString('utf8');
      if (code === 0) return resolve(text);
      const tail = text.trim().split('\n').slice(-20).join('\n');
      reject(new Error(`${cmd} ${args.join(' ')} exited ${signal ?? code}\n${tail}`));
    });
  });
}

/** Says what a long step does, runs it, and says how long it took. */
export async function step<T>(log: (m: string) => void, what: string, fn: () => Promise<T>) {
  const started = Date.now();
  log(`${what} …`);
  try {
    const result = await fn();
    log(`${what}: done in ${seconds(started)}`);
    return result;
  } catch (err) {
    log(`${what}: failed after ${seconds(started)}`);
    throw err;
  }
}

export const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

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

/** A TCP port on loopback that nothing listens on right now. */
export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

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

/**
 * Polls `ready` until it answers true; fails with the daemon's log tail when it never does, or
 * at once when the daemon has exited. `what` names the server and what it must do to be ready.
 */
export async function waitFor(
  what: string,
  ready: () => Promise<boolean>,
  opts: { timeoutMs?: number; daemon?: Daemon; log?: (m: string) => void } = {},
): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 60000;
  const started = Date.now();
  opts.log?.(`waiting up to ${timeoutMs / 1000} s for ${what}`);
  while (Date.now() - started < timeoutMs) {
    if (await ready().catch(() => false)) {
      opts.log?.(`${what}: yes, after ${seconds(started)}`);
      return;
    }
    if (opts.daemon && opts.daemon.pid() === undefined) {
      const tail = `\n--- ${opts.daemon.logFile} ---\n${opts.daemon.tail()}`;
      throw new Error(`${what}: the process exited after ${seconds(started)}${tail}`);
    }
    await sleep(250);
  }
  const tail = opts.daemon ? `\n--- ${opts.daemon.logFile} ---\n${opts.daemon.tail()}` : '';
  throw new Error(`${what}: still no after ${seconds(started)}${tail}`);
}
