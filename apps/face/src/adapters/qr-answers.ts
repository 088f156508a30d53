import { randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import type { Consumer } from 'kafkajs';
import { QR_CHECKED_V1, QrCheckedV1 } from '@roomkey/contracts';
import { describeError, kafkaClient } from '@roomkey/common';
import { FACE_CONFIG, FaceConfig } from '../config';

/** The QR step's answer to one request, as the face step needs it. */
export interface QrAnswer {
  valid: boolean;
  userId: string | null;
  /** When this instance read it (ms), to forget it once no capture can wait for it. */
  readAt: number;
}

/**
 * Every QR answer (`qr.checked.v1`), read by each face instance in a consumer group of its own,
 * so that whichever instance holds a capture hears its answer: the capture goes to one instance
 * of the shared group, the answers to all of them, and the join happens in memory wherever the
 * capture is, whichever half comes first. On start the feed reads back over the last two capture
 * waits, so a capture redelivered to a fresh instance still finds its answer. Answers are kept
 * for that long, then forgotten. Nothing is committed: the group is the instance's alone and
 * ends with it.
 */
@Injectable()
export class QrAnswerFeed implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('face');
  private readonly answers = new Map<string, QrAnswer>();
  private listener: (requestId: string, answer: QrAnswer) => void = () => undefined;
  private consumer: Consumer | undefined;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(@Inject(FACE_CONFIG) private readonly config: FaceConfig) {}

  /** How long an answer is kept, and how far back a starting instance reads. */
  private get keepMs(): number {
    return 2 * this.config.FACE_QR_WAIT_MS;
  }

  /** The answer to a request, when it has been read. */
  get(requestId: string): QrAnswer | undefined {
    return this.answers.get(requestId);
  }

  /** Called with each answer as it is read (the one listener: the face step). */
  onAnswer(listener: (requestId: string, answer: QrAnswer) => void): void {
    this.listener = listener;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.sweeper = setInterval(() => this.forgetOld(), this.keepMs);
    this.sweeper.unref();
    await this.start().catch((err: unknown) => {
      this.logger.error(`QR answer feed could not start: ${describeError(err)}`);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.sweeper);
    await this.consumer?.disconnect().catch(() => undefined);
  }

  private async start(): Promise<void> {
    const kafka = kafkaClient(this.config, '-qr-answers');
    const admin = kafka.admin();
    const start = new Map<number, string>();
    try {
      await admin.connect();
      const high = new Map(
        (await admin.fetchTopicOffsets(QR_CHECKED_V1)).map((p) => [p.partition, p.high]),
      );
      const from = Date.now() - this.keepMs;
      for (const p of await admin.fetchTopicOffsetsByTimestamp(QR_CHECKED_V1, from)) {
        // No record at or after the instant: start at the end.
        start.set(p.partition, Number(p.offset) < 0 ? (high.get(p.partition) ?? '0') : p.offset);
      }
    } finally {
      await admin.disconnect();
    }
    const consumer = kafka.consumer({
      groupId: `${this.config.KAFKA_GROUP_ID}.qr-answers.${randomUUID()}`,
      allowAutoTopicCreation: false,
      sessionTimeout: 15000,
      heartbeatInterval: 3000,
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic: QR_CHECKED_V1, fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => this.take(message.value),
    });
    for (const [partition, offset] of start) {
      consumer.seek({ topic: QR_CHECKED_V1, partition, offset });
    }
  }

  private take(value: Buffer | null): void {
    let parsed: ReturnType<typeof QrCheckedV1.safeParse>;
    try {
      parsed = QrCheckedV1.safeParse(JSON.parse(value?.toString('utf8') ?? ''));
    } catch {
      return;
    }
    // A record off the contract answers nothing; the audit app records it as it is.
    if (!parsed.success) return;
    const { requestId, outcome, userId } = parsed.data.payload;
    // A second copy of an answer changes nothing.
    if (this.answers.has(requestId)) return;
    const answer = { valid: outcome === 'valid', userId: userId ?? null, readAt: Date.now() };
    this.answers.set(requestId, answer);
    this.listener(requestId, answer);
  }

  private forgetOld(now = Date.now()): void {
    for (const [requestId, { readAt }] of this.answers) {
      if (readAt <= now - this.keepMs) this.answers.delete(requestId);
    }
  }
}
