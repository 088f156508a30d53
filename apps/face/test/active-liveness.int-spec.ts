import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import {
  ACCESS_DECIDED_V1,
  AccessDecidedV1,
  FACE_CHECKED_V1,
  FaceChallenge,
  FaceCheckedV1,
} from '@roomkey/contracts';
import {
  ADMIN,
  AppHandle,
  call,
  kioskToken,
  login,
  memberToken,
  startAuth,
  startGatewayFor,
  StartedAuth,
} from '../../../test/support/auth';
import { startAccess, StartedAccess } from '../../../test/support/access';
import { collect } from '../../../test/support/kafka';
import { query } from '../../../test/support/postgres';
import { startQr, StartedQr } from '../../../test/support/qr';
import { cameraFrame, photo, startFace, StartedFace } from '../../../test/support/face';
import type { FacePipeline } from '../src/domain/pipeline';
import { estimatePose } from '../src/domain/pose';
import { Challenges } from '../src/services/challenges.service';
import { FACE_PIPELINE } from '../src/services/tokens';

/**
 * Active liveness (ADR 028) through the gateway, Kafka and PostgreSQL: a challenge, a burst of
 * frames answering it, the face app's answer. The frames are shared photos of one man: facing
 * the camera (obama_1), his head turned to his right (obama_2), and that photo mirrored, turned
 * to his left. So the challenges here draw from `left` and `right` only (FACE_CHALLENGE_POSES);
 * docs/face.md says what these frames do and do not show.
 */

const ROOM = randomUUID();
const DOOR = randomUUID();
const GAP_MS = 400;

let auth: StartedAuth;
let qr: StartedQr;
let face: StartedFace;
let gw: AppHandle;
let access: StartedAccess;
let decided: Awaited<ReturnType<typeof collect<AccessDecidedV1>>>;
let admin: string;
let kiosk: string;
let pipeline: FacePipeline;
let checked: Awaited<ReturnType<typeof collect<FaceCheckedV1>>>;
let obama: { userId: string; token: string };
/** The member facing the camera, and turned to each side. */
let frames: Record<'front' | Pose, Buffer>;
type Pose = 'left' | 'right';

beforeAll(async () => {
  auth = await startAuth();
  qr = await startQr(auth);
  face = await startFace(auth, { env: { FACE_CHALLENGE_POSES: 'left,right' } });
  // Bursts are analysed on a machine busy with other work: the deadline is not what this is about.
  access = await startAccess(auth, { env: { ACCESS_DEADLINE_MS: '30000' } });
  // Phones must answer a challenge here, as by default.
  gw = await startGatewayFor(auth, {
    QR_URL: qr.url,
    FACE_URL: face.url,
    ACCESS_URL: access.url,
    FACE_MAX_PHOTOS_PER_CALLER: '1000',
    FACE_PHONE_LIVENESS: 'active',
  });
  checked = await collect<FaceCheckedV1>(FACE_CHECKED_V1);
  decided = await collect<AccessDecidedV1>(ACCESS_DECIDED_V1);
  admin = (await login(gw.url, ADMIN.email, ADMIN.password)).accessToken;
  kiosk = (await kioskToken(gw.url, admin, [DOOR])).token;
  pipeline = face.app.get<FacePipeline>(FACE_PIPELINE);
  obama = await memberToken(gw.url, admin);
  await call(gw.url, 'POST', '/v1/me/face/consent', {
    token: obama.token,
    body: { accept: true, noticeVersion: '2026-11' },
  });
  const form = new FormData();
  for (const f of ['person_a_obama_1.jpg', 'person_a_obama_2.jpg']) {
    form.append('images', new Blob([photo(f)]), f);
  }
  const enrolled = await fetch(`${gw.url}/v1/users/${obama.userId}/face`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}` },
    body: form,
  });
  expect(enrolled.status).toBe(201);
  frames = {
    front: await cameraFrame(photo('person_a_obama_1.jpg')),
    right: await cameraFrame(photo('person_a_obama_2.jpg')),
    left: await cameraFrame(photo('person_a_obama_2.jpg'), true),
  };
}, 180_000);

afterAll(async () => {
  await checked?.stop();
  await decided?.stop();
  await gw?.app.close();
  await access?.stop();
  await face?.stop();
  await qr?.stop();
  await auth?.stop();
});

const challenge = async (token = obama.token): Promise<FaceChallenge> => {
  const res = await call(gw.url, 'POST', '/v1/face/challenges', { token });
  expect(res.status).toBe(201);
  return res.body as FaceChallenge;
};

/** The member's frames answering `poses`: a frontal frame, then each pose. */
const answering = (poses: readonly string[]) => [
  frames.front,
  ...poses.map((p) => frames[p as Pose]),
];

/**
 * An access request from the member's phone with a burst (or, without `challengeId`, a single
 * photo), and the face app's answer when it is accepted.
 */
async function atTheDoor(
  images: Buffer[],
  burst?: { challengeId: string; frameTimes?: string },
  token = obama.token,
) {
  const code = (await call(gw.url, 'GET', '/v1/kiosk/qr', { token: kiosk })).body.payload;
  const form = new FormData();
  form.append('roomId', ROOM);
  form.append('qr', code);
  if (burst) {
    form.append('challengeId', burst.challengeId);
    const times = images.map((_, i) => i * GAP_MS).join(',');
    form.append('frameTimes', burst.frameTimes ?? times);
  }
  images.forEach((f, i) => form.append('face', new Blob([f]), `frame-${i}.jpg`));
  const res = await fetch(`${gw.url}/v1/access-requests`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  const body = (await res.json()) as { requestId?: string; code?: string };
  if (res.status !== 202) return { status: res.status, body };
  const ofRequest = (e: FaceCheckedV1) => e.payload.requestId === body.requestId;
  const [event] = await checked.waitFor(ofRequest, 1, 60_000);
  return { status: res.status, body, answer: event!.payload };
}

const SHEAR = 0.3;

/**
 * The frontal frame sheared sideways (x += k·y), the way one photo could be warped to move the
 * nose off the eyes' axis and fake a head turned to each side.
 */
const sheared = (pose: string) =>
  sharp(frames.front)
    .affine([1, pose === 'left' ? SHEAR : -SHEAR, 0, 1], { background: '#808080' })
    .jpeg({ quality: 90 })
    .toBuffer();

/** Waits until frames `GAP_MS` apart could have been taken since the challenge came. */
const afterFrames = (c: FaceChallenge) =>
  new Promise((r) => setTimeout(r, c.frames * GAP_MS + 100));

describe('active liveness', () => {
  it('has frames whose poses the landmarks read as turned each way (what the tests below rely on)', async () => {
    const read: Record<string, { yaw: number; pitch: number }> = {};
    for (const [name, bytes] of Object.entries(frames)) {
      const a = await pipeline.analyse(bytes, 'selfie');
      if (!a.ok) throw new Error(`${name}: ${a.problem}`);
      read[name] = estimatePose(a.face.landmarks);
    }
    expect(Math.abs(read.front!.yaw)).toBeLessThan(10);
    expect(read.left!.yaw - read.front!.yaw).toBeGreaterThan(12);
    expect(read.right!.yaw - read.front!.yaw).toBeLessThan(-12);
  }, 60_000);

  it('matches the member whose burst answers the challenge, says the liveness was active, and refuses the burst sent again', async () => {
    const c = await challenge();
    expect(c.poses.length === 2 || c.poses.length === 3).toBe(true);
    expect(c.frames).toBe(c.poses.length + 1);
    expect(Date.parse(c.expiresAt) - Date.now()).toBeLessThanOrEqual(30_000);
    const burst = answering(c.poses);
    await afterFrames(c);
    const { answer } = await atTheDoor(burst, { challengeId: c.challengeId });
    expect(answer).toMatchObject({ outcome: 'match', userId: obama.userId, liveness: 'active' });
    expect(answer).not.toHaveProperty('challenge');

    // The same burst again, in a new request: the challenge is used.
    const replayed = await atTheDoor(burst, { challengeId: c.challengeId });
    expect(replayed.answer).toMatchObject({
      outcome: 'spoof',
      liveness: 'active',
      challenge: 'challenge-used',
    });
    const [row] = await query<{ request_id: string }>(
      face.databaseUrl,
      'select request_id from face_challenges where id = $1',
      [c.challengeId],
    );
    expect(row!.request_id).toBe(answer!.requestId);
  }, 120_000);

  it('refuses a single photo from a phone at the gateway, and as a burst of one frame', async () => {
    const single = await atTheDoor([frames.front]);
    expect(single).toMatchObject({ status: 422, body: { code: 'ACTIVE_LIVENESS_REQUIRED' } });
    const c = await challenge();
    const one = await atTheDoor([frames.front], { challengeId: c.challengeId });
    expect(one.answer).toMatchObject({ outcome: 'spoof', challenge: 'frame-count' });
  }, 60_000);

  it('refuses the same photo in every frame, and frames in poses other than asked', async () => {
    const c = await challenge();
    await afterFrames(c);
    const still = Array<Buffer>(c.frames).fill(frames.front);
    const same = await atTheDoor(still, { challengeId: c.challengeId });
    expect(same.answer).toMatchObject({ outcome: 'spoof', challenge: 'wrong-pose' });

    const next = await challenge();
    const opposite = next.poses.map((p) => (p === 'left' ? 'right' : 'left'));
    await afterFrames(next);
    const turned = await atTheDoor(answering(opposite), { challengeId: next.challengeId });
    expect(turned.answer).toMatchObject({ outcome: 'spoof', challenge: 'wrong-pose' });
  }, 120_000);

  it('refuses one photo warped sideways for each pose asked', async () => {
    const left = await pipeline.analyse(await sheared('left'), 'selfie');
    if (!left.ok) throw new Error(`sheared: ${left.problem}`);
    expect(Math.abs(estimatePose(left.face.landmarks).yaw)).toBeLessThan(8);
    const c = await challenge();
    await afterFrames(c);
    const warped = [frames.front, ...(await Promise.all(c.poses.map(sheared)))];
    const { answer } = await atTheDoor(warped, { challengeId: c.challengeId });
    expect(answer).toMatchObject({ outcome: 'spoof', challenge: 'wrong-pose' });
  }, 120_000);

  it('refuses frames of two people', async () => {
    const c = await challenge();
    const other = await cameraFrame(photo('person_b_biden_1.jpg'));
    await afterFrames(c);
    const mixed = [frames.front, ...c.poses.map(() => other)];
    const { answer } = await atTheDoor(mixed, { challengeId: c.challengeId });
    expect(answer).toMatchObject({ outcome: 'spoof', challenge: 'faces-differ' });
  }, 120_000);

  it("refuses an expired challenge, another caller's, and frames timed faster than a person turns", async () => {
    const c = await challenge();
    // Its 30 seconds have passed.
    await query(
      face.databaseUrl,
      `update face_challenges set issued_at = now() - interval '40 seconds',
         expires_at = now() - interval '10 seconds' where id = $1`,
      [c.challengeId],
    );
    const late = await atTheDoor(answering(c.poses), { challengeId: c.challengeId });
    expect(late.answer).toMatchObject({ outcome: 'spoof', challenge: 'challenge-expired' });

    const someoneElse = await memberToken(gw.url, admin);
    const theirs = await challenge(someoneElse.token);
    await afterFrames(theirs);
    const stolen = await atTheDoor(answering(theirs.poses), { challengeId: theirs.challengeId });
    expect(stolen.answer).toMatchObject({ outcome: 'spoof', challenge: 'challenge-unknown' });

    const quick = await challenge();
    const burst = answering(quick.poses);
    const frameTimes = burst.map((_, i) => i * 20).join(',');
    const rushed = await atTheDoor(burst, { challengeId: quick.challengeId, frameTimes });
    expect(rushed.answer).toMatchObject({ outcome: 'spoof', challenge: 'bad-timing' });
  }, 120_000);

  it('refuses a challenge taken long after it closed, whatever time the gateway stamped', async () => {
    const c = await challenge();
    // Issued two hours ago for 30 seconds, by the database's clock.
    const [row] = await query<{ caller_id: string; issued_at: Date }>(
      face.databaseUrl,
      `update face_challenges set issued_at = now() - interval '2 hours',
         expires_at = now() - interval '2 hours' + interval '30 seconds' where id = $1
       returning caller_id, issued_at`,
      [c.challengeId],
    );
    // A gateway whose clock is two hours behind says the burst arrived a second after the issue.
    const arrivedAt = new Date(row!.issued_at.getTime() + 1000);
    const taken = await face.app
      .get(Challenges)
      .take(c.challengeId, row!.caller_id, randomUUID(), arrivedAt);
    expect(taken).toEqual({ failure: 'challenge-expired' });
  });

  it('refuses bursts that do not hold together at the gateway', async () => {
    const c = await challenge();
    const burst = answering(c.poses);
    const noTimes = await atTheDoor(burst, { challengeId: c.challengeId, frameTimes: '0' });
    expect(noTimes).toMatchObject({ status: 400, body: { code: 'BURST_INVALID' } });
    // Times a burst cannot have: longer than a minute, or out of order.
    for (const frameTimes of ['0,61000', '0,900,400,1300']) {
      const wrong = await atTheDoor(burst.slice(0, frameTimes.split(',').length), {
        challengeId: c.challengeId,
        frameTimes,
      });
      expect(wrong).toMatchObject({ status: 400, body: { code: 'BURST_INVALID' } });
    }
    const tooMany = await atTheDoor([...burst, ...burst], { challengeId: c.challengeId });
    expect(tooMany).toMatchObject({ status: 400, body: { code: 'TOO_MANY_IMAGES' } });
    const heavy = Buffer.concat([frames.front, Buffer.alloc(400_000)]);
    const tooLarge = await atTheDoor([heavy, heavy], { challengeId: c.challengeId });
    expect(tooLarge).toMatchObject({ status: 413, body: { code: 'BURST_TOO_LARGE' } });
  }, 60_000);
});

describe('a door that requires active liveness', () => {
  const post = (path: string, body: unknown) => call(gw.url, 'POST', path, { token: admin, body });
  let place: { roomId: string; doorId: string; kiosk: string };

  beforeAll(async () => {
    const site = await post('/v1/sites', { name: 'HQ', timeZone: 'UTC' });
    const room = await post('/v1/rooms', { siteId: site.body.id, name: 'Vault' });
    const lock = await post('/v1/locks', { name: 'Vault lock' });
    const door = await post('/v1/doors', {
      roomId: room.body.id,
      name: 'Vault door',
      lockId: lock.body.id,
      requireActiveLiveness: true,
    });
    expect(door).toMatchObject({ status: 201, body: { requireActiveLiveness: true } });
    await post('/v1/permissions', { roomId: room.body.id, userId: obama.userId });
    place = {
      roomId: room.body.id,
      doorId: door.body.id,
      kiosk: (await kioskToken(gw.url, admin, [door.body.id])).token,
    };
  }, 60_000);

  /** The member's pass at the door's kiosk with its camera's frames; the decision. */
  async function atTheKiosk(images: Buffer[], challengeId?: string) {
    const pass = (await call(gw.url, 'GET', '/v1/me/pass', { token: obama.token })).body.payload;
    const form = new FormData();
    form.append('roomId', place.roomId);
    form.append('doorId', place.doorId);
    form.append('qr', pass);
    if (challengeId) {
      form.append('challengeId', challengeId);
      form.append('frameTimes', images.map((_, i) => i * GAP_MS).join(','));
    }
    images.forEach((f, i) => form.append('face', new Blob([f]), `frame-${i}.jpg`));
    const res = await fetch(`${gw.url}/v1/access-requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${place.kiosk}` },
      body: form,
    });
    expect(res.status).toBe(202);
    const { requestId } = (await res.json()) as { requestId: string };
    const [event] = await decided.waitFor((e) => e.payload.requestId === requestId, 1, 60_000);
    return event!.payload;
  }

  it("refuses the kiosk's single photo, judged by passive liveness, and opens for a burst answering a challenge", async () => {
    expect(await atTheKiosk([frames.front])).toMatchObject({
      decision: 'denied',
      reasons: ['face-liveness-not-active'],
      liveness: 'passive',
    });
    const c = await challenge(place.kiosk);
    await afterFrames(c);
    expect(await atTheKiosk(answering(c.poses), c.challengeId)).toMatchObject({
      decision: 'granted',
      userId: obama.userId,
      doorId: place.doorId,
      liveness: 'active',
    });
  }, 120_000);
});
