import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { isDuplicateKey } from '@roomkey/common';
import type { PassUse } from '../domain/check';
import { PassUseRow } from '../repositories/schemas';

/**
 * The used-pass ledger. A use is a row whose `_id` is `<subject>#<n>` for n in 1..maxUses: the
 * unique index on `_id` decides which of two simultaneous requests gets a slot, so a pass is
 * never used more often than it may be. There is no read-then-write: the count read first is
 * only where the search for a free slot starts.
 */
@Injectable()
export class Ledger implements OnModuleInit {
  constructor(@InjectModel(PassUseRow.name) private readonly uses: Model<PassUseRow>) {}

  async onModuleInit(): Promise<void> {
    // The unique indexes must exist before the first use is recorded, not be built later.
    await this.uses.init();
  }

  async consume(use: PassUse): Promise<boolean> {
    if (await this.heldBy(use.requestId)) return true;
    const used = await this.uses.countDocuments({ subject: use.subject });
    for (let n = used + 1; n <= use.maxUses; n++) {
      try {
        await this.uses.create({
          _id: `${use.subject}#${n}`,
          subject: use.subject,
          requestId: use.requestId,
          usedAt: new Date(),
          expiresAt: use.expiresAt,
        });
        return true;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // Either the slot was taken (try the next) or this request already holds one.
        if (await this.heldBy(use.requestId)) return true;
      }
    }
    return false;
  }

  /** Uses so far, per subject. */
  async counts(subjects: string[]): Promise<Map<string, number>> {
    const rows = await this.uses.aggregate<{ _id: string; n: number }>([
      { $match: { subject: { $in: subjects } } },
      { $group: { _id: '$subject', n: { $sum: 1 } } },
    ]);
    return new Map(rows.map((r) => [r._id, r.n]));
  }

  /** Drops use rows whose pass can no longer be used anyway. */
  async sweep(now: Date): Promise<number> {
    const { deletedCount } = await this.uses.deleteMany({ expiresAt: { $lt: now } });
    return deletedCount;
  }

  private async heldBy(requestId: string): Promise<boolean> {
    return (await this.uses.exists({ requestId })) !== null;
  }
}
