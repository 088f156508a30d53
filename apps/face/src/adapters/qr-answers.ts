import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { QR_CHECKED_V1, QrCheckedV1 } from '@roomkey/contracts';
import { BroadcastFeed, describeError } from '@roomkey/common';
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
 * for that long, then forgotten.
 */
@Injectable()
export class QrAnswerFeed implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('face');
  private readonly answers = new Map<string, QrAnswer>();
  private listener: (requestId: string, answer: QrAnswer) => void = () => undefined;
  private feed: BroadcastFeed<QrCheckedV1> | undefined;
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
    this.feed = new BroadcastFeed({
      config: this.config,
      topic: QR_CHECKED_V1,
      contract: QrCheckedV1,
      name: 'qr-answers',
      backMs: this.keepMs,
      onRecord: (record) => this.take(record),
    });
    await this.feed.start().catch((err: unknown) => {
      this.logger.error(`QR answer feed could not start: ${describeError(err)}`);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.sweeper);
    await this.feed?.stop();
  }

  private take(record: QrCheckedV1): void {
    const { requestId, outcome, userId } = record.payload;
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
