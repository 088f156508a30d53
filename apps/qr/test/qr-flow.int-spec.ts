import { randomUUID } from 'node:crypto';
import {
  ACCESS_REQUESTED_V1,
  AccessRequestedV1,
  QR_CHECKED_V1,
  QrCheckedV1,
} from '@roomkey/contracts';
import {
  ADMIN,
  call,
  kioskToken,
  login,
  memberToken,
  startAuth,
  startGatewayFor,
  StartedAuth,
  AppHandle,
} from '../../../test/support/auth';
import { expectDocumentedAndForwarded } from '../../../test/support/routes';
import { eventually } from '../../../test/support/apps';
import { collect, produceRaw, publishDecision } from '../../../test/support/kafka';
import { startQr, StartedQr } from '../../../test/support/qr';
import { zbarDecode } from '../../../test/support/zbar';
import { QR_CONTROLLERS } from '../src/http/routes';

const ROOM = randomUUID();
const DOOR = randomUUID();
const OTHER_DOOR = randomUUID();

let auth: StartedAuth;
let qr: StartedQr;
let gw: AppHandle;
let checked: Awaited<ReturnType<typeof collect<QrCheckedV1>>>;
let admin: string;
let kiosk: string;
let twoDoorKiosk: string;
let member: { userId: string; token: string };

beforeAll(async () => {
  auth = await startAuth();
  qr = await startQr(auth);
  gw = await startGatewayFor(auth, { QR_URL: qr.url });
  checked = await collect<QrCheckedV1>(QR_CHECKED_V1);
  admin = (await login(gw.url, ADMIN.email, ADMIN.password)).accessToken;
  kiosk = (await kioskToken(gw.url, admin, [DOOR])).token;
  twoDoorKiosk = (await kioskToken(gw.url, admin, [DOOR, OTHER_DOOR])).token;
  member = await memberToken(gw.url, admin);
});

afterAll(async () => {
  await checked?.stop();
  await gw?.app.close();
  await qr?.stop();
  await auth?.stop();
});

/** Asks to open a door through the gateway; returns the QR step's answer from Kafka. */
async function attempt(token: string, body: Record<string, unknown>) {
  const res = await call(gw.url, 'POST', '/v1/access-requests', {
    token,
    body: { roomId: ROOM, ...body },
  });
  expect(res.status).toBe(202);
  const requestId = res.body.requestId as string;
  const [event] = await checked.waitFor((e) => e.payload.requestId === requestId);
  return event!.payload;
}

const kioskCode = async (token = kiosk, query = '') =>
  call(gw.url, 'GET', `/v1/kiosk/qr${query}`, { token });

describe('the door code on the kiosk', () => {
  it('is the current code as text, SVG and a PNG that zbarimg reads', async () => {
    const res = await kioskCode();
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({ doorId: DOOR, payload: expect.stringMatching(/^RK1\.R\./) });
    expect(res.body.refreshInSeconds).toBeGreaterThanOrEqual(1);
    expect(res.body.refreshInSeconds).toBeLessThanOrEqual(30);
    expect(Date.parse(res.body.nextAt) - Date.now()).toBeLessThanOrEqual(30_000);
    expect(await zbarDecode(Buffer.from(res.body.png, 'base64'))).toBe(res.body.payload);
    expect(res.body.svg).toContain('<svg');
  });

  it('is only for kiosks, and only for their own doors', async () => {
    expect((await kioskCode(twoDoorKiosk)).body.code).toBe('DOOR_REQUIRED');
    expect((await kioskCode(twoDoorKiosk, `?doorId=${OTHER_DOOR}`)).body.doorId).toBe(OTHER_DOOR);
    expect(await kioskCode(kiosk, `?doorId=${OTHER_DOOR}`)).toMatchObject({
      status: 403,
      body: { code: 'DOOR_NOT_IN_SCOPE' },
    });
    expect(await kioskCode(kiosk, '?doorId=front')).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_FAILED' },
    });
    expect(await kioskCode(member.token)).toMatchObject({
      status: 403,
      body: { code: 'INSUFFICIENT_ROLE' },
    });
    expect((await call(gw.url, 'GET', '/v1/kiosk/qr')).status).toBe(401);
  });
});

describe('a member scanning the door code', () => {
  it('is valid for that door, through Kafka from access.requested.v1 to qr.checked.v1', async () => {
    const { payload } = (await kioskCode()).body;
    expect(await attempt(member.token, { qr: payload })).toEqual({
      requestId: expect.any(String),
      outcome: 'valid',
      doorId: DOOR,
      userId: member.userId,
    });
    expect(await attempt(member.token, { qr: payload, doorId: DOOR })).toMatchObject({
      outcome: 'valid',
    });
  });

  it('is refused at another door, tampered, or not a code at all, with a stable reason', async () => {
    const { payload } = (await kioskCode()).body as { payload: string };
    expect(await attempt(member.token, { qr: payload, doorId: OTHER_DOOR })).toMatchObject({
      outcome: 'invalid',
      reason: 'wrong-door',
    });
    const i = payload.length - 3;
    const tampered = payload.slice(0, i) + (payload[i] === 'A' ? 'B' : 'A') + payload.slice(i + 1);
    expect(await attempt(member.token, { qr: tampered })).toMatchObject({
      reason: 'bad-signature',
    });
    const unknownDoor = payload.replace(/^RK1\.R\.[0-9A-F]{32}/, `RK1.R.${'7'.repeat(32)}`);
    expect(await attempt(member.token, { qr: unknownDoor })).toMatchObject({
      reason: 'unknown-door',
    });
    expect(await attempt(member.token, { qr: 'RK1.R.ABC' })).toMatchObject({
      reason: 'malformed',
    });
    expect(await attempt(member.token, { qr: 'RK1.R.\n\u0000 DROP TABLE' })).toMatchObject({
      reason: 'malformed',
    });
    expect(await attempt(member.token, { qr: 'x'.repeat(2000) })).toMatchObject({
      reason: 'malformed',
    });
    expect(await attempt(member.token, { qr: 'https://example.org/menu' })).toMatchObject({
      reason: 'unknown-format',
    });
    // The service is still answering after all of it.
    expect((await kioskCode()).status).toBe(200);
  });

  it('stops working the moment an admin rotates the door secret', async () => {
    const before = (await kioskCode()).body.payload as string;
    const rotated = await call(gw.url, 'POST', `/v1/doors/${DOOR}/qr-secret/rotate`, {
      token: admin,
    });
    expect(rotated).toMatchObject({ status: 200, body: { doorId: DOOR } });
    expect(rotated.body.version).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(rotated.body)).not.toMatch(/secret"|ciphertext/);
    expect(await attempt(member.token, { qr: before })).toMatchObject({
      reason: 'bad-signature',
    });
    const after = (await kioskCode()).body.payload as string;
    expect(await attempt(member.token, { qr: after })).toMatchObject({ outcome: 'valid' });
    const notAdmin = await call(gw.url, 'POST', `/v1/doors/${DOOR}/qr-secret/rotate`, {
      token: member.token,
    });
    expect(notAdmin.status).toBe(403);
  });
});

describe('a personal pass scanned by the kiosk', () => {
  it('names the member, opens once, and its PNG reads back', async () => {
    const pass = await call(gw.url, 'GET', '/v1/me/pass', { token: member.token });
    expect(pass.status).toBe(200);
    expect(pass.headers.get('cache-control')).toBe('no-store');
    expect(pass.body.refreshInSeconds).toBe(30);
    expect(await zbarDecode(Buffer.from(pass.body.png, 'base64'))).toBe(pass.body.payload);
    const first = await attempt(kiosk, { qr: pass.body.payload, doorId: DOOR });
    expect(first).toMatchObject({ outcome: 'valid', doorId: DOOR, userId: member.userId });
    expect(await attempt(kiosk, { qr: pass.body.payload, doorId: DOOR })).toMatchObject({
      reason: 'used-up',
    });
  });

  it('is not a door code, and a kiosk has no pass of its own', async () => {
    const pass = await call(gw.url, 'GET', '/v1/me/pass', { token: member.token });
    expect(await attempt(member.token, { qr: pass.body.payload })).toMatchObject({
      reason: 'unknown-format',
    });
    expect((await call(gw.url, 'GET', '/v1/me/pass', { token: kiosk })).status).toBe(403);
  });
});

describe('visitor passes', () => {
  const create = (body: Record<string, unknown>, token = admin) =>
    call(gw.url, 'POST', '/v1/visitor-passes', {
      token,
      body: {
        name: 'Ada Visitor',
        doorIds: [DOOR],
        validUntil: new Date(Date.now() + 3600_000).toISOString(),
        ...body,
      },
    });

  it('are made by an admin with a printable code, opened once, listed and revoked', async () => {
    const made = await create({ maxUses: 1 });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ name: 'Ada Visitor', uses: 0, status: 'active' });
    const { payload, png } = made.body.code as { payload: string; png: string };
    expect(await zbarDecode(Buffer.from(png, 'base64'))).toBe(payload);

    expect(await attempt(kiosk, { qr: payload, doorId: DOOR })).toMatchObject({
      outcome: 'valid',
      passId: made.body.id,
    });
    expect(await attempt(kiosk, { qr: payload, doorId: DOOR })).toMatchObject({
      reason: 'used-up',
    });
    const reprint = await call(gw.url, 'GET', `/v1/visitor-passes/${made.body.id}`, {
      token: admin,
    });
    expect(reprint.body).toMatchObject({ uses: 1, code: { payload } });

    const other = await create({ maxUses: 5 });
    expect(
      await attempt(twoDoorKiosk, { qr: other.body.code.payload, doorId: OTHER_DOOR }),
    ).toMatchObject({ reason: 'wrong-door' });
    const revoked = await call(gw.url, 'POST', `/v1/visitor-passes/${other.body.id}/revoke`, {
      token: admin,
    });
    expect(revoked).toMatchObject({ status: 200, body: { status: 'revoked', uses: 0 } });
    expect(await attempt(kiosk, { qr: other.body.code.payload, doorId: DOOR })).toMatchObject({
      reason: 'revoked',
    });

    const listed = await call(gw.url, 'GET', '/v1/visitor-passes?status=revoked', {
      token: admin,
    });
    expect(listed.body.items.map((p: { id: string }) => p.id)).toContain(other.body.id);
    expect(listed.body.items.map((p: { id: string }) => p.id)).not.toContain(made.body.id);
    expect(JSON.stringify(listed.body)).not.toContain('payload');
  });

  it('wait for their window', async () => {
    const later = await create({
      validFrom: new Date(Date.now() + 600_000).toISOString(),
      validUntil: new Date(Date.now() + 3600_000).toISOString(),
    });
    expect(await attempt(kiosk, { qr: later.body.code.payload, doorId: DOOR })).toMatchObject({
      reason: 'not-yet-valid',
    });
  });

  it('page through the list, newest first', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await create({ name: `Pager ${i}` })).body.id);
    const first = await call(gw.url, 'GET', '/v1/visitor-passes?limit=2', { token: admin });
    expect(first.body.items.map((p: { id: string }) => p.id)).toEqual([ids[2], ids[1]]);
    const second = await call(
      gw.url,
      'GET',
      `/v1/visitor-passes?limit=2&after=${first.body.next}`,
      {
        token: admin,
      },
    );
    expect(second.body.items[0].id).toBe(ids[0]);
  });

  it.each([
    ['no doors', { doorIds: [] }, 400, 'VALIDATION_FAILED'],
    ['an unknown field', { colour: 'red' }, 400, 'VALIDATION_FAILED'],
    ['zero uses', { maxUses: 0 }, 400, 'VALIDATION_FAILED'],
    [
      'an end before the start',
      { validFrom: new Date(Date.now() + 7200_000).toISOString() },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'two years',
      { validUntil: new Date(Date.now() + 730 * 86400_000).toISOString() },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'an end in the past',
      { validUntil: new Date(Date.now() - 1000).toISOString() },
      422,
      'PASS_WINDOW_OVER',
    ],
  ])('refuse %s with a stable code', async (_, body, status, code) => {
    expect(await create(body)).toMatchObject({ status, body: { code } });
  });

  it('are for admins to make and for staff to see', async () => {
    expect(await create({}, member.token)).toMatchObject({
      status: 403,
      body: { code: 'INSUFFICIENT_ROLE' },
    });
    expect((await call(gw.url, 'GET', '/v1/visitor-passes', { token: member.token })).status).toBe(
      403,
    );
    expect(
      await call(gw.url, 'GET', `/v1/visitor-passes/${randomUUID()}`, { token: admin }),
    ).toMatchObject({ status: 404, body: { code: 'VISITOR_PASS_NOT_FOUND' } });
  });
});

describe("a pass's uses", () => {
  const create = (maxUses: number, userId?: string) =>
    call(gw.url, 'POST', '/v1/visitor-passes', {
      token: admin,
      body: {
        name: 'Eve Visitor',
        doorIds: [DOOR],
        validUntil: new Date(Date.now() + 3600_000).toISOString(),
        maxUses,
        ...(userId ? { userId } : {}),
      },
    });

  /** The access app's decision on a request. */
  const decide = (requestId: string, decision: 'granted' | 'denied') =>
    publishDecision({
      requestId,
      decision,
      reasons: decision === 'denied' ? ['face-no-match'] : [],
      latencyMs: 5,
    });

  /** Tries the pass until the qr app answers `until` (a denial it has not read yet holds a use). */
  const attemptUntil = (qr: string, until: (a: { outcome: string; reason?: string }) => boolean) =>
    eventually(async () => {
      const answer = await attempt(kiosk, { qr, doorId: DOOR });
      if (until(answer)) return answer;
      // A try that was answered but is not the awaited one must not hold the pass.
      if (answer.outcome === 'valid') await decide(answer.requestId, 'denied');
      return undefined;
    }, 15_000);

  it('are spent only by a granted request; a denied one gives its use back', async () => {
    const made = await create(1);
    const { payload } = made.body.code as { payload: string };
    const first = await attempt(kiosk, { qr: payload, doorId: DOOR });
    expect(first).toMatchObject({ outcome: 'valid', passId: made.body.id });
    await decide(first.requestId, 'denied');
    const second = await attemptUntil(payload, (a) => a.outcome === 'valid');
    await decide(second.requestId, 'granted');
    expect(await attempt(kiosk, { qr: payload, doorId: DOOR })).toMatchObject({
      reason: 'used-up',
    });
  });

  it('are refused after PASS_MAX_FAILURES denied requests (5)', async () => {
    const made = await create(100);
    const { payload } = made.body.code as { payload: string };
    for (let i = 0; i < 5; i++) {
      const tried = await attempt(kiosk, { qr: payload, doorId: DOOR });
      expect(tried).toMatchObject({ outcome: 'valid' });
      await decide(tried.requestId, 'denied');
    }
    const refused = await attemptUntil(payload, (a) => a.outcome === 'invalid');
    expect(refused).toMatchObject({ reason: 'too-many-failures' });
    const view = await call(gw.url, 'GET', `/v1/visitor-passes/${made.body.id}`, { token: admin });
    expect(view.body.uses).toBe(0);
  });

  it('of a disabled account are refused, as are its personal passes', async () => {
    const visitor = await memberToken(gw.url, admin, ['visitor']);
    const made = await create(10, visitor.userId);
    const personal = await call(gw.url, 'GET', '/v1/me/pass', { token: visitor.token });
    const disabled = await call(gw.url, 'PATCH', `/v1/users/${visitor.userId}`, {
      token: admin,
      body: { status: 'disabled' },
    });
    expect(disabled.status).toBe(200);
    expect(
      await attemptUntil(made.body.code.payload, (a) => a.outcome === 'invalid'),
    ).toMatchObject({ reason: 'account-disabled' });
    expect(await attempt(kiosk, { qr: personal.body.payload, doorId: DOOR })).toMatchObject({
      reason: 'account-disabled',
    });
  });

  it('live codes are for admins only: security staff may list passes, never read a code', async () => {
    const made = await create(1);
    const security = await memberToken(gw.url, admin, ['security']);
    expect(
      await call(gw.url, 'GET', `/v1/visitor-passes/${made.body.id}`, { token: security.token }),
    ).toMatchObject({ status: 403, body: { code: 'INSUFFICIENT_ROLE' } });
    const listed = await call(gw.url, 'GET', '/v1/visitor-passes', { token: security.token });
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain(made.body.code.payload);
  });
});

describe('redelivery and concurrency', () => {
  const requested = (qrPayload: string, requestId = randomUUID()): AccessRequestedV1 => ({
    eventId: randomUUID(),
    type: 'access.requested',
    occurredAt: new Date().toISOString(),
    correlationId: requestId,
    causationId: null,
    producer: 'gateway',
    payload: {
      requestId,
      at: new Date().toISOString(),
      channel: 'kiosk',
      mode: 'pass',
      roomId: ROOM,
      doorId: DOOR,
      qr: qrPayload,
    },
  });
  const singleUsePass = async () => {
    const made = await call(gw.url, 'POST', '/v1/visitor-passes', {
      token: admin,
      body: {
        name: 'Grace Visitor',
        doorIds: [DOOR],
        validUntil: new Date(Date.now() + 3600_000).toISOString(),
      },
    });
    return { id: made.body.id as string, payload: made.body.code.payload as string };
  };
  const usesOf = async (id: string) =>
    (await call(gw.url, 'GET', `/v1/visitor-passes/${id}`, { token: admin })).body.uses;

  it('a request delivered twice gets the same answer twice and spends one use', async () => {
    const pass = await singleUsePass();
    const event = requested(pass.payload);
    const value = JSON.stringify(event);
    await produceRaw(ACCESS_REQUESTED_V1, event.payload.requestId, value);
    await produceRaw(ACCESS_REQUESTED_V1, event.payload.requestId, value);
    const answers = await checked.waitFor(
      (e) => e.payload.requestId === event.payload.requestId,
      2,
    );
    expect(answers.map((a) => a.payload.outcome)).toEqual(['valid', 'valid']);
    expect(await usesOf(pass.id)).toBe(1);
  });

  it('a door code delivered again after the secret changed keeps its first answer', async () => {
    const code = (await kioskCode()).body.payload as string;
    const requestId = randomUUID();
    const event: AccessRequestedV1 = {
      ...requested(code, requestId),
      payload: { ...requested(code, requestId).payload, mode: 'room-code', userId: member.userId },
    };
    const value = JSON.stringify(event);
    await produceRaw(ACCESS_REQUESTED_V1, requestId, value);
    await checked.waitFor((e) => e.payload.requestId === requestId);
    // Checked now, the code would be refused: the answer already given must stand.
    const rotated = await call(gw.url, 'POST', `/v1/doors/${DOOR}/qr-secret/rotate`, {
      token: admin,
    });
    expect(rotated.status).toBe(200);
    await produceRaw(ACCESS_REQUESTED_V1, requestId, value);
    const answers = await checked.waitFor((e) => e.payload.requestId === requestId, 2);
    expect(answers.map((a) => a.payload)).toEqual([
      { requestId, outcome: 'valid', doorId: DOOR, userId: member.userId },
      { requestId, outcome: 'valid', doorId: DOOR, userId: member.userId },
    ]);
  });

  it('a single-use pass scanned by two kiosks at the same instant opens once', async () => {
    // A second replica of the qr app on the same database: two processes, two connections.
    const replica = await startQr(auth, { mongoUrl: qr.mongoUrl });
    try {
      const { Checks } = await import('../src/services/checks.service');
      for (let round = 0; round < 10; round++) {
        const pass = await singleUsePass();
        const [a, b] = [requested(pass.payload), requested(pass.payload)];
        await Promise.all([qr.app.get(Checks).handle(a), replica.app.get(Checks).handle(b)]);
        const answers = await checked.waitFor(
          (e) => [a.payload.requestId, b.payload.requestId].includes(e.payload.requestId),
          2,
        );
        expect(answers.map((x) => x.payload.outcome).sort()).toEqual(['invalid', 'valid']);
        expect(answers.find((x) => x.payload.outcome === 'invalid')!.payload.reason).toBe(
          'used-up',
        );
        expect(await usesOf(pass.id)).toBe(1);
      }
    } finally {
      await replica.app.close();
    }
    // A second app's start and ten rounds: minutes on a busy machine.
  }, 180_000);
});

describe('the gateway', () => {
  it('documents every QR route, and each one reaches the qr app', async () => {
    await expectDocumentedAndForwarded(gw.url, QR_CONTROLLERS);
  });
});

describe('upkeep', () => {
  it('sweeps use records, answers and visitor passes only once they are of no use', async () => {
    const { Upkeep } = await import('../src/services/upkeep.service');
    const made = await call(gw.url, 'POST', '/v1/visitor-passes', {
      token: admin,
      body: {
        name: 'Sweep',
        doorIds: [DOOR],
        validUntil: new Date(Date.now() + 60_000).toISOString(),
      },
    });
    expect(await attempt(kiosk, { qr: made.body.code.payload, doorId: DOOR })).toMatchObject({
      outcome: 'valid',
    });
    const upkeep = qr.app.get(Upkeep);
    expect(await upkeep.sweep(new Date())).toEqual({ uses: 0, checks: 0, passes: 0 });
    const get = () => call(gw.url, 'GET', `/v1/visitor-passes/${made.body.id}`, { token: admin });
    expect((await get()).body.uses).toBe(1);

    const inAYear = new Date(Date.now() + 365 * 86400_000);
    const swept = await upkeep.sweep(inAYear);
    expect(swept.uses).toBeGreaterThan(0);
    expect(swept.checks).toBeGreaterThan(0);
    expect(swept.passes).toBeGreaterThan(0);
    expect((await get()).status).toBe(404);
  });
});
