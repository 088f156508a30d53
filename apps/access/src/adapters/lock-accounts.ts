import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { LockMqttCredentials } from '@roomkey/contracts';
import { describeError, DomainError } from '@roomkey/common';
import { lockAccount } from '../domain/lock-account';
import { MqttConnection } from './mqtt-connection';

/**
 * Each lock's own client on the MQTT broker. `issue` makes it (again), with a new password that
 * is returned and kept nowhere; the broker keeps only its hash. `remove` takes it away.
 */
export abstract class LockAccounts {
  /** Makes the lock's client and role afresh: an old password stops working, its session ends. */
  abstract issue(lockId: string): Promise<LockMqttCredentials>;
  abstract remove(lockId: string): Promise<void>;
}

const CONTROL = '$CONTROL/dynamic-security/v1';
const RESPONSES = `${CONTROL}/response`;
/** Below the gateway's upstream timeout (3 s), so that a broker that does not answer is a 503. */
const ANSWER_WITHIN_MS = 2000;

interface Command {
  command: string;
  [field: string]: unknown;
}
interface Answer {
  command: string;
  error?: string;
  correlationData?: string;
}

/** What the broker says when a delete finds nothing to delete: that is no failure. */
const NOT_THERE = /not found/i;

const unavailable = (why: string) =>
  new DomainError(
    'LOCK_BROKER_UNAVAILABLE',
    `the locks' MQTT broker could not change the lock's client (${why}); try again`,
    503,
  );

/**
 * Lock clients through Mosquitto's dynamic security plugin: commands on
 * `$CONTROL/dynamic-security/v1` over the app's own connection, answers matched by correlation
 * id on its response topic. The app's broker role allows exactly that (docs/security.md).
 */
@Injectable()
export class DynsecLockAccounts extends LockAccounts implements OnModuleInit {
  private readonly logger = new Logger('access');
  private readonly waiting = new Map<string, (answer: Answer) => void>();

  constructor(private readonly mqtt: MqttConnection) {
    super();
  }

  onModuleInit(): void {
    this.mqtt.listen([RESPONSES], (topic, payload) => {
      if (topic === RESPONSES) this.onAnswers(payload);
    });
  }

  async issue(lockId: string): Promise<LockMqttCredentials> {
    const account = lockAccount(lockId);
    const password = randomBytes(24).toString('base64url');
    // Deleting first makes this the same whether the lock had a client or not (a lock registered
    // before locks had their own, or one whose password leaked), and ends any session of it.
    const answers = await this.run([
      { command: 'deleteClient', username: account.username },
      { command: 'deleteRole', rolename: account.role },
      { command: 'createRole', rolename: account.role, acls: account.acls },
      {
        command: 'createClient',
        username: account.username,
        password,
        clientid: account.clientId,
        roles: [{ rolename: account.role }],
      },
    ]);
    this.failOn(answers.slice(0, 2).filter((a) => !NOT_THERE.test(a.error ?? '')));
    this.failOn(answers.slice(2));
    return { username: account.username, password, clientId: account.clientId };
  }

  async remove(lockId: string): Promise<void> {
    const account = lockAccount(lockId);
    const answers = await this.run([
      { command: 'deleteClient', username: account.username },
      { command: 'deleteRole', rolename: account.role },
    ]);
    this.failOn(answers.filter((a) => !NOT_THERE.test(a.error ?? '')));
  }

  private failOn(answers: Answer[]): void {
    const failed = answers.find((a) => a.error);
    if (failed) throw unavailable(`${failed.command}: ${failed.error}`);
  }

  /** Sends the commands in one message; their answers, in order. */
  private async run(commands: Command[]): Promise<Answer[]> {
    const tagged = commands.map((c) => ({ ...c, correlationData: randomUUID() }));
    const answers = tagged.map(
      (c) => new Promise<Answer>((resolve) => this.waiting.set(c.correlationData, resolve)),
    );
    let timer: NodeJS.Timeout | undefined;
    try {
      await this.mqtt.publish(CONTROL, JSON.stringify({ commands: tagged }));
      return await Promise.race([
        Promise.all(answers),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(unavailable(`no answer within ${ANSWER_WITHIN_MS} ms`)),
            ANSWER_WITHIN_MS,
          );
        }),
      ]);
    } catch (err) {
      if (err instanceof DomainError) throw err;
      throw unavailable(describeError(err));
    } finally {
      clearTimeout(timer);
      for (const c of tagged) this.waiting.delete(c.correlationData);
    }
  }

  private onAnswers(payload: Buffer): void {
    let answers: Answer[];
    try {
      answers = (JSON.parse(payload.toString('utf8')) as { responses?: Answer[] }).responses ?? [];
    } catch {
      this.logger.warn('the broker answered something that is not JSON on its control topic');
      return;
    }
    for (const a of answers) {
      if (a.correlationData) this.waiting.get(a.correlationData)?.(a);
    }
  }
}
