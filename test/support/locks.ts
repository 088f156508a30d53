import { randomUUID } from 'node:crypto';
import mqtt from 'mqtt';
import { MQTT_ADMIN_USER, stackCredentials, stackSettings, stackUrls } from '@roomkey/common';
import { lockAccount } from '../../apps/access/src/domain/lock-account';
import { LockSimulator } from '../../apps/access/src/sim/lock-simulator';
import { query } from './postgres';

/** What `POST /v1/locks` answers, as far as a lock needs it. */
export interface RegisteredLock {
  id: string;
  secret: string;
  mqtt: { username: string; password: string; clientId: string };
}

/** The local stack's broker, as a lock would reach it. */
export const lockBrokerUrl = () => stackUrls(stackSettings()).mqtt;

/** A simulated lock set up with what its registration showed: its secret and its MQTT login. */
export const simulatorOf = (lock: RegisteredLock, log?: (line: string) => void) =>
  new LockSimulator(
    lock.id,
    Buffer.from(lock.secret, 'base64'),
    { url: lockBrokerUrl(), username: lock.mqtt.username, password: lock.mqtt.password },
    log,
  );

/** Sends commands to the broker's dynamic security plugin as the stack's own client. */
async function dynsec(commands: object[]): Promise<void> {
  const client = await mqtt.connectAsync(lockBrokerUrl(), {
    clientId: `roomkey-test-${randomUUID()}`,
    username: MQTT_ADMIN_USER,
    password: stackCredentials()?.mqtt?.[MQTT_ADMIN_USER],
    reconnectPeriod: 0,
  });
  try {
    const topic = '$CONTROL/dynamic-security/v1';
    const answered = new Promise<void>((resolve) => client.on('message', () => resolve()));
    await client.subscribeAsync(`${topic}/response`);
    await client.publishAsync(topic, JSON.stringify({ commands }), { qos: 1 });
    await Promise.race([answered, new Promise((r) => setTimeout(r, 2000))]);
  } finally {
    await client.endAsync();
  }
}

const forget = (lockId: string) => [
  { command: 'deleteClient', username: lockAccount(lockId).username },
  { command: 'deleteRole', rolename: lockAccount(lockId).role },
];

/**
 * A broker login for a lock that is not registered anywhere, made as the access app makes one at
 * registration, for a test that plays the lock; `forgetLockLogin` removes it.
 */
export async function lockLogin(lockId: string): Promise<RegisteredLock['mqtt']> {
  const account = lockAccount(lockId);
  const password = randomUUID();
  await dynsec([
    { command: 'createRole', rolename: account.role, acls: account.acls },
    {
      command: 'createClient',
      username: account.username,
      password,
      clientid: account.clientId,
      roles: [{ rolename: account.role }],
    },
  ]);
  return { username: account.username, password, clientId: account.clientId };
}

export const forgetLockLogin = (lockId: string) => dynsec(forget(lockId));

/**
 * Removes the broker clients of the locks in an access database a test is about to drop: the
 * stack's broker keeps every lock's client until someone removes it, and each test run makes
 * new ones.
 */
export async function forgetLockClients(accessDatabaseUrl: string): Promise<void> {
  const locks = await query<{ id: string }>(accessDatabaseUrl, 'select id from locks');
  if (locks.length > 0) await dynsec(locks.flatMap(({ id }) => forget(id)));
}
