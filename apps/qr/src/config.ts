import { z } from 'zod';
import {
  devKeysEnv,
  httpEnv,
  kafkaEnv,
  keyringEnv,
  mongoEnv,
  parseConfig,
  tokenEnv,
} from '@roomkey/common';

const int = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

export const QrConfigSchema = z.object({
  ...httpEnv(3002),
  ...kafkaEnv('qr'),
  ...mongoEnv('qr'),
  ...tokenEnv(),
  ...devKeysEnv(),
  /**
   * AES-256-GCM keys that seal door secrets and pass keys in MongoDB (`id:base64,...`, the
   * first seals). Required in production; development falls back to a fixed, public key.
   */
  QR_KEYRING: keyringEnv().optional(),
  /** How long a member's personal pass is good for; the app fetches a new one at half-time. */
  PERSONAL_PASS_TTL_S: int(15, 600, 60),
  /** An access request older than this when the qr app reads it is refused as `expired`. */
  MAX_REQUEST_AGE_S: int(5, 3600, 60),
  /**
   * A pass presented in this many denied requests is refused (`too-many-failures`): a denied
   * request gives its use back, and this bounds the tries of someone who copied a pass.
   */
  PASS_MAX_FAILURES: int(1, 1000, 5),
  /** How long the answer to each access request is kept (redelivery and replay get the same). */
  CHECK_RETENTION_DAYS: int(1, 3650, 35),
  /** How long a visitor pass (the visitor's name with it) is kept after it expires. */
  VISITOR_PASS_RETENTION_DAYS: int(1, 3650, 90),
  /** How often expired ledger rows, answers and passes are swept. */
  SWEEP_INTERVAL_S: int(10, 86400, 3600),
});
export type QrConfig = z.infer<typeof QrConfigSchema>;

export const QR_CONFIG = Symbol('QR_CONFIG');
export const QR_KEYRING = Symbol('QR_KEYRING');

export const loadQrConfig = (env: NodeJS.ProcessEnv = process.env) =>
  parseConfig('qr', QrConfigSchema, env);
