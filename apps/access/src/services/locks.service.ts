import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { lockEventsV1 } from '@roomkey/contracts';
import { changed, describeError, Keyring, PeriodicJob, Sealed } from '@roomkey/common';
import { MqttConnection, NotConnectedError } from '../adapters/mqtt-connection';
import { ACCESS_CONFIG, AccessConfig, LOCK_KEYRING } from '../config';
import {
  ackSigned,
  isLastWill,
  LOCK_STATES,
  LockAck,
  LockReport,
  lockTopic,
  reportSigned,
  signCommand,
} from '../domain/lock-command';
import { RefusedReports } from '../domain/refused-reports';
import { LockRow } from '../repositories/entities';
import { lockAad } from './model.service';
import { Outbox, outboxInsert } from './outbox';

const STATES = new Set<string>(LOCK_STATES);
/** States a door goes through on every grant; their events may wait for the next relay run. */
const ROUTINE_STATES = new Set<string>(['locked', 'unlocked', 'door-open', 'door-closed']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/**
 * A report not above the last one taken is dropped; it counts as replayed only when the last
 * one was taken longer ago than this. Sooner, it is the broker's second delivery of one already
 * taken (QoS 1 may deliver twice, and each instance of the app gets every report).
 */
const DUPLICATE_WITHIN_MS = 5000;

/**
 * The oldest unsent command that has not expired (`$1`: the commands' time to live, an
 * interval), of a lock with no other command sent and not acknowledged yet. A lock takes its
 * commands one at a time: it accepts only counters above the last one it accepted, so a command
 * that reached nobody (the lock was away) and is sent again must not have been overtaken.
 *
 * A command is acknowledged only once sent, so asking for `acked_at is null` as well changes no
 * answer, but it matches the partial index of open commands (`lock_commands_open_idx`): the
 * table keeps every grant's command, and without it each tick would read all of them.
 */
export const OLDEST_UNSENT_COMMAND = `select c.request_id, c.lock_id from lock_commands c
  where c.sent_at is null and c.acked_at is null and c.timed_out_at is null
    and c.created_at > now() - $1::interval
    and not exists (
      select 1 from lock_commands o
      where o.lock_id = c.lock_id and o.sent_at is not null
        and o.acked_at is null and o.timed_out_at is null)
  order by c.created_at limit 1`;

/**
 * Claims the oldest unsent command in one statement: takes its lock's next counter and marks it
 * sent, and returns what signing it needs. Instances claim different commands (`skip locked`);
 * two commands for one lock take their counters one after the other (the lock's row lock).
 */
const CLAIM_NEXT_COMMAND = `with next as (${OLDEST_UNSENT_COMMAND} for update skip locked),
  bumped as (
    update locks set counter = locks.counter + 1 from next where locks.id = next.lock_id
    returning locks.id, locks.key_id, locks.iv, locks.tag, locks.ciphertext, locks.counter)
  update lock_commands claimed set counter = bumped.counter, sent_at = now()
  from next, bumped where claimed.request_id = next.request_id
  returning claimed.request_id, claimed.created_at as "createdAt", bumped.id,
            bumped.key_id as "keyId", bumped.iv, bumped.tag, bumped.ciphertext, bumped.counter`;

/**
 * A lock's commands sent and not acknowledged yet, still good (`$2`: the time to live) and not
 * due for their acknowledgement (`$3`), with what signing them again needs.
 */
const OPEN_SENT_COMMANDS = `select c.request_id, c.created_at as "createdAt", c.sent_at as "sentAt",
    l.id, l.key_id as "keyId", l.iv, l.tag, l.ciphertext, c.counter
  from lock_commands c join locks l on l.id = c.lock_id
  where c.lock_id = $1 and c.sent_at is not null and c.acked_at is null
    and c.timed_out_at is null and c.created_at > now() - $2::interval
    and c.sent_at > now() - $3::interval`;

/** A claimed command that never reached the broker goes back to the unsent ones. */
const UNCLAIM_COMMAND = `update lock_commands set sent_at = null, counter = null
  where request_id = $1 and counter = $2 and acked_at is null and timed_out_at is null`;

/** What claiming a command returns: its request, its lock's sealed secret and the counter. */
interface ClaimedCommand {
  request_id: string;
  createdAt: Date;
  id: string;
  keyId: string;
  iv: string;
  tag: string;
  ciphertext: string;
  counter: string;
}

/**
 * The lock adapter. Sends each grant's unlock command once (`locks/{id}/cmd`, signed, with the
 * lock's next counter, good until LOCK_COMMAND_TTL_MS after the grant), and again only to a lock
 * that reports it is back online without having acknowledged it; takes acknowledgements
 * (`locks/{id}/ack`, signed) and state reports (`locks/{id}/state`, including the last will
 * that says a lock went offline) and bridges them to lock.events.v1 through the outbox. A
 * command not acknowledged in time becomes a `command-timeout` event, and the decision record
 * says the door did not confirm.
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
    // Commands held back while the broker was unreachable go out as soon as it is back.
    this.mqtt.onConnect(() => this.runSoon());
    super.onApplicationBootstrap();
  }

  /** A decision asks for its command to be sent at once (`runSoon`); this is for leftovers. */
  protected periodMs(): number {
    return this.config.ACCESS_RESCAN_MS;
  }

  protected runJob(): Promise<void> {
    return this.sendPending();
  }

  private secretOf(lock: Sealed & { id: string }): Buffer {
    return this.keyring.open(lock, lockAad(lock.id));
  }

  /**
   * Sends every unsent command that has not expired: the counter is taken and the command marked
   * sent first. A command is good until LOCK_COMMAND_TTL_MS after the grant, however late it goes
   * out (the broker was unreachable, say): a lock refuses it after that, and it is never sent.
   */
  private async sendPending(): Promise<void> {
    if (!this.mqtt.connected) return;
    for (let n = 0; n < 50; n++) {
      const claimedAt = Date.now();
      const {
        rows: [claimed],
      } = await changed<ClaimedCommand>(this.db, CLAIM_NEXT_COMMAND, [
        this.interval(this.config.LOCK_COMMAND_TTL_MS),
      ]);
      if (!claimed) return;
      try {
        await this.publish(claimed, claimedAt);
      } catch (err) {
        if (err instanceof NotConnectedError) {
          // Nothing reached the broker: it goes when the connection is back, if still good.
          await this.db.query(UNCLAIM_COMMAND, [claimed.request_id, claimed.counter]);
          return;
        }
        // Not retried: it counts as not acknowledged (fail secure).
        this.logger.warn(`unlock ${claimed.request_id}: ${describeError(err)}`);
      }
    }
  }

  /**
   * Sends again what a lock has not acknowledged when it says it is (back) online: a command
   * published while it was away (the broker restarted, and the lock had not subscribed again)
   * reached nobody. It is the same signed command with the same counter, and only while it is
   * good and not due: a lock acts on a counter once, so a lock that did get it refuses the copy.
   * Commands go one at a time (OLDEST_UNSENT_COMMAND), so no later one has overtaken it.
   */
  private async resendTo(lockId: string): Promise<void> {
    if (!this.mqtt.connected) return;
    const open = await this.db.query<(ClaimedCommand & { sentAt: Date })[]>(OPEN_SENT_COMMANDS, [
      lockId,
      this.interval(this.config.LOCK_COMMAND_TTL_MS),
      this.interval(this.config.LOCK_ACK_TIMEOUT_MS),
    ]);
    for (const command of open) {
      await this.publish(command, new Date(command.sentAt).getTime()).catch((err: unknown) =>
        this.logger.warn(`unlock ${command.request_id}, sent again: ${describeError(err)}`),
      );
    }
  }

  /**
   * Signs a claimed command and publishes it. A publish cut off by a lost connection is sent
   * again when it is back, but not once the command has expired or is due for its
   * acknowledgement (CommandTimeouts, LOCK_ACK_TIMEOUT_MS after `sentAt`): what is recorded as
   * failed never goes out afterwards.
   */
  private async publish(claimed: ClaimedCommand, sentAt: number): Promise<void> {
    const expiresAt = new Date(claimed.createdAt).getTime() + this.config.LOCK_COMMAND_TTL_MS;
    const command = signCommand(this.secretOf(claimed), {
      lockId: claimed.id,
      requestId: claimed.request_id,
      action: 'unlock',
      durationS: this.config.UNLOCK_SECONDS,
      counter: Number(claimed.counter),
      expiresAt,
    });
    await this.mqtt.publish(lockTopic(claimed.id, 'cmd'), JSON.stringify(command), {
      withdrawAt: Math.min(expiresAt, sentAt + this.config.LOCK_ACK_TIMEOUT_MS),
    });
  }

  private interval(ms: number): string {
    return `${ms} milliseconds`;
  }

  private async onMessage(topic: string, payload: Buffer): Promise<void> {
    const [, lockId, kind] = topic.split('/');
    if (!lockId || !UUID.test(lockId)) return;
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
    } catch {
      this.logger.warn(`lock ${lockId} sent something that is not JSON on ${kind}`);
      return;
    }
    if (kind === 'ack') return this.onAck(lockId, body as unknown as LockAck);
    if (kind === 'state') return this.inOrder(lockId, () => this.onReport(lockId, body));
  }

  private async onAck(lockId: string, ack: LockAck): Promise<void> {
    const lock = await this.db.getRepository(LockRow).findOneBy({ id: lockId });
    if (!lock) return; // not one of ours
    if (
      ack.lockId !== lock.id ||
      !ackSigned(this.secretOf(lock), ack) ||
      typeof ack.requestId !== 'string' ||
      !UUID.test(ack.requestId) ||
      !Number.isSafeInteger(ack.counter)
    ) {
      this.logger.warn(
        `lock ${lock.id}: an acknowledgement not signed or not well formed, ignored`,
      );
      return;
    }
    // The command it answers (sent, with this counter, not yet settled), the decision record and
    // the event, in one statement.
    const acked = await this.db.query<unknown[]>(
      `with acked as (
         update lock_commands set acked_at = now()
         where request_id = $1 and lock_id = $2 and counter = $3
           and acked_at is null and timed_out_at is null
         returning request_id),
       confirmed as (
         update sagas set door_confirmed = $4 from acked where sagas.request_id = acked.request_id)
       ${outboxInsert('acked', 5)}
       returning 1`,
      [
        ack.requestId,
        lock.id,
        ack.counter,
        ack.ok,
        ...this.outbox.params(lockEventsV1, {
          key: lock.id,
          correlationId: ack.requestId,
          payload: { lockId: lock.id, kind: 'ack', requestId: ack.requestId, counter: ack.counter },
        }),
      ],
    );
    if (acked.length === 0) return;
    this.outbox.addedRoutine();
    // The lock's next command, if one is waiting for this one.
    this.runSoon();
  }

  /**
   * A state report is taken only when the lock signed it, with a counter above the last one
   * taken; any other is dropped and counted. The broker's last will is the one unsigned report
   * believed: only the lock may publish on its state topic (`isLastWill`).
   */
  private async onReport(lockId: string, body: Record<string, unknown>): Promise<void> {
    if (isLastWill(body)) {
      await this.onState(lockId, body);
      return;
    }
    const lock = await this.db.getRepository(LockRow).findOneBy({ id: lockId });
    if (!lock) return; // not one of ours
    const report = body as unknown as LockReport;
    const wellFormed =
      report.lockId === lock.id &&
      Number.isSafeInteger(report.counter) &&
      (report.online === true || (report.online === undefined && STATES.has(report.state!)));
    if (!wellFormed || !reportSigned(this.secretOf(lock), report)) {
      return this.refuseReport(lock.id, 'not signed, or not well formed');
    }
    if (await this.onState(lock.id, body, report.counter)) {
      if (report.online === true) await this.resendTo(lock.id);
      return;
    }
    const [last] = await this.db.query<{ recent: boolean }[]>(
      `select last_seen_at > now() - ($2 || ' milliseconds')::interval as recent
       from locks where id = $1`,
      [lock.id, String(DUPLICATE_WITHIN_MS)],
    );
    if (last?.recent) return;
    return this.refuseReport(lock.id, `replayed (counter ${report.counter} not above the last)`);
  }

  /** Each lock's reports one after the other, in the order the broker delivered them. */
  private readonly reportsInFlight = new Map<string, Promise<void>>();

  private inOrder(lockId: string, work: () => Promise<void>): Promise<void> {
    const next = (this.reportsInFlight.get(lockId) ?? Promise.resolve()).then(work);
    const settled = next.catch(() => undefined);
    this.reportsInFlight.set(lockId, settled);
    void settled.then(() => {
      if (this.reportsInFlight.get(lockId) === settled) this.reportsInFlight.delete(lockId);
    });
    return next;
  }

  private refusedReports?: RefusedReports;

  /**
   * A refused report, logged and counted: the one that brings the lock's count to
   * LOCK_REPORT_ALERT_COUNT within LOCK_REPORT_ALERT_WINDOW_S is a `reports-refused` lock event,
   * which the audit app raises as an alert.
   */
  private async refuseReport(lockId: string, why: string): Promise<void> {
    this.logger.warn(`lock ${lockId}: a state report ${why}, dropped`);
    this.refusedReports ??= new RefusedReports(
      this.config.LOCK_REPORT_ALERT_COUNT,
      this.config.LOCK_REPORT_ALERT_WINDOW_S * 1000,
    );
    const refused = this.refusedReports.add(lockId, Date.now());
    if (refused === undefined) return;
    await this.db.query(
      `with refused as (select 1) ${outboxInsert('refused', 1)}`,
      this.outbox.params(lockEventsV1, {
        key: lockId,
        correlationId: lockId,
        payload: { lockId, kind: 'reports-refused', refused },
      }),
    );
    this.outbox.added();
  }

  /**
   * A state report (or the broker's last will): the lock's row and its event, in one statement.
   * With a counter, only if it is above the last one taken; the will (no counter) only if the
   * lock was not already offline, since every access instance receives it. False when not taken.
   */
  private async onState(
    lockId: string,
    body: Record<string, unknown>,
    counter?: number,
  ): Promise<boolean> {
    const online = body.online === false || body.online === true ? body.online : undefined;
    const state = typeof body.state === 'string' && STATES.has(body.state) ? body.state : null;
    if (online === undefined && !state) return false;
    const changed = await this.db.query<unknown[]>(
      `with changed as (
         update locks set online = $2, state = coalesce($3, state), last_seen_at = now(),
           report_counter = coalesce($4::bigint, report_counter)
         where id = $1 and (case when $4::bigint is null then online is distinct from $2
                                  else report_counter < $4::bigint end) returning id)
       ${outboxInsert('changed', 5)}
       returning 1`,
      [
        lockId,
        online ?? true,
        online === undefined ? state : null,
        counter ?? null,
        ...this.outbox.params(lockEventsV1, {
          key: lockId,
          correlationId: lockId,
          payload:
            online === undefined
              ? { lockId, kind: 'state', state: state as 'locked' }
              : { lockId, kind: online ? 'online' : 'offline' },
        }),
      ],
    );
    if (changed.length === 0) return false;
    // Forced, held open, online or offline raise alerts: they go out now.
    if (online === undefined && state && ROUTINE_STATES.has(state)) this.outbox.addedRoutine();
    else this.outbox.added();
    return true;
  }
}

/**
 * Commands not acknowledged within LOCK_ACK_TIMEOUT_MS of being sent, and commands that expired
 * unsent (the broker was unreachable until LOCK_COMMAND_TTL_MS after the grant), become
 * `command-timeout` events, and their decision records say the door did not confirm. Neither is
 * sent afterwards. Looked for when the next of them falls due, and every ACCESS_RESCAN_MS.
 */
@Injectable()
export class CommandTimeouts extends PeriodicJob {
  protected readonly logger = new Logger('access');
  protected readonly jobName = 'lock command timeouts';

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(ACCESS_CONFIG) private readonly config: AccessConfig,
    private readonly outbox: Outbox,
    private readonly locks: Locks,
  ) {
    super();
  }

  /**
   * A command sent after a run falls due LOCK_ACK_TIMEOUT_MS later: the run that follows sees
   * it in time when the period is no longer than that.
   */
  protected periodMs(): number {
    return Math.min(this.config.ACCESS_RESCAN_MS, this.config.LOCK_ACK_TIMEOUT_MS);
  }

  protected async runJob(): Promise<void> {
    await this.timeOut();
    // The next command to fall due, by the database's clock (as the search is).
    const [next] = await this.db.query<{ in_ms: number | null }[]>(
      `select extract(epoch from min(case when sent_at is null then created_at + $2::interval
                                          else sent_at + $1::interval end) - now()) * 1000 as in_ms
       from lock_commands where acked_at is null and timed_out_at is null`,
      this.intervals(),
    );
    if (next?.in_ms != null) this.runIn(Number(next.in_ms));
  }

  private intervals(): [string, string] {
    return [
      `${this.config.LOCK_ACK_TIMEOUT_MS} milliseconds`,
      `${this.config.LOCK_COMMAND_TTL_MS} milliseconds`,
    ];
  }

  /** Commands not acknowledged in time: `command-timeout`, the door did not confirm. */
  private async timeOut(): Promise<void> {
    const late = await this.db.query<
      { request_id: string; lock_id: string; counter: string | null }[]
    >(
      `select request_id, lock_id, counter from lock_commands
       where acked_at is null and timed_out_at is null
         and (sent_at < now() - $1::interval or (sent_at is null and created_at < now() - $2::interval))
       limit 50`,
      this.intervals(),
    );
    for (const { request_id: requestId, lock_id: lockId, counter } of late) {
      // The command (still unsettled, and not claimed meanwhile: the event names its counter),
      // the decision record and the event, in one statement.
      const inserted = await this.db.query<unknown[]>(
        `with timed_out as (
           update lock_commands set timed_out_at = now()
           where request_id = $1 and acked_at is null and timed_out_at is null
             and counter is not distinct from $2::bigint
           returning request_id),
         unconfirmed as (
           update sagas set door_confirmed = false from timed_out
           where sagas.request_id = timed_out.request_id)
         ${outboxInsert('timed_out', 3)}
         returning 1`,
        [
          requestId,
          counter,
          ...this.outbox.params(lockEventsV1, {
            key: lockId,
            correlationId: requestId,
            payload: {
              lockId,
              kind: 'command-timeout',
              requestId,
              ...(counter ? { counter: Number(counter) } : {}),
            },
          }),
        ],
      );
      if (inserted.length === 0) continue;
      this.outbox.added();
      // The lock's next command, if one is waiting for this one.
      this.locks.runSoon();
      this.logger.warn(`lock ${lockId} did not confirm request ${requestId}`);
    }
  }
}
