import { z } from 'zod';
import { stackCredentials, stackSettings, stackUrls } from './stack';

/**
 * Zod fragments for the variables every app reads the same way. Defaults point at the local
 * stack (see stack.ts), so `npm start` needs no environment at all; a deployment overrides them.
 */
const urls = () => stackUrls(stackSettings());

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

export const httpEnv = (defaultPort: number) => ({
  PORT: port(defaultPort),
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Pretty console logs for a person at a terminal; JSON lines otherwise. */
  LOG_PRETTY: z.stringbool().default(false),
  /** OTLP/HTTP endpoint for traces; without it, trace context still propagates but is not exported. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  /**
   * On SIGTERM, how long the app answers on (each answer closing its connection) before it
   * stops: kept-alive clients move to another instance between requests, not in one.
   */
  SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).max(30000).default(2000),
});

/**
 * `ROOMKEY_DEV_KEYS=1` asks for the public development keyrings wherever a keyring is not set;
 * otherwise an app without its keys refuses to start.
 */
export const devKeysEnv = () => ({
  ROOMKEY_DEV_KEYS: z.stringbool().default(false),
});

/** What a caller may make the apps that take face photos (gateway, face) do. */
export const photoEnv = () => ({
  /** Largest photo in pixels, read from its header before decoding; larger is 413 PHOTO_TOO_LARGE. */
  FACE_MAX_PIXELS: z.coerce.number().int().min(10_000).max(100_000_000).default(12_000_000),
  /**
   * Photos one caller (a person, a kiosk) may have in the works at once: waiting for a decision
   * at a gateway, held or analysed at the face app. One more is 429 TOO_MANY_PHOTOS, or a
   * capture dropped (its request is denied at the deadline).
   */
  FACE_MAX_PHOTOS_PER_CALLER: z.coerce.number().int().min(1).max(1000).default(3),
});

export const kafkaEnv = (app: string) => ({
  /** Comma-separated host:port list. */
  KAFKA_BROKERS: z
    .string()
    .default(urls().kafkaBrokers)
    .transform((s) => s.split(',').map((b) => b.trim()))
    .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'host:port')).min(1)),
  KAFKA_CLIENT_ID: z.string().min(1).default(`roomkey-${app}`),
  /**
   * How the app proves who it is to the broker. `none` (no authentication at all) only when
   * asked for by name.
   */
  KAFKA_SASL_MECHANISM: z
    .enum(['scram-sha-512', 'scram-sha-256', 'plain', 'none'])
    .default('scram-sha-512'),
  /** The app's own principal; each may write only the topics it owns and read what it consumes. */
  KAFKA_USERNAME: z.string().min(1).default(`roomkey-${app}`),
  /** Default: the app's password in the local stack's credentials, when that stack is here. */
  KAFKA_PASSWORD: z
    .string()
    .min(1)
    .optional()
    .transform((v) => v ?? stackCredentials()?.kafka[`roomkey-${app}`]),
  /** TLS to the broker; KAFKA_TLS_CA names a PEM file of the CA to trust (default: the system's). */
  KAFKA_TLS: z.stringbool().default(false),
  KAFKA_TLS_CA: z.string().min(1).optional(),
  /** A client certificate and key (PEM files) for mutual TLS. */
  KAFKA_TLS_CERT: z.string().min(1).optional(),
  KAFKA_TLS_KEY: z.string().min(1).optional(),
  KAFKA_GROUP_ID: z.string().min(1).default(`roomkey.${app}`),
  /**
   * How long the group waits for a member that went silent (a crashed instance) before its
   * partitions go to the others; the broker's least by default is 6 s. A member heartbeats
   * every sixth of it, and an idle one fetches as often, so that it is never silent for long.
   */
  KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6000).max(300000).default(6000),
  /** In-process attempts of a failing handler before it is dead-lettered or redelivered. */
  KAFKA_HANDLER_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
  KAFKA_RETRY_BACKOFF_MS: z.coerce.number().int().min(1).max(60000).default(200),
});

export const postgresEnv = (database: string) => ({
  DATABASE_URL: z
    .string()
    // The app's own role (named as its database), never the stack's superuser.
    .default(() => urls().postgres(database, database))
    .refine((s) => /^postgres(ql)?:\/\//.test(s), 'must be a postgres:// URL'),
  /**
   * The role's password, for a DATABASE_URL that carries none: a deployment hands it over from
   * its secret store as it is (the Helm chart, from the role's Secret), with no URL to compose.
   * A password in DATABASE_URL wins.
   */
  DATABASE_PASSWORD: z.string().min(1).optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
});

export const mongoEnv = (app: string) => ({
  MONGO_URL: z
    .string()
    // The app's own user on its own database, never the stack's.
    .default(() => urls().mongo(`roomkey_${app}`, `roomkey-${app}`))
    .refine((s) => /^mongodb(\+srv)?:\/\//.test(s), 'must be a mongodb:// URL'),
  /** The user's password, for a MONGO_URL that carries none (as DATABASE_PASSWORD). */
  MONGO_PASSWORD: z.string().min(1).optional(),
});

export const mqttEnv = (app: string) => ({
  /** `mqtts://` (or `wss://`) for TLS. */
  MQTT_URL: z
    .string()
    .default(urls().mqtt)
    .refine((s) => /^(mqtts?|wss?):\/\//.test(s), 'must be an mqtt:// URL'),
  /** The app's own client on the broker; its role allows only what the app does there. */
  MQTT_USERNAME: z.string().min(1).default(`roomkey-${app}`),
  /** Default: the app's password in the local stack's credentials, when that stack is here. */
  MQTT_PASSWORD: z
    .string()
    .min(1)
    .optional()
    .transform((v) => v ?? stackCredentials()?.mqtt?.[`roomkey-${app}`]),
  /** A PEM file of the CA to trust for an `mqtts://` broker (default: the system's). */
  MQTT_TLS_CA: z.string().min(1).optional(),
});

export type KafkaConfig = z.infer<z.ZodObject<ReturnType<typeof kafkaEnv>>>;
export type MqttConfig = z.infer<z.ZodObject<ReturnType<typeof mqttEnv>>>;
export type HttpConfig = z.infer<z.ZodObject<ReturnType<typeof httpEnv>>>;

/** How an app checks access tokens: the auth app's JWKS and the claims every token must carry. */
export const tokenEnv = () => ({
  /** Where the auth app serves its public signing keys. */
  JWKS_URL: z.url().default('http://127.0.0.1:3001/.well-known/jwks.json'),
  TOKEN_ISSUER: z.string().min(1).default('urn:roomkey:auth'),
  TOKEN_AUDIENCE: z.string().min(1).default('urn:roomkey:api'),
  /** Clock skew tolerated on exp and nbf, in seconds. */
  TOKEN_CLOCK_TOLERANCE_S: z.coerce.number().int().min(0).max(300).default(5),
});
export type TokenConfig = z.infer<z.ZodObject<ReturnType<typeof tokenEnv>>>;
