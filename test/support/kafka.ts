import { randomUUID } from 'node:crypto';
import { Admin, Kafka, KafkaMessage, logLevel, Partitioners } from 'kafkajs';
import { z } from 'zod';
import { accessDecidedV1, type AccessDecidedV1, type AppName } from '@roomkey/contracts';
import { EventPublisher, isTransient, kafkaEnv, parseConfig, stackSettings } from '@roomkey/common';
import { kafkaConnection } from '@roomkey/common/kafka/kafka-client';
import { localAdmin } from '../../scripts/stack/kafka';
import { eventually } from './apps';

/** The local stack's own principal (a super user), which the tests' tools act as. */
export const testKafkaConnection = () => localAdmin(stackSettings());

export const testKafka = () =>
  new Kafka({
    clientId: 'roomkey-test',
    ...kafkaConnection(testKafkaConnection()),
    logLevel: logLevel.NOTHING,
  });

/** How long an offsets read waits for a broker that has just (re)started to lead its partitions. */
const OFFSETS_PATIENCE_MS = 90_000;

/**
 * The ends of a topic's partitions. A broker that has just restarted answers that it does not
 * (yet) lead a partition until it has loaded it, which on a busy machine outlasts kafkajs's own
 * retries: a read that failed for a passing reason is tried again, saying so once, for up to
 * OFFSETS_PATIENCE_MS; any other failure (a topic this principal may not describe) at once.
 */
export async function partitionEnds(
  admin: Admin,
  topic: string,
): Promise<Awaited<ReturnType<Admin['fetchTopicOffsets']>>> {
  const started = Date.now();
  let said = false;
  for (;;) {
    try {
      return await admin.fetchTopicOffsets(topic);
    } catch (err) {
      if (!isTransient(err) || Date.now() - started > OFFSETS_PATIENCE_MS) throw err;
      if (!said) {
        console.log(
          `[kafka] ${topic}: offsets not readable yet (${(err as Error).message}); trying again for up to ${OFFSETS_PATIENCE_MS / 1000} s`,
        );
        said = true;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** Sum of the high watermarks of a topic: how many records it has ever received. */
export async function topicEnd(topic: string): Promise<bigint> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    const offsets = await partitionEnds(admin, topic);
    return offsets.reduce((sum, p) => sum + BigInt(p.high), 0n);
  } finally {
    await admin.disconnect();
  }
}

/** An event's envelope as JSON, as an app publishes it, for `produceRaw`. */
export const rawEnvelope = (type: string, correlationId: string, payload: unknown) =>
  JSON.stringify({
    eventId: randomUUID(),
    type,
    occurredAt: new Date().toISOString(),
    correlationId,
    causationId: null,
    producer: 'test',
    payload,
  });

/** Produces raw bytes, as a misbehaving producer would. */
export async function produceRaw(
  topic: string,
  key: string,
  value: Buffer | string,
): Promise<{ partition: number; offset: string }> {
  const producer = testKafka().producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    const [meta] = await producer.send({ topic, acks: -1, messages: [{ key, value }] });
    return { partition: meta.partition, offset: meta.baseOffset ?? '-1' };
  } finally {
    await producer.disconnect();
  }
}

/** Reads a topic from the beginning with a throwaway group until `found` matches or time runs out. */
export async function findRecord(
  topic: string,
  found: (m: KafkaMessage) => boolean,
  timeoutMs = 20000,
): Promise<KafkaMessage | undefined> {
  const consumer = testKafka().consumer({ groupId: `roomkey.test.${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let match: KafkaMessage | undefined;
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((r) => (resolveDone = r));
  await consumer.run({
    eachMessage: async ({ message }) => {
      // A predicate that cannot read a record (a poison one, say) just does not match it.
      let matches = false;
      try {
        matches = found(message);
      } catch {
        matches = false;
      }
      if (!match && matches) {
        match = message;
        resolveDone();
      }
    },
  });
  await Promise.race([done, new Promise((r) => setTimeout(r, timeoutMs))]);
  await consumer.disconnect();
  return match;
}

/**
 * Commits a consumer group's offsets at the current end of its topics, before any member of its
 * own joins: a consumer that starts "from the latest" then begins exactly there, with no race
 * against records produced while it joins.
 */
export async function groupAtEnd(groupId: string, topics: string | string[]): Promise<void> {
  const all = Array.isArray(topics) ? topics : [topics];
  const admin = testKafka().admin();
  await admin.connect();
  const ends: Position[] = [];
  try {
    for (const topic of all) {
      for (const p of await partitionEnds(admin, topic)) {
        ends.push({ topic, partition: p.partition, offset: p.high });
      }
    }
  } finally {
    await admin.disconnect();
  }
  await commitBeforeJoining(groupId, all, ends);
}

/** Where a consumer group reads a partition from next. */
interface Position {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * Commits a new group's offsets before any member of its own joins. One join does every topic
 * (`admin.setOffsets` costs a join per topic, and cannot run for two groups at once): a member
 * joins, is given every partition, commits each position and leaves.
 */
async function commitBeforeJoining(
  groupId: string,
  topics: string[],
  positions: Position[],
): Promise<void> {
  const consumer = testKafka().consumer({ groupId });
  await consumer.connect();
  try {
    const joined = new Promise<void>((resolve) =>
      consumer.on(consumer.events.GROUP_JOIN, () => resolve()),
    );
    await consumer.subscribe({ topics, fromBeginning: false });
    await consumer.run({ autoCommit: false, eachBatch: async () => undefined });
    await joined;
    consumer.pause(topics.map((topic) => ({ topic })));
    await consumer.commitOffsets(positions);
  } finally {
    await consumer.disconnect();
  }
}

/** The offsets `from` (included) to `to` (excluded) of one partition. */
export interface OffsetRange {
  topic: string;
  partition: number;
  from: bigint;
  to: bigint;
}

/** A record as it is on its partition. */
export interface StoredRecord {
  topic: string;
  partition: number;
  offset: string;
  /** The producer's time, Unix milliseconds as a string. */
  timestamp: string;
  key: string | null;
  value: Buffer | null;
}

/**
 * How long `readRanges` waits for more records while ranges are still open: for the first
 * ones (joining the group, the first fetch) and between batches. After a chaos run on a machine
 * with both cores busy, one fetch took 23 s, so a few seconds is not enough.
 */
const READ_PATIENCE_MS = 60_000;

/**
 * Reads the records of some offset ranges with a group of its own (positioned at each range's
 * start before it joins, and deleted afterwards). It returns when every range has been read to
 * its end, or when nothing more has come for `idleMs`: an offset that holds no record (a
 * transaction marker) is never delivered, and a range may end on one. While it waits it says,
 * every 10 s, how many ranges are still open.
 */
export async function readRanges(
  ranges: OffsetRange[],
  idleMs = READ_PATIENCE_MS,
): Promise<StoredRecord[]> {
  const wanted = ranges.filter((r) => r.to > r.from);
  if (wanted.length === 0) return [];
  const key = (topic: string, partition: number) => `${topic}:${partition}`;
  const byPartition = new Map(wanted.map((r) => [key(r.topic, r.partition), r]));
  const topics = [...new Set(wanted.map((r) => r.topic))];
  const admin = testKafka().admin();
  await admin.connect();
  const positions: Position[] = [];
  try {
    for (const topic of topics) {
      for (const p of await partitionEnds(admin, topic)) {
        const range = byPartition.get(key(topic, p.partition));
        positions.push({ topic, partition: p.partition, offset: String(range?.from ?? p.high) });
      }
    }
  } finally {
    await admin.disconnect();
  }
  const groupId = `roomkey.test.read.${randomUUID()}`;
  await commitBeforeJoining(groupId, topics, positions);
  const records: StoredRecord[] = [];
  const open = new Set(byPartition.keys());
  const consumer = testKafka().consumer({ groupId });
  const started = Date.now();
  let joined = false;
  let lastProgress: number | null = null;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joined = true;
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const range = byPartition.get(key(batch.topic, batch.partition));
        if (!range) return;
        for (const m of batch.messages) {
          const offset = BigInt(m.offset);
          if (offset < range.from || offset >= range.to) continue;
          records.push({
            topic: batch.topic,
            partition: batch.partition,
            offset: m.offset,
            timestamp: m.timestamp,
            key: m.key === null ? null : m.key.toString('utf8'),
            value: m.value,
          });
        }
        if (lastProgress === null) {
          console.log(
            `[kafka] reading ${wanted.length} offset ranges: first records after ${Date.now() - started} ms`,
          );
        }
        lastProgress = Date.now();
        if (BigInt(batch.lastOffset()) >= range.to - 1n)
          open.delete(key(batch.topic, batch.partition));
      },
    });
    let said = started;
    while (open.size > 0 && Date.now() - (lastProgress ?? started) < idleMs) {
      await new Promise((r) => setTimeout(r, 100));
      if (Date.now() - said >= 10_000) {
        said = Date.now();
        console.log(
          `[kafka] reading ${wanted.length} offset ranges: ${open.size} still open after ${Math.round((said - started) / 1000)} s, ${records.length} records so far`,
        );
      }
    }
    if (!joined) throw new Error(`the reader's group did not join in ${idleMs / 1000} s`);
  } finally {
    await consumer.disconnect();
  }
  const cleanup = testKafka().admin();
  await cleanup.connect();
  await cleanup.deleteGroups([groupId]).catch(() => undefined);
  await cleanup.disconnect();
  // A partition's records once each (a rebalance may hand a batch over twice), in offset order.
  const unique = new Map(records.map((r) => [`${key(r.topic, r.partition)}@${r.offset}`, r]));
  return [...unique.values()].sort(
    (a, b) =>
      a.topic.localeCompare(b.topic) ||
      a.partition - b.partition ||
      Number(BigInt(a.offset) - BigInt(b.offset)),
  );
}

/** Every record that arrives on a topic from now on, parsed as JSON, for a test to wait on. */
export async function collect<T = unknown>(topic: string) {
  const groupId = `roomkey.test.${randomUUID()}`;
  await groupAtEnd(groupId, topic);
  const consumer = testKafka().consumer({ groupId });
  const seen: T[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (message.value) seen.push(JSON.parse(message.value.toString('utf8')) as T);
    },
  });
  return {
    /** Waits until `count` records match; returns them. */
    async waitFor(match: (record: T) => boolean, count = 1, timeoutMs = 20000): Promise<T[]> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = seen.filter(match);
        if (found.length >= count) return found;
        if (Date.now() > deadline) {
          throw new Error(`${topic}: ${found.length} of ${count} records after ${timeoutMs} ms`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    matching: (match: (record: T) => boolean) => seen.filter(match),
    stop: () => consumer.disconnect(),
  };
}

/**
 * A publisher acting as one app's Kafka principal, for a test that plays that app: the broker
 * allows it only the topics the app produces. Close it with `onApplicationShutdown`.
 */
export async function publisherAs(app: AppName): Promise<EventPublisher> {
  const publisher = new EventPublisher(parseConfig(app, z.object(kafkaEnv(app)), {}), app);
  await publisher.onModuleInit();
  return publisher;
}

/** A decision, published as the access app (the one principal allowed to). */
export async function publishDecision(payload: AccessDecidedV1['payload']): Promise<void> {
  const access = await publisherAs('access');
  try {
    await access.publish(accessDecidedV1, {
      key: payload.requestId,
      correlationId: payload.requestId,
      payload,
    });
  } finally {
    await access.onApplicationShutdown();
  }
}

/** Waits until a consumer group has settled with `members` members, each with its partitions. */
export async function groupSettled(groupId: string, members: number, timeoutMs = 60_000) {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    await eventually(
      async () => {
        const {
          groups: [group],
        } = await admin.describeGroups([groupId]);
        return group?.state === 'Stable' && group.members.length === members ? true : undefined;
      },
      timeoutMs,
      `group ${groupId} to settle with ${members} members`,
    );
  } finally {
    await admin.disconnect();
  }
}

/**
 * One line on where a consumer group stands on a topic, for a test's failure message: its state
 * and members, and each partition where its committed offset is behind the end.
 */
export async function groupReport(groupId: string, topic: string): Promise<string> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    const {
      groups: [group],
    } = await admin.describeGroups([groupId]);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const at = new Map(committed?.partitions.map((p) => [p.partition, p.offset]));
    const behind = (await partitionEnds(admin, topic))
      .filter((p) => at.get(p.partition) !== p.high)
      .map((p) => `p${p.partition} at ${at.get(p.partition)} of ${p.high}`);
    return `group ${groupId}: ${group?.state}, ${group?.members.length} members; ${topic} ${behind.length ? `behind at ${behind.join(', ')}` : 'read to its end'}`;
  } catch (err) {
    return `group ${groupId}: not described (${(err as Error).message})`;
  } finally {
    await admin.disconnect();
  }
}
