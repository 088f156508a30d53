import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { isDuplicateKey } from '@roomkey/common';
import { QR_CONFIG, QrConfig } from '../config';
import type { PassUse } from '../domain/check';
import { DeniedRequestRow, PassFailureRow, PassUseRow } from '../repositories/schemas';

/**
 * The used-pass ledger. A use is a row whose `_id` is `<subject>#<n>` for n in 1..maxUses: the
 * unique index on `_id` decides which of two simultaneous requests gets a slot, so a pass is
 * never used more often than it may be. There is no read-then-write: the count read first is
 * only where the search for a free slot starts.
 *
 * The QR check holds a use; only a granted request keeps it. A denied one gives it back and is
 * counted as a failed attempt of the pass instead, so that someone who copied a pass cannot spend
 * its uses with their own face, and cannot try it without limit either. The denial and the check
 * may come in either order: each writes first, then looks for the other's row.
 */
@Injectable()
export class Ledger implements OnModuleInit {
  constructor(
    @InjectModel(PassUseRow.name) private readonly uses: Model<PassUseRow>,
    @InjectModel(PassFailureRow.name) private readonly failed: Model<PassFailureRow>,
    @InjectModel(DeniedRequestRow.name) private readonly denied: Model<DeniedRequestRow>,
    @Inject(QR_CONFIG) private readonly config: QrConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    // The unique indexes must exist before the first use is recorded, not be built later.
    await this.uses.init();
  }

  async consume(use: PassUse): Promise<boolean> {
    if (await this.heldBy(use.requestId)) return true;
    const used = await this.uses.countDocuments({ subject: use.subject });
    if (used >= use.maxUses) return false;
    // From the slot the count suggests, round to the first ones: a use given back frees a slot
    // below the others.
    for (let i = 0; i < use.maxUses; i++) {
      const n = ((used + i) % use.maxUses) + 1;
      try {
        await this.uses.create({
          _id: `${use.subject}#${n}`,
          subject: use.subject,
          requestId: use.requestId,
          usedAt: new Date(),
          expiresAt: use.expiresAt,
        });
        // Denied before this check came (a deadline, a lockdown): the use goes back at once.
        if (await this.denied.exists({ _id: use.requestId })) await this.giveBack(use.requestId);
        return true;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // Either the slot was taken (try the next) or this request already holds one.
        if (await this.heldBy(use.requestId)) return true;
      }
    }
    return false;
  }

  /** The request was denied: the use it holds, if any, goes back and counts as a failure. */
  async denial(requestId: string, now = new Date()): Promise<void> {
    // Kept for as long as a check of the request could still be made (later ones are `expired`).
    const expiresAt = new Date(now.getTime() + 2 * this.config.MAX_REQUEST_AGE_S * 1000);
    await this.denied.updateOne({ _id: requestId }, { $set: { expiresAt } }, { upsert: true });
    await this.giveBack(requestId);
  }

  /** Failed attempts so far, for one subject. */
  failures(subject: string): Promise<number> {
    return this.failed.countDocuments({ subject });
  }

  /** Uses so far (held or spent), per subject. */
  async counts(subjects: string[]): Promise<Map<string, number>> {
    const rows = await this.uses.aggregate<{ _id: string; n: number }>([
      { $match: { subject: { $in: subjects } } },
      { $group: { _id: '$subject', n: { $sum: 1 } } },
    ]);
    return new Map(rows.map((r) => [r._id, r.n]));
  }

  /** Drops use and failure rows whose pass can no longer be used anyway, and old denials. */
  async sweep(now: Date): Promise<number> {
    const old = { expiresAt: { $lt: now } };
    const counts = await Promise.all([
      this.uses.deleteMany(old),
      this.failed.deleteMany(old),
      this.denied.deleteMany(old),
    ]);
    return counts.reduce((n, r) => n + r.deletedCount, 0);
  }

  private async giveBack(requestId: string): Promise<void> {
    const held = await this.uses.findOneAndDelete({ requestId }).lean();
    if (!held) return;
    try {
      await this.failed.create({
        _id: `${held.subject}|${requestId}`,
        subject: held.subject,
        expiresAt: held.expiresAt,
      });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }

  private async heldBy(requestId: string): Promise<boolean> {
    return (await this.uses.exists({ requestId })) !== null;
  }
}
