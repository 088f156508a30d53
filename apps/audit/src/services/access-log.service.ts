import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { stringify } from 'csv-stringify/sync';
import {
  AccessLogEntry,
  AccessLogPage,
  AccessLogQuery,
  AccessStats,
  HistoryQuery,
  StatsQuery,
  STATS_MAX_DAYS,
} from '@roomkey/contracts';
import { DomainError } from '@roomkey/common';

interface EntryRow {
  request_id: string;
  decision: AccessLogEntry['decision'];
  reasons: string[];
  requested_at: Date | null;
  decided_at: Date;
  user_id: string | null;
  room_id: string | null;
  door_id: string | null;
  lock_id: string | null;
  device_id: string | null;
  channel: AccessLogEntry['channel'];
  mode: AccessLogEntry['mode'];
  /** bigint: pg gives it as text. */
  latency_ms: string | null;
  liveness: AccessLogEntry['liveness'];
}

const entry = (r: EntryRow): AccessLogEntry => ({
  requestId: r.request_id,
  decision: r.decision,
  reasons: r.reasons,
  requestedAt: r.requested_at?.toISOString() ?? null,
  decidedAt: r.decided_at.toISOString(),
  userId: r.user_id,
  roomId: r.room_id,
  doorId: r.door_id,
  lockId: r.lock_id,
  deviceId: r.device_id,
  channel: r.channel,
  mode: r.mode,
  latencyMs: r.latency_ms === null ? null : Number(r.latency_ms),
  liveness: r.liveness ?? null,
});

type Filters = Omit<AccessLogQuery, 'format' | 'limit'>;

const CSV_COLUMNS = [
  'requestId',
  'decidedAt',
  'decision',
  'reasons',
  'userId',
  'roomId',
  'doorId',
  'lockId',
  'deviceId',
  'channel',
  'mode',
  'requestedAt',
  'latencyMs',
  'liveness',
] as const;
const CSV_BATCH = 500;
const DAY_MS = 24 * 3600 * 1000;

/** Queries over the access log projection: newest decision first, by (decidedAt, requestId). */
@Injectable()
export class AccessLogService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async page(q: Filters & { limit: number }): Promise<AccessLogPage> {
    const rows = await this.rows(q, q.limit + 1);
    const items = rows.slice(0, q.limit).map(entry);
    return { items, next: rows.length > q.limit ? items[items.length - 1]!.requestId : null };
  }

  /** A member's own decisions. */
  history(userId: string, q: HistoryQuery): Promise<AccessLogPage> {
    return this.page({ ...q, userId });
  }

  /**
   * Every match as CSV, a batch at a time with the keyset (never the whole log in memory), and
   * only as fast as the reader takes it. Stops when the reader goes away.
   */
  async writeCsv(q: Filters, out: Writable, begin: () => void): Promise<void> {
    const write = async (text: string) => {
      if (!out.write(text)) await Promise.race([once(out, 'drain'), once(out, 'close')]);
    };
    let after = q.after;
    for (let first = true; ; first = false) {
      if (out.destroyed) return;
      const rows = (await this.rows({ ...q, after }, CSV_BATCH)).map(entry);
      if (first) {
        begin();
        await write(stringify([[...CSV_COLUMNS]]));
      }
      if (rows.length === 0) return;
      await write(
        stringify(
          rows.map((e) => CSV_COLUMNS.map((c) => (c === 'reasons' ? e.reasons.join(' ') : e[c]))),
          { escape_formulas: true, cast: { number: String } },
        ),
      );
      if (rows.length < CSV_BATCH) return;
      after = rows[rows.length - 1]!.requestId;
    }
  }

  private async rows(q: Filters, limit: number): Promise<EntryRow[]> {
    const params: unknown[] = [];
    const p = (v: unknown) => `$${params.push(v)}`;
    const where = ['decision is not null'];
    if (q.from) where.push(`decided_at >= ${p(q.from)}`);
    if (q.to) where.push(`decided_at < ${p(q.to)}`);
    if (q.userId) where.push(`user_id = ${p(q.userId)}`);
    if (q.doorId) where.push(`door_id = ${p(q.doorId)}`);
    if (q.roomId) where.push(`room_id = ${p(q.roomId)}`);
    if (q.decision) where.push(`decision = ${p(q.decision)}`);
    if (q.reason) where.push(`${p(q.reason)} = any(reasons)`);
    if (q.after) {
      const [cursor] = (await this.db.query(
        'select decided_at from access_log where request_id = $1 and decision is not null',
        [q.after],
      )) as { decided_at: Date }[];
      if (!cursor)
        throw new DomainError('VALIDATION_FAILED', 'after: no such entry in the access log', 400);
      where.push(`(decided_at, request_id) < (${p(cursor.decided_at)}, ${p(q.after)})`);
    }
    return (await this.db.query(
      `select * from access_log where ${where.join(' and ')}
       order by decided_at desc, request_id desc limit ${p(limit)}`,
      params,
    )) as EntryRow[];
  }

  /** Figures over a window (default the last 24 hours), every hour of it included. */
  async stats(q: StatsQuery, now = new Date()): Promise<AccessStats> {
    const to = q.to ? new Date(q.to) : now;
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - DAY_MS);
    if (from >= to || to.getTime() - from.getTime() > STATS_MAX_DAYS * DAY_MS) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `the window must end after it starts and span at most ${STATS_MAX_DAYS} days`,
        400,
      );
    }
    const range = [from.toISOString(), to.toISOString()];
    const [totals] = (await this.db.query(
      `select count(*)::int as attempts,
              count(*) filter (where decision = 'granted')::int as granted,
              count(*) filter (where decision = 'denied')::int as denied,
              percentile_cont(0.5) within group (order by latency_ms) as p50,
              percentile_cont(0.95) within group (order by latency_ms) as p95
       from access_log where decision is not null and decided_at >= $1 and decided_at < $2`,
      range,
    )) as {
      attempts: number;
      granted: number;
      denied: number;
      p50: number | null;
      p95: number | null;
    }[];
    const hours = (await this.db.query(
      `with hours as (
         select generate_series(date_trunc('hour', $1::timestamptz at time zone 'UTC'),
                                $2::timestamptz at time zone 'UTC' - interval '1 microsecond',
                                interval '1 hour') as hour)
       select (h.hour at time zone 'UTC') as hour,
              count(a.request_id)::int as attempts,
              count(a.request_id) filter (where a.decision = 'granted')::int as granted,
              count(a.request_id) filter (where a.decision = 'denied')::int as denied
       from hours h left join access_log a
         on a.decision is not null and a.decided_at >= $1 and a.decided_at < $2
        and date_trunc('hour', a.decided_at at time zone 'UTC') = h.hour
       group by h.hour order by h.hour`,
      range,
    )) as { hour: Date; attempts: number; granted: number; denied: number }[];
    const reasons = (await this.db.query(
      `select reason, count(*)::int as count
       from access_log, unnest(reasons) as reason
       where decision = 'denied' and decided_at >= $1 and decided_at < $2
       group by reason order by count desc, reason`,
      range,
    )) as { reason: string; count: number }[];
    return {
      from: range[0]!,
      to: range[1]!,
      attempts: totals!.attempts,
      granted: totals!.granted,
      denied: totals!.denied,
      perHour: hours.map((h) => ({ ...h, hour: h.hour.toISOString() })),
      denialsByReason: reasons,
      latencyMs: { p50: totals!.p50, p95: totals!.p95 },
    };
  }
}
