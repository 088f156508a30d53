import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { ACCESS_DECIDED_V1, AccessDecidedV1 } from '@roomkey/contracts';
import { EventRunner } from '@roomkey/common';
import { RequestTracker } from '../domain/request-tracker';
import { FaceCaptures } from '../services/face-captures';

/** Every decision reaches every gateway instance, so whichever holds the client can answer. */
@Controller()
export class DecisionsConsumer {
  constructor(
    private readonly runner: EventRunner,
    private readonly tracker: RequestTracker,
    private readonly captures: FaceCaptures,
  ) {}

  @EventPattern(ACCESS_DECIDED_V1)
  handle(@Ctx() ctx: KafkaContext): Promise<void> {
    return this.runner.run(ctx, AccessDecidedV1, async (event) => {
      const { requestId, decision, reasons, doorId } = event.payload;
      this.tracker.decided(requestId, decision, reasons, new Date(event.occurredAt), doorId);
      this.captures.settled(requestId);
    });
  }
}
