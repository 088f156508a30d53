import { z } from 'zod';
import { Instant, Text } from '../envelope';

/** `POST /v1/me/face/consent`: the person agrees to biometric processing under a notice. */
export const FaceConsentBody = z.strictObject({
  accept: z.literal(true),
  /** Which version of the privacy notice the person was shown. */
  noticeVersion: Text(64),
});
export type FaceConsentBody = z.infer<typeof FaceConsentBody>;

/** `GET /v1/me/face`: whether a face is enrolled; never the template. */
export const FaceStatus = z.object({
  enrolled: z.boolean(),
  enrolledAt: Instant.nullable(),
  lastUsedAt: Instant.nullable(),
  model: z.string().nullable(),
  imageCount: z.number().int().nullable(),
  consentGivenAt: Instant.nullable(),
  noticeVersion: z.string().nullable(),
  /** An enrolment waiting for an admin's approval; the face on record stays until then. */
  pending: z
    .object({ requestedAt: Instant, reason: z.enum(['no-template', 'no-match']) })
    .nullable(),
  /** The latest changes of the person's face, newest first. */
  history: z.array(
    z.object({
      at: Instant,
      state: z.enum(['pending', 'enrolled', 'rejected', 'withdrawn', 'erased']),
      via: z.string().nullable(),
    }),
  ),
});
export type FaceStatus = z.infer<typeof FaceStatus>;

/** Why one enrolment image was refused, by its position in the upload. */
export const FaceImageProblem = z.object({
  image: z.number().int(),
  reason: z.string(),
});

/**
 * `POST /v1/face/challenges`: an active liveness challenge. Answer it with a burst on
 * `POST /v1/access-requests`: `challengeId`, then a frontal frame and one per pose as `face` files,
 * with each frame's time in `frameTimes` (ADR 028).
 */
export const FaceChallenge = z.object({
  /** The one-time nonce; it answers one access request at most. */
  challengeId: z.uuid(),
  /**
   * The poses to take in turn after a frontal frame: `left` and `right` are the person's own
   * (turn the head), `up` and `down` a nod.
   */
  poses: z
    .array(z.enum(['left', 'right', 'up', 'down']))
    .min(2)
    .max(3),
  /** How many frames the burst holds: the frontal one and one per pose. */
  frames: z.number().int(),
  /** The least and most milliseconds between two frames. */
  minGapMs: z.number().int(),
  maxGapMs: z.number().int(),
  /** Past this the challenge is refused (at most 30 s after its issue). */
  expiresAt: Instant,
});
export type FaceChallenge = z.infer<typeof FaceChallenge>;
