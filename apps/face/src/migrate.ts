import { migrateMain } from '@roomkey/common';
import { MIGRATIONS } from './migrations';

migrateMain('face', 'roomkey_face', MIGRATIONS);
