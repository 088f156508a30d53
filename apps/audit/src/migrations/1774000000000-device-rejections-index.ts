import { MigrationInterface, QueryRunner } from 'typeorm';

/** The device-rejected rule counts refused device sign-ins per source in a window. */
export class DeviceRejectionsIndex1774000000000 implements MigrationInterface {
  name = 'DeviceRejectionsIndex1774000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `create index event_log_device_rejected_idx on event_log ((payload->>'ip'), occurred_at)
       where topic = 'auth.events.v1' and payload->>'kind' = 'login-failed'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop index event_log_device_rejected_idx`);
  }
}
