import { BAD_ID, ForwardedRoute, TOKEN } from './forwarded-routes';

const STAFF_ONLY = 'INSUFFICIENT_ROLE (admin or security only)';

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
];
