import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import request from 'supertest';
import { KIOSK_COOKIE, kioskSession } from './kiosk-session';

const DEVICE = '3a9e7c1d-5b2f-4e6a-8c9d-1f2e3d4c5b6a';
const SECRET = 'rkd_the-kiosk-secret';

/** A gateway that takes one device secret, until the device is revoked. */
let gateway: Server;
let revoked = false;
beforeAll(async () => {
  const app = express();
  app.use(express.json());
  app.post('/v1/auth/device-token', (req, res) => {
    const { deviceId, secret } = req.body as Record<string, string>;
    if (deviceId === DEVICE && secret === SECRET && !revoked) {
      res.json({ tokenType: 'Bearer', accessToken: 'device-token', expiresIn: 300 });
    } else {
      res.status(401).json({ code: 'DEVICE_CREDENTIALS_INVALID', message: 'no', requestId: 'r' });
    }
  });
  gateway = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
});
afterAll(() => new Promise((r) => gateway.close(r)));

const kiosk = () => kioskSession(`http://127.0.0.1:${(gateway.address() as AddressInfo).port}`);
const cookieOf = (res: request.Response) =>
  ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith(KIOSK_COOKIE));

describe('the kiosk session', () => {
  it('keeps a secret the API takes in an HttpOnly cookie, and trades it for tokens', async () => {
    const agent = request.agent(kiosk());
    const started = await agent.post('/kiosk/session').send({ deviceId: DEVICE, secret: SECRET });
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ accessToken: 'device-token' });
    const cookie = cookieOf(started)!;
    expect(cookie).toMatch(/; Path=\/kiosk\/;/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).not.toContain(SECRET); // not readable at a glance either
    const token = await agent.post('/kiosk/token').send({});
    expect(token.status).toBe(200);
    expect(token.body).toMatchObject({ accessToken: 'device-token' });
  });

  it('keeps nothing when the API refuses the secret', async () => {
    const res = await request(kiosk())
      .post('/kiosk/session')
      .send({ deviceId: DEVICE, secret: 'rkd_wrong' });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'DEVICE_CREDENTIALS_INVALID' });
    expect(cookieOf(res)).toBeUndefined();
  });

  it('answers 401 KIOSK_NOT_SET_UP without a kept secret', async () => {
    const res = await request(kiosk()).post('/kiosk/token').send({});
    expect(res).toMatchObject({ status: 401, body: { code: 'KIOSK_NOT_SET_UP' } });
  });

  it('forgets the secret once the kiosk is revoked', async () => {
    const agent = request.agent(kiosk());
    await agent.post('/kiosk/session').send({ deviceId: DEVICE, secret: SECRET }).expect(200);
    revoked = true;
    try {
      const res = await agent.post('/kiosk/token').send({});
      expect(res.status).toBe(401);
      expect(cookieOf(res)).toMatch(/Expires=Thu, 01 Jan 1970/);
    } finally {
      revoked = false;
    }
  });

  it('takes JSON only, so that no form on another site can post here', async () => {
    const res = await request(kiosk())
      .post('/kiosk/session')
      .type('form')
      .send({ deviceId: DEVICE, secret: SECRET });
    expect(res).toMatchObject({ status: 415, body: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
    expect(cookieOf(res)).toBeUndefined();
  });
});
