import { randomUUID } from 'node:crypto';
import { Admin, Consumer, Kafka, Producer } from 'kafkajs';
// The apps' Kafka client module, which puts fetch sessions in place (ADR 032).
import '@roomkey/common/kafka/kafka-client';
import { brokerParts, FetchArgs, FetchResponse } from '@roomkey/common/kafka/fetch-sessions';
import { testKafka } from '../../../test/support/kafka';
import { eventually } from '../../../test/support/apps';

/**
 * A consumer fetches in an incremental fetch session on the real broker: after the first fetch,
 * an answer holds only the partitions with records, and no record is lost or skipped for it,
 * whether the consumer pauses a partition or fails on a record and takes it again.
 */
const PARTITIONS = 12;

/** Waits until `check` stops throwing. */
const until = (check: () => void, timeoutMs: number) =>
  eventually(async () => {
    check();
    return true;
  }, timeoutMs);

describe('fetch sessions, on the local broker', () => {
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let consumer: Consumer;
  const topic = `roomkey-test.fetch-sessions.${randomUUID()}`;
  const got: string[] = [];
  /** How many partitions each of the broker's answers to the consumer held. */
  const batchesPerFetch: number[] = [];
  const { Broker } = brokerParts();
  const fetch = Broker.prototype.fetch;
  let failOnce: string | undefined;

  beforeAll(async () => {
    kafka = testKafka();
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic, numPartitions: PARTITIONS }],
      waitForLeaders: true,
    });
    producer = kafka.producer();
    await producer.connect();
    consumer = kafka.consumer({
      groupId: `roomkey-test.fetch-sessions.${randomUUID()}`,
      maxWaitTimeInMs: 500,
    });
    Broker.prototype.fetch = async function (this: unknown, args: FetchArgs) {
      const res: FetchResponse = await fetch.call(this, args);
      if (args.topics.some((t) => t.topic === topic)) {
        batchesPerFetch.push(res.responses.reduce((n, t) => n + t.partitions.length, 0));
      }
      return res;
    };
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const value = message.value!.toString();
        if (value === failOnce) {
          failOnce = undefined;
          throw new Error('a handler that fails once');
        }
        got.push(value);
      },
    });
    // Joined and fetching: the session's first fetch names every partition.
    await until(() => expect(batchesPerFetch.length).toBeGreaterThan(1), 30_000);
  });

  afterAll(async () => {
    Broker.prototype.fetch = fetch;
    await consumer?.disconnect();
    await producer?.disconnect();
    await admin?.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin?.disconnect();
  });

  const send = (value: string, partition: number) =>
    producer.send({ topic, acks: -1, messages: [{ value, partition }] });

  it('answers each record with only its own partition, and delivers every record once', async () => {
    const sent: string[] = [];
    const from = batchesPerFetch.length;
    for (let i = 0; i < 2 * PARTITIONS; i++) {
      const value = `one-${i}`;
      sent.push(value);
      await send(value, i % PARTITIONS);
      await until(() => expect(got).toContain(value), 10_000);
    }
    expect(got.filter((v) => v.startsWith('one-'))).toEqual(sent);
    // Without a session every answer held all twelve partitions, records or not.
    const answers = batchesPerFetch.slice(from).filter((n) => n > 0);
    expect(answers.length).toBeGreaterThanOrEqual(sent.length);
    expect(Math.max(...answers)).toBe(1);
  });

  it('holds a paused partition back without fetching over and over, and delivers it on resume', async () => {
    consumer.pause([{ topic, partitions: [3] }]);
    await send('paused', 3);
    await send('free', 4);
    await until(() => expect(got).toContain('free'), 10_000);
    const from = batchesPerFetch.length;
    await new Promise((r) => setTimeout(r, 2000));
    expect(got).not.toContain('paused');
    // Empty fetches end every 500 ms (maxWaitTimeInMs): a handful, not a loop.
    expect(batchesPerFetch.length - from).toBeLessThan(10);
    consumer.resume([{ topic, partitions: [3] }]);
    await until(() => expect(got).toContain('paused'), 10_000);
    expect(got.filter((v) => v === 'paused')).toHaveLength(1);
  });

  it('takes a record again after its handler failed on it', async () => {
    failOnce = 'fails-once';
    await send('fails-once', 5);
    await send('after-it', 5);
    await until(() => expect(got).toContain('after-it'), 30_000);
    expect(got.filter((v) => v === 'fails-once')).toHaveLength(1);
    expect(got.indexOf('fails-once')).toBeLessThan(got.indexOf('after-it'));
  });
});
