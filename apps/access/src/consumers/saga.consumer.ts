import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import {
  ACCESS_REQUESTED_V1,
  AccessRequestedV1,
  AUTH_EVENTS_V1,
  AuthEventsV1,
  FACE_CHECKED_V1,
  FaceCheckedV1,
  QR_CHECKED_V1,
  QrCheckedV1,
} from '@roomkey/contracts';
import { EventRunner } from '@roomkey/common';
import { People } from '../services/people.service';
import { Sagas } from '../services/sagas.service';

/** The saga's three inputs, and people's roles and account status from the auth app. */
@Controller()
export class SagaConsumer {
  constructor(
    private readonly runner: EventRunner,
    private readonly sagas: Sagas,
    private readonly people: People,
  ) {}

  @EventPattern(ACCESS_REQUESTED_V1)
  requested(@Ctx() ctx: KafkaContext): Promise<void> {
    return this.runner.run(ctx, AccessRequestedV1, (e) => this.sagas.onRequested(e));
  }

  @EventPattern(QR_CHECKED_V1)
  qrChecked(@Ctx() ctx: KafkaContext): Promise<void> {
    return this.runner.run(ctx, QrCheckedV1, (e) => this.sagas.onQrChecked(e));
  }

  @EventPattern(FACE_CHECKED_V1)
  faceChecked(@Ctx() ctx: KafkaContext): Promise<void> {
    return this.runner.run(ctx, FaceCheckedV1, (e) => this.sagas.onFaceChecked(e));
  }

  @EventPattern(AUTH_EVENTS_V1)
  authEvent(@Ctx() ctx: KafkaContext): Promise<void> {
    return this.runner.run(ctx, AuthEventsV1, ({ payload }) => this.people.apply(payload));
  }
}
