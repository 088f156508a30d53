import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  ACCESS_DECIDED_V1,
  AUDIT_ALERTS_V1,
  AlertView,
  AuditAlertsV1Payload,
  WEBHOOKS_EVENTS_V1,
} from '@roomkey/contracts';
import { derivedUuid } from '@roomkey/common';
import { AUDIT_CONFIG, AuditConfig } from '../config';
import {
  AlertHit,
  DEVICE_REJECTIONS,
  denialSubjects,
  deviceRejectionSource,
  singleEventAlerts,
} from '../domain/alert-rules';
import { LoggedRow, Projection, tableName } from './projection';

export interface AlertDbRow {
  id: string;
  seq: string;
  type: string;
  severity: string;
  subject: string;
  window_seconds: number;
  count: number;
  evidence: string[];
  state: AlertView['state'];
  first_at: Date;
  last_at: Date;
  acked_by: string | null;
  acked_at: Date | null;
}

export const alertView = (r: AlertDbRow): AlertView => ({
  id: r.id,
  seq: Number(r.seq),
  type: r.type,
  severity: r.severity as AlertView['severity'],
  subject: r.subject,
  windowSeconds: r.window_seconds,
  count: r.count,
  evidence: r.evidence,
  state: r.state,
  firstAt: r.first_at.toISOString(),
  lastAt: r.last_at.toISOString(),
  ackedBy: r.acked_by,
  ackedAt: r.acked_at ? r.acked_at.toISOString() : null,
});

export const MAX_EVIDENCE = 100;

/**
 * An alert's id follows from the rule, the subject and the event that opened it, so a rebuild
 * gives every alert the id it had live (and acknowledgements, logged by id, find it again).
 */
export const alertId = (type: string, subject: string, openedBy: string) =>
  derivedUuid('alert', type, subject, openedBy);

/**
 * The most events in one window of `windowMs` that contains `at`: windows start at each event
 * up to `at` (a window with no event at its start holds no more than one that has). Events
 * sorted by time.
 */
export function busiestWindow<E extends { occurred_at: Date }>(
  events: E[],
  at: Date,
  windowMs: number,
): E[] {
  let best: E[] = [];
  for (const [i, first] of events.entries()) {
    const start = first.occurred_at.getTime();
    if (start > at.getTime()) break;
    if (start <= at.getTime() - windowMs) continue;
    const inside = events.slice(i).filter((e) => e.occurred_at.getTime() < start + windowMs);
    if (inside.length > best.length) best = inside;
  }
  return best;
}

/**
 * The alert projection: the rules run on each logged row. An alert is one row per rule and
 * subject while it is not resolved (a unique index, so two instances cannot open two); further
 * hits add to its count and evidence. Acknowledging and resolving are announced on
 * audit.alerts.v1 and so logged too: the log alone gives every alert its state.
 */
@Injectable()
export class AlertsProjection implements Projection<AlertView[]> {
  readonly name = 'alerts';
  readonly table = 'alerts';
  readonly topics = [
    'face.checked.v1',
    'face.enrolment.v1',
    'lock.events.v1',
    'auth.events.v1',
    ACCESS_DECIDED_V1,
    AUDIT_ALERTS_V1,
    WEBHOOKS_EVENTS_V1,
  ];
  readonly serial = { column: 'seq', key: 'id' };

  constructor(
    @Inject(AUDIT_CONFIG)
    private readonly config: Pick<
      AuditConfig,
      'ALERT_DENIALS_THRESHOLD' | 'ALERT_DENIALS_WINDOW_S' | 'ALERT_DEVICE_WINDOW_S'
    >,
  ) {}

  /** Applies a logged row; returns the alerts it opened (an alert already open only grows). */
  async apply(m: EntityManager, table: string, row: LoggedRow): Promise<AlertView[]> {
    const t = tableName(table);
    if (row.topic === AUDIT_ALERTS_V1) {
      await this.applyStateChange(m, t, row);
      return [];
    }
    const payload = (row.payload ?? {}) as Record<string, unknown>;
    const opened: AlertView[] = [];
    const raise = async (hit: AlertHit, windowSeconds: number, evidence: string[]) => {
      const r = await this.raise(m, t, hit, windowSeconds, evidence, row);
      if (r.opened) opened.push(r.alert);
    };
    for (const hit of singleEventAlerts(row.topic, payload)) await raise(hit, 0, [row.eventId]);
    const { user, door } = denialSubjects(row.topic, payload);
    const window = this.config.ALERT_DENIALS_WINDOW_S;
    for (const [field, id] of [
      ['userId', user],
      ['doorId', door],
    ] as const) {
      if (!id) continue;
      // Denials logged up to this row (what was known when it was logged, on a rebuild too),
      // around its time: records of different requests arrive in any order.
      const rows = (await m.query(
        `select event_id, occurred_at from event_log
         where topic = 'access.decided.v1' and payload->>'decision' = 'denied'
           and payload->>'${field}' = $1
           and occurred_at > $2::timestamptz - ($3 || ' seconds')::interval
           and occurred_at < $2::timestamptz + ($3 || ' seconds')::interval
           and id <= $4
         order by occurred_at, id`,
        [id, row.occurredAt.toISOString(), String(window), row.id],
      )) as { event_id: string; occurred_at: Date }[];
      const busiest = busiestWindow(rows, row.occurredAt, window * 1000);
      if (busiest.length >= this.config.ALERT_DENIALS_THRESHOLD) {
        const subject = `${field === 'userId' ? 'user' : 'door'}:${id}`;
        await raise(
          { type: 'repeated-denials', severity: 'high', subject },
          window,
          busiest.map((r) => r.event_id),
        );
      }
    }
    const source = deviceRejectionSource(row.topic, payload);
    if (source) {
      const deviceWindow = this.config.ALERT_DEVICE_WINDOW_S;
      const rows = (await m.query(
        `select event_id, occurred_at from event_log
         where topic = 'auth.events.v1' and payload->>'kind' = 'login-failed'
           and payload->>'reason' = any($5) and payload->>'ip' = $1
           and occurred_at > $2::timestamptz - ($3 || ' seconds')::interval
           and occurred_at < $2::timestamptz + ($3 || ' seconds')::interval
           and id <= $4
         order by occurred_at, id`,
        [source, row.occurredAt.toISOString(), String(deviceWindow), row.id, DEVICE_REJECTIONS],
      )) as { event_id: string; occurred_at: Date }[];
      const busiest = busiestWindow(rows, row.occurredAt, deviceWindow * 1000);
      await raise(
        { type: 'device-rejected', severity: 'high', subject: `address:${source}` },
        deviceWindow,
        busiest.length > 0 ? busiest.map((r) => r.event_id) : [row.eventId],
      );
    }
    return opened;
  }

  /** An acknowledgement or resolution, as announced (a no-op live: the row already has it). */
  private async applyStateChange(m: EntityManager, t: string, row: LoggedRow): Promise<void> {
    const parsed = AuditAlertsV1Payload.safeParse(row.payload);
    if (!parsed.success) return;
    const p = parsed.data;
    if (p.state === 'acknowledged') {
      await m.query(
        `update ${t} set state = 'acknowledged', acked_by = $2, acked_at = $3
         where id = $1 and state = 'open'`,
        [p.alertId, p.by ?? null, row.occurredAt],
      );
    } else if (p.state === 'resolved') {
      await m.query(
        `update ${t} set state = 'resolved', resolved_at = $2 where id = $1 and state <> 'resolved'`,
        [p.alertId, row.occurredAt],
      );
    }
  }

  private async raise(
    m: EntityManager,
    t: string,
    hit: AlertHit,
    windowSeconds: number,
    evidence: string[],
    row: LoggedRow,
  ): Promise<{ alert: AlertView; opened: boolean }> {
    const [r] = (await m.query(
      `insert into ${t} (id, type, severity, subject, window_seconds, count, evidence, state, first_at, last_at)
       values ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $8)
       on conflict (type, subject) where state <> 'resolved' do update set
         count = case when excluded.window_seconds > 0 then greatest(${t}.count, excluded.count)
                      else ${t}.count + 1 end,
         evidence = (select coalesce(jsonb_agg(e), '[]'::jsonb) from (
           select distinct e from jsonb_array_elements(${t}.evidence || excluded.evidence) e
         ) d),
         last_at = greatest(${t}.last_at, excluded.last_at)
       returning *, (xmax = 0) as inserted`,
      [
        alertId(hit.type, hit.subject, row.eventId),
        hit.type,
        hit.severity,
        hit.subject,
        windowSeconds,
        evidence.length,
        JSON.stringify(evidence.slice(-MAX_EVIDENCE)),
        row.occurredAt,
      ],
    )) as (AlertDbRow & { inserted: boolean })[];
    return { alert: alertView(r!), opened: r!.inserted };
  }
}
