import { z } from 'zod';
import { stackSettings, stackUrls } from './stack';

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
});

export const kafkaEnv = (app: string) => ({
  /** Comma-separated host:port list. */
  KAFKA_BROKERS: z
    .string()
    .default(urls().kafkaBrokers)
    .transform((s) => s.split(',').map((b) => b.trim()))
    .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'host:port')).min(1)),
  KAFKA_CLIENT_ID: z.string().min(1).default(`roomkey-${app}`),
  KAFKA_GROUP_ID: z.string().min(1).default(`roomkey.${app}`),
  /** In-process attempts of a failing handler before it is dead-lettered or redelivered. */
  KAFKA_HANDLER_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
  KAFKA_RETRY_BACKOFF_MS: z.coerce.number().int().min(1).max(60000).default(200),
});

export const postgresEnv = (database: string) => ({
  DATABASE_URL: z
    .string()
    .default(urls().postgres(database))
    .refine((s) => /^postgres(ql)?:\/\//.test(s), 'must be a postgres:// URL'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
});

export const mongoEnv = (database: string) => ({
  MONGO_URL: z
    .string()
    .default(urls().mongo(database))
    .refine((s) => /^mongodb(\+srv)?:\/\//.test(s), 'must be a mongodb:// URL'),
});

export const mqttEnv = () => ({
  MQTT_URL: z
    .string()
    .default(urls().mqtt)
    .refine((s) => /^(mqtts?|wss?):\/\//.test(s), 'must be an mqtt:// URL'),
});

export type KafkaConfig = z.infer<z.ZodObject<ReturnType<typeof kafkaEnv>>>;
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
