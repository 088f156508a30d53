import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The access log projection: one row per access request. A log that already holds requests
 * fills it with `npm run replay -- --rebuild access-log`.
 */
export class CreateAccessLog1769800000000 implements MigrationInterface {
  name = 'CreateAccessLog1769800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table access_log (
        request_id uuid primary key,
        requested_at timestamptz,
        decided_at timestamptz,
        decision text check (decision in ('granted', 'denied')),
        reasons text[] not null default '{}',
        user_id uuid,
        room_id uuid,
        door_id uuid,
        lock_id uuid,
        device_id uuid,
        channel text,
        mode text,
        latency_ms bigint
      )`);
    await q.query(`
      create index access_log_decided_idx on access_log (decided_at desc, request_id desc)
      where decision is not null`);
    await q.query(`create index access_log_user_idx on access_log (user_id, decided_at desc)`);
    await q.query(`create index access_log_door_idx on access_log (door_id, decided_at desc)`);
    await q.query(`create index access_log_room_idx on access_log (room_id, decided_at desc)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table access_log`);
  }
}
