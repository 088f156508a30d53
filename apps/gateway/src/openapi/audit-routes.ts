import { BAD_ID, ForwardedRoute, PAGE_PARAMS, TOKEN } from './forwarded-routes';

const STAFF_ONLY = 'INSUFFICIENT_ROLE (admin or security only)';
const BAD_QUERY =
  'VALIDATION_FAILED (a query parameter, an unknown `after`, or from not before to)';
const instant = (name: string, description: string) => ({
  name,
  schema: { type: 'string', format: 'date-time' },
  description,
});
const RANGE = [
  instant('from', 'Decided at or after this instant'),
  instant('to', 'Decided before this instant'),
];
const uuid = (name: string, description: string) => ({
  name,
  schema: { type: 'string', format: 'uuid' },
  description,
});

/** The routes the gateway forwards to the audit app. */
export const AUDIT_ROUTES: ForwardedRoute[] = [
  {
    method: 'get',
    path: '/v1/alerts',
    summary: 'Alerts, newest first: what fired, about what, how often, and their state.',
    access: 'staff',
    query: [
      {
        name: 'state',
        schema: { type: 'string', enum: ['open', 'acknowledged', 'resolved'] },
        description: 'Only alerts in this state',
      },
      {
        name: 'limit',
        schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
        description: 'How many',
      },
    ],
    ok: { status: 200, schema: 'AlertList', description: 'The alerts' },
    errors: { 400: 'VALIDATION_FAILED (a query parameter)', 401: TOKEN, 403: STAFF_ONLY },
  },
  {
    method: 'post',
    path: '/v1/alerts/{id}/ack',
    summary: 'Acknowledge an alert: it records who and when, and stays until resolved.',
    access: 'staff',
    ok: { status: 200, schema: 'AlertView', description: 'The alert' },
    errors: { 400: BAD_ID, 401: TOKEN, 403: STAFF_ONLY, 404: 'ALERT_NOT_FOUND' },
  },
  {
    method: 'post',
    path: '/v1/alerts/{id}/resolve',
    summary: 'Resolve an alert: a later hit of the same rule opens a new one.',
    access: 'staff',
    ok: { status: 200, schema: 'AlertView', description: 'The alert' },
    errors: { 400: BAD_ID, 401: TOKEN, 403: STAFF_ONLY, 404: 'ALERT_NOT_FOUND' },
  },
  {
    method: 'get',
    path: '/v1/access-log',
    summary:
      'Every decided access request, newest first, with filters; `format=csv` streams every match as a CSV file.',
    access: 'staff',
    query: [
      ...PAGE_PARAMS,
      ...RANGE,
      uuid('userId', 'Only this person'),
      uuid('doorId', 'Only this door'),
      uuid('roomId', 'Only this room'),
      {
        name: 'decision',
        schema: { type: 'string', enum: ['granted', 'denied'] },
        description: 'Only this decision',
      },
      {
        name: 'reason',
        schema: { type: 'string', pattern: '^[a-z0-9-]{1,64}$' },
        description: 'Only denials with this reason among theirs',
      },
      {
        name: 'format',
        schema: { type: 'string', enum: ['json', 'csv'], default: 'json' },
        description: 'csv: every match (no paging), as an attachment',
      },
    ],
    ok: { status: 200, schema: 'AccessLogPage', description: 'A page, or the CSV file', csv: true },
    errors: { 400: BAD_QUERY, 401: TOKEN, 403: STAFF_ONLY },
  },
  {
    method: 'get',
    path: '/v1/stats',
    summary:
      'Figures over a window of at most 31 days (default the last 24 hours): attempts per hour, denials by reason, decision latency p50/p95.',
    access: 'staff',
    query: RANGE,
    ok: { status: 200, schema: 'AccessStats', description: 'The figures' },
    errors: {
      400: 'VALIDATION_FAILED (from not before to, or a window over 31 days)',
      401: TOKEN,
      403: STAFF_ONLY,
    },
  },
  {
    method: 'get',
    path: '/v1/me/history',
    summary: "The caller's own access requests and their decisions, newest first.",
    access: 'any-user',
    query: [...PAGE_PARAMS, ...RANGE],
    ok: { status: 200, schema: 'AccessLogPage', description: 'A page of your history' },
    errors: { 400: BAD_QUERY, 401: TOKEN, 403: 'INSUFFICIENT_ROLE (a device token)' },
  },
];
