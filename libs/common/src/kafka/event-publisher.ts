import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { SpanKind } from '@opentelemetry/api';
import { CompressionTypes, IHeaders, Message, Partitioners, Producer } from 'kafkajs';
import { z } from 'zod';
import type { TopicSpec, TraceContext } from '@roomkey/contracts';
import { currentTraceContext, inSpan } from '../tracing/tracing';
import { kafkaClient } from './kafka-client';
import { KAFKA_APP_NAME, KAFKA_CONFIG, KafkaConfig } from './kafka.tokens';

type PayloadOf<S extends TopicSpec> = z.input<S['schema']> extends { payload: infer P } ? P : never;

export interface PublishOptions<S extends TopicSpec> {
  key: string;
  correlationId: string;
  causationId?: string | null;
  payload: PayloadOf<S>;
  occurredAt?: Date;
}

/**
 * One contract event: the payload in its envelope, validated against the contract, so a
 * producer bug fails where it is made. Used by the publisher and by transactional outboxes.
 */
export function buildEvent<S extends TopicSpec>(
  spec: S,
  producer: string,
  opts: PublishOptions<S>,
  trace?: TraceContext,
): z.infer<S['schema']> & { eventId: string } {
  return spec.schema.parse({
    eventId: randomUUID(),
    type: spec.name.replace(/\.v\d+$/, ''),
    occurredAt: (opts.occurredAt ?? new Date()).toISOString(),
    correlationId: opts.correlationId,
    causationId: opts.causationId ?? null,
    producer,
    trace,
    payload: opts.payload,
  }) as z.infer<S['schema']> & { eventId: string };
}

/**
 * A built event as the record that carries it: the envelope as JSON, its content type and event
 * id in the headers, and the trace context when there is one. The publisher and the access
 * app's outbox relay send events in this form.
 */
export function eventRecord(
  topic: string,
  key: string,
  event: { eventId: string },
  trace?: TraceContext,
): { topic: string; key: string; value: Buffer; headers: IHeaders } {
  return {
    topic,
    key,
    value: Buffer.from(JSON.stringify(event)),
    headers: { 'content-type': 'application/json', 'event-id': event.eventId, ...(trace ?? {}) },
  };
}

/** An event checked against its topic's contract at compile time, for `publishAll`. */
export interface Publishable {
  readonly spec: TopicSpec;
  readonly opts: PublishOptions<TopicSpec>;
}

export function publishable<S extends TopicSpec>(spec: S, opts: PublishOptions<S>): Publishable {
  return { spec, opts: opts as unknown as PublishOptions<TopicSpec> };
}

/**
 * Publishes contract events: wraps the payload in the envelope, validates it against the
 * contract (a producer bug fails here, not in every consumer), carries the W3C trace context in
 * the headers, and waits for all in-sync replicas (acks = -1).
 */
@Injectable()
export class EventPublisher implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(EventPublisher.name);
  private readonly producer: Producer;
  private connected = false;

  constructor(
    @Inject(KAFKA_CONFIG) config: KafkaConfig,
    @Inject(KAFKA_APP_NAME) private readonly app: string,
  ) {
    this.producer = kafkaClient(config, '-producer').producer({
      allowAutoTopicCreation: false,
      // Murmur2 like the Java client: a key lands on the same partition whoever produces it.
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: 5 },
    });
    this.producer.on(this.producer.events.DISCONNECT, () => (this.connected = false));
  }

  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.connected) return;
    await this.producer.connect();
    this.connected = true;
  }

  async publish<S extends TopicSpec>(
    spec: S,
    opts: PublishOptions<S>,
  ): Promise<z.infer<S['schema']>> {
    const attributes = { 'messaging.system': 'kafka', 'messaging.destination.name': spec.name };
    return inSpan(`${spec.name} publish`, SpanKind.PRODUCER, attributes, async () => {
      const { record, event } = this.record(spec, opts);
      await this.sendBatch([record]);
      return event;
    });
  }

  /**
   * Publishes several events in one produce request (one round trip to the broker instead of
   * one each). It resolves once every one is acknowledged; when it fails, some may have been
   * written, as with separate publishes.
   */
  async publishAll(events: Publishable[]): Promise<void> {
    const names = events.map((e) => e.spec.name);
    const attributes = {
      'messaging.system': 'kafka',
      'messaging.destination.name': names.join(','),
      'messaging.batch.message_count': events.length,
    };
    await inSpan(`${names.join(', ')} publish`, SpanKind.PRODUCER, attributes, () =>
      this.sendBatch(events.map(({ spec, opts }) => this.record(spec, opts).record)),
    );
  }

  /** The event and its record, built inside the publish span: consumers' spans become its children. */
  private record<S extends TopicSpec>(spec: S, opts: PublishOptions<S>) {
    const trace = currentTraceContext();
    const event = buildEvent(spec, this.app, opts, trace);
    return { record: eventRecord(spec.name, opts.key, event, trace), event };
  }

  /** Sends bytes as they are; for dead letters and tests that need a broken record. */
  async send(
    topic: string,
    key: string | null,
    value: Buffer | null,
    headers: IHeaders = {},
  ): Promise<void> {
    await this.sendBatch([{ topic, key, value, headers }]);
  }

  /**
   * Sends records as they are, in one produce request (each partition's records in the order
   * given), at acks = -1 like `publish`.
   */
  async sendBatch(
    records: { topic: string; key: string | null; value: Buffer | null; headers?: IHeaders }[],
  ): Promise<void> {
    if (records.length === 0) return;
    await this.connect();
    const byTopic = new Map<string, Message[]>();
    for (const { topic, key, value, headers } of records) {
      const messages = byTopic.get(topic) ?? [];
      messages.push({ key, value, headers: headers ?? {} });
      byTopic.set(topic, messages);
    }
    await this.producer.sendBatch({
      acks: -1,
      compression: CompressionTypes.None,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer
      .disconnect()
      .catch((err: Error) => this.logger.warn(`producer disconnect: ${err.message}`));
  }
}
