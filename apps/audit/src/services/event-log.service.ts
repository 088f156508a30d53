import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, Repository } from 'typeorm';
import {
  ACCESS_DECIDED_V1,
  ACCESS_REQUESTED_V1,
  AUDIT_ALERTS_V1,
  LOCK_EVENTS_V1,
  AnyEnvelope,
  AccessRequestView,
  AlertView,
} from '@roomkey/contracts';
import {
  type AccessRequestOwner,
  derivedUuid,
  describeError,
  isTransient,
  type RecordMeta,
} from '@roomkey/common';
import { AUDIT_CONFIG, AuditConfig } from '../config';
import { EventLogRow } from '../repositories/event-log.entity';
import { redactPayload } from '../domain/redact';
import { accessRequestOwner, accessRequestView } from '../domain/access-request-view';
import { ChainedContent, ChainKeys, GENESIS, keyedRowHash } from '../domain/chain';
import { CHAIN_KEYS } from '../adapters/chain-keys';
import { Alerts } from './alerts.service';
import { Checkpoints } from './checkpoints.service';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookQueue } from './webhook-queue';
import { AccessLogProjection } from '../projections/access-log.projection';
import { AlertsProjection } from '../projections/alerts.projection';
import type { LoggedRow, Projection } from '../projections/projection';

/** The advisory lock that serialises appends to the chain (and a rebuild's swap with them). */
export const CHAIN_LOCK = 0x726b6175; // 'rkau'

/** A projection failed on a row being logged: the transaction is given up and run guarded. */
class ProjectionFailed extends Error {}

/** The topics whose rows can make webhook messages of their own (alerts opened aside). */
const WEBHOOK_TOPICS = new Set([ACCESS_DECIDED_V1, LOCK_EVENTS_V1, AUDIT_ALERTS_V1]);

/** The most records one transaction logs. */
const MAX_GROUP = 100;
/** A record older than this when consumed is part of a backlog, and is not held back to group. */
const CATCHING_UP_AFTER_MS = 1000;

interface PendingAppend {
  content: ChainedContent;
  resolve: () => void;
  reject: (err: unknown) => void;
}

@Injectable()
export class EventLogService {
  private readonly logger = new Logger('audit');
  /** Records waiting for the transaction after the one running. */
  private readonly waiting: PendingAppend[] = [];
  private appending = false;

  constructor(
    @InjectRepository(EventLogRow) private readonly rows: Repository<EventLogRow>,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(AUDIT_CONFIG) private readonly config: AuditConfig,
    @Inject(CHAIN_KEYS) private readonly keys: ChainKeys,
    private readonly alerts: Alerts,
    private readonly checkpoints: Checkpoints,
    private readonly alertRules: AlertsProjection,
    private readonly accessLog: AccessLogProjection,
    private readonly webhookQueue: WebhookQueue,
    private readonly webhooks: WebhookDispatcher,
  ) {}

  /**
   * Appends one consumed record, chained to the row before it. A record seen before (same
   * position or same eventId, e.g. after a redelivery or a restart) is left as it is: exactly
   * one row per record.
   *
   * Records handled at the same time (the consumer works on several partitions at once) are
   * logged together: while one transaction appends, the records that arrive wait for it and
   * then go in the next, so under load a transaction logs many rows. At rest a fresh record
   * waits AUDIT_GROUP_WAIT_MS for the others of its request. Each caller's promise settles when
   * its own row is committed.
   */
  append(event: AnyEnvelope, meta: RecordMeta): Promise<void> {
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
    return new Promise((resolve, reject) => {
      this.waiting.push({ content, resolve, reject });
      if (this.appending) return;
      this.appending = true;
      // An older record means the log is catching up: it and those behind it go at once.
      const wait = this.config.AUDIT_GROUP_WAIT_MS;
      const fresh = Date.now() - content.occurredAt.getTime() < CATCHING_UP_AFTER_MS;
      if (wait > 0 && fresh) setTimeout(() => void this.appendWaiting(), wait);
      else void this.appendWaiting();
    });
  }

  /** Logs what is waiting, group after group, until nothing is (`appending` set by the caller). */
  private async appendWaiting(): Promise<void> {
    try {
      while (this.waiting.length > 0) await this.appendGroup(this.waiting.splice(0, MAX_GROUP));
    } finally {
      this.appending = false;
    }
  }

  /** Logs a group in one transaction and settles each record's promise; never throws. */
  private async appendGroup(group: PendingAppend[]): Promise<void> {
    let opened: AlertView[][];
    let queued = 0;
    try {
      const contents = group.map((g) => g.content);
      const appended = await this.db
        .transaction((m) => this.appendIn(m, contents, false))
        .catch((err: unknown) => {
          // A projection failed on a row, so nothing was logged: again, each projection of
          // each row behind a savepoint of its own.
          if (!(err instanceof ProjectionFailed)) throw err;
          return this.db.transaction((m) => this.appendIn(m, contents, true));
        });
      opened = appended.opened;
      queued = appended.queued;
      this.checkpoints.logged(appended.logged);
    } catch (err) {
      if (group.length > 1 && !isTransient(err)) {
        // A record the database refuses must not fail the others with it: each on its own.
        for (const g of group) await this.appendGroup([g]);
        return;
      }
      for (const g of group) g.reject(err);
      return;
    }
    if (queued > 0) this.webhooks.kick();
    for (const [i, g] of group.entries()) {
      // Logged is logged: an alert that cannot be announced is reported, never retried here.
      await this.alerts
        .publishOpened(opened[i]!, g.content.occurredAt)
        .catch((err: unknown) =>
          this.logger.warn(`could not announce alerts: ${describeError(err)}`),
        )
        .finally(() => g.resolve());
    }
  }

  /**
   * Appends the records not logged yet, in order; the alerts each one opened, and how many rows
   * were logged. Each row is chained under the chain's current key. `guarded` puts
   * each projection of each row behind a savepoint; without it a failing projection fails the
   * transaction (ProjectionFailed), which costs nothing while projections work.
   */
  private async appendIn(
    m: EntityManager,
    contents: ChainedContent[],
    guarded: boolean,
  ): Promise<{ opened: AlertView[][]; logged: number; queued: number }> {
    // One appender at a time across every audit instance: the chain has one end.
    await m.query('select pg_advisory_xact_lock($1)', [CHAIN_LOCK]);
    // The log's id, the end of the chain, and which of the records are logged already: one
    // round trip.
    const [state] = (await m.query(
      `select (select log_id::text from event_log_chain) as log_id,
              (select hash from event_log where hash is not null order by id desc limit 1) as hash,
              array(select event_id::text from event_log where event_id = any($1::uuid[])) as ids,
              array(select e.topic || ' ' || e.partition || ' ' || e."offset"
                      from unnest($2::text[], $3::int[], $4::bigint[]) as r(topic, partition, "offset")
                      join event_log e on e.topic = r.topic and e.partition = r.partition
                                      and e."offset" = r."offset") as positions`,
      [
        contents.map((c) => c.eventId),
        contents.map((c) => c.topic),
        contents.map((c) => c.partition),
        contents.map((c) => c.offset),
      ],
    )) as { log_id: string | null; hash: string | null; ids: string[]; positions: string[] }[];
    const seen = new Set([...state!.ids, ...state!.positions]);
    const fresh: number[] = [];
    for (const [i, c] of contents.entries()) {
      const position = `${c.topic} ${c.partition} ${c.offset}`;
      if (seen.has(c.eventId) || seen.has(position)) continue;
      seen.add(c.eventId).add(position);
      fresh.push(i);
    }
    const opened: AlertView[][] = contents.map(() => []);
    if (fresh.length === 0) return { opened, logged: 0, queued: 0 };
    const logId = state!.log_id;
    if (!logId) throw new Error('event_log_chain holds no log id: the log cannot be chained');
    const chainKeyId = this.keys.currentKeyId;
    const key = this.keys.key(chainKeyId)!;
    let prevHash = state!.hash ?? GENESIS;
    const rows = fresh.map((i) => {
      const content = contents[i]!;
      const hash = keyedRowHash(key, logId, prevHash, content);
      const row = { ...content, payload: content.payload as object, prevHash, hash, chainKeyId };
      prevHash = hash;
      return row;
    });
    // One statement; PostgreSQL assigns the ids in the order of the rows, the chain's order.
    const inserted = await m.insert(EventLogRow, rows);
    // The projections move with the log, in the same transaction, from what was logged.
    const logged = fresh.map((i, n) => {
      const content = contents[i]!;
      const row: LoggedRow = {
        id: String((inserted.identifiers[n] as { id: string | number }).id),
        eventId: content.eventId,
        topic: content.topic,
        occurredAt: content.occurredAt,
        payload: content.payload,
      };
      return { i, row };
    });
    let queued = 0;
    for (const { i, row } of logged) {
      if (guarded) {
        await this.project(m, row, this.accessLog);
        opened[i] = (await this.project(m, row, this.alertRules)) ?? [];
        queued +=
          (await this.guard(m, row, 'webhooks', () => this.enqueue(m, row, opened[i]!))) ?? 0;
        continue;
      }
      try {
        if (this.projected(row, this.accessLog)) {
          await this.accessLog.apply(m, this.accessLog.table, row);
        }
        if (this.projected(row, this.alertRules)) {
          opened[i] = await this.alertRules.apply(m, this.alertRules.table, row);
        }
        queued += await this.enqueue(m, row, opened[i]!);
      } catch (err) {
        if (isTransient(err)) throw err;
        throw new ProjectionFailed();
      }
    }
    return { opened, logged: fresh.length, queued };
  }

  private projected(row: LoggedRow, projection: Projection): boolean {
    return projection.topics.includes(row.topic);
  }

  /**
   * Applies a projection to a row being logged, behind a savepoint: a projection that fails on
   * it (a bug, a value it cannot hold) must not cost the log its row. The row is logged, the
   * failure is reported, and the projection is put right by a rebuild once fixed. A failure of
   * the database itself still fails the append, which is then retried.
   */
  private project<R>(
    m: EntityManager,
    row: LoggedRow,
    projection: Projection<R>,
  ): Promise<R | undefined> {
    if (!this.projected(row, projection)) return Promise.resolve(undefined);
    return this.guard(m, row, `projection ${projection.name}`, () =>
      projection.apply(m, projection.table, row),
    );
  }

  /** Runs one step of logging a row behind a savepoint: see `project`. */
  private async guard<R>(
    m: EntityManager,
    row: LoggedRow,
    what: string,
    step: () => Promise<R>,
  ): Promise<R | undefined> {
    await m.query('savepoint projection');
    try {
      const result = await step();
      await m.query('release savepoint projection');
      return result;
    } catch (err) {
      if (isTransient(err)) throw err;
      await m.query('rollback to savepoint projection');
      this.logger.error(
        `${what} failed on ${row.topic} row ${row.id} (event ${row.eventId}); logged anyway: ${describeError(err)}`,
      );
      return undefined;
    }
  }

  /** Queues the row's webhook messages (only rows of the topics webhooks are made of). */
  private enqueue(m: EntityManager, row: LoggedRow, opened: AlertView[]): Promise<number> {
    if (!WEBHOOK_TOPICS.has(row.topic) && opened.length === 0) return Promise.resolve(0);
    return this.webhookQueue.enqueue(m, row, opened);
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

  /** A request's state and who may read it, from its logged events; null when none is. */
  async accessRequest(
    requestId: string,
  ): Promise<{ view: AccessRequestView; owner: AccessRequestOwner } | null> {
    const events = await this.rows.find({
      where: { correlationId: requestId, topic: In([ACCESS_REQUESTED_V1, ACCESS_DECIDED_V1]) },
      order: { id: 'ASC' },
    });
    const view = accessRequestView(requestId, events);
    return view ? { view, owner: accessRequestOwner(events) } : null;
  }
}
