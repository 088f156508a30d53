import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { TopicSpec } from '@roomkey/contracts';
import {
  buildEvent,
  eventRecord,
  EventPublisher,
  KAFKA_APP_NAME,
  PeriodicJob,
  PublishOptions,
} from '@roomkey/common';
import { In, IsNull, Repository } from 'typeorm';
import { ACCESS_CONFIG, AccessConfig } from '../config';
import { OutboxRow } from '../repositories/entities';

/** How long a routine event may wait for company before the relay sends it. */
const ROUTINE_WAIT_MS = 250;

/** The advisory lock the outbox relays of the app's instances take turns with (any fixed number). */
const RELAY_LOCK = 7_403_222;

/**
 * An insert of one event into the outbox for each row of `source` (a table or CTE of the
 * statement), from the parameters `$first` … `$first+2` that `Outbox.params` gives.
 */
export const outboxInsert = (source: string, first: number) =>
  `insert into outbox (topic, key, event, created_at)
   select $${first}::text, $${first + 1}::text, $${first + 2}::jsonb, now() from ${source}`;

/**
 * The transactional outbox: an event is written by the same statement as the state it
 * announces (`outboxInsert`), and a relay publishes unsent rows in order and marks them sent. A
 * crash between publishing and marking publishes the same event (same event id) again, never
 * none. The relay runs as soon as a statement that added events commits (`added`), and every
 * ACCESS_RESCAN_MS for anything left over.
 */
@Injectable()
export class Outbox extends PeriodicJob {
  protected readonly logger = new Logger('access');
  protected readonly jobName = 'outbox relay';

  constructor(
    @InjectRepository(OutboxRow) private readonly rows: Repository<OutboxRow>,
    @Inject(ACCESS_CONFIG) private readonly config: AccessConfig,
    @Inject(KAFKA_APP_NAME) private readonly app: string,
    private readonly publisher: EventPublisher,
  ) {
    super();
  }

  protected periodMs(): number {
    return this.config.ACCESS_RESCAN_MS;
  }

  protected runJob(): Promise<number> {
    return this.relay();
  }

  /**
   * An event as the three parameters (topic, key, event) of `outboxInsert`, for a statement that
   * writes its state and its event together. Once that statement has committed, `added` sends
   * the event at once.
   */
  params<S extends TopicSpec>(spec: S, opts: PublishOptions<S>): [string, string, object] {
    return [spec.name, opts.key, buildEvent(spec, this.app, opts)];
  }

  /** A statement of the caller's inserted events (with `outboxInsert`): they go out now. */
  added(): void {
    this.runSoon();
  }

  /**
   * Routine events (a lock's acknowledgement, its door's ordinary state) go out with the next
   * relay run, at most ROUTINE_WAIT_MS from now: one produce request and one transaction then
   * carry what several statements added, often with a decision's event.
   */
  addedRoutine(): void {
    this.runIn(ROUTINE_WAIT_MS);
  }

  /**
   * Publishes what is unsent, oldest first, in one produce request; then marks it sent. A failure
   * sends nothing as sent: the next run sends the batch again (same event ids). Instances of the
   * app take turns (a transaction's advisory lock): two relays reading the same unsent rows would
   * publish each event twice, and rows skipped by one relay and taken by another could leave a
   * lock's events out of order.
   */
  async relay(): Promise<number> {
    return this.rows.manager.transaction(async (m) => {
      await m.query('select pg_advisory_xact_lock($1)', [RELAY_LOCK]);
      const batch = await m.find(OutboxRow, {
        where: { sentAt: IsNull() },
        order: { id: 'ASC' },
        take: 100,
      });
      if (batch.length === 0) return 0;
      await this.publisher.sendBatch(
        batch.map((row) => eventRecord(row.topic, row.key, row.event as { eventId: string })),
      );
      await m.update(OutboxRow, { id: In(batch.map((row) => row.id)) }, { sentAt: new Date() });
      return batch.length;
    });
  }
}
