import { z } from 'zod';
import { envelope, Id, RETENTION, SCALING_PARTITIONS, topic } from '../envelope';
import { FaceLiveness } from '../face/face-checked.v1';

export const ACCESS_DECIDED_V1 = 'access.decided.v1';

export const AccessDecidedV1Payload = z.object({
  requestId: Id,
  decision: z.enum(['granted', 'denied']),
  /** Every reason that applied to a denial (stable codes); empty when granted. */
  reasons: z.array(z.string().min(1).max(64)).max(32),
  userId: Id.optional(),
  roomId: Id.optional(),
  doorId: Id.optional(),
  lockId: Id.optional(),
  /** Which liveness judged the face the decision used, when one was judged. */
  liveness: FaceLiveness.optional(),
  /** Milliseconds from the gateway accepting the request to the decision. */
  latencyMs: z.number().int().nonnegative(),
});

export const AccessDecidedV1 = envelope('access.decided', AccessDecidedV1Payload);
export type AccessDecidedV1 = z.infer<typeof AccessDecidedV1>;

export const accessDecidedV1 = topic({
  name: ACCESS_DECIDED_V1,
  producers: ['access'],
  consumers: ['gateway', 'qr', 'audit'],
  // One decision per request; requests spread evenly.
  key: 'requestId',
  partitions: SCALING_PARTITIONS,
  retentionMs: RETENTION.oneYear,
  schema: AccessDecidedV1,
});
