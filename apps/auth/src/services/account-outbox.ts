import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { AuthEventsV1, AuthEventsV1Payload, authEventsV1 } from '@roomkey/contracts';
import {
  buildEvent,
  EventPublisher,
  eventRecord,
  KAFKA_APP_NAME,
  PeriodicJob,
} from '@roomkey/common';
import { User } from '../repositories/schemas';
import type { CallContext } from './context';

/** How often the relay looks for what an earlier run could not publish. */
const RESCAN_MS = 1000;

/** The account kinds that travel through the outbox. */
export type AccountChange = Extract<
  AuthEventsV1Payload['kind'],
  'registered' | 'role-changed' | 'disabled' | 'enabled' | 'deleted'
>;

/**
 * The outbox of account changes. A change to an account and its `auth.events.v1` event are
 * written by one single-document update of the account (`outbox` and `pendingSince`), the only
 * atomic write FerretDB 1.x offers; a relay publishes each account's events in order and then
 * empties its outbox, unless the account changed meanwhile (then it publishes again, the same
 * event ids, on its next run). A deleted account is removed once its deletion is announced. The
 * relay runs as soon as a change is stored, and every second for what a broker outage left.
 */
@Injectable()
export class AccountOutbox extends PeriodicJob {
  protected readonly logger = new Logger('auth');
  protected readonly jobName = 'account outbox relay';

  constructor(
    @InjectModel(User.name) private readonly users: Model<User>,
    @Inject(KAFKA_APP_NAME) private readonly app: string,
    private readonly publisher: EventPublisher,
  ) {
    super();
  }

  protected periodMs(): number {
    return RESCAN_MS;
  }

  protected runJob(): Promise<number> {
    return this.relay();
  }

  /** The envelope of one account change, with the account's state after it. */
  event(
    kind: AccountChange,
    user: Pick<User, '_id' | 'roles' | 'status'>,
    version: number,
    ctx: CallContext,
  ): AuthEventsV1 {
    const event = buildEvent(authEventsV1, this.app, {
      key: user._id,
      correlationId: ctx.requestId,
      payload: {
        kind,
        userId: user._id,
        ...(ctx.actorId ? { actorId: ctx.actorId } : {}),
        roles: kind === 'deleted' ? [] : user.roles,
        status: kind === 'deleted' ? 'disabled' : user.status,
        version,
      },
    });
    // As it will be stored and read back: a field left undefined would come back as null.
    return JSON.parse(JSON.stringify(event)) as AuthEventsV1;
  }

  /** Publishes every account's pending events, oldest first; returns how many. */
  async relay(): Promise<number> {
    const pending = await this.users
      .find({ pendingSince: { $ne: null } }, { outbox: 1, version: 1, deletedAt: 1 })
      .sort({ pendingSince: 1 })
      .limit(100)
      .lean();
    if (pending.length === 0) return 0;
    const events = pending.flatMap((u) => u.outbox as { eventId: string }[]);
    await this.publisher.sendBatch(
      pending.flatMap((u) =>
        (u.outbox as { eventId: string }[]).map((e) => eventRecord(authEventsV1.name, u._id, e)),
      ),
    );
    for (const u of pending) {
      // Only what was published is cleared: a change made since keeps the account pending.
      const same = { _id: u._id, version: u.version ?? null };
      if (u.deletedAt) await this.users.deleteOne(same);
      else await this.users.updateOne(same, { $set: { outbox: [], pendingSince: null } });
    }
    return events.length;
  }
}
