import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { TopicSpec } from '@roomkey/contracts';
import {
  buildEvent,
  EventPublisher,
  KAFKA_APP_NAME,
  PeriodicJob,
  PublishOptions,
} from '@roomkey/common';
import { DataSource, EntityManager, IsNull, Repository } from 'typeorm';
import { ACCESS_CONFIG, AccessConfig } from '../config';
import { OutboxRow } from '../repositories/entities';

/**
 * The transactional outbox: an event is written in the same PostgreSQL transaction as the
 * state it announces, and a relay publishes unsent rows in order and marks them sent. A crash
 * between publishing and marking publishes the same event (same event id) again, never none.
 * The relay runs as soon as a transaction that added events commits, and on its tick for
 * anything left over.
 */
@Injectable()
export class Outbox extends PeriodicJob {
  protected readonly logger = new Logger('access');
  protected readonly jobName = 'outbox relay';

  /** Transactions (by their manager) that added events and have not committed yet. */
  private readonly adding = new WeakSet<EntityManager>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(OutboxRow) private readonly rows: Repository<OutboxRow>,
    @Inject(ACCESS_CONFIG) private readonly config: AccessConfig,
    @Inject(KAFKA_APP_NAME) private readonly app: string,
    private readonly publisher: EventPublisher,
  ) {
    super();
  }

  protected periodMs(): number {
    return this.config.ACCESS_TICK_MS;
  }

  protected runJob(): Promise<number> {
    return this.relay();
  }

  /**
   * Runs `work` in a transaction; the events it added (`add`) are published as soon as it
   * commits.
   */
  async transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    let manager: EntityManager | undefined;
    const result = await this.db.transaction((m) => {
      manager = m;
      return work(m);
    });
    if (manager && this.adding.delete(manager)) this.runSoon();
    return result;
  }

  /** Adds an event to the transaction `m` (one begun by `transaction`, to be sent at once). */
  async add<S extends TopicSpec>(m: EntityManager, spec: S, opts: PublishOptions<S>) {
    this.adding.add(m);
    const event = buildEvent(spec, this.app, opts);
    await m.query('insert into outbox (topic, key, event, created_at) values ($1, $2, $3, now())', [
      spec.name,
      opts.key,
      event,
    ]);
    return event;
  }

  /** Publishes what is unsent, oldest first (a failure stops the batch; the next run retries). */
  async relay(): Promise<number> {
    let sent = 0;
    const batch = await this.rows.find({
      where: { sentAt: IsNull() },
      order: { id: 'ASC' },
      take: 100,
    });
    for (const row of batch) {
      const event = row.event as { eventId: string };
      await this.publisher.send(row.topic, row.key, Buffer.from(JSON.stringify(event)), {
        'content-type': 'application/json',
        'event-id': event.eventId,
      });
      await this.rows.update({ id: row.id }, { sentAt: new Date() });
      sent++;
    }
    return sent;
  }
}
