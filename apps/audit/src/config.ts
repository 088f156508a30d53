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
  /** Keys sealing the webhook endpoints' signing secrets (`id:<32 bytes base64>,…`). */
  WEBHOOK_KEYRING: keyringEnv().optional(),
  /**
   * Lets webhooks go to private networks (10/8, 172.16/12, 192.168/16, fc00::/7, 100.64/10) and
   * loopback: an on-premises receiver. Link-local (cloud metadata) stays refused.
   */
  WEBHOOK_ALLOW_PRIVATE_ADDRESSES: z.stringbool().default(false),
  /**
   * DEVELOPMENT ONLY: lets webhooks go over plain http to a loopback address (a receiver on
   * the same machine). Never in production: the app warns loudly at start.
   */
  WEBHOOK_DEV_ALLOW_HTTP_LOOPBACK: z.stringbool().default(false),
  /** Attempts per message in all, before it is given up. */
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(30).default(10),
  /** The wait after a first failed attempt; each further failure doubles it… */
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(10_000),
  /** …up to this. */
  WEBHOOK_RETRY_MAX_MS: z.coerce.number().int().min(10).max(86_400_000).default(3_600_000),
  /** Failed attempts in a row after which an endpoint is disabled, and an alert raised. */
  WEBHOOK_DISABLE_AFTER_FAILURES: z.coerce.number().int().min(1).max(10_000).default(20),
  /** How long one attempt waits for an answer. */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** Delivered and failed deliveries (with their attempts) are deleted after this many days. */
  WEBHOOK_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** How often the queue is looked at for messages due (also at once after one is queued). */
  WEBHOOK_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  /**
   * Events older than this when logged make no webhook: a new deployment reading old topics
   * does not send the past to today's endpoints.
   */
  WEBHOOK_MAX_EVENT_AGE_S: z.coerce
    .number()
    .int()
    .min(10)
    .max(86400 * 7)
    .default(600),
});
export type AuditConfig = z.infer<typeof AuditConfigSchema>;

export const AUDIT_CONFIG = Symbol('AUDIT_CONFIG');

export const loadAuditConfig = (env: NodeJS.ProcessEnv = process.env) =>
  parseConfig('audit', AuditConfigSchema, env);
