import { z } from 'zod';
import { envelope, Id, RETENTION, SCALING_PARTITIONS, topic } from '../envelope';

export const QR_CHECKED_V1 = 'qr.checked.v1';

export const QrInvalidReason = z.enum([
  'malformed',
  'unknown-format',
  'bad-signature',
  'expired',
  'not-yet-valid',
  'wrong-door',
  'unknown-door',
  'revoked',
  'used-up',
  /** The account the pass belongs to is disabled or deleted. */
  'account-disabled',
  /** The pass was presented in too many requests that were denied. */
  'too-many-failures',
]);

export const QrCheckedV1Payload = z.object({
  requestId: Id,
  outcome: z.enum(['valid', 'invalid']),
  /** Why it is invalid; absent when valid. */
  reason: QrInvalidReason.optional(),
  roomId: Id.optional(),
  doorId: Id.optional(),
  /** Who the code is for: the person a pass names, or the member who scanned a room code. */
  userId: Id.optional(),
  passId: Id.optional(),
});

export const QrCheckedV1 = envelope('qr.checked', QrCheckedV1Payload);
export type QrCheckedV1 = z.infer<typeof QrCheckedV1>;

export const qrCheckedV1 = topic({
  name: QR_CHECKED_V1,
  producers: ['qr'],
  consumers: ['face', 'access', 'audit'],
  // Joined with the request's other answers by request id; requests spread evenly.
  key: 'requestId',
  partitions: SCALING_PARTITIONS,
  retentionMs: RETENTION.thirtyDays,
  schema: QrCheckedV1,
});
