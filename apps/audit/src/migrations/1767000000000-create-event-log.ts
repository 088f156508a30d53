import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateEventLog1767000000000 implements MigrationInterface {
  name = 'CreateEventLog1767000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table event_log (
        id bigserial primary key,
        event_id uuid not null,
        topic text not null,
        partition int not null,
        "offset" bigint not null,
        key text,
        type text not null,
        occurred_at timestamptz not null,
        correlation_id text not null,
        causation_id uuid,
        producer text not null,
        trace_id text,
        payload jsonb not null,
        recorded_at timestamptz not null default now()
      )`);
    await q.query(
      `create unique index event_log_record_uq on event_log (topic, partition, "offset")`,
    );
    await q.query(`create unique index event_log_event_id_uq on event_log (event_id)`);
    await q.query(`create index event_log_correlation_idx on event_log (correlation_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table event_log`);
  }
}
