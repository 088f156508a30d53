import { randomUUID } from 'node:crypto';
import {
  ACCESS_DECIDED_V1,
  ACCESS_REQUESTED_V1,
  AccessDecidedV1,
  FACE_CHECKED_V1,
  LOCK_EVENTS_V1,
  LockEventsV1,
  QR_CHECKED_V1,
} from '@roomkey/contracts';
import { stackSettings } from '@roomkey/common';
import { ADMIN, call, login, startAuth, StartedAuth } from '../../../test/support/auth';
import { startAccess, StartedAccess } from '../../../test/support/access';
import { eventually } from '../../../test/support/apps';
import { collect, produceRaw, rawEnvelope } from '../../../test/support/kafka';
import { RegisteredLock, simulatorOf } from '../../../test/support/locks';
import { query } from '../../../test/support/postgres';
import { TcpProxy } from '../../../test/support/tcp-proxy';
import { MqttConnection } from '../src/adapters/mqtt-connection';
import { LockSimulator } from '../src/sim/lock-simulator';

/**
 * Unlocks decided while the access app cannot reach the MQTT broker (its connection goes
 * through a proxy that is cut; the lock stays connected), or while the lock is away. A command
 * is good for LOCK_COMMAND_TTL_MS from the grant: it goes out once when the broker is back in
 * time, and is otherwise recorded as failed and never sent.
 */
// Long enough that a grant made while an earlier command waits, slow on a busy machine, comes
// before that one expires.
const TTL_MS = 10_000;
const ACK_TIMEOUT_MS = 2000;
const s = stackSettings();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let auth: StartedAuth;
let access: StartedAccess;
let proxy: TcpProxy;
let sim: LockSimulator;
let admin: string;
let decided: Awaited<ReturnType<typeof collect<AccessDecidedV1>>>;
let lockEvents: Awaited<ReturnType<typeof collect<LockEventsV1>>>;
const world = { roomId: '', doorId: '', lockId: '', user: randomUUID() };

const post = async (path: string, body: unknown) => {
  const res = await call(access.url, 'POST', path, { token: admin, body });
  if (res.status !== 201) throw new Error(`POST ${path}: ${res.status}`);
  return res.body as Record<string, string>;
};

beforeAll(async () => {
  proxy = new TcpProxy(s.host, s.mqtt.port);
  await proxy.start();
  auth = await startAuth();
  access = await startAccess(auth, {
    env: {
      MQTT_URL: `mqtt://127.0.0.1:${proxy.port}`,
      LOCK_COMMAND_TTL_MS: String(TTL_MS),
      LOCK_ACK_TIMEOUT_MS: String(ACK_TIMEOUT_MS),
      UNLOCK_SECONDS: '1',
    },
  });
  decided = await collect<AccessDecidedV1>(ACCESS_DECIDED_V1);
  lockEvents = await collect<LockEventsV1>(LOCK_EVENTS_V1);
  admin = (await login(auth.url, ADMIN.email, ADMIN.password)).accessToken;
  const site = await post('/v1/sites', { name: 'HQ', timeZone: 'UTC' });
  const room = await post('/v1/rooms', { siteId: site.id, name: 'Store' });
  const lock = await post('/v1/locks', { name: 'Store lock' });
  const door = await post('/v1/doors', { roomId: room.id, name: 'Store door', lockId: lock.id });
  await post('/v1/permissions', { roomId: room.id, userId: world.user });
  Object.assign(world, { roomId: room.id, doorId: door.id, lockId: lock.id });
  // The lock itself stays connected to the broker throughout.
  sim = simulatorOf(lock as unknown as RegisteredLock);
  await sim.start();
}, 120_000);

afterAll(async () => {
  await sim?.stop();
  await decided?.stop();
  await lockEvents?.stop();
  await access?.stop();
  await auth?.stop();
  await proxy?.cut();
});

const mqttConnected = () => access.app.get(MqttConnection).connected;

async function brokerUnreachable(): Promise<void> {
  await proxy.cut();
  await eventually(async () => (mqttConnected() ? undefined : true), 10000, 'the cut');
}

async function brokerBack(): Promise<void> {
  await proxy.restore();
  await eventually(async () => (mqttConnected() ? true : undefined), 10000, 'the reconnect');
}

/** A request that is granted: its three inputs, as the gateway, qr and face apps send them. */
async function grant(): Promise<string> {
  const requestId = randomUUID();
  const envelope = (type: string, payload: unknown) => rawEnvelope(type, requestId, payload);
  const { roomId, doorId, user: userId } = world;
  await produceRaw(
    ACCESS_REQUESTED_V1,
    requestId,
    envelope('access.requested', {
      requestId,
      at: new Date().toISOString(),
      channel: 'mobile',
      mode: 'room-code',
      roomId,
      doorId,
      userId,
      qr: 'RK1.R.X',
      faceCaptureId: randomUUID(),
    }),
  );
  await produceRaw(
    QR_CHECKED_V1,
    requestId,
    envelope('qr.checked', { requestId, outcome: 'valid', doorId, userId }),
  );
  await produceRaw(
    FACE_CHECKED_V1,
    requestId,
    envelope('face.checked', { requestId, outcome: 'match', userId, score: 0.8 }),
  );
  const [d] = await decided.waitFor((e) => e.payload.requestId === requestId, 1, 20000);
  expect(d!.payload.decision).toBe('granted');
  return requestId;
}

const command = async (requestId: string) =>
  (
    await query<{ created_at: Date; sent_at: Date | null; timed_out_at: Date | null }>(
      access.databaseUrl,
      'select created_at, sent_at, timed_out_at from lock_commands where request_id = $1',
      [requestId],
    )
  )[0]!;

const doorConfirmed = async (requestId: string) =>
  (await call(access.url, 'GET', `/v1/access-decisions/${requestId}`, { token: admin })).body
    .doorConfirmed as boolean | null;

it('sends an unlock decided while the broker is unreachable once it is back, before the command expires', async () => {
  await brokerUnreachable();
  const requestId = await grant();
  // Past the acknowledgement timeout: a command that could not be sent has not failed yet.
  await sleep(ACK_TIMEOUT_MS + 500);
  expect((await command(requestId)).timed_out_at).toBeNull();
  await brokerBack();

  await lockEvents.waitFor((e) => e.payload.kind === 'ack' && e.payload.requestId === requestId);
  const acted = sim.unlocks.filter((u) => u.requestId === requestId);
  expect(acted).toHaveLength(1);
  // Good until the time to live after the grant, not after the late send.
  const { created_at } = await command(requestId);
  expect(acted[0]!.expiresAt).toBe(created_at.getTime() + TTL_MS);
  expect(acted[0]!.at).toBeLessThanOrEqual(acted[0]!.expiresAt);
  expect(await doorConfirmed(requestId)).toBe(true);
});

it('records an unlock whose broker stays unreachable past its expiry as failed, and never sends it', async () => {
  await brokerUnreachable();
  const requestId = await grant();
  await lockEvents.waitFor(
    (e) => e.payload.kind === 'command-timeout' && e.payload.requestId === requestId,
    1,
    TTL_MS + 10000,
  );
  const { created_at, sent_at, timed_out_at } = await command(requestId);
  expect(sent_at).toBeNull();
  expect(timed_out_at!.getTime() - created_at.getTime()).toBeGreaterThanOrEqual(TTL_MS);
  expect(await doorConfirmed(requestId)).toBe(false);

  await brokerBack();
  await sleep(1500);
  expect(sim.unlocks.filter((u) => u.requestId === requestId)).toEqual([]);
  expect(
    sim.refusals.filter((r) => (r.command as { requestId?: string })?.requestId === requestId),
  ).toEqual([]);
});

it('sends commands that reached nobody again, in order, when their lock says it is back online', async () => {
  // The lock is away (a broker restart drops its subscription the same way).
  await sim.stop();
  const first = await grant();
  await eventually(async () => ((await command(first)).sent_at ? true : undefined), 5000);
  const second = await grant();
  // One at a time: the second waits for the first, which the lock would otherwise find older
  // than one it had accepted.
  await sleep(500);
  expect((await command(second)).sent_at).toBeNull();
  await sim.start();

  for (const requestId of [first, second]) {
    await lockEvents.waitFor((e) => e.payload.kind === 'ack' && e.payload.requestId === requestId);
    expect(await doorConfirmed(requestId)).toBe(true);
  }
  const acted = sim.unlocks.filter((u) => [first, second].includes(u.requestId));
  expect(acted.map((u) => u.requestId)).toEqual([first, second]);
  expect(
    sim.refusals.filter((r) =>
      [first, second].includes((r.command as { requestId?: string })?.requestId ?? ''),
    ),
  ).toEqual([]);
});
