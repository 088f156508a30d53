import { randomUUID } from 'node:crypto';
import { kafkaConnection, KafkaSecurity } from '@roomkey/common/kafka/kafka-client';
import { Kafka, logLevel } from 'kafkajs';

export interface ReplayOptions {
  /** The brokers and who to be: an operator's principal, allowed to read the topic. */
  connection: KafkaSecurity;
  topic: string;
  /** An offset (applied to every partition) or an ISO instant. */
  from: string;
  /** Stop after this offset or instant (inclusive); default: the end as it is now. */
  to?: string;
  /**
   * Told, before the first record, how many records lie between the start and the end as it is
   * now: the most there can be (fewer with `to`), for a progress bar.
   */
  onStart?: (atMost: number) => void;
}

export interface ReplayedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  timestamp: string;
  value: unknown;
}

const isInstant = (s: string) => /^\d{4}-\d{2}-\d{2}T/.test(s);

/**
 * Reads a topic from an offset or an instant up to an end, partition by partition, without
 * joining (or moving) any consumer group of the apps: a throwaway group that commits nothing.
 * For an instant, each partition starts at the first record at or after it (the broker's
 * time index), so "from 09:00" means exactly that on every partition.
 */
export async function replay(
  opts: ReplayOptions,
  onRecord: (r: ReplayedRecord) => void | Promise<void>,
): Promise<number> {
  const kafka = new Kafka({
    clientId: 'roomkey-replay',
    ...kafkaConnection(opts.connection),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  const high = new Map<number, bigint>();
  const start = new Map<number, bigint>();
  try {
    for (const p of await admin.fetchTopicOffsets(opts.topic)) {
      high.set(p.partition, BigInt(p.high));
      start.set(p.partition, BigInt(p.low));
    }
    if (isInstant(opts.from)) {
      const at = Date.parse(opts.from);
      for (const p of await admin.fetchTopicOffsetsByTimestamp(opts.topic, at)) {
        // No record at or after the instant: nothing to read on that partition.
        const offset = BigInt(p.offset);
        start.set(p.partition, offset < 0n ? high.get(p.partition)! : offset);
      }
    } else {
      for (const [p, low] of start) start.set(p, BigInt(opts.from) > low ? BigInt(opts.from) : low);
    }
  } finally {
    await admin.disconnect();
  }
  const toInstant = opts.to && isInstant(opts.to) ? Date.parse(opts.to) : undefined;
  const toOffset = opts.to && !isInstant(opts.to) ? BigInt(opts.to) : undefined;
  const pending = new Set([...start].filter(([p, s]) => s < high.get(p)!).map(([p]) => p));
  opts.onStart?.(Number([...pending].reduce((sum, p) => sum + (high.get(p)! - start.get(p)!), 0n)));
  if (pending.size === 0) return 0;

  const consumer = kafka.consumer({ groupId: `roomkey.replay.${randomUUID()}` });
  let count = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: opts.topic, fromBeginning: true });
    let finish: () => void = () => undefined;
    const done = new Promise<void>((r) => (finish = r));
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        if (!pending.has(partition)) return;
        const offset = BigInt(message.offset);
        const past =
          offset >= high.get(partition)! ||
          (toOffset !== undefined && offset > toOffset) ||
          (toInstant !== undefined && Number(message.timestamp) > toInstant);
        if (!past && offset >= start.get(partition)!) {
          const text = message.value?.toString('utf8') ?? null;
          let value: unknown = text;
          try {
            value = text === null ? null : JSON.parse(text);
          } catch {
            // Not JSON (a poison record): shown as it is.
          }
          count++;
          await onRecord({
            topic: opts.topic,
            partition,
            offset: message.offset,
            key: message.key?.toString('utf8') ?? null,
            timestamp: new Date(Number(message.timestamp)).toISOString(),
            value,
          });
        }
        if (past || offset + 1n >= high.get(partition)!) {
          pending.delete(partition);
          if (pending.size === 0) finish();
        }
      },
    });
    for (const [partition, offset] of start) {
      if (pending.has(partition))
        consumer.seek({ topic: opts.topic, partition, offset: String(offset) });
    }
    await done;
  } finally {
    await consumer.disconnect();
  }
  return count;
}
