import mqtt, { MqttClient } from 'mqtt';
import { lockClientId } from '../domain/lock-account';
import {
  commandSigned,
  LAST_WILL,
  LockCommand,
  LockState,
  lockTopic,
  signAck,
  signReport,
} from '../domain/lock-command';

export type Refusal = 'bad-signature' | 'expired' | 'replayed' | 'malformed' | 'wrong-lock';

/** Where the broker is, and the lock's own MQTT credentials (shown once at registration). */
export interface LockBroker {
  url: string;
  username: string;
  password: string;
}

/**
 * A smart lock on MQTT that behaves like a real one: it verifies each command's HMAC under its
 * own secret, refuses expired commands and any counter not above the last one it accepted,
 * acknowledges (signed), unlocks for the commanded seconds and locks again, reports its state
 * (signed, with a counter of its own; online again after every reconnect), and leaves a last
 * will that marks it offline. It logs in to the broker with its own credentials and the one
 * client id they allow. It can also report its door sensor (opened, closed), a forced door and
 * a door held open. `npm run lock:sim` runs one from the command line.
 */
export class LockSimulator {
  private client?: MqttClient;
  /** The highest counter accepted so far. */
  lastCounter = 0;
  private relock?: NodeJS.Timeout;
  /** Its last state report's counter: the clock in ms, so a restarted lock goes on above it. */
  private reportCounter = 0;
  /** The commands it acted on, each with when it did (`at`, Unix ms). */
  readonly unlocks: (LockCommand & { at: number })[] = [];
  /** The commands it refused, and when. */
  readonly refusals: { reason: Refusal; command: unknown; at: number }[] = [];

  constructor(
    readonly lockId: string,
    private readonly secret: Buffer,
    private readonly broker: LockBroker,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  async start(): Promise<void> {
    const client = await mqtt.connectAsync(this.broker.url, {
      clientId: lockClientId(this.lockId),
      username: this.broker.username,
      password: this.broker.password,
      clean: true,
      reconnectPeriod: 1000,
      will: {
        topic: lockTopic(this.lockId, 'state'),
        payload: Buffer.from(JSON.stringify(LAST_WILL)),
        qos: 1,
        retain: false,
      },
    });
    this.client = client;
    client.on('message', (_topic, payload) => {
      this.onCommand(payload).catch((err: unknown) =>
        this.log(`lock ${this.lockId}: could not answer a command: ${(err as Error).message}`),
      );
    });
    await client.subscribeAsync(lockTopic(this.lockId, 'cmd'), { qos: 1 });
    await this.report({ online: true });
    await this.report({ state: 'locked' });
    // As a real lock does, it says it is online after every reconnect, once it listens again:
    // commands published while it was away reached nobody, and are sent again.
    client.on('connect', () => {
      void client
        .subscribeAsync(lockTopic(this.lockId, 'cmd'), { qos: 1 })
        .then(() => this.report({ online: true }))
        .catch(() => undefined);
    });
    this.log(`lock ${this.lockId}: online, locked`);
  }

  /** Leaves as a crashed lock would: the broker publishes the last will. */
  crash(): void {
    clearTimeout(this.relock);
    this.client?.stream.destroy();
    this.client?.end(true);
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  async stop(): Promise<void> {
    clearTimeout(this.relock);
    await this.client?.endAsync();
  }

  /** The door sensor: someone opened or closed the door. */
  openDoor = () => this.report({ state: 'door-open' });
  closeDoor = () => this.report({ state: 'door-closed' });
  /** The door was opened without an unlock. */
  forceDoor = () => this.report({ state: 'forced' });
  /** The door stayed open too long after an unlock. */
  holdOpen = () => this.report({ state: 'held-open' });

  private report(body: { online: true } | { state: LockState }): Promise<unknown> {
    this.reportCounter = Math.max(this.reportCounter + 1, Date.now());
    const report = signReport(this.secret, {
      lockId: this.lockId,
      counter: this.reportCounter,
      ...body,
    });
    return this.client!.publishAsync(lockTopic(this.lockId, 'state'), JSON.stringify(report), {
      qos: 1,
    });
  }

  private refuse(reason: Refusal, command: unknown): void {
    this.refusals.push({ reason, command, at: Date.now() });
    this.log(`lock ${this.lockId}: refused a command (${reason})`);
  }

  private async onCommand(payload: Buffer): Promise<void> {
    let command: LockCommand;
    try {
      command = JSON.parse(payload.toString('utf8')) as LockCommand;
    } catch {
      return this.refuse('malformed', null);
    }
    if (typeof command !== 'object' || command === null || typeof command.counter !== 'number') {
      return this.refuse('malformed', command);
    }
    if (command.lockId !== this.lockId) return this.refuse('wrong-lock', command);
    if (!commandSigned(this.secret, command)) return this.refuse('bad-signature', command);
    const now = Date.now();
    if (command.expiresAt < now) return this.refuse('expired', command);
    if (command.counter <= this.lastCounter) return this.refuse('replayed', command);
    this.lastCounter = command.counter;
    this.unlocks.push({ ...command, at: now });
    const ack = signAck(this.secret, {
      lockId: this.lockId,
      requestId: command.requestId,
      counter: command.counter,
      ok: true,
    });
    await this.client!.publishAsync(lockTopic(this.lockId, 'ack'), JSON.stringify(ack), { qos: 1 });
    await this.report({ state: 'unlocked' });
    this.log(
      `lock ${this.lockId}: unlocked for ${command.durationS} s (request ${command.requestId})`,
    );
    clearTimeout(this.relock);
    this.relock = setTimeout(
      () => void this.report({ state: 'locked' }).catch(() => undefined),
      command.durationS * 1000,
    );
    this.relock.unref();
  }
}
