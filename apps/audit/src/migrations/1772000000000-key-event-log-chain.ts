import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The keyed chain: each row records the chain key it was chained under, and the log gets an id
 * of its own, bound into every keyed row's hash and named by its checkpoints.
 *
 * Rows chained before this (plain SHA-256) are left as they are and verified as what they are
 * (`chain_key_id` null), rather than re-chained under a key here: re-chaining would rewrite the
 * very evidence the chain is for, needs UPDATE on an append-only table, and would bless whatever
 * was done to those rows before. The first keyed row's hash covers the last unkeyed one, so they
 * cannot be recomputed without breaking it, and an unkeyed row after a keyed one is refused.
 */
export class KeyEventLogChain1772000000000 implements MigrationInterface {
  name = 'KeyEventLogChain1772000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table event_log add column chain_key_id text`);
    await q.query(`
      create table event_log_chain (
        one boolean primary key default true check (one),
        log_id uuid not null default gen_random_uuid(),
        created_at timestamptz not null default now()
      )`);
    await q.query(`insert into event_log_chain default values`);
    await q.query(`
      create function event_log_chain_fixed() returns trigger language plpgsql as $$
      begin
        raise exception 'the audit log''s id never changes';
      end $$`);
    await q.query(`
      create trigger event_log_chain_fixed before update or delete on event_log_chain
      for each row execute function event_log_chain_fixed()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table event_log_chain`);
    await q.query(`drop function event_log_chain_fixed`);
    await q.query(`alter table event_log drop column chain_key_id`);
  }
}
