import { z } from 'zod';
import { httpEnv, kafkaEnv, mongoEnv, parseConfig } from '@roomkey/common';

export const AuthConfigSchema = z.object({
  ...httpEnv(3001),
  ...kafkaEnv('auth'),
  ...mongoEnv('roomkey_auth'),
});
export type AuthConfig = z.infer<typeof AuthConfigSchema>;

export const loadAuthConfig = (env: NodeJS.ProcessEnv = process.env) =>
  parseConfig('auth', AuthConfigSchema, env);
