import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The log's own role may only add to it and read it: UPDATE, DELETE and TRUNCATE on event_log
 * are revoked from the role that runs the migrations (the app's own), as a privilege and not
 * only through the trigger. A table's owner could grant them back to itself; a deployment that
 * wants that out of reach too runs the migrations as another role than the app's.
 */
export class RevokeEventLogChanges1773000000000 implements MigrationInterface {
  name = 'RevokeEventLogChanges1773000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`revoke update, delete, truncate on event_log from current_user`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`grant update, delete, truncate on event_log to current_user`);
  }
}
