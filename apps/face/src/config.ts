import { z } from 'zod';
import { httpEnv, kafkaEnv, parseConfig, tokenEnv, postgresEnv } from '@roomkey/common';

export const FaceConfigSchema = z.object({
  ...httpEnv(3003),
  ...kafkaEnv('face'),
  ...postgresEnv('roomkey_face'),
  ...tokenEnv(),
});
export type FaceConfig = z.infer<typeof FaceConfigSchema>;

export const loadFaceConfig = (env: NodeJS.ProcessEnv = process.env) =>
  parseConfig('face', FaceConfigSchema, env);
