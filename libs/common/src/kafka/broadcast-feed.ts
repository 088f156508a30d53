import { randomUUID } from 'node:crypto';
import type { Consumer } from 'kafkajs';
import type { ZodType } from 'zod';
import { consumerTimings, kafkaClient } from './kafka-client';
import type { KafkaConfig } from './kafka.tokens';

export interface BroadcastFeedOptions<T> {
  config: KafkaConfig;
  topic: string;
  /** The records' contract; a record off it is skipped (the audit app records it as it is). */
  contract: ZodType<T>;
  /** Names the client and the group: `<KAFKA_GROUP_ID>.<name>.<a random id>`. */
  name: string;
  /** How far back a starting instance reads, in ms. */
  backMs: number;
  /** Each record, in order within its partition. */
  onRecord: (record: T) => void;
}

/**
 * Every record of one topic, read by this instance alone: a consumer group of its own (a
 * random id each start, so that two instances with one configuration never split the
 * partitions between them), starting at the records of the last `backMs`. The group commits
 * what it has read, so that after a rejoin (a broker restart, a coordinator moving) it goes on
 * from there instead of from the end, which would skip what was written meanwhile. `ready`
 * says whether everything the topic held when the feed started has been read.
 */
export class BroadcastFeed<T> {
  private consumer: Consumer | undefined;
  private starting: Promise<void> | undefined;
  private stopped = false;
  private readonly behind = new Map<number, bigint>();
  private started = false;
  private caughtUp!: () => void;
  /** Settles once `ready`. */
  readonly whenReady = new Promise<void>((resolve) => (this.caughtUp = resolve));

  constructor(private readonly opts: BroadcastFeedOptions<T>) {}

  get ready(): boolean {
    return this.started && this.behind.size === 0;
  }

  start(): Promise<void> {
    this.starting ??= this.run();
    return this.starting;
  }

  /** Stops reading; a start still under way stops as soon as it can. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.starting?.catch(() => undefined);
    await this.consumer?.disconnect().catch(() => undefined);
  }

  private async run(): Promise<void> {
    const { config, topic, name } = this.opts;
    const kafka = kafkaClient(config, `-${name}`);
    const start = await this.startOffsets(kafka.admin());
    if (this.stopped) return;
    const consumer = kafka.consumer({
      groupId: `${config.KAFKA_GROUP_ID}.${name}.${randomUUID()}`,
      allowAutoTopicCreation: false,
      ...consumerTimings(config),
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: false });
    if (this.stopped) return;
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        this.take(message.value);
        const end = this.behind.get(partition);
        if (end !== undefined && BigInt(message.offset) + 1n >= end) this.behind.delete(partition);
        if (this.ready) this.caughtUp();
      },
    });
    for (const [partition, offset] of start) {
      consumer.seek({ topic, partition, offset: offset.toString() });
    }
    this.started = true;
    if (this.ready) this.caughtUp();
  }

  /** Where each partition is read from; the partitions with records to catch up on. */
  private async startOffsets(
    admin: ReturnType<ReturnType<typeof kafkaClient>['admin']>,
  ): Promise<Map<number, bigint>> {
    const { topic, backMs } = this.opts;
    const start = new Map<number, bigint>();
    try {
      await admin.connect();
      const high = new Map(
        (await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]),
      );
      for (const p of await admin.fetchTopicOffsetsByTimestamp(topic, Date.now() - backMs)) {
        const offset = BigInt(p.offset);
        const end = high.get(p.partition) ?? 0n;
        // No record at or after the instant: nothing to read before the end.
        start.set(p.partition, offset < 0n || offset > end ? end : offset);
        if (offset >= 0n && offset < end) this.behind.set(p.partition, end);
      }
    } finally {
      await admin.disconnect();
    }
    return start;
  }

  private take(value: Buffer | null): void {
    let parsed: ReturnType<ZodType<T>['safeParse']>;
    try {
      parsed = this.opts.contract.safeParse(JSON.parse(value?.toString('utf8') ?? ''));
    } catch {
      return;
    }
    if (parsed.success) this.opts.onRecord(parsed.data);
  }
}
