import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import type { Consumer } from 'kafkajs';
import { AUTH_EVENTS_V1, AuthEventsV1, AuthEventsV1Payload } from '@roomkey/contracts';
import { describeError, kafkaClient } from '@roomkey/common';
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
 * Feeds `Revocations` from `auth.events.v1`. Each gateway instance reads the topic in a consumer
 * group of its own, from the records of the last token lifetime (plus clock tolerance) on, so a
 * freshly started instance knows every revocation a live token could be subject to. Until it
 * has read up to where the topic ended when it started, `ready` is false and tokens are not
 * accepted.
 */
@Injectable()
export class RevocationFeed
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger('gateway');
  private consumer: Consumer | undefined;
  private stopping: Promise<void> | undefined;
  private behind = new Map<number, bigint>();
  private started = false;
  private caughtUp!: () => void;
  private readonly whenCaughtUp = new Promise<void>((resolve) => (this.caughtUp = resolve));

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly revocations: Revocations,
  ) {}

  /** Whether every revocation announced before this instance started is known. */
  get ready(): boolean {
    return this.started && this.behind.size === 0;
  }

  async onApplicationBootstrap(): Promise<void> {
    const starting = this.start().catch((err: unknown) => {
      this.logger.error(`revocation feed could not start: ${describeError(err)}`);
    });
    await Promise.race([
      starting.then(() => this.whenCaughtUp),
      new Promise((resolve) => setTimeout(resolve, BOOT_WAIT_MS).unref()),
    ]);
  }

  /**
   * Leaves the group while Nest closes the HTTP server and the decisions' consumer: each waits
   * for its fetch in flight (up to 5 s), and one after the other they came close to the 10 s a
   * container is given to stop.
   */
  beforeApplicationShutdown(): void {
    this.stopping = this.consumer?.disconnect().catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await (this.stopping ?? this.consumer?.disconnect().catch(() => undefined));
  }

  private async start(): Promise<void> {
    const kafka = kafkaClient(this.config, '-revocations');
    const from = Date.now() - this.horizonMs();
    const admin = kafka.admin();
    const start = new Map<number, bigint>();
    try {
      await admin.connect();
      const high = new Map(
        (await admin.fetchTopicOffsets(AUTH_EVENTS_V1)).map((p) => [p.partition, BigInt(p.high)]),
      );
      for (const p of await admin.fetchTopicOffsetsByTimestamp(AUTH_EVENTS_V1, from)) {
        const offset = BigInt(p.offset);
        const end = high.get(p.partition) ?? 0n;
        // No record at or after the instant: nothing to read before the end.
        start.set(p.partition, offset < 0n || offset > end ? end : offset);
        if (offset >= 0n && offset < end) this.behind.set(p.partition, end);
      }
    } finally {
      await admin.disconnect();
    }
    const consumer = kafka.consumer({
      groupId: `${this.config.KAFKA_GROUP_ID}.revocations`,
      allowAutoTopicCreation: false,
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic: AUTH_EVENTS_V1, fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        this.take(message.value);
        const end = this.behind.get(partition);
        if (end !== undefined && BigInt(message.offset) + 1n >= end) this.behind.delete(partition);
        if (this.ready) this.caughtUp();
      },
    });
    for (const [partition, offset] of start) {
      consumer.seek({ topic: AUTH_EVENTS_V1, partition, offset: offset.toString() });
    }
    this.started = true;
    if (this.ready) this.caughtUp();
  }

  private take(value: Buffer | null): void {
    let parsed: ReturnType<typeof AuthEventsV1.safeParse>;
    try {
      parsed = AuthEventsV1.safeParse(JSON.parse(value?.toString('utf8') ?? ''));
    } catch {
      return;
    }
    // A record off the contract revokes nothing; the audit app records it as dead-lettered.
    if (!parsed.success) return;
    const { payload, occurredAt } = parsed.data;
    const sameSecond = revokingOf(payload);
    const subject = payload.kind === 'device-revoked' ? payload.deviceId : payload.userId;
    if (sameSecond === undefined || !subject) return;
    this.revocations.revoke(subject, Date.parse(occurredAt), sameSecond);
  }

  private horizonMs(): number {
    return (this.config.TOKEN_MAX_LIFETIME_S + this.config.TOKEN_CLOCK_TOLERANCE_S) * 1000;
  }
}
