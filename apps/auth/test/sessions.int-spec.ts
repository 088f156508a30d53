import { randomUUID } from 'node:crypto';
import { AUTH_EVENTS_V1 } from '@roomkey/contracts';
import { eventually, unique } from '../../../test/support/apps';
import { findRecord } from '../../../test/support/kafka';
import { Passwords } from '../src/services/passwords';
import {
  ADMIN,
  AppHandle,
  call,
  login,
  startAuth,
  startGatewayFor,
  StartedAuth,
} from '../../../test/support/auth';

const eventFor = (pred: (e: { payload: Record<string, unknown> }) => boolean) =>
  findRecord(AUTH_EVENTS_V1, (m) => pred(JSON.parse(m.value!.toString()))).then((m) =>
    m ? (JSON.parse(m.value!.toString()) as { payload: Record<string, unknown> }) : undefined,
  );

describe('accounts and sessions through the gateway, on real FerretDB and Kafka', () => {
  let auth: StartedAuth;
  let gw: AppHandle;
  let admin: string;
  const api = (method: string, path: string, opts?: Parameters<typeof call>[3]) =>
    call(gw.url, method, path, opts);

  beforeAll(async () => {
    auth = await startAuth({
      SELF_REGISTRATION: 'true',
      // Short enough to wait out, long enough to outlast a sign-in on a busy machine.
      LOGIN_LOCK_BASE_S: '3',
      LOGIN_IP_LIMIT: '30',
      RATE_DEVICE_TOKEN_PER_DEVICE: '3/60',
      RATE_DEVICE_FAILURES_PER_ADDRESS: '5/900',
    });
    gw = await startGatewayFor(auth);
    admin = (await login(gw.url, ADMIN.email, ADMIN.password)).accessToken;
  });

  afterAll(async () => {
    await gw?.app.close();
    await auth?.stop();
  });

  /** The gateway refuses an access token within moments of the auth app's announcement. */
  const refusedSoon = (token: string) =>
    eventually(
      async () => ((await api('GET', '/v1/me', { token })).status === 401 ? true : undefined),
      10_000,
      'the access token to be refused',
    );

  it('registers a member, signs in, refreshes, and a reused refresh token revokes the session', async () => {
    const reg = await api('POST', '/v1/auth/register', {
      body: { email: 'Ada@Example.org', password: 'analytical engine notes', displayName: 'Ada' },
    });
    expect(reg.status).toBe(201);
    expect(reg.body).toMatchObject({
      email: 'Ada@Example.org',
      roles: ['member'],
      status: 'active',
    });
    expect(JSON.stringify(reg.body)).not.toMatch(/password|hash/i);

    const dup = await api('POST', '/v1/auth/register', {
      body: { email: 'ada@example.ORG', password: 'another long phrase', displayName: 'Ada 2' },
    });
    expect(dup).toMatchObject({ status: 409, body: { code: 'EMAIL_TAKEN' } });

    const first = await login(gw.url, 'ADA@example.org', 'analytical engine notes');
    expect(first.tokenType).toBe('Bearer');
    expect(first.expiresIn).toBe(900);
    const me = await api('GET', '/v1/me', { token: first.accessToken });
    expect(me).toMatchObject({ status: 200, body: { id: reg.body.id, email: 'Ada@Example.org' } });

    const second = await api('POST', '/v1/auth/refresh', {
      body: { refreshToken: first.refreshToken },
    });
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);

    // The first refresh token again: theft is assumed, the whole family dies.
    const reuse = await api('POST', '/v1/auth/refresh', {
      body: { refreshToken: first.refreshToken },
    });
    expect(reuse).toMatchObject({ status: 401, body: { code: 'REFRESH_TOKEN_INVALID' } });
    const afterReuse = await api('POST', '/v1/auth/refresh', {
      body: { refreshToken: second.body.refreshToken },
    });
    expect(afterReuse.status).toBe(401);
    const event = await eventFor(
      (e) => e.payload.kind === 'token-reuse-detected' && e.payload.userId === reg.body.id,
    );
    expect(event).toBeDefined();
    expect(JSON.stringify(event)).not.toContain(first.refreshToken);
  });

  it('logout ends the session', async () => {
    const pair = await login(gw.url, ADMIN.email, ADMIN.password);
    const out = await api('POST', '/v1/auth/logout', { body: { refreshToken: pair.refreshToken } });
    expect(out.status).toBe(204);
    const refresh = await api('POST', '/v1/auth/refresh', {
      body: { refreshToken: pair.refreshToken },
    });
    expect(refresh).toMatchObject({ status: 401, body: { code: 'REFRESH_TOKEN_INVALID' } });
  });

  it('has every gateway instance refuse a disabled account, beside instances with the same settings', async () => {
    // Two replicas of one deployment: one configuration, so one consumer group name.
    const group = unique('roomkey.gateway.it');
    const one = await startGatewayFor(auth, { KAFKA_GROUP_ID: group });
    const two = await startGatewayFor(auth, { KAFKA_GROUP_ID: group });
    try {
      const tokens: string[] = [];
      // Enough accounts that their announcements land on every partition of the topic.
      for (let i = 0; i < 6; i++) {
        const email = `replica-${i}-${randomUUID()}@example.org`;
        const created = await api('POST', '/v1/users', {
          token: admin,
          body: { email, password: 'a member of two gateways', displayName: `Replica ${i}` },
        });
        expect(created.status).toBe(201);
        tokens.push((await login(one.url, email, 'a member of two gateways')).accessToken);
        const off = await api('PATCH', `/v1/users/${created.body.id}`, {
          token: admin,
          body: { status: 'disabled' },
        });
        expect(off.body.status).toBe('disabled');
      }
      for (const [name, g] of [
        ['first', one],
        ['second', two],
      ] as const) {
        for (const token of tokens) {
          await eventually(
            async () =>
              (await call(g.url, 'GET', '/v1/me', { token })).status === 401 ? true : undefined,
            10_000,
            `the ${name} gateway to refuse a disabled account's token`,
          );
        }
      }
    } finally {
      await one.app.close();
      await two.app.close();
    }
  });

  it('rejects weak passwords with the reason, and bad bodies with a 400', async () => {
    for (const password of [
      'short',
      'password123',
      'aaaaaaaaaa',
      '12345678',
      'grace@example.org',
    ]) {
      const res = await api('POST', '/v1/auth/register', {
        body: { email: 'grace@example.org', password, displayName: 'Grace' },
      });
      expect(res).toMatchObject({ status: 422, body: { code: 'WEAK_PASSWORD' } });
      expect(JSON.stringify(res.body)).not.toContain(password);
    }
    const passphrase = 'ünïcödé ✓ passphrase that is long'.repeat(3);
    const ok = await api('POST', '/v1/auth/register', {
      body: { email: 'grace@example.org', password: passphrase, displayName: 'Grace' },
    });
    expect(ok.status).toBe(201);
    const extra = await api('POST', '/v1/auth/login', {
      body: { email: 'grace@example.org', password: passphrase, admin: true },
    });
    expect(extra).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
  });

  it('locks an email after 5 failures, the same whether or not it has an account, with growing locks', async () => {
    await api('POST', '/v1/users', {
      token: admin,
      body: { email: 'lin@example.org', password: 'lin has a good passphrase', displayName: 'Lin' },
    });
    for (const email of ['lin@example.org', 'nobody-here@example.org']) {
      for (let i = 0; i < 5; i++) {
        const bad = await api('POST', '/v1/auth/login', {
          body: { email, password: 'wrong guess!' },
        });
        expect(bad).toMatchObject({ status: 401, body: { code: 'INVALID_CREDENTIALS' } });
      }
      const locked = await api('POST', '/v1/auth/login', {
        body: { email, password: 'lin has a good passphrase' },
      });
      expect(locked).toMatchObject({ status: 429, body: { code: 'ACCOUNT_LOCKED' } });
      expect(locked.headers.get('retry-after')).toBe('3');
    }
    const lockedOut = await eventFor(
      (e) => e.payload.kind === 'locked-out' && e.payload.ip === '127.0.0.1' && !!e.payload.userId,
    );
    expect(lockedOut?.payload).toMatchObject({ kind: 'locked-out' });
    expect(JSON.stringify(lockedOut)).not.toMatch(/wrong guess|passphrase/);

    await new Promise((r) => setTimeout(r, 3100));
    // The lock lapsed; the next 5 failures lock for twice as long.
    for (let i = 0; i < 5; i++) {
      await api('POST', '/v1/auth/login', {
        body: { email: 'lin@example.org', password: 'nope nope' },
      });
    }
    const again = await api('POST', '/v1/auth/login', {
      body: { email: 'lin@example.org', password: 'lin has a good passphrase' },
    });
    expect(again.status).toBe(429);
    // Twice the first lock (3 s), less what passed since it was set.
    const retryAfter = Number(again.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(3);
    expect(retryAfter).toBeLessThanOrEqual(6);
    await new Promise((r) => setTimeout(r, 6100));
    await login(gw.url, 'lin@example.org', 'lin has a good passphrase');
  });

  it('throttles an address that fails too often, whatever the emails', async () => {
    // Straight to auth, which trusts X-Forwarded-For from loopback (the gateway's place).
    const from = { 'x-forwarded-for': '198.51.100.23' };
    for (let i = 0; i < 30; i++) {
      const res = await call(auth.url, 'POST', '/v1/auth/login', {
        body: { email: `spray${i}@example.org`, password: 'spray attempt' },
        headers: from,
      });
      expect(res.status).toBe(401);
    }
    const blocked = await call(auth.url, 'POST', '/v1/auth/login', {
      body: { email: ADMIN.email, password: ADMIN.password },
      headers: from,
    });
    expect(blocked).toMatchObject({ status: 429, body: { code: 'TOO_MANY_ATTEMPTS' } });
    // Another address is unaffected.
    const other = await call(auth.url, 'POST', '/v1/auth/login', {
      body: { email: ADMIN.email, password: ADMIN.password },
      headers: { 'x-forwarded-for': '198.51.100.24' },
    });
    expect(other.status).toBe(200);
  });

  it('checks at most the lock threshold of passwords when a hundred wrong ones for one account come at once', async () => {
    // An auth of its own: its locks last the default minute, longer than the burst.
    const own = await startAuth({ LOGIN_IP_LIMIT: '30' });
    try {
      const token = (await login(own.url, ADMIN.email, ADMIN.password)).accessToken;
      const body = { email: 'par@example.org', password: 'par has a passphrase', displayName: 'P' };
      expect((await call(own.url, 'POST', '/v1/users', { token, body })).status).toBe(201);
      const verify = jest.spyOn(own.app.get(Passwords), 'verify');
      // Each guess from an address of its own: the account's limit is what must hold.
      const answers = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          call(own.url, 'POST', '/v1/auth/login', {
            body: { email: 'par@example.org', password: `guess number ${i}` },
            headers: { 'x-forwarded-for': `192.0.2.${i + 1}` },
          }),
        ),
      );
      const checks = verify.mock.calls.length;
      verify.mockRestore();
      expect(checks).toBe(5);
      expect(answers.filter((a) => a.status === 401)).toHaveLength(5);
      const refused = answers.filter((a) => a.status !== 401);
      expect(refused).toHaveLength(95);
      for (const r of refused) {
        expect([r.status, r.body.code]).toEqual([429, 'ACCOUNT_LOCKED']);
        expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      const right = await call(own.url, 'POST', '/v1/auth/login', {
        body: { email: body.email, password: body.password },
      });
      expect(right).toMatchObject({ status: 429, body: { code: 'ACCOUNT_LOCKED' } });

      // One address guessing at a hundred accounts at once: at most its limit of checks.
      const spray = jest.spyOn(own.app.get(Passwords), 'verify');
      const sprayed = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          call(own.url, 'POST', '/v1/auth/login', {
            body: { email: `spray-${i}@example.org`, password: 'one common guess' },
            headers: { 'x-forwarded-for': '198.51.100.40' },
          }),
        ),
      );
      const sprayChecks = spray.mock.calls.length;
      spray.mockRestore();
      expect(sprayChecks).toBe(30);
      expect(
        sprayed.filter((a) => a.status === 429 && a.body.code === 'TOO_MANY_ATTEMPTS'),
      ).toHaveLength(70);
    } finally {
      await own.stop();
    }
  });

  it('counts the browser behind a trusted proxy, and only behind one', async () => {
    const own = await startAuth({ LOGIN_IP_LIMIT: '3' });
    const trusting = await startGatewayFor(own, { TRUST_PROXY: 'loopback' });
    const plain = await startGatewayFor(own);
    try {
      const from = (gateway: string, ip: string, password: string) =>
        call(gateway, 'POST', '/v1/auth/login', {
          body: { email: ADMIN.email, password },
          headers: { 'x-forwarded-for': ip },
        });
      for (let i = 0; i < 3; i++) {
        expect((await from(trusting.url, '198.51.100.61', 'not it at all')).status).toBe(401);
      }
      expect(await from(trusting.url, '198.51.100.61', ADMIN.password)).toMatchObject({
        status: 429,
        body: { code: 'TOO_MANY_ATTEMPTS' },
      });
      // Another browser behind the same proxy is not locked out.
      expect((await from(trusting.url, '198.51.100.62', ADMIN.password)).status).toBe(200);
      // A gateway that trusts no proxy ignores the header: every guess is the peer's.
      for (let i = 0; i < 3; i++) {
        expect((await from(plain.url, `198.51.100.${70 + i}`, 'not it either')).status).toBe(401);
      }
      expect((await from(plain.url, '198.51.100.99', ADMIN.password)).status).toBe(429);
    } finally {
      await trusting.app.close();
      await plain.app.close();
      await own.stop();
    }
  });

  it('changes a password with the current one: other sessions end, wrong guesses count', async () => {
    const email = `chg-${randomUUID().slice(0, 8)}@example.org`;
    const old = 'the old passphrase here';
    const made = await api('POST', '/v1/users', {
      token: admin,
      body: { email, password: old, displayName: 'Changer' },
    });
    const other = await login(gw.url, email, old);
    const mine = await login(gw.url, email, old);
    // Tokens issued in the second of the change are kept (the new pair may share it).
    await new Promise((r) => setTimeout(r, 1100));
    const change = (currentPassword: string, newPassword: string, token = mine.accessToken) =>
      api('POST', '/v1/me/password', { token, body: { currentPassword, newPassword } });

    expect(await change('a wrong guess', 'a brand new passphrase')).toMatchObject({
      status: 403,
      body: { code: 'PASSWORD_INCORRECT' },
    });
    expect(await change(old, 'password123')).toMatchObject({
      status: 422,
      body: { code: 'WEAK_PASSWORD' },
    });
    expect(
      (await api('POST', '/v1/me/password', { token: mine.accessToken, body: {} })).status,
    ).toBe(400);
    const changed = await change(old, 'a brand new passphrase');
    expect(changed.status).toBe(200);
    expect(changed.headers.get('cache-control')).toBe('no-store');
    for (const pair of [other, mine]) {
      const refresh = await api('POST', '/v1/auth/refresh', {
        body: { refreshToken: pair.refreshToken },
      });
      expect(refresh).toMatchObject({ status: 401, body: { code: 'REFRESH_TOKEN_INVALID' } });
    }
    const kept = await api('POST', '/v1/auth/refresh', {
      body: { refreshToken: changed.body.refreshToken },
    });
    expect(kept.status).toBe(200);
    // The other session's access token is refused by the gateway too, not left to run out.
    await refusedSoon(other.accessToken);
    expect((await api('GET', '/v1/me', { token: changed.body.accessToken })).status).toBe(200);
    await expect(login(gw.url, email, old)).rejects.toThrow(/401/);
    await login(gw.url, email, 'a brand new passphrase');
    const revoked = await eventFor(
      (e) =>
        e.payload.kind === 'token-revoked' &&
        e.payload.userId === made.body.id &&
        e.payload.reason === 'password-changed',
    );
    expect(JSON.stringify(revoked)).not.toMatch(/passphrase/);

    // Guessing the current password with a stolen token runs into the sign-in lock.
    const token = changed.body.accessToken as string;
    for (let i = 0; i < 5; i++) {
      expect((await change(`guess ${i}`, 'another new passphrase', token)).status).toBe(403);
    }
    expect(await change('a brand new passphrase', 'another new passphrase', token)).toMatchObject({
      status: 429,
      body: { code: 'ACCOUNT_LOCKED' },
    });
  });

  it('resets a password with an admin-issued link: once, not after a newer one, sessions end', async () => {
    const email = `rst-${randomUUID().slice(0, 8)}@example.org`;
    const made = await api('POST', '/v1/users', {
      token: admin,
      body: { email, password: 'forgotten passphrase', displayName: 'Forgetful' },
    });
    const id = made.body.id as string;
    const session = await login(gw.url, email, 'forgotten passphrase');
    await new Promise((r) => setTimeout(r, 1100));
    const issue = (token = admin) => api('POST', `/v1/users/${id}/password-reset`, { token });
    expect(await issue(session.accessToken)).toMatchObject({
      status: 403,
      body: { code: 'INSUFFICIENT_ROLE' },
    });
    expect(
      (await api('POST', `/v1/users/${randomUUID()}/password-reset`, { token: admin })).status,
    ).toBe(404);
    const first = await issue();
    expect(first.status).toBe(201);
    const ttl = Date.parse(first.body.expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(29 * 60_000);
    expect(ttl).toBeLessThanOrEqual(30 * 60_000);
    const second = await issue();
    const reset = (token: string, newPassword: string) =>
      api('POST', '/v1/auth/password-reset', { body: { token, newPassword } });

    expect(await reset(first.body.token, 'a fresh passphrase')).toMatchObject({
      status: 400,
      body: { code: 'RESET_TOKEN_INVALID' },
    });
    expect(await reset(second.body.token, 'password123')).toMatchObject({
      status: 422,
      body: { code: 'WEAK_PASSWORD' },
    });
    expect((await reset(second.body.token, 'a fresh passphrase')).status).toBe(204);
    expect(await reset(second.body.token, 'yet another passphrase')).toMatchObject({
      status: 400,
      body: { code: 'RESET_TOKEN_INVALID' },
    });
    expect((await reset('rkp_not-a-token', 'a fresh passphrase')).status).toBe(400);
    const refresh = await api('POST', '/v1/auth/refresh', {
      body: { refreshToken: session.refreshToken },
    });
    expect(refresh.status).toBe(401);
    await refusedSoon(session.accessToken);
    await expect(login(gw.url, email, 'forgotten passphrase')).rejects.toThrow(/401/);
    await login(gw.url, email, 'a fresh passphrase');
  });

  it('limits device tokens per device, and failed device sign-ins per address', async () => {
    const reg = await api('POST', '/v1/devices', {
      token: admin,
      body: { name: 'Limited kiosk', kind: 'kiosk', doorIds: [randomUUID()] },
    });
    const ask = () =>
      api('POST', '/v1/auth/device-token', {
        body: { deviceId: reg.body.id, secret: reg.body.secret },
      });
    for (let i = 0; i < 3; i++) expect((await ask()).status).toBe(200);
    const over = await ask();
    expect(over).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } });
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);

    // Made-up device ids from one address, all at once: a few are checked (and logged), the
    // rest refused before anything is looked up.
    const answers = await Promise.all(
      Array.from({ length: 40 }, () =>
        call(auth.url, 'POST', '/v1/auth/device-token', {
          body: { deviceId: randomUUID(), secret: reg.body.secret },
          headers: { 'x-forwarded-for': '198.51.100.200' },
        }),
      ),
    );
    expect(answers.filter((a) => a.status === 401)).toHaveLength(5);
    const limited = answers.filter((a) => a.status === 429);
    expect(limited).toHaveLength(35);
    expect(limited.every((a) => a.body.code === 'RATE_LIMITED')).toBe(true);
    // Another address is not refused.
    const fresh = await api('POST', '/v1/devices', {
      token: admin,
      body: { name: 'Another kiosk', kind: 'kiosk', doorIds: [randomUUID()] },
    });
    const other = await call(auth.url, 'POST', '/v1/auth/device-token', {
      body: { deviceId: fresh.body.id, secret: fresh.body.secret },
      headers: { 'x-forwarded-for': '198.51.100.201' },
    });
    expect(other.status).toBe(200);
  });

  it('keeps members off admin routes and lets admins change roles, disable and delete', async () => {
    const created = await api('POST', '/v1/users', {
      token: admin,
      body: { email: 'max@example.org', password: 'max the member 2026', displayName: 'Max' },
    });
    expect(created).toMatchObject({ status: 201, body: { roles: ['member'] } });
    const id = created.body.id as string;
    const member = await login(gw.url, 'max@example.org', 'max the member 2026');

    for (const [method, path] of [
      ['GET', '/v1/users'],
      ['GET', `/v1/users/${id}`],
      ['PATCH', `/v1/users/${id}`],
      ['DELETE', `/v1/users/${id}`],
      ['POST', '/v1/devices'],
      ['GET', '/v1/devices'],
    ] as const) {
      const res = await api(method, path, {
        token: member.accessToken,
        ...(method === 'PATCH' ? { body: { roles: ['admin'] } } : {}),
        ...(method === 'POST' ? { body: { name: 'x', kind: 'kiosk', doorIds: [id] } } : {}),
      });
      expect([method, path, res.status, res.body.code]).toEqual([
        method,
        path,
        403,
        'INSUFFICIENT_ROLE',
      ]);
    }
    expect((await api('GET', '/v1/users')).status).toBe(401);

    const page = await api('GET', '/v1/users?limit=2', { token: admin });
    expect(page.status).toBe(200);
    expect(page.body.items).toHaveLength(2);
    expect(page.body.next).toEqual(page.body.items[1].id);
    expect((await api('GET', '/v1/users?limit=0', { token: admin })).status).toBe(400);
    expect((await api('GET', '/v1/users/not-a-uuid', { token: admin })).status).toBe(400);

    const promoted = await api('PATCH', `/v1/users/${id}`, {
      token: admin,
      body: { roles: ['security'] },
    });
    expect(promoted).toMatchObject({ status: 200, body: { roles: ['security'] } });
    expect(
      await eventFor((e) => e.payload.kind === 'role-changed' && e.payload.userId === id),
    ).toBeDefined();

    const disabled = await api('PATCH', `/v1/users/${id}`, {
      token: admin,
      body: { status: 'disabled' },
    });
    expect(disabled.body.status).toBe('disabled');
    const refresh = await api('POST', '/v1/auth/refresh', {
      body: { refreshToken: member.refreshToken },
    });
    expect(refresh.status).toBe(401);
    const signIn = await api('POST', '/v1/auth/login', {
      body: { email: 'max@example.org', password: 'max the member 2026' },
    });
    expect(signIn).toMatchObject({ status: 403, body: { code: 'ACCOUNT_DISABLED' } });

    expect((await api('DELETE', `/v1/users/${id}`, { token: admin })).status).toBe(204);
    expect((await api('GET', `/v1/users/${id}`, { token: admin })).status).toBe(404);
    expect(
      await eventFor((e) => e.payload.kind === 'deleted' && e.payload.userId === id),
    ).toBeDefined();

    const me = await api('GET', '/v1/me', { token: admin });
    const last = await api('DELETE', `/v1/users/${me.body.id}`, { token: admin });
    expect(last).toMatchObject({ status: 409, body: { code: 'LAST_ADMIN' } });
  });

  it('finds accounts by part of their email or name, in any case, with the text taken literally', async () => {
    const tag = Math.random().toString(36).slice(2, 8);
    const make = (email: string, displayName: string) =>
      api('POST', '/v1/users', {
        token: admin,
        body: { email, password: 'a long enough passphrase', displayName, roles: ['member'] },
      });
    const ada = await make(`ada.${tag}@example.test`, `Ada Lovelace ${tag}`);
    const bob = await make(`bob.${tag}@example.test`, `Bob (night shift) ${tag}`);
    const find = async (q: string) => {
      const res = await api('GET', `/v1/users?q=${encodeURIComponent(q)}`, { token: admin });
      expect(res.status).toBe(200);
      return (res.body.items as Array<{ id: string }>).map((u) => u.id).sort();
    };
    expect(await find(tag)).toEqual([ada.body.id, bob.body.id].sort());
    expect(await find(`LOVELACE ${tag}`)).toEqual([ada.body.id]);
    expect(await find(`bob.${tag}@`)).toEqual([bob.body.id]);
    expect(await find(`(night shift) ${tag}`)).toEqual([bob.body.id]);
    // Regex characters are text: '.*' matches only names with a dot and a star.
    expect(await find(`.*${tag}`)).toEqual([]);
    expect((await api('GET', '/v1/users?q=', { token: admin })).status).toBe(400);
  });

  it('refuses self-registration when it is off, unless an admin asks', async () => {
    const closed = await startAuth({ SELF_REGISTRATION: 'false' });
    try {
      const body = { email: 'eve@example.org', password: 'eve wants in badly', displayName: 'Eve' };
      const anon = await call(closed.url, 'POST', '/v1/auth/register', { body });
      expect(anon).toMatchObject({ status: 403, body: { code: 'SELF_REGISTRATION_DISABLED' } });
      const token = (await login(closed.url, ADMIN.email, ADMIN.password)).accessToken;
      const byAdmin = await call(closed.url, 'POST', '/v1/auth/register', { body, token });
      expect(byAdmin.status).toBe(201);
    } finally {
      await closed.stop();
    }
  });
});
