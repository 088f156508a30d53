import { z } from 'zod';
import { envelope, Id, RETENTION, SCALING_PARTITIONS, topic } from '../envelope';
import { UserRole, UserStatus } from '../http/auth';

export const AUTH_EVENTS_V1 = 'auth.events.v1';

/**
 * Security-relevant facts about accounts and devices. Never a password, a token, a secret or a
 * hash of one. `deleted` asks every app holding personal data (face templates) to erase it.
 * Account changes (registered, role-changed, disabled, enabled, deleted) come from the auth
 * app's outbox, each with the account's whole state after it.
 */
export const AuthEventsV1Payload = z.object({
  kind: z.enum([
    'registered',
    'login-succeeded',
    'login-failed',
    'locked-out',
    'token-revoked',
    'token-reuse-detected',
    'role-changed',
    'disabled',
    'enabled',
    'deleted',
    'device-registered',
    'device-revoked',
  ]),
  /** The account concerned; absent for a failed login to an email that has no account. */
  userId: Id.optional(),
  /** The device concerned, for device events. */
  deviceId: Id.optional(),
  /** The admin who made the change, for admin actions. */
  actorId: Id.optional(),
  /**
   * The account's roles after the change: on registered, role-changed, disabled, enabled and
   * deleted (empty).
   */
  roles: z.array(UserRole).optional(),
  /** The account's status after the change, on the same kinds (deleted: disabled). */
  status: UserStatus.optional(),
  /**
   * The account's revision after the change, on the same kinds; it only grows. An app keeping
   * accounts applies an event only when its version is above the one it holds, so a copy or a
   * late event never undoes a newer change.
   */
  version: z.number().int().positive().optional(),
  /** Client address, for login events (never a credential). */
  ip: z.string().max(64).optional(),
  /** Why, for login-failed (bad-credentials, disabled, locked) and token-revoked. */
  reason: z.string().max(64).optional(),
  /** Until when sign-in is refused, for locked-out. */
  lockedUntil: z.iso.datetime({ offset: true }).optional(),
});
export type AuthEventsV1Payload = z.infer<typeof AuthEventsV1Payload>;

export const AuthEventsV1 = envelope('auth.events', AuthEventsV1Payload);
export type AuthEventsV1 = z.infer<typeof AuthEventsV1>;

/** Keyed by the user id (or device id, or client address when there is no account). */
export const authEventsV1 = topic({
  name: AUTH_EVENTS_V1,
  producers: ['auth'],
  consumers: ['face', 'access', 'qr', 'gateway', 'audit'],
  // An account's changes in the order made (a role change, then a disable).
  key: 'userId',
  partitions: SCALING_PARTITIONS,
  retentionMs: RETENTION.oneYear,
  schema: AuthEventsV1,
});
