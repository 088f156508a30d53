import { Controller, Get, Header, Logger, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { AccessLogQuery, HistoryQuery, StatsQuery } from '@roomkey/contracts';
import {
  Caller,
  describeError,
  Operation,
  Principal,
  reasonsFor,
  Roles,
  STAFF_ONLY,
  TOKEN,
  ZodPipe,
} from '@roomkey/common';
import { AccessLogService } from '../services/access-log.service';

/** Types of their own names: decorator metadata must not point at the schema values. */
type AccessLogParams = AccessLogQuery;
type HistoryParams = HistoryQuery;
type StatsParams = StatsQuery;

const BAD_LOG_QUERY =
  'VALIDATION_FAILED (a query parameter, an unknown `after`, or from not before to)';

/** The access log for security staff, figures for dashboards, and each member's own history. */
@Controller('v1')
export class AccessLogController {
  private readonly logger = new Logger('audit');

  constructor(private readonly log: AccessLogService) {}

  @Get('access-log')
  @Roles('admin', 'security')
  @Operation({
    tag: 'access log',
    summary:
      'Every decided access request, newest first, with filters; `format=csv` streams every match as a CSV file.',
    ok: { schema: 'AccessLogPage', description: 'A page, or the CSV file', csv: true },
    errors: { 400: BAD_LOG_QUERY, 401: TOKEN, 403: STAFF_ONLY },
  })
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
  @Operation({
    tag: 'access log',
    summary:
      'Figures over a window of at most 31 days (default the last 24 hours): attempts per hour, denials by reason, decision latency p50/p95.',
    ok: { schema: 'AccessStats', description: 'The figures' },
    errors: {
      400: 'VALIDATION_FAILED (from not before to, or a window over 31 days)',
      401: TOKEN,
      403: STAFF_ONLY,
    },
  })
  @Header('cache-control', 'no-store')
  stats(@Query(new ZodPipe(StatsQuery, 'query')) q: StatsParams) {
    return this.log.stats(q);
  }

  @Get('me/history')
  @Roles('admin', 'security', 'member', 'visitor')
  @Operation({
    tag: 'access log',
    summary: "The caller's own access requests and their decisions, newest first.",
    ok: { schema: 'AccessLogPage', description: 'A page of your history' },
    errors: { 400: BAD_LOG_QUERY, 401: TOKEN, 403: 'INSUFFICIENT_ROLE (a device token)' },
  })
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
