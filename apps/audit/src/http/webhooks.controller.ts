import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CreateWebhookBody, Id, ListDeliveriesQuery } from '@roomkey/contracts';
import {
  ADMIN_ONLY,
  BAD_BODY,
  BAD_ID,
  BAD_QUERY,
  Caller,
  Operation,
  Principal,
  Roles,
  TOKEN,
  ZodPipe,
} from '@roomkey/common';
import { Webhooks } from '../services/webhooks.service';

const id = () => new ZodPipe(Id, 'webhook id');
const EVENTS_DOWN = 'EVENTS_UNAVAILABLE (the change could not be recorded; try again)';

/**
 * Webhook endpoints: admins point the system's events at other systems' HTTPS endpoints, and
 * see what each delivery got back.
 */
@Controller('v1/webhooks')
@Roles('admin')
export class WebhooksController {
  constructor(private readonly webhooks: Webhooks) {}

  @Get()
  @Operation({
    tag: 'webhooks',
    summary:
      'Webhook endpoints, newest first, with whether they are enabled (never their secrets).',
    ok: { schema: 'WebhookList', description: 'The endpoints' },
    errors: { 401: TOKEN, 403: ADMIN_ONLY },
  })
  list() {
    return this.webhooks.list();
  }

  @Post()
  @Operation({
    tag: 'webhooks',
    summary:
      'Register an endpoint for some event types. The answer holds its signing secret, shown this once: deliveries are signed the Standard Webhooks way (docs/integrations.md).',
    ok: { schema: 'WebhookCreated', description: 'Registered' },
    errors: {
      400: BAD_BODY,
      401: TOKEN,
      403: ADMIN_ONLY,
      422: 'WEBHOOK_URL_INVALID (not https, credentials in it, does not resolve) or WEBHOOK_URL_NOT_ALLOWED (a private or reserved address)',
      503: EVENTS_DOWN,
    },
  })
  create(@Body(new ZodPipe(CreateWebhookBody)) body: CreateWebhookBody, @Caller() who: Principal) {
    return this.webhooks.create(body, who.id);
  }

  @Delete(':id')
  @HttpCode(204)
  @Operation({
    tag: 'webhooks',
    summary: 'Remove an endpoint and its deliveries; nothing more is sent to it.',
    ok: { description: 'Removed' },
    errors: {
      400: BAD_ID,
      401: TOKEN,
      403: ADMIN_ONLY,
      404: 'WEBHOOK_NOT_FOUND',
      503: EVENTS_DOWN,
    },
  })
  async remove(@Param('id', id()) endpointId: string, @Caller() who: Principal) {
    await this.webhooks.remove(endpointId, who.id);
  }

  @Post(':id/enable')
  @HttpCode(200)
  @Operation({
    tag: 'webhooks',
    summary:
      'Enable an endpoint again after it was disabled for failing; what it missed meanwhile is not sent.',
    ok: { schema: 'WebhookView', description: 'The endpoint' },
    errors: {
      400: BAD_ID,
      401: TOKEN,
      403: ADMIN_ONLY,
      404: 'WEBHOOK_NOT_FOUND',
      503: EVENTS_DOWN,
    },
  })
  enable(@Param('id', id()) endpointId: string, @Caller() who: Principal) {
    return this.webhooks.enable(endpointId, who.id);
  }

  @Get(':id/deliveries')
  @Operation({
    tag: 'webhooks',
    summary:
      "An endpoint's deliveries, newest first: the body sent, each attempt and what the endpoint answered.",
    ok: { schema: 'WebhookDeliveryPage', description: 'A page of deliveries' },
    errors: {
      400: `${BAD_ID}, or ${BAD_QUERY}`,
      401: TOKEN,
      403: ADMIN_ONLY,
      404: 'WEBHOOK_NOT_FOUND',
    },
  })
  deliveries(
    @Param('id', id()) endpointId: string,
    @Query(new ZodPipe(ListDeliveriesQuery, 'query')) q: ListDeliveriesQuery,
  ) {
    return this.webhooks.deliveries(endpointId, q);
  }
}
