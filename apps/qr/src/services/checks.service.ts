import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { AccessRequestedV1, qrCheckedV1 } from '@roomkey/contracts';
import { EventPublisher, isDuplicateKey } from '@roomkey/common';
import { QR_CONFIG, QrConfig } from '../config';
import { checkCode, CheckResult, CheckStore, InvalidReason } from '../domain/check';
import { QrCheckRow } from '../repositories/schemas';
import { Accounts } from './accounts.service';
import { Ledger } from './ledger';
import { Secrets } from './secrets';
import { VisitorPasses } from './visitor-passes.service';

/**
 * The QR step of the access flow: each access request gets one answer on `qr.checked.v1`.
 * The answer is stored under the request id before it is published, so a redelivered request
 * is answered the same way (the first stored answer wins) and never spends a second use of a
 * pass.
 */
@Injectable()
export class Checks implements OnModuleInit {
  private readonly logger = new Logger('qr');
  private readonly store: CheckStore;

  constructor(
    @InjectModel(QrCheckRow.name) private readonly checks: Model<QrCheckRow>,
    @Inject(QR_CONFIG) private readonly config: QrConfig,
    private readonly publisher: EventPublisher,
    secrets: Secrets,
    passes: VisitorPasses,
    ledger: Ledger,
    accounts: Accounts,
  ) {
    this.store = {
      doorSecret: (doorId) => secrets.doorSecret(doorId),
      passKey: (keyId) => secrets.passKey(keyId),
      visitorPass: (passId) => passes.rule(passId),
      accountDisabled: (userId) => accounts.disabled(userId),
      failures: (subject) => ledger.failures(subject),
      consume: (use) => ledger.consume(use),
    };
  }

  async onModuleInit(): Promise<void> {
    await this.checks.init();
  }

  async handle(event: AccessRequestedV1): Promise<void> {
    const request = event.payload;
    // A room code spends nothing, so it is checked straight away: a redelivered request finds
    // its first answer when this one is stored. A pass is looked up first, so that a
    // redelivery never takes a use for a request already answered.
    const result =
      request.mode === 'room-code'
        ? await this.decide(event)
        : ((await this.answered(request.requestId)) ?? (await this.decide(event)));
    await this.publisher.publish(qrCheckedV1, {
      key: request.requestId,
      correlationId: event.correlationId,
      causationId: event.eventId,
      payload: { requestId: request.requestId, ...result },
    });
    // The reason and ids only: never the scanned payload.
    this.logger.log(
      `request ${request.requestId}: ${result.outcome}${result.outcome === 'invalid' ? ` (${result.reason})` : ''}`,
    );
  }

  private async decide(event: AccessRequestedV1): Promise<CheckResult> {
    const request = event.payload;
    const result = await checkCode(
      {
        requestId: request.requestId,
        mode: request.mode,
        doorId: request.doorId,
        userId: request.userId,
        qr: request.qr,
        at: new Date(request.at),
      },
      this.store,
      new Date(),
      {
        maxRequestAgeMs: this.config.MAX_REQUEST_AGE_S * 1000,
        useRecordGraceMs: this.config.MAX_REQUEST_AGE_S * 1000,
        maxFailures: this.config.PASS_MAX_FAILURES,
      },
    );
    try {
      await this.checks.create({
        _id: request.requestId,
        outcome: result.outcome,
        reason: result.outcome === 'invalid' ? result.reason : null,
        doorId: result.doorId ?? null,
        userId: result.outcome === 'valid' ? (result.userId ?? null) : null,
        passId: result.outcome === 'valid' ? (result.passId ?? null) : null,
        checkedAt: new Date(),
      });
      return result;
    } catch (err) {
      // Another instance answered the same request first: its answer is the answer.
      if (!isDuplicateKey(err)) throw err;
      return (await this.answered(request.requestId))!;
    }
  }

  private async answered(requestId: string): Promise<CheckResult | undefined> {
    const row = await this.checks.findById(requestId).lean();
    if (!row) return undefined;
    const doorId = row.doorId ? { doorId: row.doorId } : {};
    if (row.outcome === 'invalid') {
      return { outcome: 'invalid', reason: row.reason as InvalidReason, ...doorId };
    }
    return {
      outcome: 'valid',
      doorId: row.doorId!,
      ...(row.userId ? { userId: row.userId } : {}),
      ...(row.passId ? { passId: row.passId } : {}),
    };
  }

  /** Drops answers older than CHECK_RETENTION_DAYS. */
  async sweep(now: Date): Promise<number> {
    const before = new Date(now.getTime() - this.config.CHECK_RETENTION_DAYS * 86_400_000);
    const { deletedCount } = await this.checks.deleteMany({ checkedAt: { $lt: before } });
    return deletedCount;
  }
}
