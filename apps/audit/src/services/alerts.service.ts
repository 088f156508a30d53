import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AlertView, AnyEnvelope, auditAlertsV1 } from '@roomkey/contracts';
import { describeError, EventPublisher, NotFoundError } from '@roomkey/common';
import { AUDIT_CONFIG, AuditConfig } from '../config';
import { AlertHit, denialSubjects, singleEventAlerts } from '../domain/alert-rules';

interface AlertDbRow {
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
  inserted: boolean;
}

const view = (r: AlertDbRow): AlertView => ({
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

const MAX_EVIDENCE = 100;

/**
 * The alert projection: rules run on each event as it is logged. An alert is one row per rule
 * and subject while it is not resolved (a unique index, so two instances cannot open two);
 * further hits add to its count and evidence. A new alert is published on audit.alerts.v1.
 */
@Injectable()
export class Alerts {
  private readonly logger = new Logger('audit');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(AUDIT_CONFIG) private readonly config: AuditConfig,
    private readonly publisher: EventPublisher,
  ) {}

  /**
   * Runs the rules for an event just logged, in the logging transaction; returns the alerts it
   * opened (an alert already open only grows).
   */
  async onLogged(m: EntityManager, topic: string, event: AnyEnvelope): Promise<AlertView[]> {
    const payload = (event.payload ?? {}) as Record<string, unknown>;
    const at = new Date(event.occurredAt);
    const opened: AlertView[] = [];
    const raise = async (
      hit: AlertHit,
      windowSeconds: number,
      count: number,
      evidence: string[],
    ) => {
      const r = await this.raise(m, hit, windowSeconds, evidence, at, count);
      if (r.opened) opened.push(r.alert);
    };
    for (const hit of singleEventAlerts(topic, payload)) await raise(hit, 0, 1, [event.eventId]);
    const { user, door } = denialSubjects(topic, payload);
    const window = this.config.ALERT_DENIALS_WINDOW_S;
    for (const [field, id] of [
      ['userId', user],
      ['doorId', door],
    ] as const) {
      if (!id) continue;
      const rows = (await m.query(
        `select event_id from event_log
         where topic = 'access.decided.v1' and payload->>'decision' = 'denied'
           and payload->>'${field}' = $1
           and occurred_at > $2::timestamptz - ($3 || ' seconds')::interval
           and occurred_at <= $2::timestamptz
         order by id`,
        [id, at.toISOString(), String(window)],
      )) as { event_id: string }[];
      if (rows.length >= this.config.ALERT_DENIALS_THRESHOLD) {
        const subject = `${field === 'userId' ? 'user' : 'door'}:${id}`;
        await raise(
          { type: 'repeated-denials', severity: 'high', subject },
          window,
          rows.length,
          rows.map((r) => r.event_id),
        );
      }
    }
    return opened;
  }

  /**
   * Publishes newly opened alerts about recent events, after the logging transaction. A failure
   * is logged, not retried: the alert itself is stored and listed either way.
   */
  async publish(alerts: AlertView[], occurredAt: Date): Promise<void> {
    const age = (Date.now() - occurredAt.getTime()) / 1000;
    if (age > this.config.ALERT_PUBLISH_MAX_AGE_S) return;
    for (const a of alerts) {
      await this.publisher
        .publish(auditAlertsV1, {
          key: a.subject,
          correlationId: a.id,
          payload: {
            alertId: a.id,
            type: a.type,
            severity: a.severity,
            subject: a.subject,
            windowSeconds: a.windowSeconds,
            count: a.count,
            evidence: a.evidence.slice(-MAX_EVIDENCE),
            state: a.state,
          },
        })
        .catch((err: unknown) =>
          this.logger.warn(`could not publish alert ${a.id}: ${describeError(err)}`),
        );
    }
  }

  private async raise(
    m: EntityManager,
    hit: AlertHit,
    windowSeconds: number,
    evidence: string[],
    at: Date,
    count: number,
  ): Promise<{ alert: AlertView; opened: boolean }> {
    const [row] = (await m.query(
      `insert into alerts (id, type, severity, subject, window_seconds, count, evidence, state, first_at, last_at)
       values ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $8)
       on conflict (type, subject) where state <> 'resolved' do update set
         count = case when excluded.window_seconds > 0 then greatest(alerts.count, excluded.count)
                      else alerts.count + 1 end,
         evidence = (select coalesce(jsonb_agg(e), '[]'::jsonb) from (
           select distinct e from jsonb_array_elements(alerts.evidence || excluded.evidence) e
         ) d),
         last_at = greatest(alerts.last_at, excluded.last_at)
       returning *, (xmax = 0) as inserted`,
      [
        randomUUID(),
        hit.type,
        hit.severity,
        hit.subject,
        windowSeconds,
        count,
        JSON.stringify(evidence.slice(-MAX_EVIDENCE)),
        at,
      ],
    )) as AlertDbRow[];
    return { alert: view(row!), opened: row!.inserted };
  }

  async list(state?: AlertView['state'], limit = 100): Promise<AlertView[]> {
    const rows = (await this.db.query(
      `select * from alerts ${state ? 'where state = $2' : ''} order by seq desc limit $1`,
      state ? [limit, state] : [limit],
    )) as AlertDbRow[];
    return rows.map(view);
  }

  /** Alerts opened after `seq`, oldest first. */
  async since(seq: number, limit = 100): Promise<AlertView[]> {
    const rows = (await this.db.query(
      'select * from alerts where seq > $1 order by seq asc limit $2',
      [seq, limit],
    )) as AlertDbRow[];
    return rows.map(view);
  }

  /** Acknowledged by whom and when; acknowledging twice keeps the first. */
  async acknowledge(id: string, by: string): Promise<AlertView> {
    await this.db.query(
      `update alerts set state = 'acknowledged', acked_by = $2, acked_at = now()
       where id = $1 and state = 'open'`,
      [id, by],
    );
    const [row] = (await this.db.query('select * from alerts where id = $1', [id])) as AlertDbRow[];
    if (!row) throw new NotFoundError('ALERT_NOT_FOUND', 'no alert with this id');
    return view(row);
  }

  async resolve(id: string): Promise<AlertView> {
    await this.db.query(
      `update alerts set state = 'resolved', resolved_at = now() where id = $1 and state <> 'resolved'`,
      [id],
    );
    const [row] = (await this.db.query('select * from alerts where id = $1', [id])) as AlertDbRow[];
    if (!row) throw new NotFoundError('ALERT_NOT_FOUND', 'no alert with this id');
    return view(row);
  }
}
