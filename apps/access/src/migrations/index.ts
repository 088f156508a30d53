import type { MigrationInterface } from 'typeorm';
import { CreateAccess1769000000000 } from './1769000000000-create-access';

/** The access app's migrations, in order; run at boot. */
export const MIGRATIONS: Array<new () => MigrationInterface> = [CreateAccess1769000000000];
