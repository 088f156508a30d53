import type { MigrationInterface } from 'typeorm';

/** The access app's migrations, in order; run at boot. */
export const MIGRATIONS: Array<new () => MigrationInterface> = [];
