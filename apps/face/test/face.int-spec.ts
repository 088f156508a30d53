import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import {
  ACCESS_REQUESTED_V1,
  FACE_CAPTURED_V1,
  FACE_CHECKED_V1,
  FACE_ENROLMENT_V1,
  FaceCheckedV1,
  FaceEnrolmentV1,
  QR_CHECKED_V1,
  QrCheckedV1,
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
import { expectDocumentedAndForwarded } from '../../../test/support/routes';
import {
  collect,
  findRecord,
  groupReport,
  groupSettled,
  produceRaw,
} from '../../../test/support/kafka';
import { query } from '../../../test/support/postgres';
import { startQr, StartedQr } from '../../../test/support/qr';
import {
  photo,
  pngHeaderOnly,
  startFace,
  StartedFace,
  testPipeline,
} from '../../../test/support/face';
import { eventually } from '../../../test/support/apps';
import { meanTemplate } from '../src/domain/vectors';
import type { FacePipeline } from '../src/domain/pipeline';
import { FACE_PIPELINE } from '../src/services/tokens';
import { Upkeep } from '../src/services/upkeep.service';
import { QrAnswerFeed } from '../src/adapters/qr-answers';
import { FACE_CONTROLLERS } from '../src/http/routes';

const ROOM = randomUUID();
const DOOR = randomUUID();

let auth: StartedAuth;
let qr: StartedQr;
let face: StartedFace;
let gw: AppHandle;
let admin: string;
let kiosk: string;
let checked: Awaited<ReturnType<typeof collect<FaceCheckedV1>>>;
let enrolments: Awaited<ReturnType<typeof collect<FaceEnrolmentV1>>>;
let qrAnswers: Awaited<ReturnType<typeof collect<QrCheckedV1>>>;

beforeAll(async () => {
  auth = await startAuth();
  qr = await startQr(auth);
  face = await startFace(auth);
  // Nothing decides here (no access app), so a caller's photos would stay undecided: the
  // quota gets its own gateway below.
  gw = await startGatewayFor(auth, {
    QR_URL: qr.url,
    FACE_URL: face.url,
    FACE_MAX_PHOTOS_PER_CALLER: '1000',
  });
  checked = await collect<FaceCheckedV1>(FACE_CHECKED_V1);
  enrolments = await collect<FaceEnrolmentV1>(FACE_ENROLMENT_V1);
  qrAnswers = await collect<QrCheckedV1>(QR_CHECKED_V1);
  admin = (await login(gw.url, ADMIN.email, ADMIN.password)).accessToken;
  kiosk = (await kioskToken(gw.url, admin, [DOOR])).token;
}, 120_000);

afterAll(async () => {
  await checked?.stop();
  await enrolments?.stop();
  await qrAnswers?.stop();
  await gw?.app.close();
  await face?.stop();
  await qr?.stop();
  await auth?.stop();
});

/** A multipart request through the gateway. */
async function upload(
  method: string,
  path: string,
  token: string,
  files: { field: string; bytes: Buffer; name?: string }[],
  fields: Record<string, string> = {},
  base = gw.url,
) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  for (const f of files) form.append(f.field, new Blob([f.bytes]), f.name ?? 'photo.jpg');
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

const consent = (token: string) =>
  call(gw.url, 'POST', '/v1/me/face/consent', {
    token,
    body: { accept: true, noticeVersion: '2026-11' },
  });
const enrol = (token: string, files: string[] | Buffer[]) =>
  upload(
    'POST',
    '/v1/me/face',
    token,
    files.map((f) => ({ field: 'images', bytes: typeof f === 'string' ? photo(f) : f })),
  );

const approve = (userId: string, token = admin) =>
  call(gw.url, 'POST', `/v1/users/${userId}/face/approve`, { token });

/** A member who consented and enrolled these photos, approved by the admin. */
async function enrolledMember(files: string[]) {
  const member = await memberToken(gw.url, admin);
  expect((await consent(member.token)).status).toBe(200);
  const res = await enrol(member.token, files);
  expect(res).toMatchObject({ status: 202, body: { enrolled: false } });
  expect(await approve(member.userId)).toMatchObject({ status: 200, body: { enrolled: true } });
  return member;
}

/** The sealed template on record. */
const templateRow = async (userId: string) =>
  (
    await query<{ ciphertext: string; enrolled_at: Date }>(
      face.databaseUrl,
      'select ciphertext, enrolled_at from face_templates where user_id = $1',
      [userId],
    )
  )[0];

/** A member at the door: scans the kiosk's code, sends a photo; the face step's answer. */
async function atTheDoor(memberToken: string, file: string | Buffer) {
  const code = (await call(gw.url, 'GET', '/v1/kiosk/qr', { token: kiosk })).body.payload;
  const res = await upload(
    'POST',
    '/v1/access-requests',
    memberToken,
    [{ field: 'face', bytes: typeof file === 'string' ? photo(file) : file }],
    { roomId: ROOM, qr: code },
  );
  expect(res.status).toBe(202);
  const requestId = res.body.requestId as string;
  const ofRequest = (e: { payload: { requestId: string } }) => e.payload.requestId === requestId;
  try {
    const [event] = await checked.waitFor(ofRequest, 1, 30000);
    return event!.payload;
  } catch (err) {
    // Which half was missing: the QR step's answer, or the face step with it.
    const [answer] = qrAnswers.matching(ofRequest);
    const heard = face.app.get(QrAnswerFeed).get(requestId);
    // And where the qr app's consumers stand, should it never have answered.
    const qrGroup = answer ? '' : `; ${await groupReport(qr.groupId, ACCESS_REQUESTED_V1)}`;
    throw new Error(
      `${(err as Error).message}; QR answer ${answer ? `published (${answer.payload.outcome})` : 'never published'}, ${heard ? '' : 'not '}heard by the face app${qrGroup}`,
    );
  }
}

describe('enrolment', () => {
  it('needs consent first, holds a first face for an admin, and never returns the template', async () => {
    const member = await memberToken(gw.url, admin);
    expect(await enrol(member.token, ['person_a_obama_1.jpg'])).toMatchObject({
      status: 403,
      body: { code: 'CONSENT_REQUIRED' },
    });
    const given = await consent(member.token);
    expect(given).toMatchObject({
      status: 200,
      body: { noticeVersion: '2026-11', enrolled: false },
    });
    const res = await enrol(member.token, ['person_a_obama_1.jpg', 'person_a_obama_2.jpg']);
    expect(res).toMatchObject({
      status: 202,
      body: { enrolled: false, pending: { reason: 'no-template' } },
    });
    expect(await templateRow(member.userId)).toBeUndefined();
    // The member cannot approve it.
    expect(await approve(member.userId, member.token)).toMatchObject({
      status: 403,
      body: { code: 'INSUFFICIENT_ROLE' },
    });
    expect(await approve(member.userId)).toMatchObject({
      status: 200,
      body: { enrolled: true, imageCount: 2, model: 'mobilefacenet-foamliu-128', pending: null },
    });
    const status = await call(gw.url, 'GET', '/v1/me/face', { token: member.token });
    expect(Object.keys(status.body).sort()).toEqual([
      'consentGivenAt',
      'enrolled',
      'enrolledAt',
      'history',
      'imageCount',
      'lastUsedAt',
      'model',
      'noticeVersion',
      'pending',
    ]);
    expect(status.body.history).toMatchObject([{ state: 'enrolled', via: 'approved' }]);
    const events = await enrolments.waitFor((e) => e.payload.userId === member.userId, 2);
    expect(events.map((e) => e.payload)).toEqual([
      {
        userId: member.userId,
        kind: 'pending',
        reason: 'no-template',
        modelVersion: 'mobilefacenet-foamliu-128',
      },
      {
        userId: member.userId,
        kind: 'enrolled',
        via: 'approved',
        by: expect.any(String),
        replaced: false,
        modelVersion: 'mobilefacenet-foamliu-128',
      },
    ]);
  });

  it('stores the template sealed: no float of it in the row, and bound to its user', async () => {
    const files = ['person_c_rudd_1.jpg', 'person_c_rudd_2.jpg'];
    const member = await enrolledMember(files);
    const pipeline = await testPipeline();
    const embeddings = [];
    for (const f of files) {
      const r = await pipeline.analyse(photo(f), 'selfie');
      if (r.ok) embeddings.push(r.embedding);
    }
    const template = meanTemplate(embeddings);
    const [row] = await query<Record<string, string>>(
      face.databaseUrl,
      'select * from face_templates where user_id = $1',
      [member.userId],
    );
    const raw = Buffer.from(JSON.stringify(row));
    const cipher = Buffer.from(row!.ciphertext!, 'base64');
    expect(cipher).toHaveLength(512);
    // Not one of the 128 floats appears, as bytes or as text, anywhere in the row.
    for (let i = 0; i < template.length; i++) {
      const bytes = Buffer.from(template.buffer, i * 4, 4);
      expect(cipher.includes(bytes)).toBe(false);
      expect(raw.includes(Buffer.from(String(template[i]).slice(0, 8)))).toBe(false);
    }
    // The row moved to another user does not open: that user gets no match, but not-enrolled
    // would be wrong too; the app refuses to use it (no face answer at all is fail-secure).
    const other = await memberToken(gw.url, admin);
    await query(
      face.databaseUrl,
      `insert into face_templates select $2, key_id, iv, tag, ciphertext, model, image_count, enrolled_at, last_used_at from face_templates where user_id = $1`,
      [member.userId, other.userId],
    );
    const { Templates } = await import('../src/services/templates.service');
    // A row copied to another user does not open for them: it counts as no template.
    await expect(face.app.get(Templates).templateOf(other.userId)).resolves.toBeUndefined();
    await expect(face.app.get(Templates).templateOf(member.userId)).resolves.toMatchObject({
      model: 'mobilefacenet-foamliu-128',
    });
  });

  it.each([
    ['no face', ['noface_coffee.jpg'], 422, 'FACE_REJECTED', [{ image: 0, reason: 'no-face' }]],
    [
      'a spoof among good photos',
      ['person_b_biden_2.jpg', 'liveness_spoof_2.jpg'],
      422,
      'FACE_REJECTED',
      [{ image: 1, reason: 'spoof' }],
    ],
    [
      'two people',
      ['multi_obama_biden.jpg'],
      422,
      'FACE_REJECTED',
      [{ image: 0, reason: 'many-faces' }],
    ],
    [
      'two different people',
      ['person_a_obama_1.jpg', 'person_d_pratt_1.jpg'],
      422,
      'FACES_DO_NOT_MATCH',
      undefined,
    ],
  ])('refuses %s with a stable code', async (_, files, status, code, details) => {
    const member = await memberToken(gw.url, admin);
    await consent(member.token);
    const res = await enrol(member.token, files);
    expect(res).toMatchObject({ status, body: { code } });
    if (details) expect(res.body.details).toEqual(details);
    expect((await call(gw.url, 'GET', '/v1/me/face', { token: member.token })).body.enrolled).toBe(
      false,
    );
  });

  it('refuses garbage, a truncated photo, too many or no photos, and JSON, with clear codes', async () => {
    const member = await memberToken(gw.url, admin);
    await consent(member.token);
    expect(await enrol(member.token, [Buffer.from('not a picture at all')])).toMatchObject({
      status: 422,
      body: { code: 'FACE_REJECTED', details: [{ image: 0, reason: 'not-an-image' }] },
    });
    const truncated = photo('person_a_obama_1.jpg').subarray(0, 30000);
    expect(await enrol(member.token, [truncated])).toMatchObject({
      status: 422,
      body: { details: [{ reason: 'not-an-image' }] },
    });
    const six = Array.from({ length: 6 }, () => 'person_c_rudd_1.jpg');
    expect(await enrol(member.token, six)).toMatchObject({
      status: 400,
      body: { code: 'TOO_MANY_IMAGES' },
    });
    expect(await enrol(member.token, [])).toMatchObject({
      status: 400,
      body: { code: 'IMAGES_REQUIRED' },
    });
    expect(
      await upload('POST', '/v1/me/face', member.token, [
        { field: 'photo', bytes: photo('person_c_rudd_1.jpg') },
      ]),
    ).toMatchObject({ status: 400, body: { code: 'UNEXPECTED_FIELD' } });
    expect(
      await call(gw.url, 'POST', '/v1/me/face', { token: member.token, body: { images: [] } }),
    ).toMatchObject({ status: 415, body: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
    // The service still answers.
    expect((await call(gw.url, 'GET', '/v1/me/face', { token: member.token })).status).toBe(200);
  });
});

describe('replacing a face', () => {
  it('holds a face that does not match the one on record for an admin: a stolen token alone cannot swap it', async () => {
    const victim = await enrolledMember(['person_a_obama_1.jpg', 'person_a_obama_2.jpg']);
    const before = await templateRow(victim.userId);
    // Someone with the member's token (and password, even) enrols their own face.
    const res = await enrol(victim.token, ['person_b_biden_1.jpg']);
    expect(res).toMatchObject({
      status: 202,
      body: { enrolled: true, pending: { reason: 'no-match' } },
    });
    expect(await templateRow(victim.userId)).toEqual(before);
    // At the door, with the member's token, the other face is not the member's.
    expect(await atTheDoor(victim.token, 'person_b_biden_2.jpg')).toMatchObject({
      outcome: 'no-match',
    });
    // The first enrolment waited for the admin too (no-template); this one does not match.
    const pending = await enrolments.waitFor(
      (e) => e.payload.userId === victim.userId && e.payload.kind === 'pending',
      2,
    );
    expect(pending.map((e) => e.payload.reason)).toEqual(['no-template', 'no-match']);

    // The admin refuses it: the face on record stays, and the history says so.
    expect(
      await call(gw.url, 'POST', `/v1/users/${victim.userId}/face/reject`, { token: admin }),
    ).toMatchObject({ status: 200, body: { enrolled: true, pending: null } });
    expect(await templateRow(victim.userId)).toEqual(before);
    expect(await approve(victim.userId)).toMatchObject({
      status: 404,
      body: { code: 'NO_PENDING_ENROLMENT' },
    });
    const seen = await call(gw.url, 'GET', `/v1/users/${victim.userId}/face`, { token: admin });
    expect(seen.body.history.map((h: { state: string }) => h.state)).toEqual([
      'rejected',
      'enrolled',
    ]);
  });

  it('replaces a face that matches the one on record at once, and says so', async () => {
    const member = await enrolledMember(['person_a_obama_1.jpg']);
    const res = await enrol(member.token, ['person_a_obama_2.jpg', 'person_a_obama_3.jpg']);
    expect(res).toMatchObject({ status: 201, body: { enrolled: true, imageCount: 2 } });
    const [event] = await enrolments.waitFor(
      (e) => e.payload.userId === member.userId && e.payload.via === 'matched',
    );
    expect(event!.payload).toMatchObject({ kind: 'enrolled', replaced: true });
  });

  it('needs a recent sign-in with the password, not just a valid access token', async () => {
    const strict = await startFace(auth, {
      databaseUrl: face.databaseUrl,
      env: { FACE_ENROL_SIGN_IN_MAX_AGE_S: '1' },
    });
    try {
      const member = await memberToken(gw.url, admin);
      await consent(member.token);
      await new Promise((r) => setTimeout(r, 1500));
      const form = new FormData();
      form.append('images', new Blob([photo('person_c_rudd_1.jpg')]), 'photo.jpg');
      const res = await fetch(`${strict.url}/v1/me/face`, {
        method: 'POST',
        headers: { authorization: `Bearer ${member.token}` },
        body: form,
      });
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ code: 'RECENT_SIGN_IN_REQUIRED' });
    } finally {
      await strict.app.close();
    }
  });

  it('lets an admin enrol a person in front of them, in use at once', async () => {
    const member = await memberToken(gw.url, admin);
    await consent(member.token);
    const res = await upload('POST', `/v1/users/${member.userId}/face`, admin, [
      { field: 'images', bytes: photo('person_d_pratt_1.jpg') },
    ]);
    expect(res).toMatchObject({ status: 201, body: { enrolled: true } });
    const [event] = await enrolments.waitFor(
      (e) => e.payload.userId === member.userId && e.payload.kind === 'enrolled',
    );
    expect(event!.payload).toMatchObject({ via: 'supervised', by: expect.any(String) });
    // Not a member's to do.
    const other = await memberToken(gw.url, admin);
    expect(
      await upload('POST', `/v1/users/${other.userId}/face`, member.token, [
        { field: 'images', bytes: photo('person_d_pratt_1.jpg') },
      ]),
    ).toMatchObject({ status: 403 });
  });
});

describe('enrolment limits', () => {
  it('limits enrolments per person and per address, counted in the database, before reading the upload', async () => {
    // A second instance on the same database with tight limits: the counts are shared.
    const limited = await startFace(auth, {
      databaseUrl: face.databaseUrl,
      env: { RATE_ENROLMENT_PER_USER: '2/3600', RATE_ENROLMENT_PER_ADDRESS: '3/3600' },
    });
    try {
      // No consent yet: an enrolment that passes the limits is refused with CONSENT_REQUIRED.
      const post = (token: string, from: string) =>
        call(limited.url, 'POST', '/v1/me/face', {
          token,
          body: { images: [] },
          headers: { 'x-forwarded-for': from },
        });
      const one = await memberToken(gw.url, admin);
      const two = await memberToken(gw.url, admin);
      expect((await post(one.token, '198.51.100.10')).status).toBe(403);
      expect((await post(one.token, '198.51.100.11')).status).toBe(403);
      const over = await post(one.token, '198.51.100.12');
      expect(over).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } });
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
      for (let i = 0; i < 2; i++) expect((await post(two.token, '198.51.100.10')).status).toBe(403);
      // Person two is at their own limit now; a third person from .10 meets the address's.
      const three = await memberToken(gw.url, admin);
      expect((await post(three.token, '198.51.100.10')).status).toBe(429);
      expect((await post(three.token, '198.51.100.13')).status).toBe(403);
    } finally {
      await limited.app.close();
    }
  });
});

describe('erasure', () => {
  const rows = (userId: string) =>
    query(face.databaseUrl, 'select user_id from face_templates where user_id = $1', [userId]);

  it('by the person: no row left, consent withdrawn, erased announced', async () => {
    const member = await enrolledMember(['person_b_biden_1.jpg']);
    expect(await rows(member.userId)).toHaveLength(1);
    expect((await call(gw.url, 'DELETE', '/v1/me/face', { token: member.token })).status).toBe(204);
    expect(await rows(member.userId)).toHaveLength(0);
    const [erased] = await enrolments.waitFor(
      (e) => e.payload.userId === member.userId && e.payload.kind === 'erased',
    );
    expect(erased!.payload.erasedBy).toBe('user');
    expect(await enrol(member.token, ['person_b_biden_1.jpg'])).toMatchObject({
      status: 403,
      body: { code: 'CONSENT_REQUIRED' },
    });
  });

  it('by an admin, and when the account is deleted', async () => {
    const a = await enrolledMember(['person_c_rudd_2.jpg']);
    expect(
      (await call(gw.url, 'DELETE', `/v1/users/${a.userId}/face`, { token: admin })).status,
    ).toBe(204);
    expect(await rows(a.userId)).toHaveLength(0);
    expect(
      (await call(gw.url, 'DELETE', `/v1/users/${a.userId}/face`, { token: a.token })).status,
    ).toBe(403);

    const b = await enrolledMember(['person_f_luciano_1.jpg']);
    expect((await call(gw.url, 'DELETE', `/v1/users/${b.userId}`, { token: admin })).status).toBe(
      204,
    );
    await eventually(async () => ((await rows(b.userId)).length === 0 ? true : undefined));
    const consents = await query(
      face.databaseUrl,
      'select * from face_consents where user_id = $1',
      [b.userId],
    );
    expect(consents).toHaveLength(0);
  });

  it('by retention, for templates unused for longer than the limit', async () => {
    const member = await enrolledMember(['person_d_pratt_1.jpg']);
    const upkeep = face.app.get(Upkeep);
    expect((await upkeep.run(new Date())).erased).toBe(0);
    const later = new Date(Date.now() + 1096 * 86_400_000);
    expect((await upkeep.run(later)).erased).toBeGreaterThanOrEqual(1);
    expect(await rows(member.userId)).toHaveLength(0);
  });
});

describe('the face step of the access flow', () => {
  let obama: { userId: string; token: string };
  beforeAll(async () => {
    obama = await enrolledMember(['person_a_obama_1.jpg', 'person_a_obama_2.jpg']);
  });

  it('matches the enrolled member, through the gateway, Kafka and PostgreSQL', async () => {
    const answer = await atTheDoor(obama.token, 'person_a_obama_3.jpg');
    expect(answer).toMatchObject({
      outcome: 'match',
      userId: obama.userId,
      threshold: 0.45,
      liveness: 'passive',
      model: 'mobilefacenet-foamliu-128',
    });
    expect(answer.score).toBeGreaterThanOrEqual(0.45);
    // What the flow's time is made of, beside the answer: arrival, then the analysis.
    const [row] = await query<{ received_at: Date; checked_at: Date; analysis_ms: number }>(
      face.databaseUrl,
      'select received_at, checked_at, analysis_ms from face_checks where request_id = $1',
      [answer.requestId],
    );
    expect(row!.analysis_ms).toBeGreaterThan(1);
    expect(row!.received_at.getTime()).toBeLessThanOrEqual(row!.checked_at.getTime());
    expect(row!.checked_at.getTime() - row!.received_at.getTime()).toBeGreaterThanOrEqual(
      Math.floor(row!.analysis_ms),
    );
  });

  it.each([
    ['someone else', 'person_c_rudd_1.jpg', { outcome: 'no-match' }],
    ['a photo of a screen', 'liveness_spoof_2.jpg', { outcome: 'spoof', liveness: 'passive' }],
    ['no face', 'noface_rocket.jpg', { outcome: 'no-face' }],
    ['two faces', 'multi_obama_biden.jpg', { outcome: 'many-faces' }],
  ])('refuses %s', async (_, file, expected) => {
    const answer = await atTheDoor(obama.token, file);
    expect(answer).toMatchObject(expected);
    // Liveness is named only when it judged the face.
    if (['no-face', 'many-faces'].includes(expected.outcome)) {
      expect(answer).not.toHaveProperty('liveness');
    } else expect(answer).toHaveProperty('liveness', 'passive');
  });

  it('answers every request when two instances share the work, whichever holds the capture', async () => {
    // A second instance in the same group: the captures' partitions are split between the two,
    // while each reads every QR answer.
    const second = await startFace(auth, { databaseUrl: face.databaseUrl, groupId: face.groupId });
    try {
      // Until the group has settled, no capture is read at all: that is Kafka's rebalance.
      await groupSettled(face.groupId, 2);
      const outcomes: string[] = [];
      for (let i = 0; i < 6; i++) {
        outcomes.push((await atTheDoor(obama.token, 'person_a_obama_3.jpg')).outcome);
      }
      expect(outcomes).toEqual(Array(6).fill('match'));
    } finally {
      await second.stop();
    }
  });

  it('answers a redelivered capture the same way, from the stored answer', async () => {
    const first = await atTheDoor(obama.token, 'person_a_obama_2.jpg');
    const record = await findRecord(FACE_CAPTURED_V1, (m) => m.key?.toString() === first.requestId);
    await produceRaw(FACE_CAPTURED_V1, first.requestId, record!.value!);
    const answers = await checked.waitFor((e) => e.payload.requestId === first.requestId, 2);
    expect(answers[1]!.payload).toEqual(answers[0]!.payload);
  });

  it('says not-enrolled for a member without a face', async () => {
    const member = await memberToken(gw.url, admin);
    expect(await atTheDoor(member.token, 'person_a_obama_3.jpg')).toMatchObject({
      outcome: 'not-enrolled',
      userId: member.userId,
    });
  });

  it('at a kiosk in pass mode, compares with the person the pass names', async () => {
    const pass = (await call(gw.url, 'GET', '/v1/me/pass', { token: obama.token })).body.payload;
    const res = await upload(
      'POST',
      '/v1/access-requests',
      kiosk,
      [{ field: 'face', bytes: photo('person_a_obama_2.jpg') }],
      { roomId: ROOM, doorId: DOOR, qr: pass },
    );
    expect(res.status).toBe(202);
    const [event] = await checked.waitFor((e) => e.payload.requestId === res.body.requestId);
    expect(event!.payload).toMatchObject({ outcome: 'match', userId: obama.userId });
  });

  it('with a greyscale (IR) camera, a kiosk matches the member; a phone sending the same photo is refused', async () => {
    const grey = await sharp(photo('person_a_obama_2.jpg'))
      .greyscale()
      .jpeg({ quality: 90 })
      .toBuffer();
    const pass = (await call(gw.url, 'GET', '/v1/me/pass', { token: obama.token })).body.payload;
    const res = await upload(
      'POST',
      '/v1/access-requests',
      kiosk,
      [{ field: 'face', bytes: grey }],
      {
        roomId: ROOM,
        doorId: DOOR,
        qr: pass,
      },
    );
    expect(res.status).toBe(202);
    const [event] = await checked.waitFor((e) => e.payload.requestId === res.body.requestId);
    expect(event!.payload).toMatchObject({
      outcome: 'match',
      userId: obama.userId,
      liveness: 'passive-greyscale',
    });
    // From a device the system does not control, a greyscale face's liveness is not judged.
    expect(await atTheDoor(obama.token, grey)).toMatchObject({
      outcome: 'spoof',
      liveness: 'passive-greyscale',
    });
  });

  it('refuses a photo that is not an image type at the gateway, before anything is sent', async () => {
    const res = await upload(
      'POST',
      '/v1/access-requests',
      obama.token,
      [{ field: 'face', bytes: Buffer.from('GIF89a not really') }],
      { roomId: ROOM, qr: 'RK1.R.X' },
    );
    expect(res).toMatchObject({ status: 415, body: { code: 'IMAGE_TYPE_UNSUPPORTED' } });
    const big = Buffer.concat([photo('person_a_obama_1.jpg'), Buffer.alloc(500_000)]);
    expect(
      await upload('POST', '/v1/access-requests', obama.token, [{ field: 'face', bytes: big }], {
        roomId: ROOM,
        qr: 'RK1.R.X',
      }),
    ).toMatchObject({ status: 413, body: { code: 'IMAGE_TOO_LARGE' } });
  });

  it('re-seals templates under a new key, and they still match', async () => {
    const next = `next:${Buffer.alloc(32, 9).toString('base64')}`;
    const { TEST_TEMPLATE_KEYRING } = await import('../../../test/support/face');
    const rotated = await startFace(auth, {
      databaseUrl: face.databaseUrl,
      env: { FACE_TEMPLATE_KEYRING: `${next},${TEST_TEMPLATE_KEYRING}` },
    });
    try {
      const { resealed } = await rotated.app.get(Upkeep).run();
      expect(resealed).toBeGreaterThanOrEqual(1);
      const keys = await query<{ key_id: string }>(
        face.databaseUrl,
        'select distinct key_id from face_templates',
      );
      expect(keys).toEqual([{ key_id: 'next' }]);
      const { Templates } = await import('../src/services/templates.service');
      expect(await rotated.app.get(Templates).templateOf(obama.userId)).toBeDefined();
    } finally {
      await rotated.app.close();
    }
  });
});

describe('what a caller can make the face app do', () => {
  /** 8000 x 5000: 40 MP, over the 12 MP default. */
  const huge = () => pngHeaderOnly(8000, 5000);

  it('refuses a photo over 12 MP from its header, at enrolment, before decoding any photo', async () => {
    const member = await memberToken(gw.url, admin);
    expect((await consent(member.token)).status).toBe(200);
    // Decoding the scrap of pixel data would fail as truncated (FACE_REJECTED, not-an-image).
    expect(await enrol(member.token, [photo('person_a_obama_1.jpg'), huge()])).toMatchObject({
      status: 413,
      body: { code: 'PHOTO_TOO_LARGE', details: [{ image: 1, reason: 'too-large' }] },
    });
  });

  it('refuses a photo over 12 MP from its header at the gateway, with nothing sent on', async () => {
    const res = await upload(
      'POST',
      '/v1/access-requests',
      kiosk,
      [{ field: 'face', bytes: huge(), name: 'photo.png' }],
      { roomId: ROOM, doorId: DOOR, qr: 'RK1.P.X' },
    );
    expect(res).toMatchObject({ status: 413, body: { code: 'PHOTO_TOO_LARGE' } });
    const garbled = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(5000, 7)]);
    expect(
      await upload('POST', '/v1/access-requests', kiosk, [{ field: 'face', bytes: garbled }], {
        roomId: ROOM,
        doorId: DOOR,
        qr: 'RK1.P.X',
      }),
    ).toMatchObject({ status: 415, body: { code: 'IMAGE_TYPE_UNSUPPORTED' } });
  });

  it('keeps at most FACE_MAX_PHOTOS_PER_CALLER photos of one caller undecided: one more is 429', async () => {
    const strict = await startGatewayFor(auth, {
      QR_URL: qr.url,
      FACE_URL: face.url,
      FACE_MAX_PHOTOS_PER_CALLER: '2',
    });
    try {
      const [one, two] = [await memberToken(gw.url, admin), await memberToken(gw.url, admin)];
      const send = (token: string) =>
        upload(
          'POST',
          '/v1/access-requests',
          token,
          [{ field: 'face', bytes: photo('person_a_obama_3.jpg') }],
          { roomId: ROOM, qr: 'RK1.R.X' },
          strict.url,
        );
      // Nothing decides these requests here, so both stay undecided.
      expect((await send(one.token)).status).toBe(202);
      expect((await send(one.token)).status).toBe(202);
      const third = await send(one.token);
      expect(third).toMatchObject({ status: 429, body: { code: 'TOO_MANY_PHOTOS' } });
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
      // Another caller is not held up by the first.
      expect((await send(two.token)).status).toBe(202);
    } finally {
      await strict.app.close();
    }
  });

  it('does not analyse a photo whose code the QR step refused', async () => {
    const pipeline = face.app.get<FacePipeline>(FACE_PIPELINE);
    const analyse = jest.spyOn(pipeline, 'analyse');
    try {
      const member = await enrolledMember(['person_b_biden_1.jpg']);
      analyse.mockClear();
      const res = await upload(
        'POST',
        '/v1/access-requests',
        member.token,
        [{ field: 'face', bytes: photo('person_b_biden_2.jpg') }],
        { roomId: ROOM, qr: 'RK1.R.not-a-code' },
      );
      expect(res.status).toBe(202);
      const requestId = res.body.requestId as string;
      // The face app has the refusal; the capture had arrived first and waited for it.
      await eventually(
        async () => face.app.get(QrAnswerFeed).get(requestId)?.valid === false || undefined,
        30_000,
        'the QR answer at the face app',
      );
      await new Promise((r) => setTimeout(r, 500));
      expect(analyse).not.toHaveBeenCalled();
    } finally {
      analyse.mockRestore();
    }
  });
});

describe('the gateway', () => {
  it('documents every face route, and each one reaches the face app', async () => {
    const doc = await expectDocumentedAndForwarded(gw.url, FACE_CONTROLLERS);
    expect(
      doc.paths['/v1/me/face'].post.requestBody.content['multipart/form-data'].schema.properties
        .images.maxItems,
    ).toBe(5);
  });
});
