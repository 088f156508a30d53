import { z } from 'zod';
import { envelope, RETENTION, TopicSpec } from '../envelope';

/** Dead-letter topic of a source topic: `<topic>.dlq`. */
export const dlqTopicName = (source: string) => `${source}.dlq`;
/** A dead letter that cannot be read is not dead-lettered again: there is no `.dlq.dlq`. */
export const isDlqTopic = (topic: string) => topic.endsWith('.dlq');

export const DeadLetterV1Payload = z.object({
  sourceTopic: z.string().min(1),
  partition: z.number().int().nonnegative(),
  offset: z.string().regex(/^\d+$/),
  /** The source record's key, as text. */
  key: z.string().nullable(),
  /** The source record's value, base64, exactly as it was on the wire (null for a tombstone). */
  value: z.base64().nullable(),
  /** Why the consumer gave up; never contains the value itself. */
  error: z.string().max(2000),
  /** The consumer group that gave up. */
  consumer: z.string().min(1),
  attempts: z.number().int().positive(),
});

export const DeadLetterV1 = envelope('dead-letter', DeadLetterV1Payload);
export type DeadLetterV1 = z.infer<typeof DeadLetterV1>;

export function deadLetterTopic(source: TopicSpec): TopicSpec<typeof DeadLetterV1> {
  return {
    name: dlqTopicName(source.name),
    key: `as ${source.name}`,
    // Whoever fails to handle a record parks it here; the audit app logs every topic.
    producers: source.consumers,
    consumers: ['audit'],
    partitions: 1,
    retentionMs: RETENTION.thirtyDays,
    schema: DeadLetterV1,
  };
}
