import { MigrationInterface, QueryRunner } from 'typeorm';

/** Per-caller counters (enrolment limits), one row per rule, caller and window. */
export class RateCounters1772000000000 implements MigrationInterface {
  name = 'RateCounters1772000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `create table rate_counters (
         id text primary key,
         count integer not null,
         expires_at timestamptz not null
       )`,
    );
    await q.query(`create index rate_counters_expires_at on rate_counters (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table rate_counters`);
  }
}
