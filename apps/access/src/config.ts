import { z } from 'zod';
import { httpEnv, kafkaEnv, mqttEnv, parseConfig, tokenEnv, postgresEnv } from '@roomkey/common';

export const AccessConfigSchema = z.object({
  ...httpEnv(3004),
  ...kafkaEnv('access'),
  ...postgresEnv('roomkey_access'),
  ...mqttEnv(),
  ...tokenEnv(),
});
export type AccessConfig = z.infer<typeof AccessConfigSchema>;

export const loadAccessConfig = (env: NodeJS.ProcessEnv = process.env) =>
  parseConfig('access', AccessConfigSchema, env);
