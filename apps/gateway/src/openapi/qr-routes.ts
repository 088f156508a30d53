import {
  ADMIN_ONLY,
  BAD_BODY,
  BAD_ID,
  ForwardedRoute,
  PAGE_PARAMS,
  TOKEN,
} from './forwarded-routes';

const STAFF_ONLY = 'INSUFFICIENT_ROLE (admin or security only)';
const PASS_NOT_FOUND = 'VISITOR_PASS_NOT_FOUND';

/** The routes the gateway forwards to the qr app. */
export const QR_ROUTES: ForwardedRoute[] = [
  {
    method: 'get',
    path: '/v1/kiosk/qr',
    summary:
      "The door's current code for the kiosk to show, as text, SVG and PNG. It changes every 30 s (and is accepted one step either side); ask again after `refreshInSeconds`.",
    access: 'device',
    query: [
      {
        name: 'doorId',
        schema: { type: 'string', format: 'uuid' },
        description: 'Which door, when the kiosk serves several',
      },
    ],
    ok: { status: 200, schema: 'KioskCode', description: 'The current code' },
    errors: {
      400: 'DOOR_REQUIRED (the kiosk serves several doors) or VALIDATION_FAILED (doorId)',
      401: TOKEN,
      403: 'INSUFFICIENT_ROLE (kiosks only) or DOOR_NOT_IN_SCOPE (not one of its doors)',
    },
  },
  {
    method: 'get',
    path: '/v1/me/pass',
    summary:
      "The signed-in person's own pass, for a kiosk in pass mode to scan: good once, for a minute. Fetch a new one after `refreshInSeconds` or after using it.",
    access: 'any-user',
    ok: { status: 200, schema: 'PersonalPassCode', description: 'A fresh pass' },
    errors: { 401: TOKEN, 403: 'INSUFFICIENT_ROLE (device tokens have no person)' },
  },
  {
    method: 'post',
    path: '/v1/visitor-passes',
    summary:
      'Create a pass for a visitor: some doors, a time window, a number of uses. The answer holds the printable code.',
    access: 'admin',
    body: 'CreateVisitorPassBody',
    ok: { status: 201, schema: 'VisitorPassWithCode', description: 'The pass and its code' },
    errors: {
      400: BAD_BODY,
      401: TOKEN,
      403: ADMIN_ONLY,
      422: 'PASS_WINDOW_OVER (validUntil is in the past)',
    },
  },
  {
    method: 'get',
    path: '/v1/visitor-passes',
    summary: 'List visitor passes, newest first, a page at a time.',
    access: 'staff',
    query: [
      ...PAGE_PARAMS,
      {
        name: 'status',
        schema: { type: 'string', enum: ['active', 'expired', 'revoked'] },
        description: 'Only passes in this state',
      },
    ],
    ok: { status: 200, schema: 'VisitorPassPage', description: 'A page of passes' },
    errors: { 400: 'VALIDATION_FAILED (a query parameter)', 401: TOKEN, 403: STAFF_ONLY },
  },
  {
    method: 'get',
    path: '/v1/visitor-passes/{id}',
    summary:
      'One visitor pass with its printable code, to print it again. Admins only: the code opens doors while the pass is good.',
    access: 'admin',
    ok: { status: 200, schema: 'VisitorPassWithCode', description: 'The pass and its code' },
    errors: { 400: BAD_ID, 401: TOKEN, 403: ADMIN_ONLY, 404: PASS_NOT_FOUND },
  },
  {
    method: 'post',
    path: '/v1/visitor-passes/{id}/revoke',
    summary: 'Withdraw a visitor pass: every later scan is refused as `revoked`.',
    access: 'admin',
    ok: { status: 200, schema: 'VisitorPassView', description: 'The revoked pass' },
    errors: { 400: BAD_ID, 401: TOKEN, 403: ADMIN_ONLY, 404: PASS_NOT_FOUND },
  },
  {
    method: 'post',
    path: '/v1/doors/{id}/qr-secret/rotate',
    summary:
      'Give the door a new QR secret (made if it has none): codes made with the old one stop working at once. The secret itself is never shown.',
    access: 'admin',
    ok: { status: 200, schema: 'DoorSecretRotated', description: 'The new secret version' },
    errors: { 400: BAD_ID, 401: TOKEN, 403: ADMIN_ONLY },
  },
];
