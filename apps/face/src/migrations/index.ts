import type { MigrationInterface } from 'typeorm';

/** The face app's migrations, in order; run at boot. */
export const MIGRATIONS: Array<new () => MigrationInterface> = [];
