import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAlerts1769600000000 implements MigrationInterface {
  name = 'CreateAlerts1769600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table alerts (
        id uuid primary key,
        seq bigserial unique,
        type text not null,
        severity text not null,
        subject text not null,
        window_seconds int not null,
        count int not null,
        evidence jsonb not null,
        state text not null check (state in ('open', 'acknowledged', 'resolved')),
        first_at timestamptz not null,
        last_at timestamptz not null,
        acked_by uuid,
        acked_at timestamptz,
        resolved_at timestamptz
      )`);
    // While an alert is not resolved, the same rule about the same subject adds to it.
    await q.query(
      `create unique index alerts_active_uq on alerts (type, subject) where state <> 'resolved'`,
    );
    await q.query(`create index alerts_state_idx on alerts (state, last_at)`);
    // Counting denials in a window reads the log by type and time.
    await q.query(
      `create index event_log_decided_idx on event_log (occurred_at) where topic = 'access.decided.v1'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop index event_log_decided_idx`);
    await q.query(`drop table alerts`);
  }
}
