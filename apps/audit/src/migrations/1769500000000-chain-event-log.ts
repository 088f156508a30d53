import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The hash chain, and the log made append-only in the database itself: UPDATE and DELETE on
 * event_log raise an error (a superuser can still disable the trigger, which is what the
 * chain is there to catch).
 */
export class ChainEventLog1769500000000 implements MigrationInterface {
  name = 'ChainEventLog1769500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table event_log add column prev_hash text, add column hash text`);
    await q.query(`
      create function event_log_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'event_log is append-only';
      end $$`);
    await q.query(`
      create trigger event_log_append_only before update or delete on event_log
      for each row execute function event_log_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop trigger event_log_append_only on event_log`);
    await q.query(`drop function event_log_append_only`);
    await q.query(`alter table event_log drop column prev_hash, drop column hash`);
  }
}
