import {
  ACCESS_DECIDED_V1,
  AUDIT_ALERTS_V1,
  AlertView,
  LOCK_EVENTS_V1,
  WebhookEventType,
} from '@roomkey/contracts';
import { derivedUuid } from '@roomkey/common';

/** One message for the endpoints that receive its type; the same id for every endpoint. */
export interface WebhookMessage {
  /** The `webhook-id` header: the event's own id, or one derived from what it announces. */
  id: string;
  type: WebhookEventType;
  /** The body's `data`. */
  data: Record<string, unknown>;
}

/** A logged row as the webhooks read it. */
export interface WebhookSource {
  eventId: string;
  topic: string;
  occurredAt: Date;
  payload: unknown;
}

type Payload = Record<string, unknown>;

/**
 * The webhook messages a logged row makes: its own (a decision, a door forced, an alert
 * acknowledged) and one per alert its logging opened.
 */
export function webhookMessages(row: WebhookSource, opened: AlertView[]): WebhookMessage[] {
  const p = (row.payload ?? {}) as Payload;
  const messages: WebhookMessage[] = [];
  const message = (type: WebhookEventType, data: Payload) =>
    messages.push({ id: row.eventId, type, data });
  const at = row.occurredAt.toISOString();
  switch (row.topic) {
    case ACCESS_DECIDED_V1:
      message('access.decided', { ...p, decidedAt: at });
      break;
    case LOCK_EVENTS_V1: {
      const lock = { lockId: p.lockId, at };
      if (p.state === 'forced') message('door.forced', lock);
      if (p.state === 'held-open') message('door.held-open', lock);
      if (p.kind === 'offline') message('lock.offline', lock);
      break;
    }
    case AUDIT_ALERTS_V1:
      if (p.state === 'acknowledged') message('alert.acknowledged', { ...p, at });
      if (p.state === 'resolved') message('alert.resolved', { ...p, at });
      break;
  }
  for (const alert of opened) {
    // Opened once, whichever row opened it: the id follows from the alert's.
    messages.push({
      id: derivedUuid('webhook', 'alert.opened', alert.id),
      type: 'alert.opened',
      data: { ...alert },
    });
  }
  return messages;
}

/**
 * The body as sent, the Standard Webhooks shape: `type`, `timestamp` (when the event
 * happened) and `data`.
 */
export const webhookBody = (m: WebhookMessage, occurredAt: Date): string =>
  JSON.stringify({ type: m.type, timestamp: occurredAt.toISOString(), data: m.data });
