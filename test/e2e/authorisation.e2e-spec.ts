import { randomUUID } from 'node:crypto';
import { ADMIN, call, kioskToken, login, memberToken } from '../support/auth';
import { Gateway } from './world';
import { RunningSystem, startSystem } from './system';
import type { TokenRole } from '@roomkey/contracts';
import type { RouteAccess } from '@roomkey/common';
import { PUBLIC_ROUTES } from '../../apps/gateway/src/http/routes';
import { CALLERS, Caller, Expected, MATRIX } from './authorisation-matrix';

/**
 * Every route of the public API, as the apps declare it (each controller's routes), has a row in
 * the authorisation matrix (authorisation-matrix.ts) that agrees with the roles it declares, and
 * called by every kind of caller it answers as its row says. A route without a row fails, so a
 * new route cannot ship without saying who may call it.
 */
const operationOf = (route: { method: string; path: string }) =>
  `${route.method.toUpperCase()} ${route.path}`;

/** The roles each kind of caller's token carries. */
const ROLES: Record<Caller, TokenRole[] | undefined> = {
  anonymous: undefined,
  member: ['member'],
  otherMember: ['member'],
  security: ['security'],
  admin: ['admin'],
  kiosk: ['device'],
  otherKiosk: ['device'],
};

/** What the token guard answers a caller of a route declared with this access. */
function guard(access: RouteAccess, caller: Caller): 'past' | 401 | 403 {
  const roles = ROLES[caller];
  if (access.token === 'none' || (access.token === 'optional' && !roles)) return 'past';
  if (!roles) return 401;
  return !access.roles || access.roles.some((r) => roles.includes(r)) ? 'past' : 403;
}

describe('the matrix and the routes the apps declare', () => {
  it('has a row for every route, and none for a route no app declares', () => {
    expect(Object.keys(MATRIX).sort()).toEqual(PUBLIC_ROUTES.map(operationOf).sort());
  });

  it("agrees with each route's declared roles: 401 and 403 exactly where the guard refuses", () => {
    const declared: string[] = [];
    const rows: string[] = [];
    for (const route of PUBLIC_ROUTES) {
      const row = MATRIX[operationOf(route)];
      for (const caller of CALLERS) {
        const refused = guard(route.access, caller);
        const expected = row?.callers[caller];
        declared.push(
          `${operationOf(route)} as ${caller}: ${refused === 'past' ? 'past the guard' : refused}`,
        );
        rows.push(
          `${operationOf(route)} as ${caller}: ${expected === 'ok' || expected === 404 ? 'past the guard' : expected}`,
        );
      }
    }
    expect(rows).toEqual(declared);
  });
});

describe('the running system', () => {
  let sys: RunningSystem;
  let tokens: Record<Caller, string | undefined>;
  /** The values a path or query of a row may name: `{door}`, `{otherDoor}`, `{request}`. */
  let values: Record<string, string>;

  beforeAll(async () => {
    sys = await startSystem();
    const gw = new Gateway(sys.gateway);
    const admin = (await login(sys.gateway, ADMIN.email, ADMIN.password)).accessToken;
    const site = await gw.create('/v1/sites', admin, { name: 'Matrix site', timeZone: 'UTC' });
    const one = await gw.roomWithDoor(admin, site.id!, 'Matrix room');
    const two = await gw.roomWithDoor(admin, site.id!, 'Other room');
    const member = await memberToken(sys.gateway, admin);
    await gw.create('/v1/permissions', admin, { roomId: one.room.id, userId: member.userId });
    const kiosk = await kioskToken(sys.gateway, admin, [one.door.id!]);
    const code = await gw.kioskCode(kiosk.token, one.door.id!);
    const request = await call(sys.gateway, 'POST', '/v1/access-requests', {
      token: member.token,
      body: { roomId: one.room.id, doorId: one.door.id, qr: code },
    });
    if (request.status !== 202) throw new Error(`access request: ${request.status}`);
    tokens = {
      anonymous: undefined,
      member: member.token,
      otherMember: (await memberToken(sys.gateway, admin)).token,
      security: (await memberToken(sys.gateway, admin, ['security'])).token,
      admin,
      kiosk: kiosk.token,
      otherKiosk: (await kioskToken(sys.gateway, admin, [two.door.id!])).token,
    };
    values = {
      door: one.door.id!,
      otherDoor: two.door.id!,
      request: request.body.requestId as string,
    };
  }, 300_000);

  afterAll(async () => {
    await sys?.stop();
  });

  /**
   * The status and error code of one call, with an empty JSON body for a POST or PATCH. A stream
   * (`text/event-stream`) is closed once it has answered.
   */
  async function answer(method: string, path: string, token: string | undefined) {
    const body = ['POST', 'PATCH'].includes(method) ? '{}' : undefined;
    const res = await fetch(`${sys.gateway}${path}`, {
      method,
      headers: {
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body,
    });
    if (res.headers.get('content-type')?.startsWith('text/event-stream')) {
      await res.body?.cancel();
      return { status: res.status, code: undefined };
    }
    const text = await res.text();
    const parsed = text.startsWith('{') ? (JSON.parse(text) as { code?: unknown }) : {};
    return { status: res.status, code: parsed.code };
  }

  /** The guard's answers: no or a bad token, a role not allowed, or a resource not the caller's. */
  function outcome(status: number, code: unknown): Expected {
    if (status === 401) return 401;
    if (status === 403 && code === 'INSUFFICIENT_ROLE') return 403;
    if (status === 404 && code === 'ACCESS_REQUEST_NOT_FOUND') return 404;
    return 'ok';
  }

  it('documents exactly the routes of the matrix', async () => {
    const doc = (await call(sys.gateway, 'GET', '/docs-json')).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(Object.keys(MATRIX).sort()).toEqual(operations.sort());
  });

  it('answers every operation for every kind of caller as the matrix says', async () => {
    const seen: string[] = [];
    const wanted: string[] = [];
    for (const [operation, row] of Object.entries(MATRIX)) {
      const [method, template] = operation.split(' ') as [string, string];
      const path = (row.path ?? template)
        .replace(/\{(door|otherDoor|request)\}/g, (_, name: string) => values[name]!)
        .replace('{id}', randomUUID());
      for (const caller of CALLERS) {
        const res = await answer(method, path, tokens[caller]);
        seen.push(`${operation} as ${caller}: ${outcome(res.status, res.code)}`);
        wanted.push(`${operation} as ${caller}: ${row.callers[caller]}`);
      }
    }
    expect(seen).toEqual(wanted);
  }, 300_000);
});
