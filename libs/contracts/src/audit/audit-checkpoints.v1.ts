import { z } from 'zod';
import { envelope, Id, Instant, RETENTION, topic } from '../envelope';

export const AUDIT_CHECKPOINTS_V1 = 'audit.checkpoints.v1';

/** A key id as keyrings write them (`id:<key>`). */
const KeyId = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/);

/**
 * The end of the audit log's chain at a moment, signed by the audit app: a copy of it outside
 * the database, so that rows rewritten or removed up to it can be told.
 */
export const AuditCheckpointsV1Payload = z.object({
  /** The audit log it is about: each log has an id of its own, bound into its chain. */
  logId: Id,
  /** The last row of the chain when the checkpoint was made (a bigint, as text). */
  rowId: z.string().regex(/^[1-9]\d{0,18}$/),
  /** That row's hash: HMAC-SHA256, hex. */
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  /** The chain key the row was chained under. */
  chainKeyId: KeyId,
  /** When the checkpoint was made. */
  at: Instant,
  /** The Ed25519 key that signed it. */
  signingKeyId: KeyId,
  /** Ed25519 over the fields above (see the audit app's domain/checkpoint.ts), base64. */
  signature: z.base64().length(88),
});

export const AuditCheckpointsV1 = envelope('audit.checkpoints', AuditCheckpointsV1Payload);
export type AuditCheckpointsV1 = z.infer<typeof AuditCheckpointsV1>;

export const auditCheckpointsV1 = topic({
  name: AUDIT_CHECKPOINTS_V1,
  // Only the audit app writes it; nothing consumes it (the audit app does not log its own
  // checkpoints): `roomkey audit verify` reads it as an operator.
  producers: ['audit'],
  consumers: [],
  key: 'logId',
  // One partition: a log's checkpoints in the order they were made.
  partitions: 1,
  // The newest checkpoint covers every row before it (each hash depends on all before), so
  // a year of them is plenty while the log grows; a log quiet for a year loses its anchor.
  retentionMs: RETENTION.oneYear,
  schema: AuditCheckpointsV1,
});
