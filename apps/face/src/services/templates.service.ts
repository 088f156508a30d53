import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Not, Repository } from 'typeorm';
import { faceEnrolmentV1, FaceStatus } from '@roomkey/contracts';
import { DomainError, EventPublisher, Keyring } from '@roomkey/common';
import { FaceConsentRow, FaceTemplateRow } from '../repositories/entities';
import { TEMPLATE_KEYRING } from './tokens';

type ErasedBy = 'user' | 'admin' | 'retention';

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
    @Inject(TEMPLATE_KEYRING) private readonly keyring: Keyring,
    private readonly publisher: EventPublisher,
  ) {}

  async status(userId: string): Promise<FaceStatus> {
    const [row, consent] = await Promise.all([
      this.rows.findOneBy({ userId }),
      this.consents.findOneBy({ userId }),
    ]);
    const active = consent && !consent.withdrawnAt ? consent : null;
    return {
      enrolled: row !== null,
      enrolledAt: row?.enrolledAt.toISOString() ?? null,
      lastUsedAt: row?.lastUsedAt.toISOString() ?? null,
      model: row?.model ?? null,
      imageCount: row?.imageCount ?? null,
      consentGivenAt: active?.givenAt.toISOString() ?? null,
      noticeVersion: active?.noticeVersion ?? null,
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

  /** Stores (or replaces) the person's template; enrolment has checked consent. */
  async enrol(userId: string, template: Float32Array, model: string, imageCount: number) {
    const now = new Date();
    await this.rows.save({
      userId,
      ...this.seal(userId, template),
      model,
      imageCount,
      enrolledAt: now,
      lastUsedAt: now,
    });
    await this.publisher.publish(faceEnrolmentV1, {
      key: userId,
      correlationId: userId,
      payload: { userId, kind: 'enrolled', modelVersion: model },
    });
    return this.status(userId);
  }

  /** The template to compare with, or undefined when the person has none; marks it used. */
  async templateOf(
    userId: string,
  ): Promise<{ embedding: Float32Array; model: string } | undefined> {
    const row = await this.rows.findOneBy({ userId });
    if (!row) return undefined;
    const plain = this.keyring.open(row, aad(userId));
    await this.rows.update({ userId }, { lastUsedAt: new Date() });
    return {
      embedding: new Float32Array(plain.buffer, plain.byteOffset, plain.length / 4),
      model: row.model,
    };
  }

  /**
   * Erases the template. By the person or an admin it also withdraws consent; when the account
   * is gone (`forget`) the consent record goes too. True when there was a template.
   */
  async erase(userId: string, by: ErasedBy, forget = false): Promise<boolean> {
    const { affected } = await this.rows.delete({ userId });
    if (forget) await this.consents.delete({ userId });
    else if (by !== 'retention') {
      await this.consents.update({ userId }, { withdrawnAt: new Date() });
    }
    const erased = (affected ?? 0) > 0;
    if (erased) {
      await this.publisher.publish(faceEnrolmentV1, {
        key: userId,
        correlationId: userId,
        payload: { userId, kind: 'erased', erasedBy: by },
      });
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
