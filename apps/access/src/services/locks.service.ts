import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { lockEventsV1 } from '@roomkey/contracts';
import { describeError, Keyring, PeriodicJob } from '@roomkey/common';
import { MqttConnection } from '../adapters/mqtt-connection';
import { ACCESS_CONFIG, AccessConfig, LOCK_KEYRING } from '../config';
import { ackSigned, LockAck, lockTopic, signCommand } from '../domain/lock-command';
import { LockCommandRow, LockRow, SagaRow } from '../repositories/entities';
import { lockAad } from './model.service';
import { Outbox } from './outbox';

const STATES = new Set(['locked', 'unlocked', 'door-open', 'door-closed', 'forced', 'held-open']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The unsent commands, oldest first. A command is acknowledged only once sent, so asking for
 * `acked_at is null` as well changes no answer, but it matches the partial index of open
 * commands (`lock_commands_open_idx`): the table keeps every grant's command, and without it
 * each tick would read all of them.
 */
export const UNSENT_COMMANDS = `select request_id from lock_commands
  where sent_at is null and acked_at is null and timed_out_at is null
  order by created_at limit $1`;

/**
 * The lock adapter. Sends each grant's unlock command once (`locks/{id}/cmd`, signed, with the
 * lock's next counter); takes acknowledgements (`locks/{id}/ack`, signed) and state reports
 * (`locks/{id}/state`, including the last will that says a lock went offline) and bridges
 * them to lock.events.v1 through the outbox. A command not acknowledged in time becomes a
 * `command-timeout` event, and the decision record says the door did not confirm.
 */
@Injectable()
export class Locks extends PeriodicJob {
  protected readonly logger = new Logger('access');
  protected readonly jobName = 'lock commands';

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(ACCESS_CONFIG) private readonly config: AccessConfig,
    @Inject(LOCK_KEYRING) private readonly keyring: Keyring,
    private readonly mqtt: MqttConnection,
    private readonly outbox: Outbox,
  ) {
    super();
  }

  override onApplicationBootstrap(): void {
    this.mqtt.listen(['locks/+/ack', 'locks/+/state'], (topic, payload) => {
      this.onMessage(topic, payload).catch((err: unknown) =>
        this.logger.warn(`${topic}: ${describeError(err)}`),
      );
    });
    super.onApplicationBootstrap();
  }

  protected periodMs(): number {
    return this.config.ACCESS_TICK_MS;
  }

  /** Sends what is due, then times out what was not acknowledged. */
  protected async runJob(): Promise<void> {
    await this.sendPending();
    await this.timeOut();
  }

  private secretOf(lock: LockRow): Buffer {
    return this.keyring.open(lock, lockAad(lock.id));
  }

  /** Sends every unsent command: the counter is taken and the command marked sent first. */
  private async sendPending(): Promise<void> {
    if (!this.mqtt.connected) return;
    const pending = await this.db.query<{ request_id: string }[]>(UNSENT_COMMANDS, [50]);
    for (const { request_id: requestId } of pending) {
      const claimed = await this.db.transaction(async (m) => {
        const row = await m.findOne(LockCommandRow, {
          where: { requestId },
          lock: { mode: 'pessimistic_write' },
        });
        if (!row || row.sentAt || row.timedOutAt) return undefined;
        // TypeORM answers an UPDATE … RETURNING with [rows, count].
        const result = (await m.query(
          'update locks set counter = counter + 1 where id = $1 returning counter',
          [row.lockId],
        )) as unknown[];
        const rows = (Array.isArray(result[0]) ? result[0] : result) as { counter: string }[];
        const counter = rows[0]!.counter;
        const lock = await m.findOneByOrFail(LockRow, { id: row.lockId });
        await m.update(
          LockCommandRow,
          { requestId: row.requestId },
          { counter, sentAt: new Date() },
        );
        return { lock, counter: Number(counter) };
      });
      if (!claimed) continue;
      const command = signCommand(this.secretOf(claimed.lock), {
        lockId: claimed.lock.id,
        requestId,
        action: 'unlock',
        durationS: this.config.UNLOCK_SECONDS,
        counter: claimed.counter,
        expiresAt: Date.now() + this.config.LOCK_COMMAND_TTL_MS,
      });
      // At most once: a command whose publish fails is not retried (it times out, fail secure).
      await this.mqtt
        .publish(lockTopic(claimed.lock.id, 'cmd'), JSON.stringify(command))
        .catch((err: unknown) => this.logger.warn(`unlock ${requestId}: ${describeError(err)}`));
    }
  }

  /** Commands not acknowledged in time: `command-timeout`, the door did not confirm. */
  private async timeOut(): Promise<void> {
    const late = await this.db.query<{ request_id: string }[]>(
      `select request_id from lock_commands where acked_at is null and timed_out_at is null
       and coalesce(sent_at, created_at) < now() - ($1 || ' milliseconds')::interval limit 50`,
      [String(this.config.LOCK_ACK_TIMEOUT_MS)],
    );
    for (const { request_id } of late) {
      await this.outbox.transaction(async (m) => {
        const row = await m.findOne(LockCommandRow, {
          where: { requestId: request_id },
          lock: { mode: 'pessimistic_write' },
        });
        if (!row || row.ackedAt || row.timedOutAt) return;
        await m.update(LockCommandRow, { requestId: request_id }, { timedOutAt: new Date() });
        await m.update(SagaRow, { requestId: request_id }, { doorConfirmed: false });
        await this.outbox.add(m, lockEventsV1, {
          key: row.lockId,
          correlationId: request_id,
          payload: {
            lockId: row.lockId,
            kind: 'command-timeout',
            requestId: request_id,
            ...(row.counter ? { counter: Number(row.counter) } : {}),
          },
        });
        this.logger.warn(`lock ${row.lockId} did not confirm request ${request_id}`);
      });
    }
  }

  private async onMessage(topic: string, payload: Buffer): Promise<void> {
    const [, lockId, kind] = topic.split('/');
    if (!lockId || !UUID.test(lockId)) return;
    const lock = await this.db.getRepository(LockRow).findOneBy({ id: lockId });
    if (!lock) return; // not one of ours
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
    } catch {
      this.logger.warn(`lock ${lockId} sent something that is not JSON on ${kind}`);
      return;
    }
    if (kind === 'ack') return this.onAck(lock, body as unknown as LockAck);
    if (kind === 'state') return this.onState(lock, body);
  }

  private async onAck(lock: LockRow, ack: LockAck): Promise<void> {
    if (ack.lockId !== lock.id || !ackSigned(this.secretOf(lock), ack)) {
      this.logger.warn(`lock ${lock.id}: an acknowledgement with a bad signature, ignored`);
      return;
    }
    await this.outbox.transaction(async (m) => {
      const row = await m.findOne(LockCommandRow, {
        where: { requestId: ack.requestId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!row || row.lockId !== lock.id || Number(row.counter) !== ack.counter) return;
      if (row.ackedAt || row.timedOutAt) return;
      await m.update(LockCommandRow, { requestId: row.requestId }, { ackedAt: new Date() });
      await m.update(SagaRow, { requestId: row.requestId }, { doorConfirmed: ack.ok });
      await this.outbox.add(m, lockEventsV1, {
        key: lock.id,
        correlationId: row.requestId,
        payload: { lockId: lock.id, kind: 'ack', requestId: row.requestId, counter: ack.counter },
      });
    });
  }

  private async onState(lock: LockRow, body: Record<string, unknown>): Promise<void> {
    await this.outbox.transaction(async (m) => {
      if (body.online === false || body.online === true) {
        await m.update(LockRow, { id: lock.id }, { online: body.online, lastSeenAt: new Date() });
        await this.outbox.add(m, lockEventsV1, {
          key: lock.id,
          correlationId: lock.id,
          payload: { lockId: lock.id, kind: body.online ? 'online' : 'offline' },
        });
        return;
      }
      const state = typeof body.state === 'string' && STATES.has(body.state) ? body.state : null;
      if (!state) return;
      await m.update(LockRow, { id: lock.id }, { state, online: true, lastSeenAt: new Date() });
      await this.outbox.add(m, lockEventsV1, {
        key: lock.id,
        correlationId: lock.id,
        payload: {
          lockId: lock.id,
          kind: 'state',
          state: state as 'locked',
        },
      });
    });
  }
}
