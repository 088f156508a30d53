import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { GATEWAY_CONFIG } from '../config';
import { ProxyController } from './proxy.controller';
import { UPSTREAMS } from './routes';

/** Each app is a server that answers which app it is and the path it was asked for. */
async function fakeApp(name: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ app: name, path: req.url, method: req.method }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('forwarding by the routes the apps declare', () => {
  let app: INestApplication;
  const servers: Server[] = [];

  beforeAll(async () => {
    const urls: Record<string, string> = {};
    for (const upstream of UPSTREAMS) {
      const fake = await fakeApp(upstream.url);
      servers.push(fake.server);
      urls[upstream.url] = fake.url;
    }
    const moduleRef = await Test.createTestingModule({
      controllers: [ProxyController],
      providers: [{ provide: GATEWAY_CONFIG, useValue: { ...urls, UPSTREAM_TIMEOUT_MS: 5000 } }],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
    for (const server of servers) server.close();
  });

  it.each([
    ['GET', '/v1/users/7f1c/face?x=1', 'FACE_URL'],
    ['DELETE', '/v1/users/7f1c', 'AUTH_URL'],
    ['POST', '/v1/users/7f1c/password-reset', 'AUTH_URL'],
    ['GET', '/.well-known/jwks.json', 'AUTH_URL'],
    ['GET', '/v1/kiosk/qr', 'QR_URL'],
    ['POST', '/v1/doors/7f1c/qr-secret/rotate', 'QR_URL'],
    ['PATCH', '/v1/doors/7f1c', 'ACCESS_URL'],
    ['POST', '/v1/alerts/7f1c/ack', 'AUDIT_URL'],
    ['GET', '/v1/me/history', 'AUDIT_URL'],
  ])('%s %s goes to %s as it was asked', async (method, path, target) => {
    const res = await request(app.getHttpServer())[method.toLowerCase() as 'get'](path);
    expect(res.body).toEqual({ app: target, path, method });
  });

  it('forwards no path that no app declares', async () => {
    for (const path of ['/v1/auth/unknown', '/v1/users/7f1c/face/unknown', '/v1/alerts/stream']) {
      expect([path, (await request(app.getHttpServer()).get(path)).status]).toEqual([path, 404]);
    }
  });
});
