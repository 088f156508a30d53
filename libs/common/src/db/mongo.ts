import { DynamicModule } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import ConnectionString from 'mongodb-connection-string-url';

/** MONGO_URL with MONGO_PASSWORD as its password when it carries none (a password in it wins). */
export function mongoUrl(config: { MONGO_URL: string; MONGO_PASSWORD?: string }): string {
  if (!config.MONGO_PASSWORD) return config.MONGO_URL;
  // The driver's own parser: it reads a list of hosts, which WHATWG URL does not.
  const url = new ConnectionString(config.MONGO_URL);
  if (!url.username || url.password) return config.MONGO_URL;
  url.password = config.MONGO_PASSWORD;
  return url.href;
}

/**
 * How long an operation waits on a silent server before it fails. The driver's monitor notices a
 * server that stops answering altogether; this bounds an operation the server took and never
 * answered (a write stuck behind a lock, say), which would otherwise hold its caller, and a Kafka
 * handler's partition, for ever. It fails as a network error, which the callers treat as
 * transient, and the caller tries again. Far longer than an operation of the apps takes, the
 * sweeps of what has expired included.
 */
export const MONGO_SOCKET_TIMEOUT_MS = 30_000;

/** The driver's options for every app's connection. */
export function mongoClientOptions(socketTimeoutMS = MONGO_SOCKET_TIMEOUT_MS) {
  return {
    serverSelectionTimeoutMS: 3000,
    // Also how long the driver's monitor waits for its check: a check that times out clears the
    // pool and fails what was in flight, so a machine busy for a few seconds must not trip it.
    connectTimeoutMS: 10000,
    socketTimeoutMS,
    retryWrites: false,
  };
}

/**
 * The app's own MongoDB database (FerretDB locally). Code sticks to what MongoDB and FerretDB
 * 1.x both do: no multi-document transactions, no TTL or partial indexes, no $lookup.
 */
export function mongoModule(config: { MONGO_URL: string; MONGO_PASSWORD?: string }): DynamicModule {
  return MongooseModule.forRoot(mongoUrl(config), { ...mongoClientOptions(), autoIndex: true });
}

/** Whether a write failed on a unique index (E11000): the row exists already. */
export const isDuplicateKey = (err: unknown): boolean =>
  typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
