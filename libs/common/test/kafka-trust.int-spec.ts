import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { APP_NAMES, AppName, EVENT_TOPICS, QR_CHECKED_V1 } from '@roomkey/contracts';
import { stackCredentials, stackSettings } from '@roomkey/common';
import { kafkaConnection, KafkaSecurity } from '@roomkey/common/kafka/kafka-client';

/**
 * The broker of the local stack authenticates every client and authorises each app's principal
 * from the contracts: it writes the topics it owns and reads the ones it consumes, nothing else.
 */
const s = stackSettings();
const brokers = [`${s.host}:${s.kafka.port}`];

const as = (security: Partial<KafkaSecurity>) =>
  new Kafka({
    clientId: `roomkey-trust-test-${randomUUID()}`,
    ...kafkaConnection({
      KAFKA_BROKERS: brokers,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_USERNAME: 'nobody',
      KAFKA_PASSWORD: undefined,
      KAFKA_TLS: false,
      ...security,
    }),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    retry: { retries: 0 },
  });

const appKafka = (app: AppName) =>
  as({
    KAFKA_USERNAME: `roomkey-${app}`,
    KAFKA_PASSWORD: stackCredentials(s)!.kafka[`roomkey-${app}`],
  });

/** The broker's error code behind a kafkajs error (which wraps it when it gives up). */
function errorType(err: unknown): string {
  for (let e = err as { type?: string; cause?: unknown; name?: string } | undefined; e;) {
    if (e.type) return e.type;
    if (!e.cause) return e.name ?? 'error';
    e = e.cause as typeof e;
  }
  return 'error';
}

/** Sends one record; resolves to the error's type, or 'ok'. */
async function write(kafka: Kafka, topic: string): Promise<string> {
  const producer = kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
  try {
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ key: 'trust-test', value: '{}' }] });
    return 'ok';
  } catch (err) {
    return errorType(err);
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
}

describe('Kafka: who may do what', () => {
  it('refuses a client without credentials', async () => {
    const anonymous = as({ KAFKA_SASL_MECHANISM: 'none' });
    expect(await write(anonymous, QR_CHECKED_V1)).not.toBe('ok');
  });

  it('refuses a wrong password, even for a real principal', async () => {
    const kafka = as({ KAFKA_USERNAME: 'roomkey-qr', KAFKA_PASSWORD: 'not-the-password' });
    expect(await write(kafka, QR_CHECKED_V1)).toMatch(/SASL|Authentication/i);
  });

  it('lets each app write exactly the event topics it owns', async () => {
    const seen: string[] = [];
    const expected: string[] = [];
    for (const app of APP_NAMES) {
      const kafka = appKafka(app);
      for (const t of EVENT_TOPICS) {
        const owns = t.producers.includes(app);
        expected.push(`${app} ${t.name} ${owns ? 'ok' : 'refused'}`);
        const got = await write(kafka, t.name);
        seen.push(
          `${app} ${t.name} ${got === 'ok' ? 'ok' : got === 'TOPIC_AUTHORIZATION_FAILED' ? 'refused' : got}`,
        );
      }
    }
    // The forged grant: only the qr app may say a code is valid, only the face app that a face
    // matched, only the gateway that someone asked for a door.
    expect(seen).toContain(`qr ${QR_CHECKED_V1} ok`);
    expect(seen).toContain('qr face.checked.v1 refused');
    expect(seen).toEqual(expected);
  });

  it('lets an app read only what it consumes, in groups named after it', async () => {
    /** Resolves to 'joined' when the consumer gets into its group, else to the refusal. */
    const attempt = async (groupId: string, topic: string) => {
      // A new cluster's first coordinator lookup may be asked again while it sets itself up.
      const c = appKafka('qr').consumer({ groupId, retry: { retries: 3 } });
      try {
        return await new Promise<string>((resolve) => {
          c.on(c.events.CRASH, (e) => resolve(errorType(e.payload.error)));
          c.on(c.events.GROUP_JOIN, () => resolve('joined'));
          void c
            .connect()
            .then(() => c.subscribe({ topic, fromBeginning: false }))
            .then(() => c.run({ eachMessage: async () => undefined }))
            .catch((err: unknown) => resolve(errorType(err)));
        });
      } finally {
        await c.disconnect().catch(() => undefined);
      }
    };
    const own = () => `roomkey.qr.trust.${randomUUID()}`;
    expect(await attempt(own(), 'access.requested.v1')).toBe('joined');
    // qr does not consume face.captured.v1.
    expect(await attempt(own(), 'face.captured.v1')).toBe('TOPIC_AUTHORIZATION_FAILED');
    // Nor may it join the face app's groups: the broker will not even name their coordinator.
    expect(await attempt(`roomkey.face.trust.${randomUUID()}`, 'access.requested.v1')).toBe(
      'KafkaJSGroupCoordinatorNotFound',
    );
  });
});
