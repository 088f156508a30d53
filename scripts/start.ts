import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  unwatchFile,
  watchFile,
  writeFileSync,
} from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { stackSettings } from '@roomkey/common/config/stack';
import { appNodeArgs, applyAppPriority } from '@roomkey/common/runtime/app-process';
import { up as stackUp } from './stack/cli';
import { modelDir } from './models';
import { clientPort, isBuilt } from './serve-clients';
import type { LockSimulator } from '../apps/access/src/sim/lock-simulator';
import { startDemoLock } from '../clients/cli/src/demo/lock';
import { demoFile, demoSummary, findDemo, type DemoSite } from '../clients/cli/src/demo/state';
import { EXIT } from '../clients/cli/src/exit-codes';

/** The demo site's lock, simulated in this process while the apps run; null when it cannot. */
async function demoLockOf(site: DemoSite): Promise<LockSimulator | null> {
  try {
    const sim = await startDemoLock(site, (line) => console.log(`demo    | ${line}`));
    console.log(`demo    | the demo lock of ${site.door.name} is online (simulated here)`);
    return sim;
  } catch (err) {
    console.log(`demo    | the demo lock could not connect: ${(err as Error).message}`);
    return null;
  }
}

/**
 * On a system with no rooms, offers the demo site (`roomkey demo seed --ask`): asked on a
 * terminal, made without asking with ROOMKEY_DEMO=1, never offered with ROOMKEY_DEMO=0.
 */
async function offerDemo(
  gateway: string,
  admin: { email: string; password: string },
  stopping: () => boolean,
): Promise<void> {
  // Just started on a busy machine, an app can still be too slow to answer in time: the
  // command then says the system is unavailable, and is tried again a little later.
  for (let attempt = 1; attempt <= 3; attempt++) {
    if ((await seedDemo(gateway, admin)) !== EXIT.UNAVAILABLE || attempt === 3) return;
    console.log('roomkey: the apps are still warming up; offering the demo again in 10 s');
    await new Promise((r) => setTimeout(r, 10_000));
    if (stopping()) return;
  }
}

/** `roomkey demo seed` as the first admin; its exit code (0 when there is nothing to offer). */
function seedDemo(
  gateway: string,
  admin: { email: string; password: string },
): Promise<number | null> {
  const mode = process.env.ROOMKEY_DEMO;
  if (mode === '0' || findDemo()) return Promise.resolve(0);
  // The command prints the new site itself.
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        CLI,
        '--gateway',
        gateway,
        'demo',
        'seed',
        '--as',
        admin.email,
        mode === '1' ? '--if-empty' : '--ask',
      ],
      {
        cwd: ROOT,
        stdio: 'inherit',
        env: {
          ...process.env,
          ROOMKEY_PASSWORD: admin.password,
          ROOMKEY_KIOSK_URL:
            process.env.ROOMKEY_KIOSK_URL ?? `http://127.0.0.1:${clientPort('kiosk')}`,
        },
      },
    );
    child.on('exit', (code) => resolve(code));
  });
}

/**
 * `npm start`: the local stack (unless ROOMKEY_SKIP_STACK=1, for your own servers), a build, the
 * six apps as child processes with their logs interleaved, and the admin web and door kiosk
 * served next to the gateway. Ctrl-C stops the apps and leaves
 * the stack running for the next start (`npm run stack:down` stops it).
 */
const ROOT = path.resolve(__dirname, '..');
/** The CLI as `npx roomkey` runs it. */
const CLI = path.join(ROOT, 'clients/cli/bin/roomkey.js');
const APPS: Array<{ name: string; port: number }> = [
  { name: 'audit', port: 3005 },
  { name: 'auth', port: 3001 },
  { name: 'qr', port: 3002 },
  { name: 'face', port: 3003 },
  { name: 'access', port: 3004 },
  { name: 'gateway', port: Number(process.env.PORT ?? 3000) },
];
const portOf = (name: string) =>
  Number(
    process.env[`ROOMKEY_${name.toUpperCase()}_PORT`] ?? APPS.find((a) => a.name === name)!.port,
  );

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: 'inherit' });
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}`)),
    );
  });
}

async function waitReady(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

/**
 * The first admin for a development machine: ROOMKEY_ADMIN_EMAIL/ROOMKEY_ADMIN_PASSWORD when
 * set, otherwise made up once and kept in the stack folder (git-ignored, readable by you only).
 */
function developmentAdmin(): { email: string; password: string; file?: string } {
  const { ROOMKEY_ADMIN_EMAIL: email, ROOMKEY_ADMIN_PASSWORD: password } = process.env;
  if (email && password) return { email, password };
  const dir = stackSettings().dir;
  const file = path.join(dir, 'dev-admin.json');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const made = { email: 'admin@roomkey.local', password: randomBytes(15).toString('base64url') };
    writeFileSync(file, `${JSON.stringify(made, null, 2)}\n`, { mode: 0o600 });
  }
  return {
    ...(JSON.parse(readFileSync(file, 'utf8')) as { email: string; password: string }),
    file,
  };
}

async function main(): Promise<void> {
  const admin = developmentAdmin();
  const models = modelDir();
  if (process.env.ROOMKEY_SKIP_STACK !== '1') await stackUp();
  await run('npm', ['run', '--silent', 'build']);
  await run('npm', ['run', '--silent', 'clients:build']);
  await run('npm', ['run', '--silent', 'mobile:export']);

  const children: ChildProcess[] = [];
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    console.log(
      '\nstopping the apps (the local stack keeps running; `npm run stack:down` stops it)',
    );
    for (const c of children) c.kill('SIGTERM');
    setTimeout(() => children.forEach((c) => c.kill('SIGKILL')), 10000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  /**
   * A child process whose lines are printed under its name. One that exits on its own is started
   * again, as a container runtime or Kubernetes would (a slow start on a busy machine can fail
   * on a timeout), up to RESTARTS times in RESTART_WINDOW_MS; after that, everything stops.
   */
  const RESTARTS = 3;
  const RESTART_WINDOW_MS = 5 * 60_000;
  const exits = new Map<string, number[]>();
  const startChild = (name: string, args: string[], env: Record<string, string | undefined>) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    const note = applyAppPriority(name, child.pid);
    if (note) console.log(`${name.padEnd(8)}| ${note}`);
    for (const stream of [child.stdout!, child.stderr!]) {
      readline
        .createInterface({ input: stream })
        .on('line', (line) => console.log(`${name.padEnd(8)}| ${line}`));
    }
    child.on('exit', (code, signal) => {
      if (stopping) return;
      children.splice(children.indexOf(child), 1);
      const now = Date.now();
      const recent = [...(exits.get(name) ?? []), now].filter((t) => now - t < RESTART_WINDOW_MS);
      exits.set(name, recent);
      if (recent.length > RESTARTS) {
        console.error(
          `${name} exited (${signal ?? code}) ${recent.length} times in ${RESTART_WINDOW_MS / 60_000} minutes; stopping the others`,
        );
        process.exitCode = 1;
        stop();
        return;
      }
      console.error(
        `${name} exited (${signal ?? code}); starting it again in 3 s (${recent.length} of ${RESTARTS})`,
      );
      setTimeout(() => {
        if (!stopping) startChild(name, args, env);
      }, 3000);
    });
  };

  // A laptop has no keys of its own: the apps fall back to the public development keyrings for
  // every keyring not set. Asked for by name, and said at every start.
  const devKeys = process.env.ROOMKEY_DEV_KEYS ?? '1';
  if (devKeys === '1' || devKeys === 'true') {
    console.log(
      '*** DEVELOPMENT KEYS (ROOMKEY_DEV_KEYS=1): every keyring not set in the environment is a PUBLIC key; nothing sealed with it is secret ***',
    );
  }
  for (const app of APPS) {
    startChild(app.name, appNodeArgs(app.name, ROOT), {
      ROOMKEY_DEV_KEYS: devKeys,
      PORT: String(portOf(app.name)),
      AUDIT_URL: process.env.AUDIT_URL ?? `http://127.0.0.1:${portOf('audit')}`,
      AUTH_URL: process.env.AUTH_URL ?? `http://127.0.0.1:${portOf('auth')}`,
      QR_URL: process.env.QR_URL ?? `http://127.0.0.1:${portOf('qr')}`,
      FACE_URL: process.env.FACE_URL ?? `http://127.0.0.1:${portOf('face')}`,
      ACCESS_URL: process.env.ACCESS_URL ?? `http://127.0.0.1:${portOf('access')}`,
      JWKS_URL: process.env.JWKS_URL ?? `http://127.0.0.1:${portOf('auth')}/.well-known/jwks.json`,
      ...(app.name === 'face' ? { FACE_MODEL_DIR: models } : {}),
      // The admin web's and kiosk's server (serve-clients.ts) says which browser asks.
      ...(app.name === 'gateway' ? { TRUST_PROXY: process.env.TRUST_PROXY ?? 'loopback' } : {}),
      ...(app.name === 'auth'
        ? { ROOMKEY_ADMIN_EMAIL: admin.email, ROOMKEY_ADMIN_PASSWORD: admin.password }
        : {}),
    });
  }

  const gateway = `http://127.0.0.1:${portOf('gateway')}`;
  // The admin web and the kiosk, built, each on its port, their API calls sent to the gateway.
  startChild('clients', [require.resolve('tsx/cli'), path.join(ROOT, 'scripts/serve-clients.ts')], {
    ROOMKEY_GATEWAY_URL: gateway,
  });

  const results = await Promise.all(
    APPS.map((a) => waitReady(`http://127.0.0.1:${portOf(a.name)}/health/ready`, 90000)),
  );
  if (stopping) return;
  const unready = APPS.filter((_, i) => !results[i]).map((a) => a.name);
  console.log('');
  if (unready.length > 0)
    console.log(`not ready yet: ${unready.join(', ')} (see their logs above)`);
  console.log(`roomkey is running`);
  console.log(`  gateway       ${gateway}`);
  console.log(`  API docs      ${gateway}/docs   (OpenAPI JSON: ${gateway}/docs-json)`);
  console.log(`  admin web     http://127.0.0.1:${clientPort('admin')}`);
  console.log(
    `  door kiosk    http://127.0.0.1:${clientPort('kiosk')}   (set up from Places & devices → Register a kiosk)`,
  );
  if (isBuilt('mobile')) {
    console.log(
      `  mobile app    http://127.0.0.1:${clientPort('mobile')}   (its web version; on a phone: clients/mobile/README.md)`,
    );
  }
  console.log(
    `  apps          ${APPS.filter((a) => a.name !== 'gateway')
      .map((a) => `${a.name} :${portOf(a.name)}`)
      .join(', ')}`,
  );
  console.log(
    admin.file
      ? `  sign in       ${admin.email} / ${admin.password}   (first admin, made when there is none; kept in ${path.relative(ROOT, admin.file)})`
      : `  sign in       ${admin.email} with ROOMKEY_ADMIN_PASSWORD`,
  );
  console.log(`  CLI           npx roomkey login -e ${admin.email}   (npx roomkey --help)`);
  console.log(
    `                curl -s ${gateway}/v1/auth/login -H 'content-type: application/json' \\\n` +
      `                  -d '{"email":"${admin.email}","password":"…"}'`,
  );
  const hadDemo = findDemo() !== null;
  if (unready.length === 0) await offerDemo(gateway, admin, () => stopping);
  // Ctrl-C during the offer: nothing of the demo is started, and nothing keeps this process up.
  if (stopping) return;
  // The demo lock runs here, from the start or as soon as `roomkey demo seed` makes the site.
  let demoLock: LockSimulator | null | undefined;
  const runDemo = async (summary: boolean) => {
    const site = demoLock === undefined ? findDemo() : null;
    if (!site || stopping) return;
    demoLock = null;
    demoLock = await demoLockOf(site);
    if (!summary) return;
    console.log('');
    for (const line of demoSummary(site, path.relative(ROOT, demoFile()))) console.log(line);
  };
  await runDemo(hadDemo).catch((err: Error) => console.log(`demo    | ${err.message}`));
  if (demoLock === undefined) {
    watchFile(demoFile(), { interval: 2000 }, () => {
      void runDemo(false).catch((err: Error) => console.log(`demo    | ${err.message}`));
    });
  }
  const stopDemo = () => {
    unwatchFile(demoFile());
    demoLock?.crash();
  };
  process.once('SIGINT', stopDemo);
  process.once('SIGTERM', stopDemo);
  console.log('Ctrl-C stops the apps.');
}

main().catch((err: Error) => {
  console.error(`npm start failed: ${err.message}`);
  process.exit(1);
});
