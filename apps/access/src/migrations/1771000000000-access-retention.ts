import { MigrationInterface, QueryRunner } from 'typeorm';

/** Indexes for the retention sweep, so that it reads only what it deletes. */
export class AccessRetention1771000000000 implements MigrationInterface {
  name = 'AccessRetention1771000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `create index sagas_decided_idx on sagas (decided_at) where decision is not null`,
    );
    await q.query(
      `create index lock_commands_settled_idx on lock_commands (coalesce(acked_at, timed_out_at))
       where acked_at is not null or timed_out_at is not null`,
    );
    await q.query(`create index outbox_sent_idx on outbox (sent_at) where sent_at is not null`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop index sagas_decided_idx, lock_commands_settled_idx, outbox_sent_idx`);
  }
}
