import { z } from 'zod';
import { httpEnv, kafkaEnv, parseConfig, postgresEnv } from '@roomkey/common';

export const AuditConfigSchema = z.object({
  ...httpEnv(3005),
  ...kafkaEnv('audit'),
  ...postgresEnv('roomkey_audit'),
});
export type AuditConfig = z.infer<typeof AuditConfigSchema>;

export const loadAuditConfig = (env: NodeJS.ProcessEnv = process.env) =>
  parseConfig('audit', AuditConfigSchema, env);
