import { z } from 'zod';
import { Id, Instant, Text } from '../envelope';
import { pageQuery } from './auth';

/** What a webhook endpoint can receive; the `type` of each delivery's body. */
export const WebhookEventType = z.enum([
  'access.decided',
  'alert.opened',
  'alert.acknowledged',
  'alert.resolved',
  'door.forced',
  'door.held-open',
  'lock.offline',
]);
export type WebhookEventType = z.infer<typeof WebhookEventType>;

/** `POST /v1/webhooks`. */
export const CreateWebhookBody = z.strictObject({
  /** Where deliveries are POSTed: https, no credentials in it. */
  url: z.string().min(1).max(2048),
  /** The event types it receives, at least one. */
  events: z
    .array(WebhookEventType)
    .min(1)
    .max(WebhookEventType.options.length)
    .refine((e) => new Set(e).size === e.length, { message: 'each event type once' }),
  description: Text(200).optional(),
});
export type CreateWebhookBody = z.infer<typeof CreateWebhookBody>;

/** A registered endpoint (`GET /v1/webhooks`); never its secret. */
export const WebhookView = z.object({
  id: Id,
  url: z.string(),
  events: z.array(WebhookEventType),
  description: z.string().nullable(),
  /** Disabled endpoints receive nothing until an admin enables them again. */
  enabled: z.boolean(),
  /** Failed delivery attempts in a row (reset by a success). */
  failures: z.number().int(),
  disabledAt: Instant.nullable(),
  createdAt: Instant,
  createdBy: Id.nullable(),
});
export type WebhookView = z.infer<typeof WebhookView>;

/**
 * A new endpoint with its signing secret (`whsec_` and 32 bytes in base64, the Standard
 * Webhooks form), shown this once.
 */
export const WebhookCreated = WebhookView.extend({ secret: z.string() });
export type WebhookCreated = z.infer<typeof WebhookCreated>;

/** One try at delivering a message, and what the endpoint answered. */
export const WebhookAttempt = z.object({
  at: Instant,
  /** The HTTP status; null when no answer came (refused, timed out, address not allowed). */
  status: z.number().int().nullable(),
  /** Why the attempt failed, when it did not get an answer. */
  error: z.string().nullable(),
  /** The start of the answer's body (at most 1 KiB of text). */
  response: z.string().nullable(),
  durationMs: z.number().int(),
});

/** One message to one endpoint: the same `webhook-id` on every attempt. */
export const WebhookDelivery = z.object({
  id: Id,
  endpointId: Id,
  /** The `webhook-id` header: receivers drop a message whose id they have seen. */
  messageId: Id,
  type: WebhookEventType,
  /** pending: being tried; delivered: a 2xx came back; failed: given up. */
  state: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.array(WebhookAttempt),
  nextAttemptAt: Instant.nullable(),
  createdAt: Instant,
  deliveredAt: Instant.nullable(),
  /** The JSON body as sent. */
  body: z.string(),
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

/** Newest first. */
export const WebhookDeliveryPage = z.object({
  items: z.array(WebhookDelivery),
  /** Pass as `after` for the next page; null on the last page. */
  next: Id.nullable(),
});
export type WebhookDeliveryPage = z.infer<typeof WebhookDeliveryPage>;

/** `GET /v1/webhooks/{id}/deliveries`. */
export const ListDeliveriesQuery = z.strictObject({
  ...pageQuery(),
  state: z.enum(['pending', 'delivered', 'failed']).optional().describe('Only in this state'),
});
export type ListDeliveriesQuery = z.infer<typeof ListDeliveriesQuery>;
