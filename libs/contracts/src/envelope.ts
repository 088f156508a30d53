import { z } from 'zod';

const DAY_MS = 24 * 60 * 60 * 1000;
export const RETENTION = {
  fifteenMinutes: 15 * 60 * 1000,
  thirtyDays: 30 * DAY_MS,
  oneYear: 365 * DAY_MS,
} as const;

/** Identifiers that travel as Kafka keys and URL segments: UUIDs. */
export const Id = z.uuid();

/**
 * Text a person types (names, labels): trimmed, 1 to `max` characters, and no control
 * characters or lone surrogates, which no store keeps faithfully (PostgreSQL refuses NUL).
 */
export const Text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    // Written as a character class (not \p{Cc}) so the OpenAPI pattern is usable by other tools.
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    .regex(/^[^\u0000-\u001f\u007f-\u009f\ud800-\udfff]*$/u, 'must not contain control characters');

/** An instant as ISO 8601 with its offset, as every contract writes times. */
export const Instant = z.iso
  .datetime({ offset: true })
  // Offsets of real time zones (-12:00 to +14:00) with room to spare; PostgreSQL takes ±15:59.
  .regex(/(Z|[+-](0\d|1[0-5]):[0-5]\d)$/, 'the offset must be between -15:59 and +15:59')
  // With a second pattern the JSON Schema is patterns alone; the documents still say what it is.
  .meta({ format: 'date-time' });

/** W3C trace context (https://www.w3.org/TR/trace-context/) so one access request is one trace. */
export const TraceContext = z.object({
  /** `00-<trace-id>-<parent-id>-<flags>` */
  traceparent: z.string().regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/),
  /** Vendor-specific trace state, passed through untouched. */
  tracestate: z.string().max(512).optional(),
});
export type TraceContext = z.infer<typeof TraceContext>;

/**
 * Every event on every topic is one envelope around a payload. Consumers accept unknown fields
 * (a newer producer may add optional ones within a version) and strip them.
 */
export function envelope<T extends string, P extends z.ZodType>(type: T, payload: P) {
  return z.object({
    /** Unique per event; consumers dedupe on it. */
    eventId: Id,
    /** `<domain>.<event>`, the topic name without its version. */
    type: z.literal(type),
    /** When the fact happened, ISO 8601 UTC. */
    occurredAt: z.iso.datetime({ offset: true }),
    /** The access request id (or another business id) that ties a flow together. */
    correlationId: z.string().min(1).max(128),
    /** The eventId of the event that caused this one, or null for a first cause. */
    causationId: z.uuid().nullable(),
    /** Name of the app that produced the event. */
    producer: z.string().min(1).max(64),
    /** Trace context of the span that produced the event. */
    trace: TraceContext.optional(),
    payload,
  });
}

/** The shape shared by every envelope, for code that handles events of any type. */
export const AnyEnvelope = envelope('any', z.unknown()).extend({ type: z.string().min(1) });
export type AnyEnvelope = z.infer<typeof AnyEnvelope>;

/** The apps of the system, each a Kafka principal of its own (`roomkey-<app>`). */
export const APP_NAMES = ['gateway', 'auth', 'qr', 'face', 'access', 'audit'] as const;
export type AppName = (typeof APP_NAMES)[number];

/**
 * Partitions of every topic an app consumes in a shared group: the most instances of one app
 * that a deployment may run, since a group never gives one partition to two members (an
 * autoscaler's maximum stays at or below it). Twelve splits evenly over 1, 2, 3, 4 and 6.
 */
export const SCALING_PARTITIONS = 12;

export interface TopicSpec<S extends z.ZodType = z.ZodType> {
  name: string;
  /**
   * What the Kafka key is, so the events of one entity stay in order on one partition, and
   * why that entity: the comment beside each topic's key says.
   */
  key: string;
  /**
   * The apps that may write the topic: its one owner for an event topic; for a dead-letter
   * topic, the apps that consume its source. The broker's ACLs are made from this.
   */
  producers: readonly AppName[];
  /** The apps that read the topic (each in its own consumer group); ACLs again. */
  consumers: readonly AppName[];
  partitions: number;
  retentionMs: number;
  schema: S;
}

export function topic<S extends z.ZodType>(spec: TopicSpec<S>): TopicSpec<S> {
  return spec;
}
