import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { TimeWindow } from '../domain/schedule';

@Entity({ name: 'sites' })
export class SiteRow {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ type: 'text' }) name!: string;
  /** IANA time zone the site's schedules are written in. */
  @Column({ name: 'time_zone', type: 'text' }) timeZone!: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

@Entity({ name: 'rooms' })
export class RoomRow {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ name: 'site_id', type: 'uuid' }) siteId!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ name: 'locked_down', type: 'boolean' }) lockedDown!: boolean;
  @Column({ name: 'lockdown_changed_at', type: 'timestamptz', nullable: true })
  lockdownChangedAt!: Date | null;
  @Column({ name: 'lockdown_changed_by', type: 'uuid', nullable: true })
  lockdownChangedBy!: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

/** A smart lock: its secret (sealed), its last command and report counters, its last state. */
@Entity({ name: 'locks' })
export class LockRow {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ name: 'key_id', type: 'text' }) keyId!: string;
  @Column({ type: 'text' }) iv!: string;
  @Column({ type: 'text' }) tag!: string;
  @Column({ type: 'text' }) ciphertext!: string;
  @Column({ type: 'bigint' }) counter!: string;
  /** The counter of the last state report taken from the lock: a report must be above it. */
  @Column({ name: 'report_counter', type: 'bigint' }) reportCounter!: string;
  @Column({ type: 'text', nullable: true }) state!: string | null;
  @Column({ type: 'boolean' }) online!: boolean;
  @Column({ name: 'last_seen_at', type: 'timestamptz', nullable: true }) lastSeenAt!: Date | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

@Entity({ name: 'doors' })
export class DoorRow {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ name: 'room_id', type: 'uuid' }) roomId!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ name: 'lock_id', type: 'uuid' }) lockId!: string;
  @Column({ name: 'kiosk_id', type: 'uuid', nullable: true }) kioskId!: string | null;
  /** Faces at this door must pass active liveness, even from its kiosk (ADR 028). */
  @Column({ name: 'require_active_liveness', type: 'boolean', default: false })
  requireActiveLiveness!: boolean;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

/** A user or a role may enter a room between two instants, within weekly windows. */
@Entity({ name: 'permissions' })
export class PermissionRow {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ name: 'room_id', type: 'uuid' }) roomId!: string;
  @Column({ name: 'subject_type', type: 'text' }) subjectType!: 'user' | 'role';
  @Column({ type: 'text' }) subject!: string;
  @Column({ name: 'valid_from', type: 'timestamptz', nullable: true }) validFrom!: Date | null;
  @Column({ name: 'valid_until', type: 'timestamptz', nullable: true }) validUntil!: Date | null;
  @Column({ type: 'jsonb', nullable: true }) windows!: TimeWindow[] | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

/** People's roles and account status, only as the auth app announces them (auth.events.v1). */
@Entity({ name: 'people' })
export class PersonRow {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' }) userId!: string;
  @Column({ type: 'jsonb' }) roles!: string[];
  /** active, disabled, or deleted (a tombstone, so that a late event cannot bring it back). */
  @Column({ type: 'text', default: 'active' }) status!: 'active' | 'disabled' | 'deleted';
  /** The account revision this row reflects (`auth.events.v1` version; 0 when unversioned). */
  @Column({ type: 'bigint', default: 0 }) version!: string;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

/** One access request's saga: what is known, the deadline, and the one decision. */
@Entity({ name: 'sagas' })
export class SagaRow {
  @PrimaryColumn({ name: 'request_id', type: 'uuid' }) requestId!: string;
  @Column({ type: 'jsonb', nullable: true }) requested!: Record<string, unknown> | null;
  @Column({ type: 'jsonb', nullable: true }) qr!: Record<string, unknown> | null;
  @Column({ type: 'jsonb', nullable: true }) face!: Record<string, unknown> | null;
  @Column({ type: 'timestamptz' }) deadline!: Date;
  @Column({ type: 'text', nullable: true }) decision!: 'granted' | 'denied' | null;
  @Column({ type: 'jsonb', nullable: true }) reasons!: string[] | null;
  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true }) decidedAt!: Date | null;
  @Column({ name: 'door_id', type: 'uuid', nullable: true }) doorId!: string | null;
  @Column({ name: 'lock_id', type: 'uuid', nullable: true }) lockId!: string | null;
  /** For a grant: true once the lock acknowledged, false when it did not in time. */
  @Column({ name: 'door_confirmed', type: 'boolean', nullable: true }) doorConfirmed!:
    boolean | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

/** Events written in the same transaction as the state they announce; a relay publishes them. */
@Entity({ name: 'outbox' })
export class OutboxRow {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column({ type: 'text' }) topic!: string;
  @Column({ type: 'text' }) key!: string;
  /** The whole envelope, event id included, so a republish is the same event. */
  @Column({ type: 'jsonb' }) event!: Record<string, unknown>;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true }) sentAt!: Date | null;
}

/** The unlock command of a grant: at most one per request, by its primary key. */
@Entity({ name: 'lock_commands' })
export class LockCommandRow {
  @PrimaryColumn({ name: 'request_id', type: 'uuid' }) requestId!: string;
  @Column({ name: 'lock_id', type: 'uuid' }) lockId!: string;
  @Column({ type: 'bigint', nullable: true }) counter!: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true }) sentAt!: Date | null;
  @Column({ name: 'acked_at', type: 'timestamptz', nullable: true }) ackedAt!: Date | null;
  @Column({ name: 'timed_out_at', type: 'timestamptz', nullable: true }) timedOutAt!: Date | null;
}

export const ACCESS_ENTITIES = [
  SiteRow,
  RoomRow,
  LockRow,
  DoorRow,
  PermissionRow,
  PersonRow,
  SagaRow,
  OutboxRow,
  LockCommandRow,
];
