import { migrateMain } from '@roomkey/common';
import { MIGRATIONS } from './migrations';

migrateMain('audit', 'roomkey_audit', MIGRATIONS);
