import { existsSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The one place that says where the local stack listens and keeps its state. The stack scripts
 * and the apps' config defaults both read it, so changing a port here (or through its
 * environment variable) moves the servers and the apps together. A user with their own Kafka,
 * MongoDB, PostgreSQL or MQTT sets the apps' connection variables instead (see the README).
 */
export interface StackSettings {
  /** `dev` (what `npm start` uses) or `test` (what the test commands use): two separate stacks. */
  profile: StackProfile;
  /** Folder for the data, logs and pid files of the local stack (git-ignored). */
  dir: string;
  /**
   * Folder outside the checkout for what the stack builds or fetches (Kafka's jars, the FerretDB
   * binary), each under a name carrying its version: every clone and both profiles share them.
   */
  cacheDir: string;
  host: string;
  kafka: { port: number; controllerPort: number; version: string; heapMb: number };
  mongo: { port: number; ferretdbVersion: string };
  postgres: { port: number; user: string; password: string; binDir: string };
  mqtt: { port: number };
}

const REPO_ROOT = path.resolve(__dirname, '../../../..');

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0 || value > 65535) {
    throw new Error(`${name} must be an integer between 1 and 65535, got "${raw}"`);
  }
  return value;
}

export type StackProfile = 'dev' | 'test';

/**
 * The test commands run on a stack of their own (ROOMKEY_STACK=test: its own folder and ports),
 * so that tests and a running `npm start` never share a broker, a database or a topic.
 */
const PROFILES: Record<StackProfile, { folder: string; ports: number }> = {
  dev: { folder: '.stack', ports: 0 },
  test: { folder: path.join('.stack', 'test'), ports: 10000 },
};

export function stackSettings(env: NodeJS.ProcessEnv = process.env): StackSettings {
  const s = settingsFrom(env);
  // The superuser's password: as set, else the one the stack made, else that of a cluster made
  // before the stack made passwords.
  s.postgres.password =
    env.ROOMKEY_PG_PASSWORD ?? stackCredentials(s)?.postgres?.[s.postgres.user] ?? 'roomkey';
  return s;
}

function settingsFrom(env: NodeJS.ProcessEnv): StackSettings {
  const profile = env.ROOMKEY_STACK ?? 'dev';
  if (profile !== 'dev' && profile !== 'test') {
    throw new Error(`ROOMKEY_STACK must be dev or test, got "${profile}"`);
  }
  const { folder, ports } = PROFILES[profile];
  return {
    profile,
    dir: path.resolve(env.ROOMKEY_STACK_DIR ?? path.join(findRepoRoot(), folder)),
    cacheDir: path.resolve(
      env.ROOMKEY_CACHE_DIR ??
        path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'roomkey'),
    ),
    host: env.ROOMKEY_STACK_HOST ?? '127.0.0.1',
    kafka: {
      port: intFrom(env, 'ROOMKEY_KAFKA_PORT', ports + 9092),
      controllerPort: intFrom(env, 'ROOMKEY_KAFKA_CONTROLLER_PORT', ports + 9093),
      version: '3.9.1',
      heapMb: intFrom(env, 'ROOMKEY_KAFKA_HEAP_MB', 512),
    },
    mongo: {
      port: intFrom(env, 'ROOMKEY_MONGO_PORT', ports + 27017),
      ferretdbVersion: 'v1.24.2',
    },
    postgres: {
      port: intFrom(env, 'ROOMKEY_PG_PORT', ports + 5433),
      user: env.ROOMKEY_PG_USER ?? 'roomkey',
      password: '',
      binDir: env.ROOMKEY_PG_BIN ?? '/usr/lib/postgresql/15/bin',
    },
    mqtt: { port: intFrom(env, 'ROOMKEY_MQTT_PORT', ports + 1883) },
  };
}

/**
 * The local stack's credentials: a password per principal, made at random when the stack is
 * first set up and kept in its folder (readable by the owner only). The apps' defaults read
 * their own from here, as they read the stack's ports; a deployment sets each app's variables.
 */
export interface StackCredentials {
  /** Kafka's SCRAM users: `roomkey-admin` (the stack and operator tools) and `roomkey-<app>`. */
  kafka: Record<string, string>;
  /** PostgreSQL's roles: the stack's superuser, and a role per app named as its database. */
  postgres?: Record<string, string>;
  /**
   * The MQTT broker's clients: `roomkey-admin` (the stack and the tests' tools) and
   * `roomkey-access`. Each lock's own client is made by the access app, its password shown once.
   */
  mqtt?: Record<string, string>;
  /** The MongoDB API's users (FerretDB): `roomkey-admin` (the stack) and `roomkey-<app>`. */
  mongo?: Record<string, string>;
}

export const credentialsFile = (s: StackSettings) => path.join(s.dir, 'credentials.json');

export function stackCredentials(s: StackSettings = stackSettings()): StackCredentials | undefined {
  const file = credentialsFile(s);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as StackCredentials;
}

/** The Kafka principal of the stack itself, the tests' tools and operator commands. */
export const KAFKA_ADMIN_USER = 'roomkey-admin';

/** The MongoDB API's user of the stack itself: it makes the apps' users. */
export const MONGO_ADMIN_USER = 'roomkey-admin';

/** The apps that keep their data in MongoDB, each as user `roomkey-<app>` in database `roomkey_<app>`. */
export const MONGO_APPS = ['auth', 'qr'] as const;

/** The MQTT client of the stack itself: it administers the broker's clients and roles. */
export const MQTT_ADMIN_USER = 'roomkey-admin';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** Where the local stack's PostgreSQL puts its Unix socket. */
export const postgresSocketFolder = (s: StackSettings) => path.join(s.dir, 'postgres', 'sock');

/**
 * The folder of the local PostgreSQL's Unix socket, when the stack runs on this machine and the
 * socket is there. A statement over the socket costs less CPU than over TCP on loopback (about
 * a fifth less, client and server together, in a loop of small queries).
 */
export function postgresSocketDir(s: StackSettings): string | undefined {
  const dir = postgresSocketFolder(s);
  return LOOPBACK.has(s.host) && existsSync(path.join(dir, `.s.PGSQL.${s.postgres.port}`))
    ? dir
    : undefined;
}

/** Connection strings for the apps, pointing at the local stack; each is overridable per app. */
export function stackUrls(s: StackSettings = stackSettings()) {
  const socket = postgresSocketDir(s);
  return {
    kafkaBrokers: `${s.host}:${s.kafka.port}`,
    /**
     * A database as `user` (users are kept in `admin`): by default the stack's own user (for the
     * stack and the tests' tools); an app's user is `roomkey-<app>`, its password from the
     * credentials. Without a password the URL has no user, and the server refuses it.
     */
    mongo: (db: string, user: string = MONGO_ADMIN_USER) => {
      const password = stackCredentials(s)?.mongo?.[user];
      const login = password ? `${encodeURIComponent(user)}:${encodeURIComponent(password)}@` : '';
      return `mongodb://${login}${s.host}:${s.mongo.port}/${db}${password ? '?authSource=admin' : ''}`;
    },
    /**
     * A database as `role`: by default the stack's superuser (for the stack and the tests' own
     * tools); an app's role is named as its database, with its password from the credentials.
     */
    postgres: (db: string, role: string = s.postgres.user) => {
      const password =
        role === s.postgres.user
          ? s.postgres.password
          : (stackCredentials(s)?.postgres?.[role] ?? '');
      return (
        `postgres://${encodeURIComponent(role)}:${encodeURIComponent(password)}@${s.host}:${s.postgres.port}/${db}` +
        (socket ? `?host=${encodeURIComponent(socket)}` : '')
      );
    },
    mqtt: `mqtt://${s.host}:${s.mqtt.port}`,
  };
}

/** The databases the PostgreSQL apps own; the stack creates each one, owned by a role of its name. */
export const POSTGRES_DATABASES = ['roomkey_face', 'roomkey_access', 'roomkey_audit'] as const;

function findRepoRoot(): string {
  // Compiled code lives one level deeper (dist/libs/common/src/config); both resolve to the repo.
  return path.basename(path.resolve(REPO_ROOT)) === 'dist'
    ? path.resolve(REPO_ROOT, '..')
    : REPO_ROOT;
}
