import { DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { MixedList, EntitySchema } from 'typeorm';

export interface PostgresOptions {
  DATABASE_URL: string;
  DATABASE_POOL_SIZE: number;
}

/**
 * The app's own PostgreSQL database through TypeORM. The schema comes only from migrations,
 * run at boot (never `synchronize`), so what runs in production is what the tests ran.
 */
export function postgresModule(
  config: PostgresOptions,
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>,
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>,
): DynamicModule {
  return TypeOrmModule.forRoot({
    type: 'postgres',
    url: config.DATABASE_URL,
    entities,
    migrations,
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    synchronize: false,
    poolSize: config.DATABASE_POOL_SIZE,
    // A request must not wait forever for a connection when the database is gone.
    extra: { connectionTimeoutMillis: 3000, statement_timeout: 10000 },
    retryAttempts: 3,
    retryDelay: 1000,
  });
}
