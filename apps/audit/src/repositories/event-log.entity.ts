import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One row per Kafka record the audit app consumed, in consumption order. Rows are only ever
 * inserted; (topic, partition, offset) and eventId are unique, so redelivery adds nothing.
 */
@Entity({ name: 'event_log' })
@Index('event_log_record_uq', ['topic', 'partition', 'offset'], { unique: true })
export class EventLogRow {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Index('event_log_event_id_uq', { unique: true })
  @Column({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @Column({ type: 'text' })
  topic!: string;

  @Column({ type: 'int' })
  partition!: number;

  @Column({ type: 'bigint' })
  offset!: string;

  @Column({ type: 'text', nullable: true })
  key!: string | null;

  @Column({ type: 'text' })
  type!: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Index('event_log_correlation_idx')
  @Column({ name: 'correlation_id', type: 'text' })
  correlationId!: string;

  @Column({ name: 'causation_id', type: 'uuid', nullable: true })
  causationId!: string | null;

  @Column({ type: 'text' })
  producer!: string;

  @Column({ name: 'trace_id', type: 'text', nullable: true })
  traceId!: string | null;

  /** The event payload minus anything sensitive (see domain/redact.ts). */
  @Column({ type: 'jsonb' })
  payload!: unknown;

  @Column({ name: 'recorded_at', type: 'timestamptz', default: () => 'now()' })
  recordedAt!: Date;

  /** The previous row's hash (the chain is global, in id order; see domain/chain.ts). */
  @Column({ name: 'prev_hash', type: 'text', nullable: true })
  prevHash!: string | null;

  @Column({ type: 'text', nullable: true })
  hash!: string | null;

  /** The chain key `hash` is an HMAC under; null for rows chained before the chain had keys. */
  @Column({ name: 'chain_key_id', type: 'text', nullable: true })
  chainKeyId!: string | null;
}
