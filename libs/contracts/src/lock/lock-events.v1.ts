import { z } from 'zod';
import { envelope, Id, RETENTION, SCALING_PARTITIONS, topic } from '../envelope';

export const LOCK_EVENTS_V1 = 'lock.events.v1';

export const LockEventsV1Payload = z.object({
  lockId: Id,
  /**
   * state: a reported state change; ack: a command acknowledged; reports-refused: too many state
   * reports not signed by the lock or replayed; the rest are failures.
   */
  kind: z.enum(['state', 'ack', 'command-timeout', 'offline', 'online', 'reports-refused']),
  state: z
    .enum(['locked', 'unlocked', 'door-open', 'door-closed', 'forced', 'held-open'])
    .optional(),
  /** The access request a command or ack belongs to. */
  requestId: Id.optional(),
  /** The per-lock command counter the ack or command carried. */
  counter: z.number().int().nonnegative().optional(),
  /** reports-refused: how many of the lock's state reports were refused within the window. */
  refused: z.number().int().positive().optional(),
});

export const LockEventsV1 = envelope('lock.events', LockEventsV1Payload);
export type LockEventsV1 = z.infer<typeof LockEventsV1>;

export const lockEventsV1 = topic({
  name: LOCK_EVENTS_V1,
  producers: ['access'],
  consumers: ['audit'],
  // One lock's commands, acknowledgements and state reports in order.
  key: 'lockId',
  partitions: SCALING_PARTITIONS,
  retentionMs: RETENTION.oneYear,
  schema: LockEventsV1,
});
