import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { TopicSpec } from '@roomkey/contracts';
import {
  buildEvent,
  EventPublisher,
  KAFKA_APP_NAME,
  PeriodicJob,
  PublishOptions,
} from '@roomkey/common';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { ACCESS_CONFIG, AccessConfig } from '../config';
import { OutboxRow } from '../repositories/entities';

/**
 * The transactional outbox: an event is written in the same PostgreSQL transaction as the
 * state it announces, and a relay publishes unsent rows in order and marks them sent. A crash
 * between publishing and marking publishes the same event (same event id) again, never none.
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
    return this.config.ACCESS_TICK_MS;
  }

  protected runJob(): Promise<number> {
    return this.relay();
  }

  async add<S extends TopicSpec>(m: EntityManager, spec: S, opts: PublishOptions<S>) {
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
