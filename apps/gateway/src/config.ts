import { z } from 'zod';
import {
  devKeysEnv,
  httpEnv,
  kafkaEnv,
  keyringEnv,
  parseConfig,
  photoEnv,
  rateEnv,
  tokenEnv,
} from '@roomkey/common';

const kafka = kafkaEnv('gateway');

export const GatewayConfigSchema = z.object({
  ...httpEnv(3000),
  ...kafka,
  ...tokenEnv(),
  /** Where the audit app's internal REST API answers. */
  AUDIT_URL: z.url().default('http://127.0.0.1:3005'),
  /** Where the auth app's REST API answers (accounts, sessions, devices, keys). */
  AUTH_URL: z.url().default('http://127.0.0.1:3001'),
  /** Where the access app's REST API answers (rooms, doors, locks, permissions, lockdown). */
  ACCESS_URL: z.url().default('http://127.0.0.1:3004'),
  /** Where the face app's REST API answers (enrolment, erasure). */
  FACE_URL: z.url().default('http://127.0.0.1:3003'),
  /** Keys the gateway seals face captures with for the face app (shared with it). */
  FACE_CAPTURE_KEYRING: keyringEnv().optional(),
  ...devKeysEnv(),
  /**
   * Largest face image an access request may carry (it travels sealed on Kafka), and the most
   * all the frames of a burst may weigh together.
   */
  CAPTURE_MAX_BYTES: z.coerce.number().int().min(1024).max(750_000).default(700_000),
  /**
   * What a face from anything but a registered kiosk must answer: `active`, a challenge (a
   * single photo is refused, ADR 028), or `passive` (a single photo does; it lets any photo of
   * the member through, docs/face.md).
   */
  FACE_PHONE_LIVENESS: z.enum(['active', 'passive']).default('active'),
  ...photoEnv(),
  /** Where the qr app's REST API answers (door codes, passes, door secrets). */
  QR_URL: z.url().default('http://127.0.0.1:3002'),
  /**
   * Which peers may set X-Forwarded-For (Express "trust proxy": names, addresses and subnets,
   * comma-separated), e.g. the admin web's and kiosk's servers and an ingress's subnet. Off by
   * default: the client address is the TCP peer.
   */
  TRUST_PROXY: z.string().default('false'),
  /** Access requests per signed-in person or device, `<count>/<seconds>`; over it, 429. */
  RATE_ACCESS_REQUESTS_PER_CALLER: rateEnv('access-request:caller', '30/60'),
  /** Access requests per client address (several kiosks may share one). */
  RATE_ACCESS_REQUESTS_PER_ADDRESS: rateEnv('access-request:address', '300/60'),
  /** How long the gateway waits for an internal REST call before answering 504. */
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(3000),
  /** Largest JSON body the public API accepts; larger is a 413. */
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/)
    .default('16kb'),
  /**
   * The longest lifetime of an access token the auth app issues (people: 15 min): how far back
   * a starting instance reads the revocations on auth.events.v1.
   */
  TOKEN_MAX_LIFETIME_S: z.coerce.number().int().min(60).max(86_400).default(900),
  /** How many recent access requests this instance remembers for status lookups. */
  TRACKED_REQUESTS: z.coerce.number().int().min(100).max(10_000_000).default(100_000),
});
export type GatewayConfig = z.infer<typeof GatewayConfigSchema>;

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

export const loadGatewayConfig = (env: NodeJS.ProcessEnv = process.env) =>
  parseConfig('gateway', GatewayConfigSchema, env);
