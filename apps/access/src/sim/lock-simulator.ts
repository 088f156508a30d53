import mqtt, { MqttClient } from 'mqtt';
import { commandSigned, LockCommand, lockTopic, signAck } from '../domain/lock-command';

export type Refusal = 'bad-signature' | 'expired' | 'replayed' | 'malformed' | 'wrong-lock';

/**
 * A smart lock on MQTT that behaves like a real one: it verifies each command's HMAC under its
 * own secret, refuses expired commands and any counter not above the last one it accepted,
 * acknowledges (signed), unlocks for the commanded seconds and locks again, reports its state,
 * and leaves a last will that marks it offline. It can also report its door sensor (opened,
 * closed), a forced door and a door held open. `npm run lock:sim` runs one from the command line.
 */
export class LockSimulator {
  private client?: MqttClient;
  /** The highest counter accepted so far. */
  lastCounter = 0;
  private relock?: NodeJS.Timeout;
  /** The commands it acted on, each with when it did (`at`, Unix ms). */
  readonly unlocks: (LockCommand & { at: number })[] = [];
  /** The commands it refused, and when. */
  readonly refusals: { reason: Refusal; command: unknown; at: number }[] = [];

  constructor(
    readonly lockId: string,
    private readonly secret: Buffer,
    private readonly url: string,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  async start(): Promise<void> {
    this.client = await mqtt.connectAsync(this.url, {
      clientId: `roomkey-lock-${this.lockId}`,
      clean: true,
      reconnectPeriod: 1000,
      will: {
        topic: lockTopic(this.lockId, 'state'),
        payload: Buffer.from(JSON.stringify({ online: false })),
        qos: 1,
        retain: false,
      },
    });
    this.client.on('message', (_topic, payload) => {
      this.onCommand(payload).catch((err: unknown) =>
        this.log(`lock ${this.lockId}: could not answer a command: ${(err as Error).message}`),
      );
    });
    await this.client.subscribeAsync(lockTopic(this.lockId, 'cmd'), { qos: 1 });
    await this.report({ online: true });
    await this.report({ state: 'locked' });
    this.log(`lock ${this.lockId}: online, locked`);
  }

  /** Leaves as a crashed lock would: the broker publishes the last will. */
  crash(): void {
    clearTimeout(this.relock);
    this.client?.stream.destroy();
    this.client?.end(true);
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

  private report(body: Record<string, unknown>): Promise<unknown> {
    return this.client!.publishAsync(lockTopic(this.lockId, 'state'), JSON.stringify(body), {
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
