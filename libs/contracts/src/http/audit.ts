import { z } from 'zod';
import { Id, Instant } from '../envelope';

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
