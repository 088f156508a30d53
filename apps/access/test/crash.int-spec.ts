import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import * as path from 'node:path';
import {
  ACCESS_DECIDED_V1,
  ACCESS_REQUESTED_V1,
  AccessDecidedV1,
  AUTH_EVENTS_V1,
  FACE_CHECKED_V1,
  QR_CHECKED_V1,
} from '@roomkey/contracts';
import { ADMIN, call, login, startAuth, StartedAuth } from '../../../test/support/auth';
import { eventually, testKeyring, unique } from '../../../test/support/apps';
import { collect, groupAtEnd, produceRaw, rawEnvelope } from '../../../test/support/kafka';
import { forgetLockClients, simulatorOf } from '../../../test/support/locks';
import { freshDatabase, query } from '../../../test/support/postgres';
import { LockSimulator } from '../src/sim/lock-simulator';

/**
 * The access app as its own process (the build `npm run test:int` makes first), killed with
 * SIGKILL in the middle of a saga: after the QR answer, before the face answer.
 */
const MAIN = path.resolve(__dirname, '../../../dist/apps/access/src/main.js');

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

let auth: StartedAuth;
let db: { url: string; drop: () => Promise<void> };
let child: ChildProcess | undefined;
let decided: Awaited<ReturnType<typeof collect<AccessDecidedV1>>>;
let sim: LockSimulator | undefined;
const groupId = unique('roomkey.access.crash');
/** The same keys for the process and its restart, as a deployment's would be. */
const lockKeyring = testKeyring();

async function startChild(port: number): Promise<void> {
  child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: db.url,
      KAFKA_GROUP_ID: groupId,
      JWKS_URL: auth.jwksUrl,
      LOG_LEVEL: 'warn',
      ACCESS_DEADLINE_MS: '60000',
      LOCK_KEYRING: lockKeyring,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await eventually(
    async () => {
      const res = await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined);
      return res?.ok ? true : undefined;
    },
    60000,
    'the access process to be ready',
  );
}

beforeAll(async () => {
  auth = await startAuth();
  db = await freshDatabase('roomkey_access');
  await groupAtEnd(groupId, [ACCESS_REQUESTED_V1, QR_CHECKED_V1, FACE_CHECKED_V1, AUTH_EVENTS_V1]);
  decided = await collect<AccessDecidedV1>(ACCESS_DECIDED_V1);
}, 90_000);

afterAll(async () => {
  child?.kill('SIGKILL');
  await sim?.stop();
  await decided?.stop();
  if (db) await forgetLockClients(db.url);
  await db?.drop();
  await auth?.stop();
});

it('a request whose access process is killed mid-saga still gets exactly one decision', async () => {
  const port = await freePort();
  await startChild(port);
  const base = `http://127.0.0.1:${port}`;
  const admin = (await login(auth.url, ADMIN.email, ADMIN.password)).accessToken;
  const post = async (p: string, body: unknown) =>
    (await call(base, 'POST', p, { token: admin, body })).body;
  const site = await post('/v1/sites', { name: 'HQ', timeZone: 'Europe/Berlin' });
  const room = await post('/v1/rooms', { siteId: site.id, name: 'Vault' });
  const lock = await post('/v1/locks', { name: 'Vault lock' });
  const door = await post('/v1/doors', { roomId: room.id, name: 'Vault door', lockId: lock.id });
  const user = randomUUID();
  await post('/v1/permissions', { roomId: room.id, userId: user });
  sim = simulatorOf(lock);
  await sim.start();

  const requestId = randomUUID();
  const envelope = (type: string, payload: unknown) => rawEnvelope(type, requestId, payload);
  await produceRaw(
    ACCESS_REQUESTED_V1,
    requestId,
    envelope('access.requested', {
      requestId,
      at: new Date().toISOString(),
      channel: 'mobile',
      mode: 'room-code',
      roomId: room.id,
      doorId: door.id,
      userId: user,
      qr: 'RK1.R.X',
      faceCaptureId: randomUUID(),
    }),
  );
  await produceRaw(
    QR_CHECKED_V1,
    requestId,
    envelope('qr.checked', { requestId, outcome: 'valid', doorId: door.id, userId: user }),
  );
  await eventually(async () => {
    const [row] = await query<{ qr: unknown }>(
      db.url,
      'select qr from sagas where request_id = $1',
      [requestId],
    );
    return row?.qr ? true : undefined;
  });

  child!.kill('SIGKILL');
  await new Promise((r) => child!.once('exit', r));
  await produceRaw(
    FACE_CHECKED_V1,
    requestId,
    envelope('face.checked', { requestId, outcome: 'match', userId: user, score: 0.8 }),
  );
  await startChild(port);

  const [d] = await decided.waitFor((e) => e.payload.requestId === requestId, 1, 30000);
  expect(d!.payload).toMatchObject({ decision: 'granted', doorId: door.id, lockId: lock.id });
  await eventually(async () =>
    sim!.unlocks.some((c) => c.requestId === requestId) ? true : undefined,
  );
  await new Promise((r) => setTimeout(r, 2000));
  expect(decided.matching((e) => e.payload.requestId === requestId)).toHaveLength(1);
  expect(sim.unlocks.filter((c) => c.requestId === requestId)).toHaveLength(1);
});
