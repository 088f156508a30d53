import { z } from 'zod';
import { envelope, Id, RETENTION, topic } from '../envelope';

export const FACE_ENROLMENT_V1 = 'face.enrolment.v1';

export const FaceEnrolmentV1Payload = z.object({
  userId: Id,
  /** enrolled or erased; the template itself never travels. */
  kind: z.enum(['enrolled', 'erased']),
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
  key: 'userId',
  partitions: 3,
  retentionMs: RETENTION.oneYear,
  schema: FaceEnrolmentV1,
});
