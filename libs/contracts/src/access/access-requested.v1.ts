import { z } from 'zod';
import { envelope, Id, RETENTION, SCALING_PARTITIONS, topic } from '../envelope';

export const ACCESS_REQUESTED_V1 = 'access.requested.v1';

/**
 * A QR payload as scanned, whatever it says: the qr app judges it and answers `malformed` or
 * `unknown-format` for text that is not a roomkey code. Bounded by what a QR code can hold.
 */
export const QrPayload = z.string().min(1).max(4296);

export const AccessRequestedV1Payload = z.object({
  /** Idempotency key of the whole flow. */
  requestId: Id,
  /** When the gateway accepted the request. */
  at: z.iso.datetime({ offset: true }),
  /** Where the request came from. */
  channel: z.enum(['mobile', 'kiosk']),
  /** room-code: the member scanned the door's code; pass: the kiosk scanned a pass. */
  mode: z.enum(['room-code', 'pass']),
  roomId: Id.optional(),
  doorId: Id.optional(),
  /** The signed-in member, when the request came with a user token. */
  userId: Id.optional(),
  /**
   * No longer sent, and ignored: a token's roles are as old as the token. The access app knows
   * roles only from the auth app's account events.
   */
  roles: z
    .array(z.enum(['admin', 'security', 'member', 'visitor']))
    .max(4)
    .optional(),
  /** The kiosk, when the request came with a device token. */
  deviceId: Id.optional(),
  /** The scanned QR payload. */
  qr: QrPayload,
  /** Id of the sealed face image on face.captured.v1, when one was sent. */
  faceCaptureId: Id.optional(),
});

export const AccessRequestedV1 = envelope('access.requested', AccessRequestedV1Payload);
export type AccessRequestedV1 = z.infer<typeof AccessRequestedV1>;

export const accessRequestedV1 = topic({
  name: ACCESS_REQUESTED_V1,
  producers: ['gateway'],
  consumers: ['qr', 'access', 'audit'],
  // A request's own events in order; requests are independent, so they spread evenly.
  key: 'requestId',
  partitions: SCALING_PARTITIONS,
  retentionMs: RETENTION.thirtyDays,
  schema: AccessRequestedV1,
});
