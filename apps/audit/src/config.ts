import { z } from 'zod';
import {
  devKeysEnv,
  httpEnv,
  kafkaEnv,
  keyringEnv,
  parseConfig,
  tokenEnv,
  postgresEnv,
} from '@roomkey/common';

/** One key written like a keyring's (`id:<32 bytes base64>`). */
export const oneKeyEnv = () =>
  keyringEnv().refine((s) => !s.includes(','), { message: 'one key: id:<32 bytes in base64>' });

export const AuditConfigSchema = z.object({
  ...httpEnv(3005),
  ...kafkaEnv('audit'),
  ...postgresEnv('roomkey_audit'),
  ...tokenEnv(),
  ...devKeysEnv(),
  /**
   * The keys of the log's HMAC chain (`id:<32 bytes base64>,…`, the first chains new rows;
   * keep older ones listed, their rows are checked under them). Never in the database.
   */
  AUDIT_CHAIN_KEYRING: keyringEnv().optional(),
  /** The Ed25519 key that signs checkpoints: `id:<32-byte seed base64>`. */
  AUDIT_CHECKPOINT_SIGNING_KEY: oneKeyEnv().optional(),
  /** A checkpoint is published once this many rows were logged since the last one… */
  AUDIT_CHECKPOINT_ROWS: z.coerce.number().int().min(1).max(1_000_000).default(1000),
  /** …and at least this often while rows are being logged. */
  AUDIT_CHECKPOINT_MS: z.coerce.number().int().min(100).max(86_400_000).default(60_000),
  /** Denials for one person, or at one door, within the window that raise an alert. */
  ALERT_DENIALS_THRESHOLD: z.coerce.number().int().min(2).max(1000).default(5),
  ALERT_DENIALS_WINDOW_S: z.coerce.number().int().min(10).max(86400).default(300),
  /**
   * Refused device sign-ins (unknown or revoked device) are one alert per source address, its
   * count the most within one window of this length.
   */
  ALERT_DEVICE_WINDOW_S: z.coerce.number().int().min(10).max(86400).default(900),
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
