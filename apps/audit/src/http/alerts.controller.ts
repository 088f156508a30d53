import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { z } from 'zod';
import { Id } from '@roomkey/contracts';
import { Caller, Principal, Roles, ZodPipe } from '@roomkey/common';
import { Alerts } from '../services/alerts.service';

const ListAlertsQuery = z.strictObject({
  state: z.enum(['open', 'acknowledged', 'resolved']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** Only alerts newer than this `seq`, oldest first (how the live feed catches up). */
  after: z.coerce.number().int().min(0).optional(),
});
/** A type of its own name: decorator metadata must not point at the schema value. */
type ListAlertsParams = z.infer<typeof ListAlertsQuery>;

/** Alerts for security staff: newest first, acknowledged with who and when, resolved. */
@Controller('v1/alerts')
@Roles('admin', 'security')
export class AlertsController {
  constructor(private readonly alerts: Alerts) {}

  @Get()
  list(@Query(new ZodPipe(ListAlertsQuery, 'query')) q: ListAlertsParams) {
    return q.after !== undefined
      ? this.alerts.since(q.after, q.limit)
      : this.alerts.list(q.state, q.limit);
  }

  @Post(':id/ack')
  @HttpCode(200)
  ack(@Param('id', new ZodPipe(Id, 'alert id')) id: string, @Caller() who: Principal) {
    return this.alerts.acknowledge(id, who.id);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  resolve(@Param('id', new ZodPipe(Id, 'alert id')) id: string, @Caller() who: Principal) {
    return this.alerts.resolve(id, who.id);
  }
}
