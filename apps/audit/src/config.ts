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
  /**
   * At rest, how long a consumed record waits for others before its transaction starts, so that
   * the records of one request (they come within tens of milliseconds) are mostly logged
   * together; 0 logs each at once. Under load records group while a transaction runs anyway.
   */
  AUDIT_GROUP_WAIT_MS: z.coerce.number().int().min(0).max(1000).default(25),
});
export type AuditConfig = z.infer<typeof AuditConfigSchema>;

export const AUDIT_CONFIG = Symbol('AUDIT_CONFIG');

export const loadAuditConfig = (env: NodeJS.ProcessEnv = process.env) =>
  parseConfig('audit', AuditConfigSchema, env);
