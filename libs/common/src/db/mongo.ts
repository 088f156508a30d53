import { DynamicModule } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';

/**
 * The app's own MongoDB database (FerretDB locally). Code sticks to what MongoDB and FerretDB
 * 1.x both do: no multi-document transactions, no TTL or partial indexes, no $lookup.
 */
export function mongoModule(config: { MONGO_URL: string }): DynamicModule {
  return MongooseModule.forRoot(config.MONGO_URL, {
    serverSelectionTimeoutMS: 3000,
    // Also how long the driver's monitor waits for its check: a check that times out clears the
    // pool and fails what was in flight, so a machine busy for a few seconds must not trip it.
    connectTimeoutMS: 10000,
    retryWrites: false,
    autoIndex: true,
  });
}

/** Whether a write failed on a unique index (E11000): the row exists already. */
export const isDuplicateKey = (err: unknown): boolean =>
  typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
