import mongoose from 'mongoose';
import mqtt from 'mqtt';
import { Keyring, Sealed } from '@roomkey/common';
import { LockSimulator } from '../../apps/access/src/sim/lock-simulator';
import { chainKeys } from '../../apps/audit/src/adapters/chain-keys';
import { verifyChain } from '../../apps/audit/src/verify';
import { roomCode, STEP_SECONDS } from '../../apps/qr/src/domain/codes';
import { doorAad } from '../../apps/qr/src/services/secrets';
import { eventually } from '../support/apps';
import { ADMIN, kioskToken, login, memberToken } from '../support/auth';
import { photo } from '../support/face';
import { lockBrokerUrl, RegisteredLock, simulatorOf } from '../support/locks';
import { query } from '../support/postgres';
import { RunningSystem, startSystem } from './system';
import { Gateway } from './world';

/**
 * The whole system as it runs: the six built apps as processes, the real stack, a simulated
 * lock on MQTT, real photos and real codes, everything through the gateway's public API.
 */
let sys: RunningSystem;
let admin: string;
let kiosk: string;
let member: { userId: string; token: string };
let sim: LockSimulator;
const world = { roomId: '', doorId: '', lockId: '', laterRoomId: '', laterDoorId: '' };
const requests: Record<string, string> = {};

let gw: Gateway;
const api = (method: string, path: string, body?: unknown, token = admin) =>
  gw.call(method, path, token, body);

/** The member at the door: the code the kiosk shows (or another), and a photo. */
async function atTheDoor(opts: {
  qr: string;
  photo: string;
  roomId?: string;
  doorId?: string;
  codeOnly?: boolean;
}) {
  const sent = await gw.request(
    member.token,
    opts.codeOnly
      ? { qr: opts.qr }
      : { roomId: opts.roomId ?? world.roomId, doorId: opts.doorId ?? world.doorId, qr: opts.qr },
    photo(opts.photo),
  );
  expect(sent.status).toBe(202);
  const requestId = sent.requestId!;
  const decided = await eventually(
    async () => (await gw.decision(member.token, requestId)) ?? undefined,
    30_000,
    `the decision on ${requestId}`,
  );
  return { requestId, ...decided };
}

const kioskCode = (doorId = world.doorId) => gw.kioskCode(kiosk, doorId);

/** A room code of the door from `stepsAgo` steps back, signed with the door's real secret. */
async function oldRoomCode(stepsAgo: number): Promise<string> {
  const conn = await mongoose.createConnection(sys.databases.qr).asPromise();
  try {
    const row = (await conn.collection('door_secrets').findOne({
      _id: world.doorId as never,
    })) as { secret: Sealed } | null;
    const secret = new Keyring(sys.env.qr.QR_KEYRING!).open(row!.secret, doorAad(world.doorId));
    return roomCode(world.doorId, secret, new Date(Date.now() - stepsAgo * STEP_SECONDS * 1000));
  } finally {
    await conn.close();
  }
}

/** Alerts as the live feed delivers them, from the moment the test starts listening. */
function listenToAlerts() {
  const abort = new AbortController();
  const alerts: { type: string; subject: string }[] = [];
  const done = (async () => {
    const res = await fetch(`${sys.gateway}/v1/alerts/stream?lastEventId=0`, {
      headers: { authorization: `Bearer ${admin}` },
      signal: abort.signal,
    });
    const reader = res.body!.getReader();
    let text = '';
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) return;
      text += Buffer.from(value).toString('utf8');
      let cut: number;
      while ((cut = text.indexOf('\n\n')) >= 0) {
        const data = /^data: (.*)$/m.exec(text.slice(0, cut))?.[1];
        text = text.slice(cut + 2);
        if (data) alerts.push(JSON.parse(data) as { type: string; subject: string });
      }
    }
  })().catch(() => undefined);
  return {
    alerts,
    stop: async () => {
      abort.abort();
      await done;
    },
  };
}

beforeAll(async () => {
  sys = await startSystem();
  gw = new Gateway(sys.gateway);
  admin = (await login(sys.gateway, ADMIN.email, ADMIN.password)).accessToken;
  const today = new Date().getUTCDay();
  const notToday = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][(today + 3) % 7]!;

  const site = await gw.create('/v1/sites', admin, { name: 'Head office', timeZone: 'UTC' });
  const roomWithDoor = (name: string) => gw.roomWithDoor(admin, site.id!, name);
  const { room, lock, door } = await roomWithDoor('Server room');
  // A second room the member may enter only on another weekday.
  const { room: laterRoom, door: laterDoor } = await roomWithDoor('Archive');
  Object.assign(world, {
    roomId: room.id,
    doorId: door.id,
    lockId: lock.id,
    laterRoomId: laterRoom.id,
    laterDoorId: laterDoor.id,
  });
  kiosk = (await kioskToken(sys.gateway, admin, [door.id, laterDoor.id])).token;
  member = await memberToken(sys.gateway, admin);
  await gw.create('/v1/permissions', admin, { roomId: room.id, userId: member.userId });
  await gw.create('/v1/permissions', admin, {
    roomId: laterRoom.id,
    userId: member.userId,
    windows: [{ days: [notToday], from: '00:00', to: '23:59' }],
  });

  // The member enrols their face with two photos; the admin approves it.
  await gw.enrol(member, ['person_a_obama_1.jpg', 'person_a_obama_2.jpg'], admin);

  sim = simulatorOf(lock);
  await sim.start();
}, 240_000);

afterAll(async () => {
  await sim?.stop();
  await sys?.stop();
});

describe('roomkey end to end', () => {
  let feed: ReturnType<typeof listenToAlerts>;
  beforeAll(() => {
    feed = listenToAlerts();
  });
  afterAll(() => feed?.stop());

  it('grants the member with the code on the kiosk and another photo of them; the lock opens once', async () => {
    const r = await atTheDoor({ qr: await kioskCode(), photo: 'person_a_obama_3.jpg' });
    requests.granted = r.requestId;
    expect(r).toMatchObject({ status: 'granted', reasons: [] });
    await eventually(async () =>
      sim.unlocks.some((c) => c.requestId === r.requestId) ? true : undefined,
    );
    await new Promise((res) => setTimeout(res, 1500));
    expect(sim.unlocks.filter((c) => c.requestId === r.requestId)).toHaveLength(1);
    expect(sim.refusals).toEqual([]);
  });

  it('grants the member who sends the door code alone: the code names its door', async () => {
    const r = await atTheDoor({
      qr: await kioskCode(),
      photo: 'person_a_obama_3.jpg',
      codeOnly: true,
    });
    expect(r).toMatchObject({ status: 'granted', reasons: [] });
    const record = await api('GET', `/v1/access-decisions/${r.requestId}`);
    expect(record.body).toMatchObject({ decision: 'granted', doorId: world.doorId });
  });

  it.each([
    ['someone else’s face', { photo: 'person_c_rudd_1.jpg' }, 'face-no-match'],
    ['a photo of a screen', { photo: 'liveness_spoof_2.jpg' }, 'face-spoof'],
    ['an expired code', { photo: 'person_a_obama_3.jpg', old: true }, 'qr-expired'],
    [
      'a room they may not enter now',
      { photo: 'person_a_obama_3.jpg', later: true },
      'no-permission',
    ],
  ])('denies %s', async (name, opts: { photo: string; old?: boolean; later?: boolean }, reason) => {
    const r = await atTheDoor({
      photo: opts.photo,
      qr: opts.old
        ? await oldRoomCode(4)
        : await kioskCode(opts.later ? world.laterDoorId : world.doorId),
      ...(opts.later ? { roomId: world.laterRoomId, doorId: world.laterDoorId } : {}),
    });
    requests[name] = r.requestId;
    expect(r.status).toBe('denied');
    // The member is told one face reason; staff see the precise one.
    const face = reason.startsWith('face-');
    expect(r.reasons).toContain(face ? 'face-not-verified' : reason);
    const seen = await api('GET', `/v1/access-requests/${r.requestId}`);
    expect(seen.body.reasons).toContain(reason);
    expect(sim.unlocks.filter((c) => c.requestId === r.requestId)).toHaveLength(0);
  });

  it('denies everyone during a lockdown, and lets the member in once it is lifted', async () => {
    expect((await api('POST', `/v1/rooms/${world.roomId}/lockdown`)).status).toBeLessThan(300);
    const r = await atTheDoor({ qr: await kioskCode(), photo: 'person_a_obama_3.jpg' });
    requests.lockdown = r.requestId;
    expect(r).toMatchObject({ status: 'denied', reasons: ['lockdown'] });
    expect((await api('DELETE', `/v1/rooms/${world.roomId}/lockdown`)).status).toBeLessThan(300);
  });

  it('raises the repeated-denials alert, which arrives on the live feed', async () => {
    const subject = `user:${member.userId}`;
    await eventually(
      async () =>
        feed.alerts.some((a) => a.type === 'repeated-denials' && a.subject === subject)
          ? true
          : undefined,
      60_000,
      'the repeated-denials alert on the feed',
    ).catch(() => undefined);
    const denials = await query<{ reasons: string }>(
      sys.databases.audit,
      `select occurred_at, payload->>'reasons' as reasons from event_log
       where topic = 'access.decided.v1' and payload->>'userId' = $1
         and payload->>'decision' = 'denied'`,
      [member.userId],
    );
    const ours = feed.alerts.filter((a) => a.subject === subject).map((a) => a.type);
    expect({ ours, denials: denials.map((d) => d.reasons).sort() }).toEqual({
      ours: expect.arrayContaining(['repeated-denials', 'spoof']),
      // One decision each: five denials, the threshold.
      denials: [
        '["face-no-match"]',
        '["face-spoof"]',
        '["lockdown"]',
        '["no-permission"]',
        '["qr-expired"]',
      ],
    });
  });

  it('drops forged lock reports, and raises an alert once there are five; no forced-door alert', async () => {
    // Someone with a lock's MQTT login but not its secret: the broker lets them write its state.
    const lock = (await gw.create('/v1/locks', admin, {
      name: 'Forged',
    })) as unknown as RegisteredLock;
    const client = await mqtt.connectAsync(lockBrokerUrl(), {
      username: lock.mqtt.username,
      password: lock.mqtt.password,
      clientId: lock.mqtt.clientId,
      reconnectPeriod: 0,
    });
    try {
      for (let n = 0; n < 5; n++) {
        await client.publishAsync(`locks/${lock.id}/state`, '{"state":"forced"}', { qos: 1 });
      }
      const subject = `lock:${lock.id}`;
      await eventually(
        async () =>
          feed.alerts.some((a) => a.type === 'lock-reports-refused' && a.subject === subject)
            ? true
            : undefined,
        60_000,
        'the lock-reports-refused alert on the feed',
      );
      expect(feed.alerts.filter((a) => a.subject === subject).map((a) => a.type)).toEqual([
        'lock-reports-refused',
      ]);
    } finally {
      await client.endAsync();
    }
  });

  it('logs every event of every request in a chain that verifies', async () => {
    const EVENTS = [
      'access.requested.v1',
      'face.captured.v1',
      'qr.checked.v1',
      'face.checked.v1',
      'access.decided.v1',
    ];
    const topicsOf = async (requestId: string) =>
      (
        await query<{ topic: string }>(
          sys.databases.audit,
          'select distinct topic from event_log where correlation_id = $1 order by topic',
          [requestId],
        )
      ).map((r) => r.topic);
    for (const [name, requestId] of Object.entries(requests)) {
      // A code the qr app refuses ends the flow there: the face is never compared.
      const expected = name.includes('expired')
        ? EVENTS.filter((t) => t !== 'face.checked.v1')
        : EVENTS;
      await eventually(
        async () => {
          const seen = await topicsOf(requestId);
          return expected.every((t) => seen.includes(t)) ? true : undefined;
        },
        60_000,
        `the logged events of ${requestId}`,
      ).catch(() => undefined);
      expect({ requestId, topics: await topicsOf(requestId) }).toEqual({
        requestId,
        topics: expect.arrayContaining(expected),
      });
    }
    const verified = await verifyChain(sys.databases.audit, {
      keys: chainKeys(new Keyring(sys.env.audit.AUDIT_CHAIN_KEYRING!)),
    });
    expect(verified.broken).toBeUndefined();
    expect(verified.rows).toBeGreaterThan(30);
  });
});
