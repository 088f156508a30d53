import { z } from 'zod';
import { Id, Instant, Text } from '../envelope';
import { UserRole } from './auth';

const Name = Text(100);
const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'HH:MM');

export const TimeZone = z
  .string()
  .min(1)
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en-GB', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'an IANA time zone such as Europe/Berlin');

export const CreateSiteBody = z.strictObject({ name: Name, timeZone: TimeZone });
export type CreateSiteBody = z.infer<typeof CreateSiteBody>;

/** A change needs at least one field. */
const someField = <T extends z.ZodObject>(schema: T) =>
  schema.refine((b) => Object.keys(b).length > 0, { message: 'send at least one field to change' });

/** `PATCH /v1/sites/{id}`: a new name or time zone (schedules follow the new zone at once). */
export const UpdateSiteBody = someField(
  z.strictObject({ name: Name.optional(), timeZone: TimeZone.optional() }),
);
export type UpdateSiteBody = z.infer<typeof UpdateSiteBody>;
/** `PATCH /v1/rooms/{id}` and `PATCH /v1/locks/{id}`: a new name. */
export const RenameBody = z.strictObject({ name: Name });
export type RenameBody = z.infer<typeof RenameBody>;
export const SiteView = z.object({
  id: Id,
  name: z.string(),
  timeZone: z.string(),
  createdAt: Instant,
});
export type SiteView = z.infer<typeof SiteView>;

export const CreateRoomBody = z.strictObject({ siteId: Id, name: Name });
export type CreateRoomBody = z.infer<typeof CreateRoomBody>;
export const RoomView = z.object({
  id: Id,
  siteId: Id,
  name: z.string(),
  lockedDown: z.boolean(),
  lockdownChangedAt: Instant.nullable(),
  createdAt: Instant,
});
export type RoomView = z.infer<typeof RoomView>;

export const CreateLockBody = z.strictObject({ name: Name });
export type CreateLockBody = z.infer<typeof CreateLockBody>;
export const LockView = z.object({
  id: Id,
  name: z.string(),
  state: z.string().nullable(),
  online: z.boolean(),
  lastSeenAt: Instant.nullable(),
  createdAt: Instant,
});
export type LockView = z.infer<typeof LockView>;
/**
 * How a lock logs in to the MQTT broker: its own client, allowed only its own topics and only
 * with this client id. The password is shown this once; the broker keeps only its hash.
 */
export const LockMqttCredentials = z.object({
  username: z.string(),
  password: z.string(),
  clientId: z.string(),
});
export type LockMqttCredentials = z.infer<typeof LockMqttCredentials>;
/**
 * The lock, its secret (base64) and its MQTT credentials, shown this once: configure them into
 * the lock.
 */
export const LockRegistered = LockView.extend({ secret: z.string(), mqtt: LockMqttCredentials });
export type LockRegistered = z.infer<typeof LockRegistered>;

export const CreateDoorBody = z.strictObject({
  roomId: Id,
  name: Name,
  lockId: Id,
  /** The kiosk (a registered device) that serves this door, if any. */
  kioskId: Id.optional(),
  /**
   * Whether a face must pass active liveness (a challenge answered by a burst of frames) at
   * this door, even from its kiosk; default false (ADR 028).
   */
  requireActiveLiveness: z.boolean().optional(),
});
export type CreateDoorBody = z.infer<typeof CreateDoorBody>;
/** `PATCH /v1/doors/{id}`: a new name, another lock (one door per lock), a kiosk or none. */
export const UpdateDoorBody = someField(
  z.strictObject({
    name: Name.optional(),
    lockId: Id.optional(),
    kioskId: Id.nullable().optional(),
    requireActiveLiveness: z.boolean().optional(),
  }),
);
export type UpdateDoorBody = z.infer<typeof UpdateDoorBody>;
export const DoorView = z.object({
  id: Id,
  roomId: Id,
  name: z.string(),
  lockId: Id,
  kioskId: Id.nullable(),
  /** Whether a face must pass active liveness at this door, even from its kiosk. */
  requireActiveLiveness: z.boolean(),
  createdAt: Instant,
});
export type DoorView = z.infer<typeof DoorView>;

export const Weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
export const TimeWindowBody = z
  .strictObject({ days: z.array(Weekday).min(1).max(7), from: HHMM, to: HHMM })
  .refine((w) => w.from < w.to, { message: 'to must be after from', path: ['to'] });

/** A user or a role may enter a room: between two instants, within weekly windows. */
export const CreatePermissionBody = z
  .strictObject({
    roomId: Id,
    userId: Id.optional(),
    role: UserRole.optional(),
    validFrom: Instant.optional(),
    validUntil: Instant.optional(),
    /** In the site's time zone; none means at any time of the week. */
    windows: z.array(TimeWindowBody).max(50).optional(),
  })
  .refine((p) => (p.userId ? 1 : 0) + (p.role ? 1 : 0) === 1, {
    message: 'give exactly one of userId and role',
    path: ['userId'],
  })
  .refine(
    (p) => !p.validFrom || !p.validUntil || Date.parse(p.validUntil) > Date.parse(p.validFrom),
    { message: 'validUntil must be after validFrom', path: ['validUntil'] },
  );
export type CreatePermissionBody = z.infer<typeof CreatePermissionBody>;
export const PermissionView = z.object({
  id: Id,
  roomId: Id,
  userId: Id.nullable(),
  role: z.string().nullable(),
  validFrom: Instant.nullable(),
  validUntil: Instant.nullable(),
  windows: z
    .array(z.object({ days: z.array(Weekday), from: z.string(), to: z.string() }))
    .nullable(),
  createdAt: Instant,
});
export type PermissionView = z.infer<typeof PermissionView>;

export const ListPermissionsQuery = z.strictObject({
  roomId: Id.optional().describe('Only this room'),
  userId: Id.optional().describe('Only this user'),
});
export type ListPermissionsQuery = z.infer<typeof ListPermissionsQuery>;

/** The access service's record of one decision. */
export const DecisionRecord = z.object({
  requestId: Id,
  decision: z.enum(['granted', 'denied']).nullable(),
  reasons: z.array(z.string()),
  decidedAt: Instant.nullable(),
  doorId: Id.nullable(),
  lockId: Id.nullable(),
  /** For a grant: whether the lock confirmed the unlock (null while waiting). */
  doorConfirmed: z.boolean().nullable(),
});
export type DecisionRecord = z.infer<typeof DecisionRecord>;
