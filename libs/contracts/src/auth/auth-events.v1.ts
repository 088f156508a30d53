import { z } from 'zod';
import { envelope, Id, RETENTION, topic } from '../envelope';

export const AUTH_EVENTS_V1 = 'auth.events.v1';

export const AuthEventsV1Payload = z.object({
  userId: Id,
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
  ]),
  /** New roles, for role-changed. */
  roles: z.array(z.enum(['admin', 'security', 'member', 'visitor'])).optional(),
  /** Client address, for login events (never a credential). */
  ip: z.string().max(64).optional(),
});

export const AuthEventsV1 = envelope('auth.events', AuthEventsV1Payload);
export type AuthEventsV1 = z.infer<typeof AuthEventsV1>;

export const authEventsV1 = topic({
  name: AUTH_EVENTS_V1,
  key: 'userId',
  partitions: 3,
  retentionMs: RETENTION.oneYear,
  schema: AuthEventsV1,
});
