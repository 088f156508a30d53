/**
 * Who may call each route of the public API: for every route the apps declare
 * (`apps/gateway/src/http/routes.ts` gathers them), `METHOD /path` as the OpenAPI document writes
 * it, what each kind of caller gets. `ok`: past the guard (the answer is then about the request:
 * 200, 400, 404 for an unknown id, ...); 401: no token; 403: a role not allowed
 * (`INSUFFICIENT_ROLE`); 404: a resource that is not the caller's, answered as unknown.
 * `authorisation.e2e-spec.ts` fails on a route without a row or a row that disagrees with the
 * route's declared roles, and calls each one as each caller.
 */
export const CALLERS = [
  'anonymous',
  'member',
  'otherMember',
  'security',
  'admin',
  /** The kiosk of the door the member's request is for. */
  'kiosk',
  /** A kiosk of another door. */
  'otherKiosk',
] as const;
export type Caller = (typeof CALLERS)[number];
export type Expected = 'ok' | 401 | 403 | 404;

interface Row {
  callers: Record<Caller, Expected>;
  /** The path to call, when not the operation's own with a random `{id}`: `{door}`, `{request}`. */
  path?: string;
}

/** Those callers pass; an anonymous caller gets 401 and every other one `otherwise`. */
function only(allowed: Caller[], otherwise: 403 | 404 = 403): Record<Caller, Expected> {
  return Object.fromEntries(
    CALLERS.map((c) => [c, allowed.includes(c) ? 'ok' : c === 'anonymous' ? 401 : otherwise]),
  ) as Record<Caller, Expected>;
}

const EVERYONE = Object.fromEntries(CALLERS.map((c) => [c, 'ok'])) as Record<Caller, Expected>;
const PEOPLE: Caller[] = ['member', 'otherMember', 'security', 'admin'];
const STAFF: Caller[] = ['security', 'admin'];
const ADMIN: Caller[] = ['admin'];
const KIOSKS: Caller[] = ['kiosk', 'otherKiosk'];
const ANY_TOKEN: Caller[] = [...PEOPLE, ...KIOSKS];

const READERS = only(['member', 'security', 'admin', 'kiosk'], 404);

const row = (callers: Record<Caller, Expected>, path?: string): Row => ({
  callers,
  ...(path ? { path } : {}),
});

export const MATRIX: Record<string, Row> = {
  // The access flow.
  'POST /v1/access-requests': row(only(ANY_TOKEN)),
  // A request's state: its requester, a kiosk of its door and staff; anyone else is told it
  // does not exist.
  'GET /v1/access-requests/{id}': row(READERS, '/v1/access-requests/{request}'),
  'GET /v1/access-requests/{id}/events': row(READERS, '/v1/access-requests/{request}/events'),
  'GET /v1/access-decisions/{id}': row(only(STAFF)),
  'GET /v1/kiosk/qr': row(only(KIOSKS), '/v1/kiosk/qr?doorId={door}'),
  'GET /v1/me/pass': row(only(PEOPLE)),

  // Accounts, sessions, devices and keys.
  'POST /v1/auth/register': row(EVERYONE),
  'POST /v1/auth/login': row(EVERYONE),
  'POST /v1/auth/refresh': row(EVERYONE),
  'POST /v1/auth/logout': row(EVERYONE),
  'POST /v1/auth/device-token': row(EVERYONE),
  'POST /v1/auth/password-reset': row(EVERYONE),
  'POST /v1/me/password': row(only(PEOPLE)),
  'POST /v1/users/{id}/password-reset': row(only(ADMIN)),
  'GET /.well-known/jwks.json': row(EVERYONE),
  'GET /v1/me': row(only(PEOPLE)),
  'GET /v1/users': row(only(ADMIN)),
  'POST /v1/users': row(only(ADMIN)),
  'GET /v1/users/{id}': row(only(ADMIN)),
  'PATCH /v1/users/{id}': row(only(ADMIN)),
  'DELETE /v1/users/{id}': row(only(ADMIN)),
  'GET /v1/devices': row(only(ADMIN)),
  'POST /v1/devices': row(only(ADMIN)),
  'PATCH /v1/devices/{id}': row(only(ADMIN)),
  'POST /v1/devices/{id}/revoke': row(only(ADMIN)),

  // Faces.
  'POST /v1/me/face/consent': row(only(PEOPLE)),
  'POST /v1/me/face': row(only(PEOPLE)),
  'GET /v1/me/face': row(only(PEOPLE)),
  'DELETE /v1/me/face': row(only(PEOPLE)),
  'GET /v1/users/{id}/face': row(only(STAFF)),
  'POST /v1/users/{id}/face': row(only(ADMIN)),
  'DELETE /v1/users/{id}/face': row(only(ADMIN)),
  'POST /v1/users/{id}/face/approve': row(only(ADMIN)),
  'POST /v1/users/{id}/face/reject': row(only(ADMIN)),
  // An active liveness challenge: for anyone who sends a face.
  'POST /v1/face/challenges': row(only(ANY_TOKEN)),

  // Codes and visitor passes.
  'POST /v1/visitor-passes': row(only(ADMIN)),
  'GET /v1/visitor-passes': row(only(STAFF)),
  // A pass with its live code: admins only.
  'GET /v1/visitor-passes/{id}': row(only(ADMIN)),
  'POST /v1/visitor-passes/{id}/revoke': row(only(ADMIN)),
  'POST /v1/doors/{id}/qr-secret/rotate': row(only(ADMIN)),

  // Sites, rooms, doors, locks and permissions.
  'POST /v1/sites': row(only(ADMIN)),
  'GET /v1/sites': row(only(STAFF)),
  'PATCH /v1/sites/{id}': row(only(ADMIN)),
  'POST /v1/rooms': row(only(ADMIN)),
  'GET /v1/rooms': row(only(STAFF)),
  'GET /v1/rooms/{id}': row(only(STAFF)),
  'PATCH /v1/rooms/{id}': row(only(ADMIN)),
  'POST /v1/rooms/{id}/lockdown': row(only(STAFF)),
  'DELETE /v1/rooms/{id}/lockdown': row(only(STAFF)),
  'POST /v1/locks': row(only(ADMIN)),
  'GET /v1/locks': row(only(STAFF)),
  'PATCH /v1/locks/{id}': row(only(ADMIN)),
  'DELETE /v1/locks/{id}': row(only(ADMIN)),
  'POST /v1/locks/{id}/mqtt-credentials': row(only(ADMIN)),
  'POST /v1/doors': row(only(ADMIN)),
  'GET /v1/doors': row(only(STAFF)),
  'PATCH /v1/doors/{id}': row(only(ADMIN)),
  'POST /v1/permissions': row(only(ADMIN)),
  'GET /v1/permissions': row(only(STAFF)),
  'DELETE /v1/permissions/{id}': row(only(ADMIN)),

  // Alerts and the log.
  'GET /v1/alerts': row(only(STAFF)),
  'GET /v1/alerts/stream': row(only(STAFF)),
  'POST /v1/alerts/{id}/ack': row(only(STAFF)),
  'POST /v1/alerts/{id}/resolve': row(only(STAFF)),
  'GET /v1/webhooks': row(only(ADMIN)),
  'POST /v1/webhooks': row(only(ADMIN)),
  'DELETE /v1/webhooks/{id}': row(only(ADMIN)),
  'POST /v1/webhooks/{id}/enable': row(only(ADMIN)),
  'GET /v1/webhooks/{id}/deliveries': row(only(ADMIN)),
  'GET /v1/access-log': row(only(STAFF)),
  'GET /v1/stats': row(only(STAFF)),
  'GET /v1/me/history': row(only(PEOPLE)),
};
