import { Inject, Injectable, Logger } from '@nestjs/common';
import { KafkaContext } from '@nestjs/microservices';
import { SpanKind } from '@opentelemetry/api';
import { z } from 'zod';
import { randomUUID } from 'node:crypto';
import { DeadLetterV1, dlqTopicName, isDlqTopic } from '@roomkey/contracts';
import { describeError, isTransient, PermanentEventError } from '../errors';
import { contextFromHeaders, inSpan } from '../tracing/tracing';
import { EventPublisher } from './event-publisher';
import { consumerTimings } from './kafka-client';
import { KAFKA_APP_NAME, KAFKA_CONFIG, KafkaConfig } from './kafka.tokens';

/** Where a record came from, for handlers that store or dedupe by position. */
export interface RecordMeta {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  timestamp: string;
}

/**
 * What a consumer of dead-letter topics does with a record there that it cannot read or handle
 * (it cannot be dead-lettered again). Without it, the record is logged and skipped.
 */
export type UnreadableHandler = (meta: RecordMeta, error: string) => Promise<void>;

/** How long a handler runs before the runner says it is still at it, and how often after. */
export const STILL_HANDLING_MS = 30_000;

type Decoded<S extends z.ZodType> = { ok: true; event: z.infer<S> } | { ok: false; error: string };

/**
 * Runs one Kafka record through a handler with the guarantees every consumer needs:
 *
 * - the record is decoded and validated against its contract; a record that is not JSON or does
 *   not match goes to `<topic>.dlq` and the consumer moves on, so the partition never stalls;
 * - a failing handler is retried in-process with exponential backoff;
 * - when it still fails and the cause is transient (a dependency is down) the error propagates,
 *   kafkajs does not commit the offset and redelivers the record later: nothing is lost;
 * - any other persistent failure dead-letters the record with the error (never the value in
 *   the error text) and the number of attempts;
 * - the handler runs in a span that continues the producer's trace.
 *
 * The offset is committed by kafkajs only after this returns, so "committed" means "handled
 * or dead-lettered". Handlers must be idempotent: redelivery happens.
 */
@Injectable()
export class EventRunner {
  private readonly logger = new Logger(EventRunner.name);
  private readonly heartbeatMs: number;

  constructor(
    private readonly publisher: EventPublisher,
    @Inject(KAFKA_CONFIG) private readonly config: KafkaConfig,
    @Inject(KAFKA_APP_NAME) private readonly app: string,
  ) {
    this.heartbeatMs = consumerTimings(config).heartbeatInterval;
  }

  async run<S extends z.ZodType>(
    ctx: KafkaContext,
    schema: S,
    handler: (event: z.infer<S>, meta: RecordMeta) => Promise<void>,
    onUnreadable?: UnreadableHandler,
  ): Promise<void> {
    const message = ctx.getMessage();
    const meta: RecordMeta = {
      topic: ctx.getTopic(),
      partition: ctx.getPartition(),
      offset: message.offset,
      key: message.key === null || message.key === undefined ? null : String(message.key),
      timestamp: message.timestamp,
    };
    const raw = message.value as unknown as Buffer | null;
    const decoded = decode(raw, schema);
    const giveUp = (error: string, attempts: number) =>
      this.deadLetter(meta, raw, error, attempts, onUnreadable);
    if (!decoded.ok) {
      await giveUp(decoded.error, 1);
      return;
    }
    const parent = contextFromHeaders((message.headers ?? {}) as Record<string, unknown>);
    const attributes = {
      'messaging.system': 'kafka',
      'messaging.source.name': meta.topic,
      'messaging.kafka.partition': meta.partition,
      'messaging.kafka.offset': meta.offset,
    };
    const beating = this.keepBeating(ctx);
    const waiting = this.sayWhileWaiting(meta);
    try {
      await inSpan(
        `${meta.topic} process`,
        SpanKind.CONSUMER,
        attributes,
        () => this.withRetries(meta, giveUp, () => handler(decoded.event, meta)),
        parent,
      );
    } finally {
      clearInterval(beating);
      clearInterval(waiting);
    }
  }

  /**
   * A record whose handler has not returned holds its partition's later records back, however
   * well the member heartbeats. Every STILL_HANDLING_MS it is said, with where the record is.
   */
  private sayWhileWaiting(meta: RecordMeta): NodeJS.Timeout {
    const started = Date.now();
    const where = `${meta.topic}[${meta.partition}]@${meta.offset}`;
    return setInterval(() => {
      const s = Math.round((Date.now() - started) / 1000);
      this.logger.warn(`still handling ${where} after ${s} s; the partition's later records wait`);
    }, STILL_HANDLING_MS);
  }

  /**
   * kafkajs heartbeats only between records. A handler that waits long for a dependency (its
   * attempts and backoff can outlast the session) heartbeats meanwhile, so its group does not
   * drop the member and hand the record to another while this one still works on it.
   */
  private keepBeating(ctx: KafkaContext): NodeJS.Timeout | undefined {
    const heartbeat = ctx.getHeartbeat() as (() => Promise<void>) | undefined;
    if (!heartbeat) return undefined;
    return setInterval(
      // A heartbeat refused for a rebalance is kafkajs's to act on when the record is done.
      () => void heartbeat().catch(() => undefined),
      this.heartbeatMs,
    );
  }

  private async withRetries(
    meta: RecordMeta,
    giveUp: (error: string, attempts: number) => Promise<void>,
    attempt: () => Promise<void>,
  ): Promise<void> {
    const max = this.config.KAFKA_HANDLER_ATTEMPTS;
    for (let n = 1; ; n++) {
      try {
        await attempt();
        return;
      } catch (err) {
        const where = `${meta.topic}[${meta.partition}]@${meta.offset}`;
        if (err instanceof PermanentEventError) {
          await giveUp(describeError(err), n);
          return;
        }
        if (n < max) {
          this.logger.warn(
            `handler failed on ${where} (attempt ${n}/${max}): ${describeError(err)}`,
          );
          await sleep(this.config.KAFKA_RETRY_BACKOFF_MS * 2 ** (n - 1));
          continue;
        }
        if (isTransient(err)) {
          this.logger.error(
            `handler failed on ${where}, dependency unavailable; will be redelivered: ${describeError(err)}`,
          );
          throw err;
        }
        await giveUp(describeError(err), n);
        return;
      }
    }
  }

  private async deadLetter(
    meta: RecordMeta,
    raw: Buffer | null,
    error: string,
    attempts: number,
    onUnreadable?: UnreadableHandler,
  ): Promise<void> {
    if (isDlqTopic(meta.topic)) {
      this.logger.error(
        `unreadable dead letter ${meta.topic}[${meta.partition}]@${meta.offset}, skipped: ${error}`,
      );
      await onUnreadable?.(meta, error);
      return;
    }
    const topic = dlqTopicName(meta.topic);
    this.logger.error(
      `dead-lettering ${meta.topic}[${meta.partition}]@${meta.offset} to ${topic}: ${error}`,
    );
    // A dead letter is an envelope like any event, so audit and replay read it the same way.
    const letter = DeadLetterV1.parse({
      eventId: randomUUID(),
      type: 'dead-letter',
      occurredAt: new Date().toISOString(),
      correlationId: meta.key ?? `${meta.topic}:${meta.partition}:${meta.offset}`,
      causationId: null,
      producer: this.app,
      payload: {
        sourceTopic: meta.topic,
        partition: meta.partition,
        offset: meta.offset,
        key: meta.key,
        value: raw === null ? null : raw.toString('base64'),
        error,
        consumer: this.config.KAFKA_GROUP_ID,
        attempts,
      },
    });
    await this.publisher.send(topic, meta.key, Buffer.from(JSON.stringify(letter)), {
      'content-type': 'application/json',
      'event-id': letter.eventId,
    });
  }
}

function decode<S extends z.ZodType>(raw: Buffer | null, schema: S): Decoded<S> {
  if (raw === null || raw.length === 0) return { ok: false, error: 'empty record value' };
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    return { ok: false, error: 'record value is not JSON' };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, event: parsed.data };
  // Paths and messages only: a zod message names the expected type, never the value.
  const issues = parsed.error.issues
    .slice(0, 10)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  return { ok: false, error: `record does not match its contract: ${issues.join('; ')}` };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
