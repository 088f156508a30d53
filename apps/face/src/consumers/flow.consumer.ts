import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import {
  AUTH_EVENTS_V1,
  AuthEventsV1,
  FACE_CAPTURED_V1,
  FACE_CAPTURED_V2,
  FaceCapturedV1,
  FaceCapturedV2,
} from '@roomkey/contracts';
import { EventRunner } from '@roomkey/common';
import { FaceChecks } from '../services/face-checks.service';
import { Templates } from '../services/templates.service';

@Controller()
export class FlowConsumer {
  constructor(
    private readonly runner: EventRunner,
    private readonly checks: FaceChecks,
    private readonly templates: Templates,
  ) {}

  @EventPattern(FACE_CAPTURED_V1)
  captured(@Ctx() ctx: KafkaContext): Promise<void> {
    return this.runner.run(ctx, FaceCapturedV1, (e) => this.checks.onCaptured(e));
  }

  /** A burst of frames answering an active liveness challenge. */
  @EventPattern(FACE_CAPTURED_V2)
  burst(@Ctx() ctx: KafkaContext): Promise<void> {
    return this.runner.run(ctx, FaceCapturedV2, (e) => this.checks.onBurst(e));
  }

  /** A deleted account is an erasure request: the template and the consent record go. */
  @EventPattern(AUTH_EVENTS_V1)
  authEvent(@Ctx() ctx: KafkaContext): Promise<void> {
    return this.runner.run(ctx, AuthEventsV1, async (e) => {
      if (e.payload.kind === 'deleted' && e.payload.userId) {
        await this.templates.erase(e.payload.userId, 'admin', true);
      }
    });
  }
}
