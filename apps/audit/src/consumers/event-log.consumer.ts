import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { ALL_TOPICS, AnyEnvelope } from '@roomkey/contracts';
import { EventRunner } from '@roomkey/common';
import { EventLogService } from '../services/event-log.service';

/**
 * Every topic the audit app consumes, dead-letter topics included, goes into the event log:
 * all of them but its own checkpoints, which are about the log and cannot be in it.
 */
export const LOGGED_TOPICS = ALL_TOPICS.filter((t) => t.consumers.includes('audit')).map(
  (t) => t.name,
);

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
