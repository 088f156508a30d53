import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { ACCESS_REQUESTED_V1, AccessRequestedV1 } from '@roomkey/contracts';
import { EventRunner } from '@roomkey/common';
import { Checks } from '../services/checks.service';

@Controller()
export class AccessRequestedConsumer {
  constructor(
    private readonly runner: EventRunner,
    private readonly checks: Checks,
  ) {}

  @EventPattern(ACCESS_REQUESTED_V1)
  handle(@Ctx() ctx: KafkaContext): Promise<void> {
    return this.runner.run(ctx, AccessRequestedV1, (event) => this.checks.handle(event));
  }
}
