import { z } from 'zod';
import { httpEnv, kafkaEnv, parseConfig, tokenEnv, postgresEnv } from '@roomkey/common';

export const AuditConfigSchema = z.object({
  ...httpEnv(3005),
  ...kafkaEnv('audit'),
  ...postgresEnv('roomkey_audit'),
  ...tokenEnv(),
  /** Denials for one person, or at one door, within the window that raise an alert. */
  ALERT_DENIALS_THRESHOLD: z.coerce.number().int().min(2).max(1000).default(5),
  ALERT_DENIALS_WINDOW_S: z.coerce.number().int().min(10).max(86400).default(300),
  /**
   * Alerts are published on audit.alerts.v1 only for events younger than this: a new audit
   * deployment reading old topics records their alerts without paging anyone.
   */
  ALERT_PUBLISH_MAX_AGE_S: z.coerce
    .number()
    .int()
    .min(10)
    .max(86400 * 30)
    .default(600),
});
export type AuditConfig = z.infer<typeof AuditConfigSchema>;

export const AUDIT_CONFIG = Symbol('AUDIT_CONFIG');

export const loadAuditConfig = (env: NodeJS.ProcessEnv = process.env) =>
  parseConfig('audit', AuditConfigSchema, env);
