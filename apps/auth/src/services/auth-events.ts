import { Injectable, Logger } from '@nestjs/common';
import { AuthEventsV1Payload, authEventsV1 } from '@roomkey/contracts';
import { describeError, EventPublisher } from '@roomkey/common';
import type { CallContext } from './context';

/**
 * Publishes sign-in, session and device facts on `auth.events.v1` (account changes go through
 * the `AccountOutbox`). The answer to the caller does not wait on a broker outage: the
 * producer retries, and a fact it still cannot publish is logged as an error (never with a
 * credential in it).
 */
@Injectable()
export class AuthEvents {
  private readonly logger = new Logger(AuthEvents.name);

  constructor(private readonly publisher: EventPublisher) {}

  async emit(payload: AuthEventsV1Payload, ctx: CallContext): Promise<void> {
    const key = payload.userId ?? payload.deviceId ?? `ip:${payload.ip ?? 'unknown'}`;
    try {
      await this.publisher.publish(authEventsV1, {
        key,
        correlationId: ctx.requestId,
        payload: { ...(ctx.actorId ? { actorId: ctx.actorId } : {}), ...payload },
      });
    } catch (err) {
      this.logger.error(`could not publish auth event ${payload.kind}: ${describeError(err)}`);
    }
  }
}
