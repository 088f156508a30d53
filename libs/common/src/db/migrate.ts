import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource, MigrationInterface } from 'typeorm';
import { z } from 'zod';
import { postgresEnv } from '../config/fragments';
import { parseConfig } from '../config/parse';

/**
 * The advisory lock the pods of one app take around their migrations. It lives in the app's
 * own database, so it orders only that app's pods: the first runs what is pending, the others
 * wait and find nothing left.
 */
const MIGRATION_LOCK = 0x726b6d67;

/** Runs the pending migrations of one app's database, one pod at a time; returns their names. */
export async function migrateDatabase(
  url: string,
  migrations: Array<new () => MigrationInterface>,
): Promise<string[]> {
  const lock = new Client({ connectionString: url });
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const source = new DataSource({
      type: 'postgres',
      url,
      migrations,
      migrationsTransactionMode: 'each',
    });
    await source.initialize();
    try {
      return (await source.runMigrations()).map((m) => m.name);
    } finally {
      await source.destroy();
    }
  } finally {
    // Ending the session releases the lock.
    await lock.end();
  }
}

/**
 * The `migrate` entry of a PostgreSQL app (`node dist/apps/<app>/src/migrate.js`): what a
 * deployment runs before the app starts (the Helm chart's init container). The app still runs
 * them at boot, and finds nothing left to do.
 */
export function migrateMain(
  app: string,
  database: string,
  migrations: Array<new () => MigrationInterface>,
): void {
  const run = async () => {
    const { DATABASE_URL } = parseConfig(app, z.object(postgresEnv(database)), process.env);
    const done = await migrateDatabase(DATABASE_URL, migrations);
    new Logger(`${app} migrate`).log(
      done.length > 0 ? `migrated ${done.join(', ')}` : 'no migration pending',
    );
  };
  run().catch((err: unknown) => {
    console.error(`${app}: migration failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
