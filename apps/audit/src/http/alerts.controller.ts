import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { z } from 'zod';
import { Id } from '@roomkey/contracts';
import {
  BAD_ID,
  BAD_QUERY,
  Caller,
  Operation,
  Principal,
  Roles,
  STAFF_ONLY,
  TOKEN,
  ZodPipe,
} from '@roomkey/common';
import { Alerts } from '../services/alerts.service';

const ListAlertsQuery = z.strictObject({
  state: z
    .enum(['open', 'acknowledged', 'resolved'])
    .optional()
    .describe('Only alerts in this state'),
  limit: z.coerce.number().int().min(1).max(500).default(100).describe('How many'),
  after: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .describe('Only alerts newer than this `seq`, oldest first (how the live feed catches up)'),
});
/** A type of its own name: decorator metadata must not point at the schema value. */
type ListAlertsParams = z.infer<typeof ListAlertsQuery>;

/** Alerts for security staff: newest first, acknowledged with who and when, resolved. */
@Controller('v1/alerts')
@Roles('admin', 'security')
export class AlertsController {
  constructor(private readonly alerts: Alerts) {}

  @Get()
  @Operation({
    tag: 'alerts',
    summary: 'Alerts, newest first: what fired, about what, how often, and their state.',
    ok: { schema: 'AlertList', description: 'The alerts' },
    errors: { 400: BAD_QUERY, 401: TOKEN, 403: STAFF_ONLY },
  })
  list(@Query(new ZodPipe(ListAlertsQuery, 'query')) q: ListAlertsParams) {
    return q.after !== undefined
      ? this.alerts.since(q.after, q.limit)
      : this.alerts.list(q.state, q.limit);
  }

  @Post(':id/ack')
  @HttpCode(200)
  @Operation({
    tag: 'alerts',
    summary: 'Acknowledge an alert: it records who and when, and stays until resolved.',
    ok: { schema: 'AlertView', description: 'The alert' },
    errors: { 400: BAD_ID, 401: TOKEN, 403: STAFF_ONLY, 404: 'ALERT_NOT_FOUND' },
  })
  ack(@Param('id', new ZodPipe(Id, 'alert id')) id: string, @Caller() who: Principal) {
    return this.alerts.acknowledge(id, who.id);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @Operation({
    tag: 'alerts',
    summary: 'Resolve an alert: a later hit of the same rule opens a new one.',
    ok: { schema: 'AlertView', description: 'The alert' },
    errors: { 400: BAD_ID, 401: TOKEN, 403: STAFF_ONLY, 404: 'ALERT_NOT_FOUND' },
  })
  resolve(@Param('id', new ZodPipe(Id, 'alert id')) id: string, @Caller() who: Principal) {
    return this.alerts.resolve(id, who.id);
  }
}
