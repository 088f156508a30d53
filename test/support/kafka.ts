import { randomUUID } from 'node:crypto';
import { Kafka, KafkaMessage, logLevel, Partitioners } from 'kafkajs';
import { stackSettings, stackUrls } from '@roomkey/common';

export const testKafka = () =>
  new Kafka({
    clientId: 'roomkey-test',
    brokers: [stackUrls(stackSettings()).kafkaBrokers],
    logLevel: logLevel.NOTHING,
  });

/** Sum of the high watermarks of a topic: how many records it has ever received. */
export async function topicEnd(topic: string): Promise<bigint> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + BigInt(p.high), 0n);
  } finally {
    await admin.disconnect();
  }
}

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
 * against records produced while it joins. One join does every topic (`admin.setOffsets` costs
 * a join per topic, and cannot run for two groups at once): a member joins, is given every
 * partition, commits each at its current end and leaves.
 */
export async function groupAtEnd(groupId: string, topics: string | string[]): Promise<void> {
  const all = Array.isArray(topics) ? topics : [topics];
  const kafka = testKafka();
  const admin = kafka.admin();
  await admin.connect();
  const ends: { topic: string; partition: number; offset: string }[] = [];
  try {
    for (const topic of all) {
      for (const p of await admin.fetchTopicOffsets(topic)) {
        ends.push({ topic, partition: p.partition, offset: p.high });
      }
    }
  } finally {
    await admin.disconnect();
  }
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  try {
    const joined = new Promise<void>((resolve) =>
      consumer.on(consumer.events.GROUP_JOIN, () => resolve()),
    );
    await consumer.subscribe({ topics: all, fromBeginning: false });
    await consumer.run({ autoCommit: false, eachBatch: async () => undefined });
    await joined;
    consumer.pause(all.map((topic) => ({ topic })));
    await consumer.commitOffsets(ends);
  } finally {
    await consumer.disconnect();
  }
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
