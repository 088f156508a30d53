import { randomUUID } from 'node:crypto';
import { ADMIN, call, kioskToken, login, memberToken } from '../support/auth';
import { Gateway } from './world';
import { RunningSystem, startSystem } from './system';
import { CALLERS, Caller, Expected, MATRIX } from './authorisation-matrix';

/**
 * Every operation of the public OpenAPI document, called by every kind of caller, answers as the
 * authorisation matrix says (authorisation-matrix.ts). An operation of the document without a
 * row fails, so a new route cannot ship without saying who may call it.
 */
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

it('has a row for every operation of the public document, and none for an operation not in it', async () => {
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
