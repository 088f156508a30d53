import { Logger } from '@nestjs/common';
import { DataSource, MigrationInterface } from 'typeorm';
import { z } from 'zod';
import { postgresEnv } from '../config/fragments';
import { parseConfig } from '../config/parse';
import { migrate, postgresUrl } from './postgres';

/**
 * The `migrate` entry of a PostgreSQL app (`node dist/apps/<app>/src/migrate.js`): what a
 * deployment runs before the app starts (the Helm chart's init container). It takes the same
 * advisory lock as an app's boot, so pods starting together take turns; the app still migrates
 * at boot, and finds nothing left to do.
 */
export function migrateMain(
  app: string,
  database: string,
  migrations: Array<new () => MigrationInterface>,
): void {
  const run = async () => {
    const config = parseConfig(app, z.object(postgresEnv(database)), process.env);
    const source = await new DataSource({
      type: 'postgres',
      url: postgresUrl(config),
      migrations,
    }).initialize();
    try {
      const done = await migrate(source);
      new Logger(`${app} migrate`).log(
        done.length > 0 ? `migrated ${done.join(', ')}` : 'no migration pending',
      );
    } finally {
      await source.destroy();
    }
  };
  run().catch((err: unknown) => {
    console.error(`${app}: migration failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
