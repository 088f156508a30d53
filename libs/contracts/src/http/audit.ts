import { z } from 'zod';
import { Id, Instant } from '../envelope';
import { FaceLiveness } from '../face/face-checked.v1';
import { pageQuery } from './auth';

/** An alert as security staff see it (`GET /v1/alerts`). */
export const AlertView = z.object({
  id: Id,
  /** Increases with every new alert: the order of the feed. */
  seq: z.number().int(),
  type: z.string(),
  severity: z.enum(['low', 'medium', 'high', 'critical']),
  subject: z.string(),
  windowSeconds: z.number().int(),
  count: z.number().int(),
  evidence: z.array(Id),
  state: z.enum(['open', 'acknowledged', 'resolved']),
  firstAt: Instant,
  lastAt: Instant,
  ackedBy: Id.nullable(),
  ackedAt: Instant.nullable(),
});
export type AlertView = z.infer<typeof AlertView>;

export const AccessDecision = z.enum(['granted', 'denied']);

/** One decided access request in the access log (`GET /v1/access-log`, `/v1/me/history`). */
export const AccessLogEntry = z.object({
  requestId: Id,
  decision: AccessDecision,
  /** Stable codes; empty when granted. */
  reasons: z.array(z.string()),
  requestedAt: Instant.nullable(),
  decidedAt: Instant,
  userId: Id.nullable(),
  roomId: Id.nullable(),
  doorId: Id.nullable(),
  lockId: Id.nullable(),
  /** The kiosk, when the request came from one. */
  deviceId: Id.nullable(),
  channel: z.enum(['mobile', 'kiosk']).nullable(),
  mode: z.enum(['room-code', 'pass']).nullable(),
  /** From the gateway accepting the request to the decision. */
  latencyMs: z.number().int().nullable(),
  /** Which liveness judged the face the decision used: passive, passive-greyscale or active. */
  liveness: FaceLiveness.nullable(),
});
export type AccessLogEntry = z.infer<typeof AccessLogEntry>;

/** Newest decision first. */
export const AccessLogPage = z.object({
  items: z.array(AccessLogEntry),
  /** Pass as `after` for the next page; null on the last page. */
  next: Id.nullable(),
});
export type AccessLogPage = z.infer<typeof AccessLogPage>;

const timeRange = {
  from: Instant.optional().describe('Decided at or after this instant'),
  to: Instant.optional().describe('Decided before this instant'),
};
const fromBeforeTo = (q: { from?: string; to?: string }) =>
  !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to);
const RANGE_ORDER = { message: 'from must be before to', path: ['to'] };

/** `GET /v1/me/history`: a member's own decisions. */
export const HistoryQuery = z
  .strictObject({ ...pageQuery(), ...timeRange })
  .refine(fromBeforeTo, RANGE_ORDER);
export type HistoryQuery = z.infer<typeof HistoryQuery>;

/** `GET /v1/access-log`: every filter is optional; `format=csv` streams every match as CSV. */
export const AccessLogQuery = z
  .strictObject({
    ...pageQuery(),
    ...timeRange,
    userId: Id.optional().describe('Only this person'),
    doorId: Id.optional().describe('Only this door'),
    roomId: Id.optional().describe('Only this room'),
    decision: AccessDecision.optional().describe('Only this decision'),
    reason: z
      .string()
      .regex(/^[a-z0-9-]{1,64}$/)
      .optional()
      .describe('Only denials with this reason among theirs'),
    format: z
      .enum(['json', 'csv'])
      .default('json')
      .describe('csv: every match (no paging), as an attachment'),
  })
  .refine(fromBeforeTo, RANGE_ORDER);
export type AccessLogQuery = z.infer<typeof AccessLogQuery>;

/** Longest window `GET /v1/stats` answers for. */
export const STATS_MAX_DAYS = 31;

/** `GET /v1/stats`: a window of at most 31 days; default the last 24 hours. */
export const StatsQuery = z
  .strictObject(timeRange)
  .refine(fromBeforeTo, RANGE_ORDER)
  .refine(
    (q) =>
      !q.from ||
      !q.to ||
      Date.parse(q.to) - Date.parse(q.from) <= STATS_MAX_DAYS * 24 * 3600 * 1000,
    { message: `the window is at most ${STATS_MAX_DAYS} days`, path: ['to'] },
  );
export type StatsQuery = z.infer<typeof StatsQuery>;

/** Figures for dashboards over one window. */
export const AccessStats = z.object({
  from: Instant,
  to: Instant,
  attempts: z.number().int(),
  granted: z.number().int(),
  denied: z.number().int(),
  /** Every hour of the window (UTC), empty hours included. */
  perHour: z.array(
    z.object({
      hour: Instant,
      attempts: z.number().int(),
      granted: z.number().int(),
      denied: z.number().int(),
    }),
  ),
  /** A denial with several reasons counts for each; most frequent first. */
  denialsByReason: z.array(z.object({ reason: z.string(), count: z.number().int() })),
  /** Decision latency in milliseconds; null without decisions. */
  latencyMs: z.object({ p50: z.number().nullable(), p95: z.number().nullable() }),
});
export type AccessStats = z.infer<typeof AccessStats>;
