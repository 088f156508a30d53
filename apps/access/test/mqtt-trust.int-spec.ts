import { randomUUID } from 'node:crypto';
import mqtt, { IClientOptions, MqttClient } from 'mqtt';
import { LOCK_EVENTS_V1, LockEventsV1 } from '@roomkey/contracts';
import { stackCredentials } from '@roomkey/common';
import { ADMIN, call, login, startAuth, StartedAuth } from '../../../test/support/auth';
import { startAccess, StartedAccess } from '../../../test/support/access';
import { eventually } from '../../../test/support/apps';
import { collect } from '../../../test/support/kafka';
import { lockBrokerUrl, RegisteredLock, simulatorOf } from '../../../test/support/locks';
import { LockReport, lockTopic, signReport } from '../src/domain/lock-command';
import { LockSimulator } from '../src/sim/lock-simulator';

/**
 * The locks' broker authenticates every client and lets each lock only its own topics, under
 * the one client id its credentials allow; the access app believes a state report only when
 * the lock signed it with a counter above the last one, and says so when too many are refused.
 */
let auth: StartedAuth;
let access: StartedAccess;
let admin: string;
let lockEvents: Awaited<ReturnType<typeof collect<LockEventsV1>>>;
const sims: LockSimulator[] = [];
const clients: MqttClient[] = [];

const api = (method: string, path: string, body?: unknown) =>
  call(access.url, method, path, { token: admin, body });
const register = async (name: string): Promise<RegisteredLock> => {
  const res = await api('POST', '/v1/locks', { name });
  expect(res.status).toBe(201);
  return res.body as RegisteredLock;
};

/** Connects (MQTT 5, so that refusals come with a reason), or throws the broker's refusal. */
async function connect(options: IClientOptions): Promise<MqttClient> {
  const client = await mqtt.connectAsync(lockBrokerUrl(), {
    protocolVersion: 5,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    clientId: `roomkey-trust-test-${randomUUID()}`,
    ...options,
  });
  clients.push(client);
  return client;
}

/** 'connected', or what the broker said when it refused. */
const attempt = (options: IClientOptions) =>
  connect(options).then(
    async (c) => {
      await c.endAsync();
      return 'connected';
    },
    (err: Error) => err.message,
  );

/** As a lock: its MQTT credentials and the client id they are bound to. */
const credentialsOf = (lock: RegisteredLock): IClientOptions => ({
  username: lock.mqtt.username,
  password: lock.mqtt.password,
  clientId: lock.mqtt.clientId,
});
const asLock = (lock: RegisteredLock, extra: IClientOptions = {}) =>
  connect({ ...credentialsOf(lock), ...extra });

/** The access app's own principal, which alone may send commands (for a test to play it). */
const asAccess = () =>
  connect({ username: 'roomkey-access', password: stackCredentials()!.mqtt!['roomkey-access'] });

/** 'granted', or why a subscription was refused. */
const subscribe = (client: MqttClient, topic: string) =>
  client.subscribeAsync(topic, { qos: 1 }).then(
    () => 'granted',
    (err: Error) => err.message,
  );
/** 'sent', or why the broker refused the message (MQTT 5 answers a refused QoS 1 publish). */
const publish = (client: MqttClient, topic: string, body: unknown) =>
  client.publishAsync(topic, JSON.stringify(body), { qos: 1 }).then(
    () => 'sent',
    (err: Error) => err.message,
  );

const eventsOf = (lockId: string, match: (p: LockEventsV1['payload']) => boolean = () => true) =>
  lockEvents.matching((e) => e.payload.lockId === lockId && match(e.payload));
const lockView = async (lockId: string) =>
  ((await api('GET', '/v1/locks')).body as { id: string; online: boolean; state: string | null }[])
    .filter((l) => l.id === lockId)
    .at(0);

beforeAll(async () => {
  auth = await startAuth();
  access = await startAccess(auth);
  lockEvents = await collect<LockEventsV1>(LOCK_EVENTS_V1);
  admin = (await login(auth.url, ADMIN.email, ADMIN.password)).accessToken;
}, 120_000);

afterAll(async () => {
  for (const c of clients) await c.endAsync(true).catch(() => undefined);
  for (const s of sims) await s.stop().catch(() => undefined);
  await lockEvents?.stop();
  await access?.stop();
  await auth?.stop();
});

describe('the locks’ MQTT broker', () => {
  it('refuses a client without credentials, or with a wrong password', async () => {
    const lock = await register('Door A');
    expect(await attempt({})).toMatch(/Not authorized/);
    expect(await attempt({ username: lock.mqtt.username, password: 'not-the-password' })).toMatch(
      /Not authorized|Bad User Name or Password/,
    );
    expect(await attempt({ username: 'roomkey-access', password: 'not-the-password' })).toMatch(
      /Not authorized|Bad User Name or Password/,
    );
  });

  it('lets a lock read only its own commands and write only its own state', async () => {
    const [mine, other] = [await register('Mine'), await register('Other')];
    const me = await asLock(mine);
    const received: string[] = [];
    me.on('message', (topic) => received.push(topic));
    expect(await subscribe(me, lockTopic(mine.id, 'cmd'))).toBe('granted');
    expect(await subscribe(me, lockTopic(other.id, 'cmd'))).toMatch(/Not authorized/);
    expect(await subscribe(me, 'locks/+/cmd')).toMatch(/Not authorized/);
    expect(await subscribe(me, '#')).toMatch(/Not authorized/);
    expect(await publish(me, lockTopic(mine.id, 'state'), { state: 'locked' })).toBe('sent');
    expect(await publish(me, lockTopic(other.id, 'state'), { state: 'forced' })).toMatch(
      /Not authorized/,
    );
    expect(await publish(me, lockTopic(other.id, 'ack'), {})).toMatch(/Not authorized/);
    expect(await publish(me, lockTopic(other.id, 'cmd'), {})).toMatch(/Not authorized/);
    // A command for the other lock, sent by the one principal allowed to: it reaches no one else.
    const sender = await asAccess();
    expect(await publish(sender, lockTopic(other.id, 'cmd'), { counter: 1 })).toBe('sent');
    expect(await publish(sender, lockTopic(mine.id, 'cmd'), { counter: 1 })).toBe('sent');
    await eventually(async () => (received.length > 0 ? true : undefined), 5000);
    expect(received).toEqual([lockTopic(mine.id, 'cmd')]);
  });

  it('refuses a client using a lock’s client id without its credentials, and the lock stays on', async () => {
    const [lock, other] = [await register('Taken over?'), await register('Neighbour')];
    const sim = simulatorOf(lock);
    sims.push(sim);
    await sim.start();
    await lockEvents.waitFor((e) => e.payload.lockId === lock.id && e.payload.kind === 'online');
    const clientId = `roomkey-lock-${lock.id}`;
    expect(await attempt({ clientId })).toMatch(/Not authorized/);
    expect(await attempt({ clientId, username: lock.mqtt.username, password: 'guess' })).toMatch(
      /Not authorized|Bad User Name or Password/,
    );
    // Another lock's own credentials are bound to that lock's client id.
    expect(
      await attempt({ clientId, username: other.mqtt.username, password: other.mqtt.password }),
    ).toMatch(/Not authorized/);
    // A last will is sent only on the lock's own state topic: another lock cannot forge one.
    const neighbour = await asLock(other, {
      will: {
        topic: lockTopic(lock.id, 'state'),
        payload: Buffer.from('{"online":false}'),
        qos: 1,
      },
    });
    neighbour.stream.destroy();
    await new Promise((r) => setTimeout(r, 1500));
    expect(sim.connected).toBe(true);
    expect(eventsOf(lock.id, (p) => p.kind === 'offline')).toEqual([]);
    expect((await lockView(lock.id))?.online).toBe(true);
  });

  it('takes new credentials for a lock in place of the old ones, and none once it is removed', async () => {
    const lock = await register('Renewed');
    expect(await attempt(credentialsOf(lock))).toBe('connected');
    const renewed = await api('POST', `/v1/locks/${lock.id}/mqtt-credentials`);
    expect(renewed.status).toBe(201);
    expect(renewed.body).toMatchObject({
      username: lock.mqtt.username,
      clientId: `roomkey-lock-${lock.id}`,
    });
    expect(await attempt(credentialsOf(lock))).toMatch(/Not authorized|Bad User Name or Password/);
    expect(await attempt(credentialsOf({ ...lock, mqtt: renewed.body }))).toBe('connected');
    expect((await api('DELETE', `/v1/locks/${lock.id}`)).status).toBe(204);
    expect(await attempt(credentialsOf({ ...lock, mqtt: renewed.body }))).toMatch(
      /Not authorized|Bad User Name or Password/,
    );
    expect(await lockView(lock.id)).toBeUndefined();
    expect((await api('POST', `/v1/locks/${lock.id}/mqtt-credentials`)).body.code).toBe(
      'LOCK_NOT_FOUND',
    );
  });
});

describe('state reports', () => {
  const secretOf = (lock: RegisteredLock) => Buffer.from(lock.secret, 'base64');
  let counter = Date.now();
  const signed = (lock: RegisteredLock, body: Pick<LockReport, 'state' | 'online'>) =>
    signReport(secretOf(lock), { lockId: lock.id, counter: ++counter, ...body });
  const stateEvents = (lockId: string, state: string) =>
    eventsOf(lockId, (p) => p.kind === 'state' && p.state === state);

  it('drops a forged report: a forced door that was not, and no alert', async () => {
    const lock = await register('Forged');
    const client = await asLock(lock);
    const topic = lockTopic(lock.id, 'state');
    await publish(client, topic, { state: 'forced' });
    await publish(
      client,
      topic,
      signReport(Buffer.alloc(32, 9), { lockId: lock.id, counter: ++counter, state: 'forced' }),
    );
    // Signed with the lock's secret, but changed on the way.
    await publish(client, topic, { ...signed(lock, { state: 'locked' }), state: 'forced' });
    await publish(client, topic, signed(lock, { state: 'door-open' }));
    await lockEvents.waitFor(
      (e) => e.payload.lockId === lock.id && e.payload.state === 'door-open',
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(stateEvents(lock.id, 'forced')).toEqual([]);
    expect((await lockView(lock.id))?.state).toBe('door-open');
  });

  it('drops a replayed report, and counts it unless it comes right after the one it repeats', async () => {
    const lock = await register('Replayed');
    const client = await asLock(lock);
    const topic = lockTopic(lock.id, 'state');
    const opened = signed(lock, { state: 'door-open' });
    await publish(client, topic, opened);
    await lockEvents.waitFor(
      (e) => e.payload.lockId === lock.id && e.payload.state === 'door-open',
    );
    await publish(client, topic, signed(lock, { state: 'door-closed' }));
    await lockEvents.waitFor(
      (e) => e.payload.lockId === lock.id && e.payload.state === 'door-closed',
    );
    // The recorded `door-open`, sent again: the door would seem open when it is closed.
    await publish(client, topic, opened);
    await publish(client, topic, signed(lock, { state: 'locked' }));
    await lockEvents.waitFor((e) => e.payload.lockId === lock.id && e.payload.state === 'locked');
    await new Promise((r) => setTimeout(r, 500));
    expect(stateEvents(lock.id, 'door-open')).toHaveLength(1);
    expect((await lockView(lock.id))?.state).toBe('locked');
    // So soon after, it may be the broker delivering a report twice: dropped, not counted. Once
    // the lock has been quiet a while, a report sent again is counted as replayed.
    expect(eventsOf(lock.id, (p) => p.kind === 'reports-refused')).toEqual([]);
    await new Promise((r) => setTimeout(r, 5500));
    for (let n = 0; n < 5; n++) await publish(client, topic, opened);
    const [told] = await lockEvents.waitFor(
      (e) => e.payload.lockId === lock.id && e.payload.kind === 'reports-refused',
    );
    expect(told!.payload.refused).toBe(5);
    expect(stateEvents(lock.id, 'door-open')).toHaveLength(1);
  });

  it('says so once a lock’s refused reports reach the threshold (5 in a minute)', async () => {
    const lock = await register('Under attack');
    const client = await asLock(lock);
    const topic = lockTopic(lock.id, 'state');
    // A forged `online` would hide a lock that is really offline.
    for (let n = 0; n < 4; n++) await publish(client, topic, { online: true });
    await new Promise((r) => setTimeout(r, 1000));
    expect(eventsOf(lock.id)).toEqual([]);
    await publish(client, topic, { state: 'forced' });
    const [told] = await lockEvents.waitFor(
      (e) => e.payload.lockId === lock.id && e.payload.kind === 'reports-refused',
    );
    expect(told!.payload).toMatchObject({ kind: 'reports-refused', refused: 5 });
    expect(eventsOf(lock.id).map((e) => e.payload.kind)).toEqual(['reports-refused']);
    expect(await lockView(lock.id)).toMatchObject({ online: false, state: null });
  });
});
