import { DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions, type MixedList, type EntitySchema } from 'typeorm';

export interface PostgresOptions {
  DATABASE_URL: string;
  /** The role's password when DATABASE_URL carries none. */
  DATABASE_PASSWORD?: string;
  DATABASE_POOL_SIZE: number;
}

/**
 * DATABASE_URL with DATABASE_PASSWORD as its password when it carries none (a password in it
 * wins). Inside the URL, since node-postgres lets the URL's empty password override a separate
 * one.
 */
export function postgresUrl(
  config: Pick<PostgresOptions, 'DATABASE_URL' | 'DATABASE_PASSWORD'>,
): string {
  if (!config.DATABASE_PASSWORD) return config.DATABASE_URL;
  const url = new URL(config.DATABASE_URL);
  if (!url.username || url.password) return config.DATABASE_URL;
  url.password = config.DATABASE_PASSWORD;
  return url.href;
}

/** The advisory lock that lets one instance at a time migrate a database (any fixed number). */
const MIGRATION_LOCK = 7_403_221;

/**
 * Runs the pending migrations while holding a session-level advisory lock, so instances that
 * start together on a new database take turns: the first creates the schema, the others find
 * it done; returns the names of those it ran. Without the lock they race to create TypeORM's own `migrations` table and all but
 * one fail.
 */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      return (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
    } finally {
      await runner.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    await runner.release();
  }
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
  return TypeOrmModule.forRootAsync({
    useFactory: () => ({
      type: 'postgres' as const,
      url: postgresUrl(config),
      entities,
      migrations,
      synchronize: false,
      poolSize: config.DATABASE_POOL_SIZE,
      // A request must not wait forever for a connection when the database is gone.
      extra: { connectionTimeoutMillis: 3000, statement_timeout: 10000 },
      retryAttempts: 3,
      retryDelay: 1000,
    }),
    // Retried as a whole (retryAttempts) when the database is not there yet.
    dataSourceFactory: async (options) => {
      const dataSource = await new DataSource(options as DataSourceOptions).initialize();
      try {
        await migrate(dataSource);
      } catch (err) {
        await dataSource.destroy();
        throw err;
      }
      return dataSource;
    },
  });
}

/** What runs a statement: a data source, or the manager of a transaction. */
interface Queries {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * An UPDATE or DELETE: the rows it returned (`returning …`, else none) and how many it changed.
 * TypeORM answers such a statement on PostgreSQL with the pair `[rows, count]`, where a SELECT or
 * an INSERT gets the rows alone.
 */
export async function changed<T = never>(
  db: Queries,
  sql: string,
  params: unknown[] = [],
): Promise<{ rows: T[]; count: number }> {
  const [rows, count] = (await db.query(sql, params)) as [T[], number];
  return { rows, count };
}
