import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, Repository } from 'typeorm';
import {
  ACCESS_DECIDED_V1,
  ACCESS_REQUESTED_V1,
  AnyEnvelope,
  AccessRequestView,
} from '@roomkey/contracts';
import { derivedUuid, describeError, isTransient, type RecordMeta } from '@roomkey/common';
import { EventLogRow } from '../repositories/event-log.entity';
import { redactPayload } from '../domain/redact';
import { accessRequestView } from '../domain/access-request-view';
import { ChainedContent, GENESIS, rowHash } from '../domain/chain';
import { Alerts } from './alerts.service';
import { AccessLogProjection } from '../projections/access-log.projection';
import { AlertsProjection } from '../projections/alerts.projection';
import type { LoggedRow, Projection } from '../projections/projection';

/** The advisory lock that serialises appends to the chain (and a rebuild's swap with them). */
export const CHAIN_LOCK = 0x726b6175; // 'rkau'

@Injectable()
export class EventLogService {
  private readonly logger = new Logger('audit');

  constructor(
    @InjectRepository(EventLogRow) private readonly rows: Repository<EventLogRow>,
    @InjectDataSource() private readonly db: DataSource,
    private readonly alerts: Alerts,
    private readonly alertRules: AlertsProjection,
    private readonly accessLog: AccessLogProjection,
  ) {}

  /**
   * Appends one consumed record, chained to the row before it. A record seen before (same
   * position or same eventId, e.g. after a redelivery or a restart) is left as it is: exactly
   * one row per record.
   */
  async append(event: AnyEnvelope, meta: RecordMeta): Promise<void> {
    const content: ChainedContent = {
      eventId: event.eventId,
      topic: meta.topic,
      partition: meta.partition,
      offset: meta.offset,
      key: meta.key,
      type: event.type,
      occurredAt: new Date(event.occurredAt),
      correlationId: event.correlationId,
      causationId: event.causationId,
      producer: event.producer,
      traceId: event.trace?.traceparent.split('-')[1] ?? null,
      payload: redactPayload(meta.topic, event.payload),
    };
    // One appender at a time across every audit instance: the chain has one end.
    const opened = await this.db.transaction(async (m) => {
      await m.query('select pg_advisory_xact_lock($1)', [CHAIN_LOCK]);
      // Whether it is logged already, and the end of the chain: one round trip.
      const [state] = (await m.query(
        `select exists (select 1 from event_log
                 where (topic = $1 and partition = $2 and "offset" = $3) or event_id = $4) as seen,
                (select hash from event_log where hash is not null order by id desc limit 1) as hash`,
        [meta.topic, meta.partition, meta.offset, event.eventId],
      )) as { seen: boolean; hash: string | null }[];
      if (state!.seen) return [];
      const prevHash = state!.hash ?? GENESIS;
      const inserted = await m.insert(EventLogRow, {
        ...content,
        payload: content.payload as object,
        prevHash,
        hash: rowHash(prevHash, content),
      });
      // The projections move with the log, in the same transaction, from what was logged.
      const row: LoggedRow = {
        id: String((inserted.identifiers[0] as { id: string | number }).id),
        eventId: content.eventId,
        topic: content.topic,
        occurredAt: content.occurredAt,
        payload: content.payload,
      };
      await this.project(m, row, this.accessLog);
      return (await this.project(m, row, this.alertRules)) ?? [];
    });
    await this.alerts.publishOpened(opened, content.occurredAt);
  }

  /**
   * Applies a projection to a row being logged, behind a savepoint: a projection that fails on
   * it (a bug, a value it cannot hold) must not cost the log its row. The row is logged, the
   * failure is reported, and the projection is put right by a rebuild once fixed. A failure of
   * the database itself still fails the append, which is then retried.
   */
  private async project<R>(
    m: EntityManager,
    row: LoggedRow,
    projection: Projection<R>,
  ): Promise<R | undefined> {
    if (!projection.topics.includes(row.topic)) return undefined;
    await m.query('savepoint projection');
    try {
      const result = await projection.apply(m, projection.table, row);
      await m.query('release savepoint projection');
      return result;
    } catch (err) {
      if (isTransient(err)) throw err;
      await m.query('rollback to savepoint projection');
      this.logger.error(
        `projection failed on ${row.topic} row ${row.id} (event ${row.eventId}); logged anyway, rebuild once fixed: ${describeError(err)}`,
      );
      return undefined;
    }
  }

  /**
   * A record on a dead-letter topic that cannot be read: it has no event to log, so it is logged
   * as what it is (where it was and why it could not be read, never its bytes), chained like
   * any row, once per record.
   */
  appendUnreadable(meta: RecordMeta, error: string): Promise<void> {
    return this.append(
      {
        eventId: derivedUuid('unreadable', meta.topic, String(meta.partition), meta.offset),
        type: 'unreadable-record',
        occurredAt: new Date(Number(meta.timestamp) || Date.now()).toISOString(),
        correlationId: meta.key ?? `${meta.topic}:${meta.partition}:${meta.offset}`,
        causationId: null,
        producer: 'unknown',
        payload: { error },
      },
      meta,
    );
  }

  async accessRequest(requestId: string): Promise<AccessRequestView | null> {
    const events = await this.rows.find({
      where: { correlationId: requestId, topic: In([ACCESS_REQUESTED_V1, ACCESS_DECIDED_V1]) },
      order: { id: 'ASC' },
    });
    return accessRequestView(requestId, events);
  }
}
