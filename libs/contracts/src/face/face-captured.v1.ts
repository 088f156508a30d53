import { z } from 'zod';
import { envelope, Id, RETENTION, SCALING_PARTITIONS, topic } from '../envelope';

export const FACE_CAPTURED_V1 = 'face.captured.v1';

/**
 * AES-256-GCM sealed bytes; all parts base64. The key is shared by the gateway and face only;
 * the associated data is `face-capture:<requestId>`, so a capture cannot be replayed into
 * another request.
 */
export const SealedBytes = z.object({
  /** Which key sealed it, so keys can rotate. */
  keyId: z.string().min(1).max(64),
  iv: z.base64(),
  tag: z.base64(),
  ciphertext: z.base64(),
});

export const FaceCapturedV1Payload = z.object({
  captureId: Id,
  requestId: Id,
  /** The face image, sealed; never stored anywhere else. */
  image: SealedBytes,
  contentType: z.enum(['image/jpeg', 'image/png', 'image/webp']),
  /** mobile: a selfie, one face expected; kiosk: the door camera, the dominant face is used. */
  channel: z.enum(['mobile', 'kiosk']).optional(),
  /** Who sent the photo (the user or the device): the face app bounds the photos each holds. */
  callerId: Id.optional(),
});

export const FaceCapturedV1 = envelope('face.captured', FaceCapturedV1Payload);
export type FaceCapturedV1 = z.infer<typeof FaceCapturedV1>;

export const faceCapturedV1 = topic({
  name: FACE_CAPTURED_V1,
  producers: ['gateway'],
  consumers: ['face', 'audit'],
  // Joined with the request's QR answer by request id; requests spread evenly.
  key: 'requestId',
  partitions: SCALING_PARTITIONS,
  retentionMs: RETENTION.fifteenMinutes,
  schema: FaceCapturedV1,
});
