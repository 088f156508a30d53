import { Controller, Get, Header, Logger, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { AccessLogQuery, HistoryQuery, StatsQuery } from '@roomkey/contracts';
import { Caller, describeError, Principal, reasonsFor, Roles, ZodPipe } from '@roomkey/common';
import { AccessLogService } from '../services/access-log.service';

/** Types of their own names: decorator metadata must not point at the schema values. */
type AccessLogParams = AccessLogQuery;
type HistoryParams = HistoryQuery;
type StatsParams = StatsQuery;

/** The access log for security staff, figures for dashboards, and each member's own history. */
@Controller('v1')
export class AccessLogController {
  private readonly logger = new Logger('audit');

  constructor(private readonly log: AccessLogService) {}

  @Get('access-log')
  @Roles('admin', 'security')
  async accessLog(
    @Query(new ZodPipe(AccessLogQuery, 'query')) q: AccessLogParams,
    @Res() res: Response,
  ): Promise<void> {
    const { format, limit, ...filters } = q;
    res.setHeader('cache-control', 'no-store');
    if (format === 'json') {
      res.json(await this.log.page({ ...filters, limit }));
      return;
    }
    try {
      // Nothing is sent before the first batch is read: a bad cursor is still a clean 400.
      await this.log.writeCsv(filters, res, () => {
        res.status(200);
        res.setHeader('content-type', 'text/csv; charset=utf-8');
        res.setHeader('content-disposition', 'attachment; filename="access-log.csv"');
      });
      res.end();
    } catch (err) {
      if (!res.headersSent) throw err;
      // Half a file must not look like a whole one: the connection is cut.
      this.logger.error(`access-log export failed: ${describeError(err)}`);
      res.destroy();
    }
  }

  @Get('stats')
  @Roles('admin', 'security')
  @Header('cache-control', 'no-store')
  stats(@Query(new ZodPipe(StatsQuery, 'query')) q: StatsParams) {
    return this.log.stats(q);
  }

  @Get('me/history')
  @Roles('admin', 'security', 'member', 'visitor')
  @Header('cache-control', 'no-store')
  async history(
    @Query(new ZodPipe(HistoryQuery, 'query')) q: HistoryParams,
    @Caller() caller: Principal,
  ) {
    const page = await this.log.history(caller.id, q);
    // The person is told one face reason; the precise one is for staff, in the access log.
    return {
      ...page,
      items: page.items.map((e) => ({ ...e, reasons: reasonsFor('requester', e.reasons) })),
    };
  }
}
