import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AlertView } from '@roomkey/contracts';
import { AUDIT_CONFIG, AuditConfig } from '../config';
import { webhookBody, webhookMessages, WebhookSource } from '../domain/webhook-messages';

/**
 * The webhooks' durable queue: the messages a logged row makes are queued for every enabled
 * endpoint that receives their type, in the transaction that logs the row. A row logged is a
 * row queued; a record logged twice is logged once, and a message queued twice for one
 * endpoint is queued once (unique per endpoint and message id).
 */
@Injectable()
export class WebhookQueue {
  constructor(@Inject(AUDIT_CONFIG) private readonly config: AuditConfig) {}

  /** Queues what the row makes; how many deliveries it added. */
  async enqueue(m: EntityManager, row: WebhookSource, opened: AlertView[]): Promise<number> {
    const age = (Date.now() - row.occurredAt.getTime()) / 1000;
    if (age > this.config.WEBHOOK_MAX_EVENT_AGE_S) return 0;
    const messages = webhookMessages(row, opened);
    let added = 0;
    for (const message of messages) {
      const inserted = (await m.query(
        `insert into webhook_deliveries (id, endpoint_id, message_id, type, body)
         select gen_random_uuid(), e.id, $1, $2, $3 from webhook_endpoints e
         where e.enabled and $2 = any(e.events)
         on conflict (endpoint_id, message_id) do nothing
         returning id`,
        [message.id, message.type, webhookBody(message, row.occurredAt)],
      )) as unknown[];
      added += inserted.length;
    }
    return added;
  }
}
