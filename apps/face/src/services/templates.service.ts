import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, LessThan, Not, Repository } from 'typeorm';
import { faceEnrolmentV1, FaceEnrolmentV1, FaceStatus } from '@roomkey/contracts';
import { DomainError, EventPublisher, Keyring } from '@roomkey/common';
import { FaceConsentRow, FaceEnrolmentRow, FaceTemplateRow } from '../repositories/entities';
import { TEMPLATE_KEYRING } from './tokens';

type ErasedBy = 'user' | 'admin' | 'retention';
type EnrolmentEvent = FaceEnrolmentV1['payload'];
/** How an enrolment was accepted, and by which admin when one did. */
export type Acceptance = { via: 'matched' } | { via: 'approved' | 'supervised'; by: string };
export type PendingReason = 'no-template' | 'no-match';

const HISTORY_LENGTH = 20;
/** Forgets the sealed template of an enrolment once it is decided. */
const UNSEALED = { keyId: null, iv: null, tag: null, ciphertext: null };

const aad = (userId: string) => `face-template:${userId}`;

/**
 * Face templates and consent. A template is sealed before it is written and opened only in
 * memory to compare; the pixels it came from were never stored. Events say enrolled or
 * erased, never the template.
 */
@Injectable()
export class Templates {
  private readonly logger = new Logger('face');

  constructor(
    @InjectRepository(FaceTemplateRow) private readonly rows: Repository<FaceTemplateRow>,
    @InjectRepository(FaceConsentRow) private readonly consents: Repository<FaceConsentRow>,
    @InjectRepository(FaceEnrolmentRow) private readonly enrolments: Repository<FaceEnrolmentRow>,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(TEMPLATE_KEYRING) private readonly keyring: Keyring,
    private readonly publisher: EventPublisher,
  ) {}

  async status(userId: string): Promise<FaceStatus> {
    const [row, consent, history] = await Promise.all([
      this.rows.findOneBy({ userId }),
      this.consents.findOneBy({ userId }),
      this.enrolments.find({
        where: { userId },
        order: { requestedAt: 'DESC' },
        take: HISTORY_LENGTH,
      }),
    ]);
    const active = consent && !consent.withdrawnAt ? consent : null;
    const pending = history.find((h) => h.state === 'pending');
    return {
      enrolled: row !== null,
      enrolledAt: row?.enrolledAt.toISOString() ?? null,
      lastUsedAt: row?.lastUsedAt.toISOString() ?? null,
      model: row?.model ?? null,
      imageCount: row?.imageCount ?? null,
      consentGivenAt: active?.givenAt.toISOString() ?? null,
      noticeVersion: active?.noticeVersion ?? null,
      pending: pending
        ? {
            requestedAt: pending.requestedAt.toISOString(),
            reason: pending.reason as PendingReason,
          }
        : null,
      history: history.map((h) => ({
        at: (h.decidedAt ?? h.requestedAt).toISOString(),
        state: h.state,
        via: h.via,
      })),
    };
  }

  async giveConsent(userId: string, noticeVersion: string): Promise<FaceStatus> {
    await this.consents.upsert({ userId, givenAt: new Date(), noticeVersion, withdrawnAt: null }, [
      'userId',
    ]);
    return this.status(userId);
  }

  async assertConsent(userId: string): Promise<void> {
    const consent = await this.consents.findOneBy({ userId });
    if (!consent || consent.withdrawnAt) {
      throw new DomainError(
        'CONSENT_REQUIRED',
        'agree to biometric processing first (POST /v1/me/face/consent)',
        403,
      );
    }
  }

  /**
   * Stores (or replaces) the person's template, accepted as `how` says; enrolment has checked
   * consent. An enrolment waiting for an admin is withdrawn: the latest face counts.
   */
  async enrol(
    userId: string,
    template: Float32Array,
    model: string,
    imageCount: number,
    how: Acceptance,
  ): Promise<FaceStatus> {
    const replaced = await this.db.transaction(async (m) => {
      const now = new Date();
      const had = await m.existsBy(FaceTemplateRow, { userId });
      await this.withdrawPending(m, userId);
      await m.save(FaceTemplateRow, {
        userId,
        ...this.seal(userId, template),
        model,
        imageCount,
        enrolledAt: now,
        lastUsedAt: now,
      });
      await m.insert(FaceEnrolmentRow, {
        ...this.historyRow(userId, 'enrolled', now, how),
        model,
        imageCount,
      });
      return had;
    });
    await this.announce({ userId, kind: 'enrolled', modelVersion: model, replaced, ...how });
    return this.status(userId);
  }

  /**
   * Holds an enrolment for an admin's approval (the person had no face on record, or it does
   * not match): sealed, as a template is, and not compared with anyone until approved. It
   * takes the place of one already waiting.
   */
  async hold(
    userId: string,
    template: Float32Array,
    model: string,
    imageCount: number,
    reason: PendingReason,
  ): Promise<FaceStatus> {
    await this.db.transaction(async (m) => {
      await this.withdrawPending(m, userId);
      await m.insert(FaceEnrolmentRow, {
        ...this.historyRow(userId, 'pending', new Date()),
        decidedAt: null,
        reason,
        ...this.seal(userId, template),
        model,
        imageCount,
      });
    });
    await this.announce({ userId, kind: 'pending', modelVersion: model, reason });
    return this.status(userId);
  }

  /**
   * An admin approves the enrolment waiting for the person (made within `pendingDays`): it
   * becomes their template. Sealed for the same person, it moves as it is.
   */
  async approve(userId: string, adminId: string, pendingDays: number): Promise<FaceStatus> {
    const { model, replaced } = await this.db.transaction(async (m) => {
      const pending = await this.pendingOf(m, userId, pendingDays);
      const now = new Date();
      const had = await m.existsBy(FaceTemplateRow, { userId });
      await m.save(FaceTemplateRow, {
        userId,
        keyId: pending.keyId!,
        iv: pending.iv!,
        tag: pending.tag!,
        ciphertext: pending.ciphertext!,
        model: pending.model!,
        imageCount: pending.imageCount!,
        enrolledAt: now,
        lastUsedAt: now,
      });
      await m.update(
        FaceEnrolmentRow,
        { id: pending.id },
        { state: 'enrolled', via: 'approved', decidedAt: now, decidedBy: adminId, ...UNSEALED },
      );
      return { model: pending.model!, replaced: had };
    });
    await this.announce({
      userId,
      kind: 'enrolled',
      modelVersion: model,
      replaced,
      via: 'approved',
      by: adminId,
    });
    return this.status(userId);
  }

  /** An admin refuses the enrolment waiting for the person; the face on record stays. */
  async reject(userId: string, adminId: string, pendingDays: number): Promise<FaceStatus> {
    await this.db.transaction(async (m) => {
      const pending = await this.pendingOf(m, userId, pendingDays);
      await m.update(
        FaceEnrolmentRow,
        { id: pending.id },
        { state: 'rejected', decidedAt: new Date(), decidedBy: adminId, ...UNSEALED },
      );
    });
    await this.announce({ userId, kind: 'rejected', by: adminId });
    return this.status(userId);
  }

  /** Withdraws enrolments left waiting longer than `days`; how many. */
  async expirePending(days: number, now = new Date()): Promise<number> {
    const { affected } = await this.enrolments.update(
      { state: 'pending', requestedAt: LessThan(new Date(now.getTime() - days * 86_400_000)) },
      { state: 'withdrawn', decidedAt: now, ...UNSEALED },
    );
    return affected ?? 0;
  }

  private async pendingOf(
    m: EntityManager,
    userId: string,
    days: number,
  ): Promise<FaceEnrolmentRow> {
    const pending = await m.findOne(FaceEnrolmentRow, {
      where: { userId, state: 'pending' },
      lock: { mode: 'pessimistic_write' },
    });
    if (!pending || pending.requestedAt.getTime() < Date.now() - days * 86_400_000) {
      throw new DomainError(
        'NO_PENDING_ENROLMENT',
        'this person has no enrolment waiting for approval',
        404,
      );
    }
    return pending;
  }

  private withdrawPending(m: EntityManager, userId: string) {
    return m.update(
      FaceEnrolmentRow,
      { userId, state: 'pending' },
      { state: 'withdrawn', decidedAt: new Date(), ...UNSEALED },
    );
  }

  private historyRow(
    userId: string,
    state: FaceEnrolmentRow['state'],
    at: Date,
    how?: { via: string; by?: string },
  ) {
    return {
      id: randomUUID(),
      userId,
      state,
      via: how?.via ?? null,
      requestedAt: at,
      decidedAt: at,
      decidedBy: how?.by ?? null,
    };
  }

  private announce(payload: EnrolmentEvent) {
    return this.publisher.publish(faceEnrolmentV1, {
      key: payload.userId,
      correlationId: payload.userId,
      payload,
    });
  }

  /**
   * The template on record, to compare a new enrolment with; not a use of it. Undefined when
   * there is none, or none that opens.
   */
  async current(userId: string): Promise<{ embedding: Float32Array; model: string } | undefined> {
    const row = await this.rows.findOneBy({ userId });
    const embedding = row && this.open(row, userId);
    return embedding ? { embedding, model: row.model } : undefined;
  }

  /**
   * The template to compare with, or undefined when the person has none (or none that opens,
   * which is as good as none: the door refuses); marks it used.
   */
  async templateOf(
    userId: string,
  ): Promise<{ embedding: Float32Array; model: string } | undefined> {
    const row = await this.rows.findOneBy({ userId });
    const embedding = row && this.open(row, userId);
    if (!embedding) return undefined;
    await this.rows.update({ userId }, { lastUsedAt: new Date() });
    return { embedding, model: row.model };
  }

  /**
   * The template in a row, or undefined when it does not open: sealed under a key no longer in
   * `FACE_TEMPLATE_KEYRING`, or altered.
   */
  private open(row: FaceTemplateRow, userId: string): Float32Array | undefined {
    let plain: Buffer;
    try {
      plain = this.keyring.open(row, aad(userId));
    } catch {
      this.logger.warn(
        `the face template of ${userId} does not open (key ${row.keyId}); it counts as none`,
      );
      return undefined;
    }
    return new Float32Array(plain.buffer, plain.byteOffset, plain.length / 4);
  }

  /**
   * Erases the template. By the person or an admin it also withdraws consent; when the account
   * is gone (`forget`) the consent record goes too. True when there was a template.
   */
  async erase(userId: string, by: ErasedBy, forget = false): Promise<boolean> {
    const erased = await this.db.transaction(async (m) => {
      const { affected } = await m.delete(FaceTemplateRow, { userId });
      await this.withdrawPending(m, userId);
      if (forget) {
        await m.delete(FaceConsentRow, { userId });
        await m.delete(FaceEnrolmentRow, { userId });
      } else if (by !== 'retention') {
        await m.update(FaceConsentRow, { userId }, { withdrawnAt: new Date() });
      }
      const had = (affected ?? 0) > 0;
      if (had && !forget) {
        await m.insert(
          FaceEnrolmentRow,
          this.historyRow(userId, 'erased', new Date(), { via: by }),
        );
      }
      return had;
    });
    if (erased) {
      await this.announce({ userId, kind: 'erased', erasedBy: by });
      this.logger.log(`erased the face template of ${userId} (${by})`);
    }
    return erased;
  }

  /** Erases templates not used for `days` days. */
  async enforceRetention(days: number, now = new Date()): Promise<number> {
    const stale = await this.rows.find({
      select: { userId: true },
      where: { lastUsedAt: LessThan(new Date(now.getTime() - days * 86_400_000)) },
    });
    for (const { userId } of stale) await this.erase(userId, 'retention');
    return stale.length;
  }

  /** Re-seals rows sealed with an older key of the keyring under the current one. */
  async reseal(): Promise<number> {
    const old = await this.rows.findBy({ keyId: Not(this.keyring.currentKeyId) });
    let resealed = 0;
    for (const row of old) {
      let plain: Buffer;
      try {
        plain = this.keyring.open(row, aad(row.userId));
      } catch {
        // Tampered, moved to another user, or sealed with a key no longer in the ring.
        this.logger.warn(`the template row of ${row.userId} does not open; left as it is`);
        continue;
      }
      await this.rows.update(
        { userId: row.userId, keyId: row.keyId },
        this.seal(row.userId, new Float32Array(plain.buffer, plain.byteOffset, plain.length / 4)),
      );
      resealed++;
    }
    return resealed;
  }

  private seal(userId: string, template: Float32Array) {
    return this.keyring.seal(
      Buffer.from(template.buffer, template.byteOffset, template.byteLength),
      aad(userId),
    );
  }
}
