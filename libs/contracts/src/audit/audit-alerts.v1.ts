import { z } from 'zod';
import { envelope, Id, RETENTION, SCALING_PARTITIONS, topic } from '../envelope';

export const AUDIT_ALERTS_V1 = 'audit.alerts.v1';

export const AuditAlertsV1Payload = z.object({
  alertId: Id,
  /** The rule that fired, e.g. repeated-denials, spoof, door-forced. */
  type: z.string().min(1).max(64),
  severity: z.enum(['low', 'medium', 'high', 'critical']),
  /** What the alert is about, e.g. `user:<id>` or `door:<id>`; the Kafka key. */
  subject: z.string().min(1).max(128),
  /** The rule's window in seconds (0 for single-event rules). */
  windowSeconds: z.number().int().nonnegative(),
  count: z.number().int().positive(),
  /** eventIds of the events that made the rule fire. */
  evidence: z.array(Id).max(100),
  state: z.enum(['open', 'acknowledged', 'resolved']),
  /** Who acknowledged or resolved it, on those announcements. */
  by: Id.optional(),
});

export const AuditAlertsV1 = envelope('audit.alerts', AuditAlertsV1Payload);
export type AuditAlertsV1 = z.infer<typeof AuditAlertsV1>;

export const auditAlertsV1 = topic({
  name: AUDIT_ALERTS_V1,
  producers: ['audit'],
  consumers: ['audit'],
  // One subject's alerts opened, acknowledged and resolved in order.
  key: 'subject',
  partitions: SCALING_PARTITIONS,
  retentionMs: RETENTION.oneYear,
  schema: AuditAlertsV1,
});
