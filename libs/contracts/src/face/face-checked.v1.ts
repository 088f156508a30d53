import { z } from 'zod';
import { envelope, Id, RETENTION, SCALING_PARTITIONS, topic } from '../envelope';

export const FACE_CHECKED_V1 = 'face.checked.v1';

export const FaceOutcome = z.enum([
  'match',
  'no-match',
  'no-face',
  'many-faces',
  'low-quality',
  'spoof',
  'not-enrolled',
]);

/** What made the image `low-quality`. */
export const FaceQualityReason = z.enum([
  'bad-image',
  'face-too-small',
  'low-detection-score',
  'too-blurry',
]);

/**
 * Which liveness judged the face: the passive models on a colour capture, the passive models'
 * greyscale rule on a greyscale or IR one (kiosks only, docs/face.md), or an active challenge
 * answered by a burst of frames, each of them also judged by the passive models (ADR 028).
 */
export const FaceLiveness = z.enum(['passive', 'passive-greyscale', 'active']);

/** Why a burst did not answer its active liveness challenge (outcome `spoof`). */
export const FaceChallengeFailure = z.enum([
  'challenge-unknown',
  'challenge-expired',
  'challenge-used',
  'frame-count',
  'frame-unusable',
  'wrong-pose',
  'faces-differ',
  'bad-timing',
]);

export const FaceCheckedV1Payload = z.object({
  requestId: Id,
  outcome: FaceOutcome,
  /** For `low-quality`: which quality gate refused the image. */
  reason: FaceQualityReason.optional(),
  /** The user whose template was compared. */
  userId: Id.optional(),
  /** Cosine similarity to the enrolled template, when one was computed. */
  score: z.number().min(-1).max(1).optional(),
  /** The threshold the score was held against. */
  threshold: z.number().min(-1).max(1).optional(),
  /** Which liveness judged the face, when it was judged (a match, a no-match or a spoof). */
  liveness: FaceLiveness.optional(),
  /** For an active check refused as `spoof`: what in the burst did not answer the challenge. */
  challenge: FaceChallengeFailure.optional(),
  /** Model identifiers, so a decision can be traced to the model that made it. */
  model: z.string().max(128).optional(),
});

export const FaceCheckedV1 = envelope('face.checked', FaceCheckedV1Payload);
export type FaceCheckedV1 = z.infer<typeof FaceCheckedV1>;

export const faceCheckedV1 = topic({
  name: FACE_CHECKED_V1,
  producers: ['face'],
  consumers: ['access', 'audit'],
  // Joined with the request's other answers by request id; requests spread evenly.
  key: 'requestId',
  partitions: SCALING_PARTITIONS,
  retentionMs: RETENTION.thirtyDays,
  schema: FaceCheckedV1,
});
