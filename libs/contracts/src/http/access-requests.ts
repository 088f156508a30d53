import { z } from 'zod';
import { Id } from '../envelope';
import { QrPayload } from '../access/access-requested.v1';

/** Body of `POST /v1/access-requests`. Unknown fields are an error, not silently dropped. */
export const CreateAccessRequestBody = z.strictObject({
  /**
   * The room the person stands at, checked against the door. Optional: a door's code names its
   * door, so a phone that scanned one may send the code alone.
   */
  roomId: Id.optional(),
  /** The door, when the room has several; required from a kiosk, which must serve it. */
  doorId: Id.optional(),
  /** The QR payload the member's app scanned at the door. */
  qr: QrPayload,
  /**
   * With a burst of face frames (the `face` field, one file per frame): the active liveness
   * challenge they answer (`POST /v1/face/challenges`).
   */
  challengeId: Id.optional(),
  /**
   * With a burst: each frame's time in milliseconds since the first, comma-separated
   * (`0,700,1450`), by the client's clock.
   */
  frameTimes: z
    .string()
    .regex(/^0(,\d{1,5}){0,3}$/, 'milliseconds since the first frame, comma-separated')
    .optional(),
});
export type CreateAccessRequestBody = z.infer<typeof CreateAccessRequestBody>;

/** Answer of `POST /v1/access-requests`: accepted, to be decided. */
export const AccessRequestAccepted = z.object({ requestId: Id });
export type AccessRequestAccepted = z.infer<typeof AccessRequestAccepted>;

export const AccessRequestStatus = z.enum(['pending', 'granted', 'denied']);

/** Answer of `GET /v1/access-requests/{id}` (and of audit's internal query behind it). */
export const AccessRequestView = z.object({
  requestId: Id,
  status: AccessRequestStatus,
  reasons: z.array(z.string()),
  requestedAt: z.iso.datetime({ offset: true }).nullable(),
  decidedAt: z.iso.datetime({ offset: true }).nullable(),
});
export type AccessRequestView = z.infer<typeof AccessRequestView>;

/** The error body every HTTP endpoint answers with. */
export const ErrorBody = z.object({
  code: z.string(),
  message: z.string(),
  requestId: z.string(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
