import { z } from 'zod';
import { envelope, Id, RETENTION, SCALING_PARTITIONS, topic } from '../envelope';

export const FACE_ENROLMENT_V1 = 'face.enrolment.v1';

export const FaceEnrolmentV1Payload = z.object({
  userId: Id,
  /**
   * enrolled, waiting for an admin (`pending`), refused by one (`rejected`), or erased; the
   * template itself never travels.
   */
  kind: z.enum(['enrolled', 'pending', 'rejected', 'erased']),
  /**
   * How an enrolment was accepted: it matched the face on record, an admin approved it, or an
   * admin stood by the person (`supervised`).
   */
  via: z.enum(['matched', 'approved', 'supervised']).optional(),
  /** Why an enrolment waits for an admin: the person had no face on record, or another one. */
  reason: z.enum(['no-template', 'no-match']).optional(),
  /** Whether an enrolment replaced a face on record. */
  replaced: z.boolean().optional(),
  /** The admin who approved, refused or supervised it. */
  by: Id.optional(),
  /** Embedding model the template was made with. */
  modelVersion: z.string().max(128).optional(),
  /** Why it was erased: the user, an admin, or the retention job. */
  erasedBy: z.enum(['user', 'admin', 'retention']).optional(),
});

export const FaceEnrolmentV1 = envelope('face.enrolment', FaceEnrolmentV1Payload);
export type FaceEnrolmentV1 = z.infer<typeof FaceEnrolmentV1>;

export const faceEnrolmentV1 = topic({
  name: FACE_ENROLMENT_V1,
  producers: ['face'],
  consumers: ['audit'],
  // One person's enrolments and erasures in the order made.
  key: 'userId',
  partitions: SCALING_PARTITIONS,
  retentionMs: RETENTION.oneYear,
  schema: FaceEnrolmentV1,
});
