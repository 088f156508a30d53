import { z } from 'zod';
import { envelope, Id, RETENTION, SCALING_PARTITIONS, topic } from '../envelope';

export const WEBHOOKS_EVENTS_V1 = 'webhooks.events.v1';

/**
 * What happened to a webhook endpoint: registered or removed by an admin, or disabled after
 * failing too often. Never its URL's path or query (they may hold a token) nor its secret.
 */
export const WebhooksEventsV1Payload = z.object({
  endpointId: Id,
  kind: z.enum(['created', 'deleted', 'disabled', 'enabled']),
  /** The host the endpoint delivers to. */
  host: z.string().min(1).max(255),
  /** The event types it receives. */
  events: z.array(z.string().min(1).max(64)).max(32),
  /** The admin who made the change; absent when the system disabled it. */
  by: Id.optional(),
  /** disabled: how many deliveries in a row had failed. */
  failures: z.number().int().positive().optional(),
});

export const WebhooksEventsV1 = envelope('webhooks.events', WebhooksEventsV1Payload);
export type WebhooksEventsV1 = z.infer<typeof WebhooksEventsV1>;

export const webhooksEventsV1 = topic({
  name: WEBHOOKS_EVENTS_V1,
  // The audit app owns webhooks and logs what happens to them, like any other topic.
  producers: ['audit'],
  consumers: ['audit'],
  // One endpoint's changes (created, disabled, enabled, deleted) in order.
  key: 'endpointId',
  partitions: SCALING_PARTITIONS,
  retentionMs: RETENTION.oneYear,
  schema: WebhooksEventsV1,
});
