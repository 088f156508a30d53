import { AUTH_EVENTS_V1 } from '@roomkey/contracts';
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
      LOGIN_LOCK_BASE_S: '1',
      LOGIN_IP_LIMIT: '30',
    });
    gw = await startGatewayFor(auth);
    admin = (await login(gw.url, ADMIN.email, ADMIN.password)).accessToken;
  });

  afterAll(async () => {
    await gw?.app.close();
    await auth?.stop();
  });

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
      expect(locked.headers.get('retry-after')).toBe('1');
    }
    const lockedOut = await eventFor(
      (e) => e.payload.kind === 'locked-out' && e.payload.ip === '127.0.0.1' && !!e.payload.userId,
    );
    expect(lockedOut?.payload).toMatchObject({ kind: 'locked-out' });
    expect(JSON.stringify(lockedOut)).not.toMatch(/wrong guess|passphrase/);

    await new Promise((r) => setTimeout(r, 1100));
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
    expect(again.headers.get('retry-after')).toBe('2');
    await new Promise((r) => setTimeout(r, 2100));
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
