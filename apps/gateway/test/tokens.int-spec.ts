import { request } from 'node:http';
import {
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  KeyObject,
  randomUUID,
  sign,
} from 'node:crypto';
import { ACCESS_REQUESTED_V1 } from '@roomkey/contracts';
import { SigningKeys } from '../../auth/src/services/signing-keys.service';
import { routesOf } from '@roomkey/common';
import { AUTH_CONTROLLERS } from '../../auth/src/http/routes';
import { findRecord } from '../../../test/support/kafka';
import {
  ADMIN,
  AppHandle,
  call,
  login,
  startAuth,
  startGatewayFor,
  StartedAuth,
} from '../../../test/support/auth';

const ROOM = '3a9e7c1d-5b2f-4e6a-8c9d-1f2e3d4c5b6a';
const DOOR_A = '6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f';
const DOOR_B = '7a2b3c4d-5e6f-4a7b-9c8d-1e2f3a4b5c6d';

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

/** A JWT built by hand, so each test can break exactly one thing. */
function jwt(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  signer: (data: string) => Buffer,
): string {
  const data = `${b64url(header)}.${b64url(claims)}`;
  return `${data}.${signer(data).toString('base64url')}`;
}
const es256 = (key: KeyObject | string) => (data: string) =>
  sign('sha256', Buffer.from(data), {
    key: typeof key === 'string' ? createPrivateKey(key) : key,
    dsaEncoding: 'ieee-p1363',
  });

describe('access tokens are checked by the gateway itself, not only by auth', () => {
  let auth: StartedAuth;
  let gw: AppHandle;
  let key: { kid: string; privatePem: string };
  let claims: () => Record<string, unknown>;

  beforeAll(async () => {
    auth = await startAuth();
    gw = await startGatewayFor(auth);
    key = auth.app.get(SigningKeys).current();
    const me = await call(auth.url, 'GET', '/v1/me', {
      token: (await login(auth.url, ADMIN.email, ADMIN.password)).accessToken,
    });
    claims = () => ({
      iss: 'urn:roomkey:auth',
      aud: 'urn:roomkey:api',
      sub: me.body.id,
      roles: ['admin'],
      jti: randomUUID(),
      iat: now(),
      nbf: now(),
      exp: now() + 300,
    });
  });

  afterAll(async () => {
    await gw?.app.close();
    await auth?.stop();
  });

  const submit = (token?: string, body: Record<string, unknown> = {}) =>
    call(gw.url, 'POST', '/v1/access-requests', {
      token,
      body: { roomId: ROOM, qr: 'RK1.room.code', ...body },
    });
  const header = () => ({ alg: 'ES256', typ: 'JWT', kid: key.kid });

  it('accepts a well-formed token signed with the real key (so the forgeries below are fair)', async () => {
    const res = await submit(jwt(header(), claims(), es256(key.privatePem)));
    expect(res.status).toBe(202);
  });

  const forgeries: [string, () => string][] = [
    ['alg none', () => `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims())}.`],
    [
      'HS256 signed with the public key as the secret',
      () => {
        const publicPem = createPublicKey(key.privatePem).export({ type: 'spki', format: 'pem' });
        return jwt({ ...header(), alg: 'HS256' }, claims(), (d) =>
          createHmac('sha256', publicPem).update(d).digest(),
        );
      },
    ],
    [
      'a wrong audience',
      () => jwt(header(), { ...claims(), aud: 'urn:other:api' }, es256(key.privatePem)),
    ],
    [
      'a wrong issuer',
      () => jwt(header(), { ...claims(), iss: 'urn:evil' }, es256(key.privatePem)),
    ],
    [
      'an expired token',
      () =>
        jwt(
          header(),
          { ...claims(), iat: now() - 1000, nbf: now() - 1000, exp: now() - 60 },
          es256(key.privatePem),
        ),
    ],
    [
      'a token not valid yet',
      () => jwt(header(), { ...claims(), nbf: now() + 600 }, es256(key.privatePem)),
    ],
    [
      'a token signed by an unknown key',
      () => {
        const rogue = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
        return jwt({ ...header(), kid: randomUUID() }, claims(), es256(rogue));
      },
    ],
    [
      'a token signed by an unknown key that claims a known kid',
      () =>
        jwt(
          header(),
          claims(),
          es256(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey),
        ),
    ],
    [
      'a tampered payload',
      () => {
        const real = jwt(header(), { ...claims(), roles: ['visitor'] }, es256(key.privatePem));
        const [h, , s] = real.split('.');
        return `${h}.${b64url({ ...claims(), roles: ['admin'] })}.${s}`;
      },
    ],
    ['no exp claim', () => jwt(header(), { ...claims(), exp: undefined }, es256(key.privatePem))],
    ['garbage', () => 'not.a.jwt'],
  ];

  it.each(forgeries)('rejects %s at the gateway and at auth', async (_what, forge) => {
    const token = forge();
    const atGateway = await submit(token);
    expect(atGateway).toMatchObject({ status: 401, body: { code: 'TOKEN_INVALID' } });
    expect(atGateway.headers.get('www-authenticate')).toContain('invalid_token');
    const atAuth = await call(auth.url, 'GET', '/v1/me', { token });
    expect(atAuth).toMatchObject({ status: 401, body: { code: 'TOKEN_INVALID' } });
  });

  it('asks for a token when there is none', async () => {
    const res = await submit(undefined);
    expect(res).toMatchObject({ status: 401, body: { code: 'TOKEN_MISSING' } });
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('keeps accepting tokens of a rotated key and learns the new key', async () => {
    const before = await login(gw.url, ADMIN.email, ADMIN.password);
    const newKid = await auth.app.get(SigningKeys).rotate();
    const jwks = await call(gw.url, 'GET', '/.well-known/jwks.json');
    expect(jwks.status).toBe(200);
    expect(jwks.body.keys.map((k: { kid: string }) => k.kid).sort()).toEqual(
      [key.kid, newKid].sort(),
    );
    expect(JSON.stringify(jwks.body)).not.toMatch(/"d"/);

    expect((await submit(before.accessToken)).status).toBe(202);
    const after = await login(gw.url, ADMIN.email, ADMIN.password);
    const kid = JSON.parse(
      Buffer.from(after.accessToken.split('.')[0]!, 'base64url').toString(),
    ).kid;
    expect(kid).toBe(newKid);
    expect((await submit(after.accessToken)).status).toBe(202);
  });

  it('never lets a hundred tokens with made-up key ids crowd out a real key', async () => {
    const rogue = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const made = Array.from({ length: 100 }, () =>
      jwt({ ...header(), kid: randomUUID() }, claims(), es256(rogue)),
    );
    const refused = await Promise.all(made.map((t) => submit(t)));
    expect(refused.map((r) => r.status)).toEqual(made.map(() => 401));

    // A key made just now, which the gateway has never seen, is learnt all the same.
    const freshKid = await auth.app.get(SigningKeys).rotate();
    const fresh = await login(auth.url, ADMIN.email, ADMIN.password);
    const kidOf = (t: string) =>
      JSON.parse(Buffer.from(t.split('.')[0]!, 'base64url').toString()).kid;
    expect(kidOf(fresh.accessToken)).toBe(freshKid);
    expect((await submit(fresh.accessToken)).status).toBe(202);
    expect((await submit(jwt(header(), claims(), es256(key.privatePem)))).status).toBe(202);
  });

  it('limits access requests per caller and per address, with Retry-After', async () => {
    const tight = await startGatewayFor(auth, {
      RATE_ACCESS_REQUESTS_PER_CALLER: '3/60',
      RATE_ACCESS_REQUESTS_PER_ADDRESS: '5/60',
    });
    try {
      const send = (token: string) =>
        call(tight.url, 'POST', '/v1/access-requests', {
          token,
          body: { roomId: ROOM, qr: 'RK1.room.code' },
        });
      const mine = jwt(header(), claims(), es256(key.privatePem));
      for (let i = 0; i < 3; i++) expect((await send(mine)).status).toBe(202);
      const over = await send(mine);
      expect(over).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } });
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
      // Another caller from the same address, until the address's own limit.
      const theirs = jwt(header(), { ...claims(), sub: randomUUID() }, es256(key.privatePem));
      for (let i = 0; i < 2; i++) expect((await send(theirs)).status).toBe(202);
      expect((await send(theirs)).status).toBe(429);
    } finally {
      await tight.app.close();
    }
  });

  it('gives a device a token for its doors only, and none after revocation', async () => {
    const admin = (await login(gw.url, ADMIN.email, ADMIN.password)).accessToken;
    const reg = await call(gw.url, 'POST', '/v1/devices', {
      token: admin,
      body: { name: 'Lobby kiosk', kind: 'kiosk', doorIds: [DOOR_A] },
    });
    expect(reg.status).toBe(201);
    expect(reg.body.secret).toMatch(/^rkd_/);
    const listed = await call(gw.url, 'GET', '/v1/devices', { token: admin });
    expect(JSON.stringify(listed.body)).not.toContain(reg.body.secret);

    const exchange = () =>
      call(gw.url, 'POST', '/v1/auth/device-token', {
        body: { deviceId: reg.body.id, secret: reg.body.secret },
      });
    const issued = await exchange();
    expect(issued).toMatchObject({ status: 200, body: { expiresIn: 300 } });
    const device = issued.body.accessToken as string;

    const ok = await submit(device, { doorId: DOOR_A });
    expect(ok.status).toBe(202);
    const event = await findRecord(
      ACCESS_REQUESTED_V1,
      (m) => m.key?.toString() === ok.body.requestId,
    );
    expect(JSON.parse(event!.value!.toString()).payload).toMatchObject({
      channel: 'kiosk',
      mode: 'pass',
      doorId: DOOR_A,
      deviceId: reg.body.id,
    });
    expect(await submit(device, { doorId: DOOR_B })).toMatchObject({
      status: 403,
      body: { code: 'DOOR_NOT_IN_SCOPE' },
    });
    expect((await submit(device)).status).toBe(403);
    expect((await call(gw.url, 'GET', '/v1/users', { token: device })).status).toBe(403);
    expect((await call(gw.url, 'GET', '/v1/me', { token: device })).status).toBe(403);

    const wrongSecret = await call(gw.url, 'POST', '/v1/auth/device-token', {
      body: { deviceId: reg.body.id, secret: `rkd_${'A'.repeat(43)}` },
    });
    expect(wrongSecret).toMatchObject({
      status: 401,
      body: { code: 'DEVICE_CREDENTIALS_INVALID' },
    });

    const revoked = await call(gw.url, 'POST', `/v1/devices/${reg.body.id}/revoke`, {
      token: admin,
    });
    expect(revoked).toMatchObject({ status: 200, body: { status: 'revoked' } });
    expect(await exchange()).toMatchObject({
      status: 401,
      body: { code: 'DEVICE_CREDENTIALS_INVALID' },
    });
  });

  it('renames a device, and refuses changing its doors or a bad name', async () => {
    const admin = (await login(gw.url, ADMIN.email, ADMIN.password)).accessToken;
    const reg = await call(gw.url, 'POST', '/v1/devices', {
      token: admin,
      body: { name: 'Hall kiosk', kind: 'kiosk', doorIds: [DOOR_A] },
    });
    const patch = (id: string, body: unknown) =>
      call(gw.url, 'PATCH', `/v1/devices/${id}`, { token: admin, body });
    expect(await patch(reg.body.id, { name: 'Main hall kiosk' })).toMatchObject({
      status: 200,
      body: { id: reg.body.id, name: 'Main hall kiosk', doorIds: [DOOR_A], status: 'active' },
    });
    expect(JSON.stringify((await patch(reg.body.id, { name: 'x' })).body)).not.toContain(
      reg.body.secret,
    );
    for (const [body, status, code] of [
      [{ doorIds: [DOOR_B] }, 400, 'VALIDATION_FAILED'],
      [{ name: '' }, 400, 'VALIDATION_FAILED'],
      [{}, 400, 'VALIDATION_FAILED'],
    ] as const) {
      expect(await patch(reg.body.id, body)).toMatchObject({ status, body: { code } });
    }
    expect(await patch(DOOR_B, { name: 'x' })).toMatchObject({
      status: 404,
      body: { code: 'DEVICE_NOT_FOUND' },
    });
    const listed = await call(gw.url, 'GET', '/v1/devices', { token: admin });
    expect(listed.body.find((d: { id: string }) => d.id === reg.body.id)).toMatchObject({
      name: 'x',
      doorIds: [DOOR_A],
    });
  });

  it('documents every forwarded route, and each one reaches auth', async () => {
    const doc = (await call(gw.url, 'GET', '/docs-json')).body;
    for (const route of routesOf(AUTH_CONTROLLERS)) {
      expect(doc.paths[route.path]?.[route.method]?.responses).toBeDefined();
      const path = route.path.replace('{id}', randomUUID());
      const res = await call(gw.url, route.method.toUpperCase(), path, {
        ...(['post', 'patch'].includes(route.method) ? { body: {} } : {}),
      });
      // Auth answered: its own codes, never the router's "no such resource".
      expect([route.path, res.body?.message]).not.toEqual([route.path, 'no such resource']);
      expect(res.status).toBeLessThan(500);
    }
  });

  it('does not forward paths that climb out of the forwarded routes', async () => {
    for (const path of [
      '/v1/auth/%2e%2e/%2e%2e/health/ready',
      '/v1/users/..%2f..%2fhealth/ready',
    ]) {
      // A path given apart from the URL goes out as written; fetch would resolve the dots itself.
      const status = await new Promise<number>((resolve, reject) => {
        const { hostname, port } = new URL(gw.url);
        const req = request({ hostname, port, path }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
      expect([path, status]).toEqual([path, 404]);
    }
  });
});
