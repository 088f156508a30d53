import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { TopicSpec } from '@roomkey/contracts';
import {
  buildEvent,
  describeError,
  EventPublisher,
  KAFKA_APP_NAME,
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
export class Outbox implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('access');
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    @InjectRepository(OutboxRow) private readonly rows: Repository<OutboxRow>,
    @Inject(ACCESS_CONFIG) private readonly config: AccessConfig,
    @Inject(KAFKA_APP_NAME) private readonly app: string,
    private readonly publisher: EventPublisher,
  ) {}

  async add<S extends TopicSpec>(m: EntityManager, spec: S, opts: PublishOptions<S>) {
    const event = buildEvent(spec, this.app, opts);
    await m.query('insert into outbox (topic, key, event, created_at) values ($1, $2, $3, now())', [
      spec.name,
      opts.key,
      event,
    ]);
    return event;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.relay(), this.config.ACCESS_TICK_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Publishes what is unsent, oldest first; one relay at a time per process. */
  async relay(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    let sent = 0;
    try {
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
    } catch (err) {
      this.logger.warn(`outbox relay: ${describeError(err)}; will retry`);
    } finally {
      this.running = false;
    }
    return sent;
  }
}
