import { z } from 'zod';
import {
  devKeysEnv,
  httpEnv,
  kafkaEnv,
  keyringEnv,
  mongoEnv,
  parseConfig,
  rateEnv,
  tokenEnv,
} from '@roomkey/common';

const seconds = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

export const AuthConfigSchema = z.object({
  ...httpEnv(3001),
  ...kafkaEnv('auth'),
  ...mongoEnv('auth'),
  ...tokenEnv(),
  ...devKeysEnv(),
  /** Lifetime of a person's access token. */
  ACCESS_TOKEN_TTL_S: seconds(60, 3600, 900),
  /** Lifetime of a device's access token: a revoked device is out within this time. */
  DEVICE_TOKEN_TTL_S: seconds(60, 900, 300),
  /** Lifetime of each refresh token (each use returns a new one). */
  REFRESH_TOKEN_TTL_S: seconds(300, 90 * 86400, 14 * 86400),
  /** A new signing key is made when the newest is this old; the old one stays published. */
  SIGNING_KEY_ROTATE_AFTER_S: seconds(60, 365 * 86400, 86400),
  /**
   * AES-256-GCM keys that seal the private signing keys in MongoDB (`id:base64,...`, the first
   * seals). Required in production; development falls back to a fixed, public key.
   */
  SIGNING_KEYRING: keyringEnv().optional(),
  /** Whether anyone may create a member account with `POST /v1/auth/register`. */
  SELF_REGISTRATION: z.stringbool().default(false),
  /** Consecutive failed sign-ins to one account before it is locked. */
  LOGIN_LOCK_THRESHOLD: z.coerce.number().int().min(1).max(100).default(5),
  /** First lock; each further lock doubles it, up to LOGIN_LOCK_MAX_S. */
  LOGIN_LOCK_BASE_S: seconds(1, 86400, 60),
  LOGIN_LOCK_MAX_S: seconds(1, 7 * 86400, 3600),
  /** Failed sign-ins from one address within LOGIN_IP_WINDOW_S before it gets 429. */
  LOGIN_IP_LIMIT: z.coerce.number().int().min(1).max(100000).default(50),
  LOGIN_IP_WINDOW_S: seconds(1, 86400, 900),
  /**
   * Per-caller limits, `<count>/<seconds>`; over one the answer is 429 RATE_LIMITED with
   * Retry-After. Device tokens asked for per device id (a kiosk asks every few minutes).
   */
  RATE_DEVICE_TOKEN_PER_DEVICE: rateEnv('device-token:device', '10/60'),
  /** Failed device sign-ins per client address (each one is logged and may raise an alert). */
  RATE_DEVICE_FAILURES_PER_ADDRESS: rateEnv('device-token-failures:address', '20/900'),
  /** Password reset links used per client address. */
  RATE_PASSWORD_RESET_PER_ADDRESS: rateEnv('password-reset:address', '10/900'),
  /** Password reset links issued per admin. */
  RATE_PASSWORD_RESET_ISSUE_PER_USER: rateEnv('password-reset-issue:user', '30/3600'),
  /** How long a password reset link works. */
  PASSWORD_RESET_TTL_S: seconds(60, 86400, 1800),
  /**
   * Which peers may set X-Forwarded-For (Express "trust proxy": names, addresses and subnets,
   * comma-separated): the gateway.
   */
  TRUST_PROXY: z.string().default('loopback'),
  /** argon2id cost (OWASP: 19 MiB, 2 passes, 1 lane at least). */
  ARGON2_MEMORY_KIB: z.coerce.number().int().min(8192).max(1048576).default(19456),
  ARGON2_PASSES: z.coerce.number().int().min(1).max(10).default(2),
  /** First start: the admin account created when none exists. */
  ROOMKEY_ADMIN_EMAIL: z.email().optional(),
  ROOMKEY_ADMIN_PASSWORD: z.string().min(1).max(256).optional(),
});
export type AuthConfig = z.infer<typeof AuthConfigSchema>;

export const AUTH_CONFIG = Symbol('AUTH_CONFIG');

export const loadAuthConfig = (env: NodeJS.ProcessEnv = process.env) =>
  parseConfig('auth', AuthConfigSchema, env);
