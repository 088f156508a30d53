import type { OpenAPIObject } from '@nestjs/swagger';
import { schemaRef } from '@roomkey/common';

/**
 * The routes the gateway forwards to the apps that own them (http/proxy.controller.ts),
 * described for the OpenAPI document: who may call, what goes in, what comes out, and every
 * error code.
 */
export interface ForwardedRoute {
  method: 'get' | 'post' | 'patch' | 'delete';
  path: string;
  summary: string;
  /** Who may call; 'public' needs no token, 'optional' takes one when sent. */
  access: 'public' | 'optional' | 'any-user' | 'device' | 'staff' | 'admin';
  body?: string;
  /** A multipart/form-data upload: the field the files go in, and how many. */
  upload?: { field: string; maxFiles: number };
  query?: { name: string; schema: Record<string, unknown>; description: string }[];
  /** `csv`: the route also answers text/csv (a streamed export). */
  ok: { status: number; schema?: string; description: string; csv?: boolean };
  /** A second success status answering the same schema (202: accepted, not done yet). */
  okToo?: { status: number; description: string };
  errors: Record<number, string>;
}

const ID_PARAM = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string', format: 'uuid' },
};
export const BAD_BODY =
  'VALIDATION_FAILED (a field is missing, unknown or of the wrong type) or MALFORMED_JSON';
/** The query parameters of every paged list. */
export const PAGE_PARAMS: NonNullable<ForwardedRoute['query']> = [
  {
    name: 'limit',
    schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
    description: 'Page size',
  },
  {
    name: 'after',
    schema: { type: 'string', format: 'uuid' },
    description: '`next` of the previous page',
  },
];
export const BAD_ID = 'VALIDATION_FAILED (the id is not a UUID)';
export const TOKEN = 'TOKEN_MISSING or TOKEN_INVALID';
export const ADMIN_ONLY = 'INSUFFICIENT_ROLE (admin only)';
export const RATE_LIMITED = 'RATE_LIMITED (too many from this caller); see Retry-After';

export const AUTH_ROUTES: ForwardedRoute[] = [
  {
    method: 'post',
    path: '/v1/auth/register',
    summary:
      'Create a member account. Open to anyone when self-registration is on; otherwise an admin token is needed.',
    access: 'optional',
    body: 'RegisterBody',
    ok: { status: 201, schema: 'UserView', description: 'The new account' },
    errors: {
      400: BAD_BODY,
      401: 'TOKEN_INVALID (a token was sent and is not valid)',
      403: 'SELF_REGISTRATION_DISABLED',
      409: 'EMAIL_TAKEN',
      422: 'WEAK_PASSWORD (under 8 characters, a common password, or your email or name)',
    },
  },
  {
    method: 'post',
    path: '/v1/auth/login',
    summary:
      'Sign in with email and password. After 5 failures in a row the email is locked for a while (doubling each time); the answer never says whether the email has an account.',
    access: 'public',
    body: 'LoginBody',
    ok: { status: 200, schema: 'TokenPair', description: 'An access token and a refresh token' },
    errors: {
      400: BAD_BODY,
      401: 'INVALID_CREDENTIALS',
      403: 'ACCOUNT_DISABLED',
      429: 'ACCOUNT_LOCKED or TOO_MANY_ATTEMPTS (from this address); see Retry-After',
    },
  },
  {
    method: 'post',
    path: '/v1/auth/refresh',
    summary:
      'Trade a refresh token for a new pair. Each refresh token works once; using one twice revokes the whole session.',
    access: 'public',
    body: 'RefreshBody',
    ok: { status: 200, schema: 'TokenPair', description: 'A new access token and refresh token' },
    errors: { 400: BAD_BODY, 401: 'REFRESH_TOKEN_INVALID' },
  },
  {
    method: 'post',
    path: '/v1/auth/logout',
    summary: 'End the session the refresh token belongs to.',
    access: 'public',
    body: 'RefreshBody',
    ok: { status: 204, description: 'Signed out (also when the token was already unknown)' },
    errors: { 400: BAD_BODY },
  },
  {
    method: 'post',
    path: '/v1/auth/device-token',
    summary: 'A kiosk or lock trades its secret for a short access token scoped to its doors.',
    access: 'public',
    body: 'DeviceTokenBody',
    ok: { status: 200, schema: 'DeviceToken', description: 'The device token' },
    errors: {
      400: BAD_BODY,
      401: 'DEVICE_CREDENTIALS_INVALID (also once the device is revoked)',
      429: 'RATE_LIMITED (too many for this device, or too many failures from this address); see Retry-After',
    },
  },
  {
    method: 'post',
    path: '/v1/auth/password-reset',
    summary:
      'Set a new password with the token of a reset link an admin issued. The link works once, for 30 minutes; every session of the account ends and a sign-in lock is lifted.',
    access: 'public',
    body: 'ResetPasswordBody',
    ok: { status: 204, description: 'The password is changed' },
    errors: {
      400: `${BAD_BODY}, or RESET_TOKEN_INVALID (unknown, used or expired)`,
      422: 'WEAK_PASSWORD (the link still works)',
      429: RATE_LIMITED,
    },
  },
  {
    method: 'post',
    path: '/v1/me/password',
    summary:
      'Change your own password, proving the current one (wrong guesses count towards the sign-in lock). Every other session ends; the answer is a new session for this one.',
    access: 'any-user',
    body: 'ChangePasswordBody',
    ok: { status: 200, schema: 'TokenPair', description: 'A new access token and refresh token' },
    errors: {
      400: BAD_BODY,
      401: TOKEN,
      403: 'PASSWORD_INCORRECT, ACCOUNT_DISABLED, or INSUFFICIENT_ROLE (device tokens have no password)',
      422: 'WEAK_PASSWORD',
      429: 'ACCOUNT_LOCKED or TOO_MANY_ATTEMPTS (from this address); see Retry-After',
    },
  },
  {
    method: 'get',
    path: '/v1/me',
    summary: 'The signed-in account.',
    access: 'any-user',
    ok: { status: 200, schema: 'UserView', description: 'The account' },
    errors: {
      401: TOKEN,
      403: 'INSUFFICIENT_ROLE (device tokens have no account)',
      404: 'USER_NOT_FOUND',
    },
  },
  {
    method: 'get',
    path: '/v1/users',
    summary: 'List accounts, ordered by id, a page at a time.',
    access: 'admin',
    query: [
      ...PAGE_PARAMS,
      {
        name: 'q',
        schema: { type: 'string', minLength: 1, maxLength: 100 },
        description: 'Only accounts whose email or name contains this text (any case)',
      },
      {
        name: 'role',
        schema: { type: 'string', enum: ['admin', 'security', 'member', 'visitor'] },
        description: 'Only accounts with this role',
      },
      {
        name: 'status',
        schema: { type: 'string', enum: ['active', 'disabled'] },
        description: 'Only accounts in this state',
      },
    ],
    ok: { status: 200, schema: 'UserPage', description: 'A page of accounts' },
    errors: { 400: 'VALIDATION_FAILED (a query parameter)', 401: TOKEN, 403: ADMIN_ONLY },
  },
  {
    method: 'post',
    path: '/v1/users',
    summary: 'Create an account with any roles.',
    access: 'admin',
    body: 'CreateUserBody',
    ok: { status: 201, schema: 'UserView', description: 'The new account' },
    errors: {
      400: BAD_BODY,
      401: TOKEN,
      403: ADMIN_ONLY,
      409: 'EMAIL_TAKEN',
      422: 'WEAK_PASSWORD',
    },
  },
  {
    method: 'get',
    path: '/v1/users/{id}',
    summary: 'One account.',
    access: 'admin',
    ok: { status: 200, schema: 'UserView', description: 'The account' },
    errors: {
      400: BAD_ID,
      401: TOKEN,
      403: ADMIN_ONLY,
      404: 'USER_NOT_FOUND',
    },
  },
  {
    method: 'patch',
    path: '/v1/users/{id}',
    summary:
      'Rename, change roles, disable or enable. Disabling ends every session of the account; its access tokens lapse within their lifetime.',
    access: 'admin',
    body: 'UpdateUserBody',
    ok: { status: 200, schema: 'UserView', description: 'The account as changed' },
    errors: {
      400: BAD_BODY,
      401: TOKEN,
      403: ADMIN_ONLY,
      404: 'USER_NOT_FOUND',
      409: 'LAST_ADMIN (the change would leave no active admin)',
    },
  },
  {
    method: 'delete',
    path: '/v1/users/{id}',
    summary:
      "Delete an account: its sessions end and every app is asked to erase the person's data (face templates).",
    access: 'admin',
    ok: { status: 204, description: 'Deleted' },
    errors: {
      400: BAD_ID,
      401: TOKEN,
      403: ADMIN_ONLY,
      404: 'USER_NOT_FOUND',
      409: 'LAST_ADMIN',
    },
  },
  {
    method: 'post',
    path: '/v1/users/{id}/password-reset',
    summary:
      'Issue a password reset link for an account: the token, shown this once, works once within 30 minutes; issuing another voids it. Give the person `/reset-password#token=<token>` on the admin web.',
    access: 'admin',
    ok: {
      status: 201,
      schema: 'PasswordResetIssued',
      description: 'The token and when it expires',
    },
    errors: {
      400: BAD_ID,
      401: TOKEN,
      403: ADMIN_ONLY,
      404: 'USER_NOT_FOUND',
      429: RATE_LIMITED,
    },
  },
  {
    method: 'get',
    path: '/v1/devices',
    summary: 'List kiosks and locks.',
    access: 'admin',
    ok: { status: 200, schema: 'DeviceList', description: 'The devices' },
    errors: { 401: TOKEN, 403: ADMIN_ONLY },
  },
  {
    method: 'post',
    path: '/v1/devices',
    summary:
      'Register a kiosk or lock for specific doors. The answer holds its secret, shown this once.',
    access: 'admin',
    body: 'CreateDeviceBody',
    ok: { status: 201, schema: 'DeviceRegistered', description: 'The device and its secret' },
    errors: { 400: BAD_BODY, 401: TOKEN, 403: ADMIN_ONLY },
  },
  {
    method: 'patch',
    path: '/v1/devices/{id}',
    summary:
      'Rename a device. Its doors stay: to serve other doors, register it again and revoke this one.',
    access: 'admin',
    body: 'UpdateDeviceBody',
    ok: { status: 200, schema: 'DeviceView', description: 'The device as it is now' },
    errors: {
      400: `${BAD_BODY}, or ${BAD_ID}`,
      401: TOKEN,
      403: ADMIN_ONLY,
      404: 'DEVICE_NOT_FOUND',
    },
  },
  {
    method: 'post',
    path: '/v1/devices/{id}/revoke',
    summary: 'Revoke a device: it gets no new token; the one it holds lapses within minutes.',
    access: 'admin',
    ok: { status: 200, schema: 'DeviceView', description: 'The revoked device' },
    errors: {
      400: BAD_ID,
      401: TOKEN,
      403: ADMIN_ONLY,
      404: 'DEVICE_NOT_FOUND',
    },
  },
  {
    method: 'get',
    path: '/.well-known/jwks.json',
    summary:
      'The public keys access tokens are signed with (ES256). A retired key stays listed until the last token it signed has expired.',
    access: 'public',
    ok: { status: 200, schema: 'Jwks', description: 'The JSON Web Key Set' },
    errors: {},
  },
];

const ACCESS_NOTE: Record<ForwardedRoute['access'], string> = {
  public: 'No token needed.',
  optional: 'Token optional.',
  'any-user': 'Needs a user access token.',
  device: "Needs a kiosk's device token.",
  staff: 'Needs an admin or security access token.',
  admin: 'Needs an admin access token.',
};

/** Tags of the document, by path prefix; the first match wins. */
const TAGS: [string, string][] = [
  ['/v1/me/face', 'face'],
  ['/v1/users/{id}/face', 'face'],
  ['/v1/devices', 'devices'],
  ['/v1/users', 'users'],
  ['/v1/kiosk', 'codes'],
  ['/v1/me/pass', 'codes'],
  ['/v1/visitor-passes', 'visitor passes'],
  ['/v1/doors/{id}/qr-secret', 'doors and locks'],
  ['/v1/sites', 'sites and rooms'],
  ['/v1/rooms', 'sites and rooms'],
  ['/v1/locks', 'doors and locks'],
  ['/v1/doors', 'doors and locks'],
  ['/v1/permissions', 'permissions'],
  ['/v1/access-decisions', 'access'],
  ['/v1/alerts', 'alerts'],
  ['/v1/access-log', 'access log'],
  ['/v1/stats', 'access log'],
  ['/v1/me/history', 'access log'],
  ['/', 'auth'],
];

/** Adds routes forwarded to one app (`service`, as the 503 names it) to the OpenAPI document. */
export function addForwardedRoutes(
  doc: OpenAPIObject,
  routes: ForwardedRoute[],
  service: string,
): OpenAPIObject {
  doc.components ??= {};
  doc.components.securitySchemes ??= {};
  doc.components.securitySchemes.bearer = { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' };
  for (const route of routes) {
    const content = route.ok.schema
      ? {
          content: {
            'application/json': { schema: schemaRef(route.ok.schema) },
            ...(route.ok.csv ? { 'text/csv': { schema: { type: 'string' } } } : {}),
          },
        }
      : {};
    const responses: Record<string, unknown> = {
      [route.ok.status]: { description: route.ok.description, ...content },
      ...(route.okToo
        ? { [route.okToo.status]: { description: route.okToo.description, ...content } }
        : {}),
    };
    for (const [status, description] of Object.entries(route.errors)) {
      responses[status] = {
        description,
        content: { 'application/json': { schema: schemaRef('ErrorBody') } },
      };
    }
    responses['503'] = {
      description: [
        route.errors[503],
        `UPSTREAM_UNAVAILABLE (${service} is unreachable); 504 UPSTREAM_TIMEOUT`,
      ]
        .filter(Boolean)
        .join(', or '),
      content: { 'application/json': { schema: schemaRef('ErrorBody') } },
    };
    const parameters = [
      ...(route.path.includes('{id}') ? [ID_PARAM] : []),
      ...(route.query ?? []).map((q) => ({ ...q, in: 'query', required: false })),
    ];
    doc.paths[route.path] ??= {};
    (doc.paths[route.path] as Record<string, unknown>)[route.method] = {
      tags: [TAGS.find(([prefix]) => route.path.startsWith(prefix))![1]],
      summary: route.summary,
      description: ACCESS_NOTE[route.access],
      ...(route.access === 'public'
        ? {}
        : { security: route.access === 'optional' ? [{}, { bearer: [] }] : [{ bearer: [] }] }),
      ...(parameters.length ? { parameters } : {}),
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: schemaRef(route.body) } },
            },
          }
        : {}),
      ...(route.upload
        ? {
            requestBody: {
              required: true,
              content: {
                'multipart/form-data': {
                  schema: {
                    type: 'object',
                    required: [route.upload.field],
                    properties: {
                      [route.upload.field]: {
                        type: 'array',
                        maxItems: route.upload.maxFiles,
                        items: { type: 'string', format: 'binary' },
                      },
                    },
                  },
                },
              },
            },
          }
        : {}),
      responses,
    };
  }
  return doc;
}
