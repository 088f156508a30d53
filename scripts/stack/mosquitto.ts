import { pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import mqtt, { IClientOptions } from 'mqtt';
import { MQTT_ADMIN_USER, stackCredentials, StackSettings } from '@roomkey/common/config/stack';
import { ensureCredentials } from './credentials';
import { Daemon, portOpen, run, waitFor } from './proc';

/** Where Debian's mosquitto package puts its dynamic security plugin, by architecture. */
const DYNSEC_PLUGINS = [
  '/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so',
  '/usr/lib/aarch64-linux-gnu/mosquitto_dynamic_security.so',
  '/usr/lib/mosquitto_dynamic_security.so',
];

/** One rule of a role, as the dynamic security plugin keeps it. */
interface Acl {
  acltype: string;
  topic: string;
  allow: boolean;
  priority?: number;
}
interface DynsecClient {
  username: string;
  textName?: string;
  password?: string;
  salt?: string;
  iterations?: number;
  roles?: { rolename: string }[];
  [field: string]: unknown;
}
interface DynsecRole {
  rolename: string;
  acls: Acl[];
  [field: string]: unknown;
}
/** The plugin's file: its clients, groups and roles, kept by the broker as they change. */
interface DynsecFile {
  clients: DynsecClient[];
  groups: unknown[];
  roles: DynsecRole[];
  defaultACLAccess: Record<string, boolean>;
  [field: string]: unknown;
}

const rule = (acltype: string, topic: string): Acl => ({ acltype, topic, allow: true });
const CONTROL = '$CONTROL/dynamic-security/v1';

/** The stack's own client: it administers clients and roles, and reads no lock's traffic. */
const ADMIN_ACLS = [
  rule('publishClientSend', '$CONTROL/dynamic-security/#'),
  rule('publishClientReceive', '$CONTROL/dynamic-security/#'),
  rule('subscribePattern', '$CONTROL/dynamic-security/#'),
  rule('publishClientReceive', '$SYS/#'),
  rule('subscribePattern', '$SYS/#'),
];

/**
 * The access app: it sends the locks' commands, hears their acknowledgements and states, and
 * makes and removes each lock's own client and role. A deployment's broker gives its
 * `roomkey-access` client the same role (docs/security.md).
 */
export const ACCESS_ACLS = [
  rule('publishClientSend', 'locks/+/cmd'),
  rule('subscribePattern', 'locks/+/ack'),
  rule('subscribePattern', 'locks/+/state'),
  rule('publishClientSend', CONTROL),
  rule('subscribeLiteral', `${CONTROL}/response`),
  // The default lets a client receive what it may subscribe to, but not on `$CONTROL` topics.
  rule('publishClientReceive', `${CONTROL}/response`),
];

/** The plugin's own hash: PBKDF2-HMAC-SHA512, 64 bytes, base64 (as `mosquitto_ctrl` makes it). */
const hash = (password: string, salt: Buffer, iterations: number) =>
  pbkdf2Sync(password, salt, iterations, 64, 'sha512');

/** Whether a client's stored hash is that of `password`. */
function hashes(client: DynsecClient, password: string): boolean {
  if (!client.password || !client.salt || !client.iterations) return false;
  const stored = Buffer.from(client.password, 'base64');
  const made = hash(password, Buffer.from(client.salt, 'base64'), client.iterations);
  return stored.length === made.length && timingSafeEqual(stored, made);
}

/**
 * Mosquitto for the locks, on loopback. No anonymous client: the dynamic security plugin
 * authenticates every client and gives it a role. The stack keeps two of its own in the
 * plugin's file (the admin and `roomkey-access`, passwords from the stack's credentials); the
 * access app makes each lock's client and role over `$CONTROL/dynamic-security/v1`, and the
 * broker keeps them in the same file.
 */
export class MosquittoServer {
  readonly daemon: Daemon;
  private readonly home: string;
  /** The plugin's folder: the broker (as the `mosquitto` user when run as root) writes in it. */
  private readonly security: string;
  private readonly dynsecFile: string;

  constructor(private readonly s: StackSettings) {
    this.home = path.join(s.dir, 'mosquitto');
    this.security = path.join(this.home, 'security');
    this.dynsecFile = path.join(this.security, 'dynamic-security.json');
    this.daemon = new Daemon('mosquitto', this.home);
  }

  async start(log?: (m: string) => void): Promise<void> {
    const plugin = DYNSEC_PLUGINS.find((p) => existsSync(p));
    if (!plugin) {
      throw new Error(
        `Mosquitto's dynamic security plugin is not at ${DYNSEC_PLUGINS.join(' or ')} (Debian's mosquitto package has it)`,
      );
    }
    // The stack's clients go into the file while the broker is stopped (it rewrites the file
    // from memory on every change): a changed password takes effect, the locks' clients stay.
    const passwords = ensureCredentials(this.s).mqtt!;
    mkdirSync(this.security, { recursive: true });
    chmodSync(this.security, 0o700);
    writeFileSync(
      this.dynsecFile,
      `${JSON.stringify(withStackClients(this.readDynsec(), passwords), null, 2)}\n`,
      { mode: 0o600 },
    );
    if (process.getuid?.() === 0) {
      const uid = Number((await run('id', ['-u', 'mosquitto'])).trim());
      const gid = Number((await run('id', ['-g', 'mosquitto'])).trim());
      for (const f of [this.security, this.dynsecFile]) chownSync(f, uid, gid);
    }
    const conf = path.join(this.home, 'mosquitto.conf');
    writeFileSync(
      conf,
      [
        `listener ${this.s.mqtt.port} ${this.s.host}`,
        'allow_anonymous false',
        `plugin ${plugin}`,
        `plugin_opt_config_file ${this.dynsecFile}`,
        'persistence false',
        'log_dest stdout',
        'log_type error',
        'log_type warning',
        '',
      ].join('\n'),
    );
    this.daemon.start('/usr/sbin/mosquitto', ['-c', conf]);
    await waitFor(
      `Mosquitto to authenticate its clients at ${this.s.host}:${this.s.mqtt.port}`,
      () => this.ready(),
      { daemon: this.daemon, log },
    );
  }

  /**
   * Ready when the stack's own client is let in and a client without credentials is not: a
   * broker still running from before it authenticated anyone is not ready, and is restarted.
   */
  async ready(): Promise<boolean> {
    if (!(await portOpen(this.s.host, this.s.mqtt.port))) return false;
    const password = stackCredentials(this.s)?.mqtt?.[MQTT_ADMIN_USER];
    if (!password) return false;
    const admin = await this.connects({ username: MQTT_ADMIN_USER, password });
    return admin && !(await this.connects({}));
  }

  private async connects(options: IClientOptions): Promise<boolean> {
    const url = `mqtt://${this.s.host}:${this.s.mqtt.port}`;
    try {
      const client = await mqtt.connectAsync(url, {
        clientId: `roomkey-stack-${randomBytes(6).toString('hex')}`,
        reconnectPeriod: 0,
        connectTimeout: 2000,
        ...options,
      });
      await client.endAsync();
      return true;
    } catch {
      return false;
    }
  }

  private readDynsec(): DynsecFile | undefined {
    if (!existsSync(this.dynsecFile)) return undefined;
    return JSON.parse(readFileSync(this.dynsecFile, 'utf8')) as DynsecFile;
  }
}

/**
 * The plugin's file with the stack's own clients and roles as they must be: each client with the
 * hash of its current password (kept when it still matches), each role with exactly its rules;
 * everything else (the locks' clients and roles) as the broker left it. Nothing may publish or
 * subscribe unless a role allows it.
 */
export function withStackClients(
  file: DynsecFile | undefined,
  passwords: Record<string, string>,
): DynsecFile {
  const out: DynsecFile = file ?? { clients: [], groups: [], roles: [], defaultACLAccess: {} };
  out.defaultACLAccess = {
    publishClientSend: false,
    publishClientReceive: true,
    subscribe: false,
    unsubscribe: true,
  };
  const roles: [string, Acl[]][] = [
    [MQTT_ADMIN_USER, ADMIN_ACLS],
    ['roomkey-access', ACCESS_ACLS],
  ];
  for (const [name, acls] of roles) {
    const password = passwords[name];
    if (!password) throw new Error(`the stack's credentials have no MQTT password for ${name}`);
    out.roles = [...out.roles.filter((r) => r.rolename !== name), { rolename: name, acls }];
    const before = out.clients.find((c) => c.username === name);
    const salt = randomBytes(12);
    // The plugin's own iteration count; the passwords are 192 random bits, which no count of
    // iterations would make any harder to guess.
    const client: DynsecClient =
      before && hashes(before, password)
        ? before
        : {
            username: name,
            password: hash(password, salt, 101).toString('base64'),
            salt: salt.toString('base64'),
            iterations: 101,
          };
    out.clients = [
      ...out.clients.filter((c) => c.username !== name),
      { ...client, textName: 'the local stack', roles: [{ rolename: name }] },
    ];
  }
  return out;
}
