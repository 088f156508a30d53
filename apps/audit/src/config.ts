import { z } from 'zod';
import { httpEnv, kafkaEnv, parseConfig, tokenEnv, postgresEnv } from '@roomkey/common';

export const AuditConfigSchema = z.object({
  ...httpEnv(3005),
  ...kafkaEnv('audit'),
  ...postgresEnv('roomkey_audit'),
  ...tokenEnv(),
});
export type AuditConfig = z.infer<typeof AuditConfigSchema>;

export const loadAuditConfig = (env: NodeJS.ProcessEnv = process.env) =>
  parseConfig('audit', AuditConfigSchema, env);
