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
      if (!match && found(message)) {
        match = message;
        resolveDone();
      }
    },
  });
  await Promise.race([done, new Promise((r) => setTimeout(r, timeoutMs))]);
  await consumer.disconnect();
  return match;
}
