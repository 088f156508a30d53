import { DynamicModule } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';

/**
 * The app's own MongoDB database (FerretDB locally). Code sticks to what MongoDB and FerretDB
 * 1.x both do: no multi-document transactions, no TTL or partial indexes, no $lookup.
 */
export function mongoModule(config: { MONGO_URL: string }): DynamicModule {
  return MongooseModule.forRoot(config.MONGO_URL, {
    serverSelectionTimeoutMS: 3000,
    connectTimeoutMS: 3000,
    retryWrites: false,
    autoIndex: true,
  });
}
