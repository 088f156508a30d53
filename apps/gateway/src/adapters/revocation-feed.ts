import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { AUTH_EVENTS_V1, AuthEventsV1, AuthEventsV1Payload } from '@roomkey/contracts';
import { BroadcastFeed, describeError } from '@roomkey/common';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { Revocations } from '../domain/revocations';

/** The events that end tokens issued before them, and whether a token of the same second goes. */
const REVOKING: Partial<Record<AuthEventsV1Payload['kind'], boolean>> = {
  disabled: true,
  deleted: true,
  'device-revoked': true,
  'role-changed': false,
};

/**
 * A new password ends every session of the account, and every access token issued before it
 * (a token of the same second is kept: the new pair, issued moments after, may share it). A
 * logout ends one session only, whose access token runs out on its own.
 */
const PASSWORD_SET = new Set(['password-changed', 'password-reset']);

export function revokingOf(payload: AuthEventsV1Payload): boolean | undefined {
  if (payload.kind === 'token-revoked') {
    return PASSWORD_SET.has(payload.reason ?? '') ? false : undefined;
  }
  return REVOKING[payload.kind];
}

/** How long boot waits for the feed to catch up before serving (it goes on catching up after). */
const BOOT_WAIT_MS = 10_000;

/**
 * Feeds `Revocations` from `auth.events.v1`. Each gateway instance reads the whole topic (a
 * `BroadcastFeed`: a consumer group of its own, even beside instances with the same settings)
 * from the records of the last token lifetime (plus clock tolerance) on, so a freshly started
 * instance knows every revocation a live token could be subject to. Until it has read up to
 * where the topic ended when it started, `ready` is false and tokens are not accepted.
 */
@Injectable()
export class RevocationFeed
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger('gateway');
  private readonly feed: BroadcastFeed<AuthEventsV1>;
  private stopping: Promise<void> | undefined;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    private readonly revocations: Revocations,
  ) {
    this.feed = new BroadcastFeed({
      config,
      topic: AUTH_EVENTS_V1,
      contract: AuthEventsV1,
      name: 'revocations',
      backMs: (config.TOKEN_MAX_LIFETIME_S + config.TOKEN_CLOCK_TOLERANCE_S) * 1000,
      onRecord: (record) => this.take(record),
    });
  }

  /** Whether every revocation announced before this instance started is known. */
  get ready(): boolean {
    return this.feed.ready;
  }

  async onApplicationBootstrap(): Promise<void> {
    const starting = this.feed.start().catch((err: unknown) => {
      this.logger.error(`revocation feed could not start: ${describeError(err)}`);
    });
    await Promise.race([
      starting.then(() => this.feed.whenReady),
      new Promise((resolve) => setTimeout(resolve, BOOT_WAIT_MS).unref()),
    ]);
  }

  /**
   * Leaves the group while Nest closes the HTTP server and the decisions' consumer: each waits
   * for its fetch in flight (up to 5 s), and one after the other they came close to the 10 s a
   * container is given to stop.
   */
  beforeApplicationShutdown(): void {
    this.stopping = this.feed.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await (this.stopping ?? this.feed.stop());
  }

  private take({ payload, occurredAt }: AuthEventsV1): void {
    const sameSecond = revokingOf(payload);
    const subject = payload.kind === 'device-revoked' ? payload.deviceId : payload.userId;
    if (sameSecond === undefined || !subject) return;
    this.revocations.revoke(subject, Date.parse(occurredAt), sameSecond);
  }
}
