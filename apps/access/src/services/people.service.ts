import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthEventsV1Payload } from '@roomkey/contracts';

/** What each account event says of the account's status, when it says anything. */
const STATUS_OF: Partial<Record<AuthEventsV1Payload['kind'], 'active' | 'disabled' | 'deleted'>> = {
  registered: 'active',
  enabled: 'active',
  disabled: 'disabled',
  deleted: 'deleted',
};

/**
 * People's roles and account status, a projection of the auth app's account events and of
 * nothing else. An event is applied only when its account version is not below the one held, so
 * a redelivered or late event never undoes a newer change; a deleted account stays as a
 * tombstone without roles.
 */
@Injectable()
export class People {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async apply(p: AuthEventsV1Payload): Promise<void> {
    if (!p.userId) return;
    const status = STATUS_OF[p.kind] ?? (p.kind === 'role-changed' ? p.status : undefined);
    const roles = p.kind === 'deleted' ? [] : p.roles;
    if (!status && !roles) return;
    await this.db.query(
      `insert into people (user_id, roles, status, version, updated_at)
       values ($1, coalesce($2::jsonb, '[]'::jsonb), coalesce($3::text, 'active'), $4, now())
       on conflict (user_id) do update set
         roles = coalesce($2::jsonb, people.roles),
         status = coalesce($3::text, people.status),
         version = excluded.version,
         updated_at = now()
       where people.version <= excluded.version and people.status <> 'deleted'`,
      [p.userId, roles ? JSON.stringify(roles) : null, status ?? null, p.version ?? 0],
    );
  }
}
