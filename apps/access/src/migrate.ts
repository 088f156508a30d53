import { migrateMain } from '@roomkey/common';
import { MIGRATIONS } from './migrations';

migrateMain('access', 'roomkey_access', MIGRATIONS);
