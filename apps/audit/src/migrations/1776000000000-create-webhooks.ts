import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateWebhooks1776000000000 implements MigrationInterface {
  name = 'CreateWebhooks1776000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table webhook_endpoints (
        id uuid primary key,
        url text not null,
        events text[] not null,
        description text,
        -- The signing secret sealed under WEBHOOK_KEYRING (AES-256-GCM, the id as AAD).
        secret jsonb not null,
        enabled boolean not null default true,
        -- Failed attempts in a row; reset by a success.
        failures int not null default 0,
        disabled_at timestamptz,
        -- A disabling is announced on webhooks.events.v1 (which raises the alert) once.
        disable_announced boolean not null default true,
        created_at timestamptz not null default now(),
        created_by uuid
      )`);
    // The durable queue: one row per message and endpoint, written in the transaction that
    // logs the event, so nothing logged is lost and nothing is queued twice.
    await q.query(`
      create table webhook_deliveries (
        id uuid primary key,
        seq bigserial unique,
        endpoint_id uuid not null references webhook_endpoints (id) on delete cascade,
        message_id uuid not null,
        type text not null,
        body text not null,
        state text not null default 'pending' check (state in ('pending', 'delivered', 'failed')),
        attempts int not null default 0,
        next_at timestamptz not null default now(),
        -- Claimed by a sender until then; a sender that died lets it go.
        locked_until timestamptz,
        created_at timestamptz not null default now(),
        delivered_at timestamptz,
        unique (endpoint_id, message_id)
      )`);
    await q.query(
      `create index webhook_deliveries_due_idx on webhook_deliveries (next_at) where state = 'pending'`,
    );
    // An endpoint's deliveries, newest first; and the retention sweep.
    await q.query(
      `create index webhook_deliveries_endpoint_idx on webhook_deliveries (endpoint_id, seq)`,
    );
    await q.query(
      `create index webhook_deliveries_settled_idx on webhook_deliveries (created_at) where state <> 'pending'`,
    );
    await q.query(`
      create table webhook_attempts (
        delivery_id uuid not null references webhook_deliveries (id) on delete cascade,
        n int not null,
        at timestamptz not null,
        status int,
        error text,
        response text,
        duration_ms int not null,
        primary key (delivery_id, n)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table webhook_attempts`);
    await q.query(`drop table webhook_deliveries`);
    await q.query(`drop table webhook_endpoints`);
  }
}
