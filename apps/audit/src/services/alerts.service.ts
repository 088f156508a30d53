import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AlertView, auditAlertsV1 } from '@roomkey/contracts';
import { describeError, DomainError, EventPublisher, NotFoundError } from '@roomkey/common';
import { AUDIT_CONFIG, AuditConfig } from '../config';
import { AlertDbRow, alertView, MAX_EVIDENCE } from '../projections/alerts.projection';

/**
 * Alerts for security staff: listed, acknowledged and resolved here; opened by the alert
 * projection as events are logged, and published on audit.alerts.v1.
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
   * Publishes newly opened alerts about recent events, after the logging transaction. A failure
   * is logged, not retried: the alert itself is stored and listed either way.
   */
  async publishOpened(alerts: AlertView[], occurredAt: Date): Promise<void> {
    const age = (Date.now() - occurredAt.getTime()) / 1000;
    if (age > this.config.ALERT_PUBLISH_MAX_AGE_S) return;
    for (const a of alerts) {
      await this.announce(a).catch((err: unknown) =>
        this.logger.warn(`could not publish alert ${a.id}: ${describeError(err)}`),
      );
    }
  }

  private announce(a: AlertView, change?: { by: string; at: Date }) {
    return this.publisher.publish(auditAlertsV1, {
      key: a.subject,
      correlationId: a.id,
      ...(change ? { occurredAt: change.at } : {}),
      payload: {
        alertId: a.id,
        type: a.type,
        severity: a.severity,
        subject: a.subject,
        windowSeconds: a.windowSeconds,
        count: a.count,
        evidence: a.evidence.slice(-MAX_EVIDENCE),
        state: a.state,
        ...(change ? { by: change.by } : {}),
      },
    });
  }

  async list(state?: AlertView['state'], limit = 100): Promise<AlertView[]> {
    const rows = (await this.db.query(
      `select * from alerts ${state ? 'where state = $2' : ''} order by seq desc limit $1`,
      state ? [limit, state] : [limit],
    )) as AlertDbRow[];
    return rows.map(alertView);
  }

  /** Alerts opened after `seq`, oldest first. */
  async since(seq: number, limit = 100): Promise<AlertView[]> {
    const rows = (await this.db.query(
      'select * from alerts where seq > $1 order by seq asc limit $2',
      [seq, limit],
    )) as AlertDbRow[];
    return rows.map(alertView);
  }

  /** Acknowledged by whom and when; acknowledging twice keeps the first. */
  acknowledge(id: string, by: string): Promise<AlertView> {
    return this.change(id, by, 'acknowledged', (m, at) =>
      m.query(
        `update alerts set state = 'acknowledged', acked_by = $2, acked_at = $3
         where id = $1 and state = 'open'`,
        [id, by, at],
      ),
    );
  }

  resolve(id: string, by: string): Promise<AlertView> {
    return this.change(id, by, 'resolved', (m, at) =>
      m.query(
        `update alerts set state = 'resolved', resolved_at = $2 where id = $1 and state <> 'resolved'`,
        [id, at],
      ),
    );
  }

  /**
   * A change of state is stored only once it is announced on audit.alerts.v1, where the log
   * picks it up: rebuilding the alerts from the log gives them the same state. No announcement,
   * no change (503).
   */
  private async change(
    id: string,
    by: string,
    to: AlertView['state'],
    update: (m: EntityManager, at: Date) => Promise<unknown>,
  ): Promise<AlertView> {
    return this.db.transaction(async (m) => {
      const select = async () =>
        ((await m.query('select * from alerts where id = $1 for update', [id])) as AlertDbRow[])[0];
      const before = await select();
      if (!before) throw new NotFoundError('ALERT_NOT_FOUND', 'no alert with this id');
      const at = new Date();
      await update(m, at);
      const after = alertView((await select())!);
      if (before.state === after.state) return after;
      await this.announce(after, { by, at }).catch((err: unknown) => {
        this.logger.warn(`could not announce alert ${id} ${to}: ${describeError(err)}`);
        throw new DomainError(
          'EVENTS_UNAVAILABLE',
          'the change could not be recorded right now; try again',
          503,
        );
      });
      return after;
    });
  }
}
