import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import mongoose from 'mongoose';
import type { TokenPair } from '@roomkey/contracts';
import { stackSettings, stackUrls } from '@roomkey/common';
import { authAppOptions } from '../../apps/auth/src/app';
import { loadAuthConfig } from '../../apps/auth/src/config';
import { gatewayAppOptions } from '../../apps/gateway/src/app';
import { loadGatewayConfig } from '../../apps/gateway/src/config';
import { startTestApp, TEST_CAPTURE_KEYRING, testKeyring, unique } from './apps';

/** Seals the signing keys of test auth apps (random per run, as a deployment's would be). */
const TEST_KEYRING = testKeyring();

export const ADMIN = { email: 'admin@roomkey.test', password: 'a long admin passphrase' };

/**
 * A MongoDB (FerretDB) database of its own for one test file, dropped afterwards, reached as the
 * app's own user (`roomkey_auth` as `roomkey-auth`).
 */
export function freshMongo(prefix: `roomkey_${string}`): {
  url: string;
  drop: () => Promise<void>;
} {
  const url = stackUrls(stackSettings()).mongo(
    `${prefix}_t${randomBytes(4).toString('hex')}`,
    prefix.replace('_', '-'),
  );
  return {
    url,
    drop: async () => {
      const conn = await mongoose
        .createConnection(url, { serverSelectionTimeoutMS: 3000 })
        .asPromise();
      await conn.dropDatabase();
      await conn.close();
    },
  };
}

/** The auth app on a fresh database, with the first admin seeded. */
export async function startAuth(env: Record<string, string> = {}) {
  const mongo = freshMongo('roomkey_auth');
  const started = await startTestApp(
    authAppOptions(
      loadAuthConfig({
        MONGO_URL: mongo.url,
        KAFKA_GROUP_ID: unique('roomkey.auth.it'),
        LOG_LEVEL: 'warn',
        ROOMKEY_ADMIN_EMAIL: ADMIN.email,
        ROOMKEY_ADMIN_PASSWORD: ADMIN.password,
        SIGNING_KEYRING: TEST_KEYRING,
        ...env,
      }),
    ),
  );
  return {
    ...started,
    jwksUrl: `${started.url}/.well-known/jwks.json`,
    stop: async () => {
      await started.app.close();
      await mongo.drop();
    },
  };
}
export type StartedAuth = Awaited<ReturnType<typeof startAuth>>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read response bodies field by field
type Json = any;

/** JSON in, JSON out, with an optional bearer token. */
export async function call(
  base: string,
  method: string,
  path: string,
  opts: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: Json; headers: Headers }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...opts.headers,
    },
    body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

export async function login(base: string, email: string, password: string): Promise<TokenPair> {
  const res = await call(base, 'POST', '/v1/auth/login', { body: { email, password } });
  if (res.status !== 200)
    throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as TokenPair;
}

export type AppHandle = { app: INestApplication; url: string };

/** The gateway in front of an auth app, trusting that app's JWKS. */
export async function startGatewayFor(auth: StartedAuth, env: Record<string, string> = {}) {
  return startTestApp(
    gatewayAppOptions(
      loadGatewayConfig({
        // The first request to a freshly started app can take seconds on a machine busy with
        // other work (its code paths compiled, its connections and key sets fetched): a slow
        // start is not what these tests are about.
        UPSTREAM_TIMEOUT_MS: '15000',
        AUTH_URL: auth.url,
        JWKS_URL: auth.jwksUrl,
        KAFKA_GROUP_ID: unique('roomkey.gateway.it'),
        FACE_CAPTURE_KEYRING: TEST_CAPTURE_KEYRING,
        // Most flow tests send one photo from a member's phone; the tests of active liveness
        // (apps/face/test/face.int-spec.ts) start their gateway with `active`, the default.
        FACE_PHONE_LIVENESS: 'passive',
        LOG_LEVEL: 'warn',
        ...env,
      }),
    ),
  );
}

/** A kiosk registered by the admin for `doorIds`, signed in with its device token. */
export async function kioskToken(gateway: string, admin: string, doorIds: string[]) {
  const reg = await call(gateway, 'POST', '/v1/devices', {
    token: admin,
    body: { name: 'Test kiosk', kind: 'kiosk', doorIds },
  });
  if (reg.status !== 201) throw new Error(`device registration failed: ${reg.status}`);
  const issued = await call(gateway, 'POST', '/v1/auth/device-token', {
    body: { deviceId: reg.body.id, secret: reg.body.secret },
  });
  return {
    deviceId: reg.body.id as string,
    secret: reg.body.secret as string,
    token: issued.body.accessToken as string,
  };
}

/** An account made by the admin (a member unless `roles` says otherwise), signed in. */
export async function memberToken(gateway: string, admin: string, roles: string[] = ['member']) {
  const email = `member-${randomBytes(4).toString('hex')}@roomkey.test`;
  const password = 'a member passphrase for tests';
  const made = await call(gateway, 'POST', '/v1/users', {
    token: admin,
    body: { email, password, displayName: 'Test Member', roles },
  });
  if (made.status !== 201) throw new Error(`member creation failed: ${made.status}`);
  return {
    userId: made.body.id as string,
    token: (await login(gateway, email, password)).accessToken,
  };
}
