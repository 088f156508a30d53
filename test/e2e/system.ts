import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import {
  ACCESS_REQUESTED_V1,
  ALL_TOPICS,
  AUTH_EVENTS_V1,
  FACE_CAPTURED_V1,
  FACE_CAPTURED_V2,
  FACE_CHECKED_V1,
  QR_CHECKED_V1,
} from '@roomkey/contracts';
import { appNodeArgs, applyAppPriority } from '@roomkey/common/runtime/app-process';
import { testKeyring, unique } from '../support/apps';
import { ADMIN, freshMongo } from '../support/auth';
import { MODEL_DIR } from '../support/face';
import { TcpBalancer } from '../support/balancer';
import { groupAtEnd } from '../support/kafka';
import { forgetLockClients } from '../support/locks';
import { freshDatabase } from '../support/postgres';
import { freePort } from '../../scripts/stack/proc';
import { isBuilt } from '../../scripts/serve-clients';

const ROOT = path.resolve(__dirname, '../..');
/** Each app's output, for reading after a failure (git-ignored). */
export const E2E_LOG_DIR = path.join(ROOT, '.e2e', 'logs');

export type AppName = 'auth' | 'qr' | 'face' | 'access' | 'audit' | 'gateway';
export const APPS: AppName[] = ['audit', 'auth', 'qr', 'face', 'access', 'gateway'];

/**
 * What each app consumes and must not miss from the moment it is started. The audit app reads
 * every topic from the start when its group is new, as a new deployment should; here it starts
 * at the end like the others, so a run is about its own records, however long the topics are.
 */
export const CONSUMES: Partial<Record<AppName, string[]>> = {
  qr: [ACCESS_REQUESTED_V1],
  face: [FACE_CAPTURED_V1, FACE_CAPTURED_V2, AUTH_EVENTS_V1],
  access: [ACCESS_REQUESTED_V1, QR_CHECKED_V1, FACE_CHECKED_V1, AUTH_EVENTS_V1],
  audit: ALL_TOPICS.filter((t) => t.consumers.includes('audit')).map((t) => t.name),
};

async function waitReady(
  url: string,
  child: ChildProcess,
  timeoutMs: number,
  log: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`${url}: the process exited ${child.exitCode} (its output: ${log})`);
    }
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms (its output: ${log})`);
}

/**
 * The folder of one run's app logs, named after the test file or script that started it
 * (`test-e2e-cli.e2e-spec`, `scripts-chaos`), so that a later run leaves an earlier one's
 * logs in place.
 */
function runLogDir(): string {
  const jest = (globalThis as { expect?: { getState?: () => { testPath?: string } } }).expect;
  const file = jest?.getState?.().testPath ?? process.argv[1] ?? 'run';
  const name = path
    .relative(ROOT, file)
    .replace(/\.[cm]?[jt]s$/, '')
    .replace(/[\\/]/g, '-');
  return path.join(E2E_LOG_DIR, name.startsWith('..') ? path.basename(name) : name);
}

/** What the system is run as: its processes. */
export type SystemPart = AppName | 'clients';

/**
 * Starts one part of the system with its settings (and only those: a runner adds what else it
 * needs), its output piped. By default the built app as `npm start` runs it; the container test
 * runs each part's image instead.
 */
export type PartRunner = (part: SystemPart, env: Record<string, string>) => ChildProcess;

/** The built apps (dist/) and scripts/serve-clients.ts as processes of this Node. */
export const processRunner: PartRunner = (part, env) => {
  const args =
    part === 'clients'
      ? [require.resolve('tsx/cli'), path.join(ROOT, 'scripts/serve-clients.ts')]
      : appNodeArgs(part, ROOT);
  return spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
};

export interface RunningSystem {
  /** The gateway (its balancer when it runs as several instances). */
  gateway: string;
  /** Each gateway instance's own address. */
  gateways: string[];
  /** The built admin web and kiosk, served as `npm start` serves them (with `clients`). */
  /** The mobile app's web build is served when it is built (`npm run mobile:export`). */
  clients: { admin: string; kiosk: string; mobile: string | null } | null;
  /** The process ids of each app's running instances, for measuring them. */
  pids(): Record<AppName, number[]>;
  /** How many instances of each app run. */
  instances: Record<AppName, number>;
  /** Kills an app's instance (by default every one) with SIGKILL, as a crash would. */
  crash(app: AppName, instance?: number): Promise<void>;
  /**
   * Stops an app's instance (by default every one) with SIGTERM, as Kubernetes does in a
   * rolling update, and waits until it has exited (SIGKILL after 10 s).
   */
  terminate(app: AppName, instance?: number): Promise<void>;
  /**
   * Starts it again as it was (same ports, databases, consumer groups) and waits until ready;
   * by default every instance.
   */
  restart(app: AppName, instance?: number): Promise<void>;
  env: Record<AppName, Record<string, string>>;
  databases: { audit: string; access: string; face: string; qr: string; auth: string };
  stop(): Promise<void>;
}

/**
 * A load generator is one caller sending for many people: the photo quota per caller, which
 * bounds one person or kiosk, would refuse most of its load.
 */
export const LOAD_GENERATOR_ENV: Partial<Record<AppName, Record<string, string>>> = {
  gateway: { FACE_MAX_PHOTOS_PER_CALLER: '1000' },
  face: { FACE_MAX_PHOTOS_PER_CALLER: '1000', FACE_MAX_PHOTOS_HELD: '1000' },
};

/**
 * How many instances of each app, from a list such as `face=2,access=2` (an app not named runs
 * once) or one number for every app.
 */
export function parseInstances(spec: string | undefined): Partial<Record<AppName, number>> {
  if (!spec?.trim()) return {};
  if (/^\d+$/.test(spec.trim())) {
    return Object.fromEntries(APPS.map((a) => [a, Number(spec.trim())]));
  }
  const out: Partial<Record<AppName, number>> = {};
  for (const part of spec.split(',')) {
    const [app, n] = part.split('=').map((x) => x.trim());
    if (!APPS.includes(app as AppName) || !/^[1-9]\d*$/.test(n ?? '')) {
      throw new Error(
        `instances: "${part}" is not <app>=<count> with an app of ${APPS.join(', ')}`,
      );
    }
    out[app as AppName] = Number(n);
  }
  return out;
}

/** The log and process name of an app's instance: `face`, then `face-2`, `face-3`. */
const instanceName = (app: AppName, i: number) => (i === 0 ? app : `${app}-${i + 1}`);

/**
 * The six apps as the built processes `npm start` runs (dist/), each on a database of its own
 * and in consumer groups of their own, on free ports, with keyrings made for the run. An app
 * may run as several instances (one database and consumer group, as replicas share), behind a
 * round-robin balancer on the app's address.
 */
export async function startSystem(
  options: {
    clients?: boolean;
    /** Settings of the run's own, added to each app's. */
    env?: Partial<Record<AppName, Record<string, string>>>;
    /** Instances per app (default 1). */
    instances?: Partial<Record<AppName, number>>;
    /** How each part is started: processRunner by default. */
    runner?: PartRunner;
  } = {},
): Promise<RunningSystem> {
  const logDir = runLogDir();
  mkdirSync(logDir, { recursive: true });
  const [audit, access, face] = await Promise.all([
    freshDatabase('roomkey_audit'),
    freshDatabase('roomkey_access'),
    freshDatabase('roomkey_face'),
  ]);
  const mongo = { auth: freshMongo('roomkey_auth'), qr: freshMongo('roomkey_qr') };
  const instances = Object.fromEntries(APPS.map((a) => [a, options.instances?.[a] ?? 1])) as Record<
    AppName,
    number
  >;
  const ports = Object.fromEntries(
    await Promise.all(APPS.map(async (a) => [a, await freePort()] as const)),
  ) as Record<AppName, number>;
  // One instance listens on the app's port; several listen on their own, behind a balancer.
  const instancePorts = {} as Record<AppName, number[]>;
  for (const a of APPS) {
    instancePorts[a] =
      instances[a] === 1
        ? [ports[a]]
        : await Promise.all(Array.from({ length: instances[a] }, () => freePort()));
  }
  const url = (a: AppName) => `http://127.0.0.1:${ports[a]}`;
  const instanceUrl = (a: AppName, i: number) => `http://127.0.0.1:${instancePorts[a][i]}`;
  const balancers: TcpBalancer[] = [];
  const groups = Object.fromEntries(APPS.map((a) => [a, unique(`roomkey.${a}.e2e`)])) as Record<
    AppName,
    string
  >;
  // New groups start at the end of their topics, before they join.
  await Promise.all(
    Object.entries(CONSUMES).map(([app, topics]) => groupAtEnd(groups[app as AppName], topics)),
  );
  const captureKeyring = testKeyring();
  const common = {
    LOG_LEVEL: 'info',
    AUTH_URL: url('auth'),
    QR_URL: url('qr'),
    FACE_URL: url('face'),
    ACCESS_URL: url('access'),
    AUDIT_URL: url('audit'),
    JWKS_URL: `${url('auth')}/.well-known/jwks.json`,
  };
  const env: Record<AppName, Record<string, string>> = {
    audit: {
      DATABASE_URL: audit.url,
      AUDIT_CHAIN_KEYRING: testKeyring(),
      AUDIT_CHECKPOINT_SIGNING_KEY: testKeyring(),
      WEBHOOK_KEYRING: testKeyring(),
    },
    auth: {
      MONGO_URL: mongo.auth.url,
      SIGNING_KEYRING: testKeyring(),
      ROOMKEY_ADMIN_EMAIL: ADMIN.email,
      ROOMKEY_ADMIN_PASSWORD: ADMIN.password,
    },
    qr: { MONGO_URL: mongo.qr.url, QR_KEYRING: testKeyring() },
    face: {
      DATABASE_URL: face.url,
      FACE_MODEL_DIR: MODEL_DIR,
      FACE_TEMPLATE_KEYRING: testKeyring(),
      FACE_CAPTURE_KEYRING: captureKeyring,
      RATE_ENROLMENT_PER_USER: '1000000/60',
      RATE_ENROLMENT_PER_ADDRESS: '1000000/60',
    },
    access: { DATABASE_URL: access.url, LOCK_KEYRING: testKeyring() },
    gateway: {
      FACE_CAPTURE_KEYRING: captureKeyring,
      // The flow, load and chaos runs send one photo from a member's phone; active liveness
      // has its own tests (apps/face/test/face.int-spec.ts).
      FACE_PHONE_LIVENESS: 'passive',
      // A freshly started app's first answer can take seconds on a busy machine.
      UPSTREAM_TIMEOUT_MS: '15000',
      // The admin web's and kiosk's server, on loopback, says which browser asks.
      TRUST_PROXY: 'loopback',
      // Load and chaos runs send from one address as a few callers; the limits have tests of
      // their own.
      RATE_ACCESS_REQUESTS_PER_CALLER: '1000000/60',
      RATE_ACCESS_REQUESTS_PER_ADDRESS: '1000000/60',
    },
  };
  for (const app of APPS) Object.assign(env[app], options.env?.[app]);
  const children = new Map<string, ChildProcess>();
  // Apps left running after this process dies would answer the next run's requests on the
  // shared topics: they go with it.
  const killAll = () => children.forEach((c) => c.kill('SIGKILL'));
  process.once('exit', killAll);
  const exited = (c: ChildProcess) =>
    new Promise<void>((resolve) => {
      if (c.exitCode !== null || c.signalCode !== null) return resolve();
      c.once('exit', () => resolve());
    });
  const terminate = (c: ChildProcess) => {
    c.kill('SIGTERM');
    setTimeout(() => c.kill('SIGKILL'), 10000).unref();
    return exited(c);
  };
  const stopAll = async () => {
    process.removeListener('exit', killAll);
    await Promise.all(balancers.map((b) => b.stop()));
    await Promise.all([...children.values()].map(terminate));
  };
  const logOf = (name: string) => path.join(logDir, `${name}.log`);
  /** A child process of the run, its output appended to .e2e/logs/<run>/<name>.log. */
  const runner = options.runner ?? processRunner;
  const spawnLogged = (name: string, part: SystemPart, childEnv: Record<string, string>) => {
    const log = createWriteStream(logOf(name), { flags: 'a' });
    const child = runner(part, childEnv);
    const note = runner === processRunner ? applyAppPriority(part, child.pid) : undefined;
    if (note) log.write(`${note}\n`);
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    children.set(name, child);
    return child;
  };
  /**
   * Starts an app's instance (again: same port, database and consumer groups) and waits until
   * it is ready.
   */
  const launchOne = async (app: AppName, i: number) => {
    const child = spawnLogged(instanceName(app, i), app, {
      ...common,
      ...env[app],
      PORT: String(instancePorts[app][i]),
      KAFKA_GROUP_ID: groups[app],
    });
    await waitReady(
      `${instanceUrl(app, i)}/health/ready`,
      child,
      90_000,
      logOf(instanceName(app, i)),
    );
  };
  const each = (app: AppName, instance: number | undefined) =>
    instance === undefined ? Array.from({ length: instances[app] }, (_, i) => i) : [instance];
  const launch = async (app: AppName, instance?: number) => {
    await Promise.all(each(app, instance).map((i) => launchOne(app, i)));
  };
  let clients: RunningSystem['clients'] = null;
  /** scripts/serve-clients.ts, as `npm start` runs it, forwarding to this gateway. */
  const serveClients = async () => {
    const [admin, kiosk, mobile] = [await freePort(), await freePort(), await freePort()];
    const child = spawnLogged('clients', 'clients', {
      ROOMKEY_GATEWAY_URL: url('gateway'),
      ROOMKEY_ADMIN_PORT: String(admin),
      ROOMKEY_KIOSK_PORT: String(kiosk),
      ROOMKEY_MOBILE_PORT: String(mobile),
    });
    const served = {
      admin: `http://127.0.0.1:${admin}`,
      kiosk: `http://127.0.0.1:${kiosk}`,
      // serve-clients.ts serves it when built; the web image carries the two web clients only.
      mobile: runner === processRunner && isBuilt('mobile') ? `http://127.0.0.1:${mobile}` : null,
    };
    await waitReady(`${served.admin}/`, child, 30_000, logOf('clients'));
    await waitReady(`${served.kiosk}/`, child, 30_000, logOf('clients'));
    if (served.mobile) await waitReady(`${served.mobile}/`, child, 30_000, logOf('clients'));
    return served;
  };
  try {
    for (const name of [
      ...APPS.flatMap((a) => each(a, undefined).map((i) => instanceName(a, i))),
      'clients',
    ]) {
      rmSync(logOf(name), { force: true });
    }
    for (const app of APPS.filter((a) => instances[a] > 1)) {
      const balancer = new TcpBalancer(instancePorts[app]);
      balancers.push(balancer);
      await balancer.start(ports[app]);
    }
    await Promise.all(APPS.map((a) => launch(a)));
    if (options.clients) clients = await serveClients();
  } catch (err) {
    await stopAll();
    throw err;
  }
  return {
    gateway: url('gateway'),
    gateways: each('gateway', undefined).map((i) => instanceUrl('gateway', i)),
    clients,
    instances,
    pids: () =>
      Object.fromEntries(
        APPS.map((a) => [a, each(a, undefined).map((i) => children.get(instanceName(a, i))!.pid!)]),
      ) as Record<AppName, number[]>,
    async crash(app, instance) {
      await Promise.all(
        each(app, instance).map(async (i) => {
          const child = children.get(instanceName(app, i))!;
          child.kill('SIGKILL');
          await exited(child);
        }),
      );
    },
    async terminate(app, instance) {
      await Promise.all(
        each(app, instance).map((i) => terminate(children.get(instanceName(app, i))!)),
      );
    },
    restart: launch,
    env,
    databases: {
      audit: audit.url,
      access: access.url,
      face: face.url,
      qr: mongo.qr.url,
      auth: mongo.auth.url,
    },
    async stop() {
      await stopAll();
      await forgetLockClients(access.url);
      await Promise.all([
        audit.drop(),
        access.drop(),
        face.drop(),
        mongo.auth.drop(),
        mongo.qr.drop(),
      ]);
    },
  };
}
