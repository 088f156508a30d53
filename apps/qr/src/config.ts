import { z } from 'zod';
import { httpEnv, kafkaEnv, mongoEnv, parseConfig, tokenEnv } from '@roomkey/common';

export const QrConfigSchema = z.object({
  ...httpEnv(3002),
  ...kafkaEnv('qr'),
  ...mongoEnv('roomkey_qr'),
  ...tokenEnv(),
});
export type QrConfig = z.infer<typeof QrConfigSchema>;

export const loadQrConfig = (env: NodeJS.ProcessEnv = process.env) =>
  parseConfig('qr', QrConfigSchema, env);
