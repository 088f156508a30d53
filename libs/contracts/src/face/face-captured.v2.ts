import { z } from 'zod';
import { envelope, Id, RETENTION, SCALING_PARTITIONS, topic } from '../envelope';
import { SealedBytes } from './face-captured.v1';

export const FACE_CAPTURED_V2 = 'face.captured.v2';

/** The most frames a burst may hold: a frontal one and up to three poses (ADR 028). */
export const MAX_BURST_FRAMES = 4;

/** How long a burst may last, first frame to last, in milliseconds. */
export const MAX_BURST_SPAN_MS = 60_000;

/** One frame of a burst, sealed like a v1 capture but bound to its place in the burst too. */
export const BurstFrameV2 = z.object({
  /**
   * The frame's bytes, sealed under the capture keys with the associated data
   * `face-capture:<requestId>:<index>`, so frames cannot be moved between requests or reordered.
   */
  image: SealedBytes,
  contentType: z.enum(['image/jpeg', 'image/png', 'image/webp']),
  /** Milliseconds since the burst's first frame, by the client's clock. */
  atMs: z.number().int().min(0).max(MAX_BURST_SPAN_MS),
});

/**
 * A burst of frames answering an active liveness challenge (`POST /v1/face/challenges`): a
 * frontal frame, then one per pose asked for. Single photos stay on face.captured.v1.
 */
export const FaceCapturedV2Payload = z.object({
  captureId: Id,
  requestId: Id,
  /** The challenge the burst answers; the face app uses it at most once. */
  challengeId: Id,
  frames: z.array(BurstFrameV2).min(1).max(MAX_BURST_FRAMES),
  /** mobile: a selfie, one face expected; kiosk: the door camera, the dominant face is used. */
  channel: z.enum(['mobile', 'kiosk']),
  /** Who sent the burst (the user or the device): only they may answer their challenge. */
  callerId: Id,
});

export const FaceCapturedV2 = envelope('face.captured', FaceCapturedV2Payload);
export type FaceCapturedV2 = z.infer<typeof FaceCapturedV2>;

export const faceCapturedV2 = topic({
  name: FACE_CAPTURED_V2,
  producers: ['gateway'],
  consumers: ['face', 'audit'],
  // Joined with the request's QR answer by request id; requests spread evenly.
  key: 'requestId',
  partitions: SCALING_PARTITIONS,
  retentionMs: RETENTION.fifteenMinutes,
  schema: FaceCapturedV2,
});
