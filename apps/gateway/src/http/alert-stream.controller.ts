import { Controller, Get, Headers, Inject, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import type { AlertView } from '@roomkey/contracts';
import { BAD_QUERY, Operation, Roles, STAFF_ONLY, TOKEN, ZodPipe } from '@roomkey/common';
import { callUpstream } from '../adapters/upstream';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { openEventStream, sendEvent } from './event-stream';

const StreamQuery = z.strictObject({
  lastEventId: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .describe('For clients that cannot set headers: the same as Last-Event-ID'),
});
/** A type of its own name: decorator metadata must not point at the schema value. */
type StreamParams = z.infer<typeof StreamQuery>;

const POLL_MS = 1000;
const HEARTBEAT_MS = 15_000;

/**
 * The live alert feed for security staff, as server-sent events. Each alert's id is its `seq`
 * in the audit log's alert table, which only grows: a client that reconnects with
 * `Last-Event-ID` gets exactly the alerts opened since, none twice. The feed reads the audit
 * app once a second with the caller's own token.
 */
@Controller('v1/alerts')
export class AlertStreamController {
  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  @Get('stream')
  @Roles('admin', 'security')
  @Operation({
    tag: 'alerts',
    summary: 'The live alert feed (text/event-stream); resume with Last-Event-ID',
    ok: { stream: true, description: 'event: alert, id: seq, data: AlertView' },
    errors: { 400: BAD_QUERY, 401: TOKEN, 403: STAFF_ONLY },
  })
  async stream(
    @Query(new ZodPipe(StreamQuery, 'query')) query: StreamParams,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Headers('authorization') authorization: string,
    @Res() res: Response,
  ): Promise<void> {
    const fetchAlerts = async (qs: string): Promise<AlertView[]> => {
      const upstream = await callUpstream(new URL(`/v1/alerts?${qs}`, this.config.AUDIT_URL), {
        method: 'GET',
        headers: { authorization },
        timeoutMs: this.config.UPSTREAM_TIMEOUT_MS,
        what: 'the audit service',
      });
      if (!upstream.ok) throw new Error(`audit answered ${upstream.status}`);
      return (await upstream.json()) as AlertView[];
    };
    const resumeFrom = /^\d+$/.test(lastEventId ?? '') ? Number(lastEventId) : query.lastEventId;
    // A new client starts at the newest alert; a returning one where it left off.
    let last = resumeFrom ?? (await fetchAlerts('limit=1'))[0]?.seq ?? 0;

    openEventStream(res);
    res.write(': alerts\n\n');
    let open = true;
    res.on('close', () => (open = false));
    let quietSince = Date.now();
    while (open) {
      try {
        for (const alert of await fetchAlerts(`after=${last}&limit=100`)) {
          sendEvent(res, 'alert', alert, alert.seq);
          last = alert.seq;
          quietSince = Date.now();
        }
      } catch {
        // The audit app is unreachable for now: the feed waits and catches up later.
      }
      if (Date.now() - quietSince > HEARTBEAT_MS) {
        res.write(': waiting\n\n');
        quietSince = Date.now();
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    res.end();
  }
}
