import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import {
  ACCESS_DECIDED_V1,
  AccessDecidedV1,
  AUTH_EVENTS_V1,
  AuthEventsV1,
} from '@roomkey/contracts';
import { EventRunner } from '@roomkey/common';
import { Accounts } from '../services/accounts.service';
import { Ledger } from '../services/ledger';

/** What the qr app learns after its answer: account status, and each request's decision. */
@Controller()
export class OutcomesConsumer {
  constructor(
    private readonly runner: EventRunner,
    private readonly accounts: Accounts,
    private readonly ledger: Ledger,
  ) {}

  @EventPattern(AUTH_EVENTS_V1)
  account(@Ctx() ctx: KafkaContext): Promise<void> {
    return this.runner.run(ctx, AuthEventsV1, ({ payload }) => this.accounts.apply(payload));
  }

  /** A denied request gives back the pass use it held. */
  @EventPattern(ACCESS_DECIDED_V1)
  decided(@Ctx() ctx: KafkaContext): Promise<void> {
    return this.runner.run(ctx, AccessDecidedV1, async ({ payload }) => {
      if (payload.decision === 'denied') await this.ledger.denial(payload.requestId);
    });
  }
}
