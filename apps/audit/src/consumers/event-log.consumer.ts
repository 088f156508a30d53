import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { ALL_TOPICS, AnyEnvelope } from '@roomkey/contracts';
import { EventRunner } from '@roomkey/common';
import { EventLogService } from '../services/event-log.service';

/** Every topic, dead-letter topics included, goes into the event log. */
export const LOGGED_TOPICS = ALL_TOPICS.map((t) => t.name);

@Controller()
export class EventLogConsumer {
  constructor(
    private readonly runner: EventRunner,
    private readonly log: EventLogService,
  ) {}

  @EventPattern(LOGGED_TOPICS)
  handle(@Ctx() ctx: KafkaContext): Promise<void> {
    return this.runner.run(
      ctx,
      AnyEnvelope,
      (event, meta) => this.log.append(event, meta),
      // A dead-letter topic's own poison: recorded in the log, and the partition moves on.
      (meta, error) => this.log.appendUnreadable(meta, error),
    );
  }
}
