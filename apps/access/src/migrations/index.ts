import type { MigrationInterface } from 'typeorm';
import { CreateAccess1769000000000 } from './1769000000000-create-access';
import { AccessRetention1771000000000 } from './1771000000000-access-retention';
import { LockReportCounter1774000000000 } from './1774000000000-lock-report-counter';
import { PeopleStatus1775000000000 } from './1775000000000-people-status';
import { DoorActiveLiveness1777000000000 } from './1777000000000-door-active-liveness';

/** The access app's migrations, in order; run at boot. */
export const MIGRATIONS: Array<new () => MigrationInterface> = [
  CreateAccess1769000000000,
  AccessRetention1771000000000,
  LockReportCounter1774000000000,
  PeopleStatus1775000000000,
  DoorActiveLiveness1777000000000,
];
