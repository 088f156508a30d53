import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAccess1769000000000 implements MigrationInterface {
  name = 'CreateAccess1769000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`create table sites (
      id uuid primary key, name text not null, time_zone text not null,
      created_at timestamptz not null)`);
    await q.query(`create table rooms (
      id uuid primary key, site_id uuid not null references sites (id), name text not null,
      locked_down boolean not null default false, lockdown_changed_at timestamptz,
      lockdown_changed_by uuid, created_at timestamptz not null)`);
    await q.query(`create table locks (
      id uuid primary key, name text not null,
      key_id text not null, iv text not null, tag text not null, ciphertext text not null,
      counter bigint not null default 0, state text, online boolean not null default false,
      last_seen_at timestamptz, created_at timestamptz not null)`);
    await q.query(`create table doors (
      id uuid primary key, room_id uuid not null references rooms (id), name text not null,
      lock_id uuid not null unique references locks (id), kiosk_id uuid,
      created_at timestamptz not null)`);
    await q.query(`create table permissions (
      id uuid primary key, room_id uuid not null references rooms (id) on delete cascade,
      subject_type text not null check (subject_type in ('user', 'role')), subject text not null,
      valid_from timestamptz, valid_until timestamptz, windows jsonb,
      created_at timestamptz not null)`);
    await q.query(`create index permissions_room_idx on permissions (room_id)`);
    await q.query(`create table people (
      user_id uuid primary key, roles jsonb not null, updated_at timestamptz not null)`);
    await q.query(`create table sagas (
      request_id uuid primary key, requested jsonb, qr jsonb, face jsonb,
      deadline timestamptz not null, decision text, reasons jsonb, decided_at timestamptz,
      door_id uuid, lock_id uuid, door_confirmed boolean, created_at timestamptz not null)`);
    await q.query(`create index sagas_pending_idx on sagas (deadline) where decision is null`);
    await q.query(`create table outbox (
      id bigserial primary key, topic text not null, key text not null, event jsonb not null,
      created_at timestamptz not null, sent_at timestamptz)`);
    await q.query(`create index outbox_unsent_idx on outbox (id) where sent_at is null`);
    await q.query(`create table lock_commands (
      request_id uuid primary key, lock_id uuid not null references locks (id), counter bigint,
      created_at timestamptz not null, sent_at timestamptz, acked_at timestamptz,
      timed_out_at timestamptz)`);
    await q.query(
      `create index lock_commands_open_idx on lock_commands (created_at) where acked_at is null and timed_out_at is null`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `drop table lock_commands, outbox, sagas, people, permissions, doors, locks, rooms, sites`,
    );
  }
}
