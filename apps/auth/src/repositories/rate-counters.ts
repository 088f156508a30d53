import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { isDuplicateKey, RateCounterStore } from '@roomkey/common';
import { RateCounterRow } from './schemas';

/**
 * Per-caller counters in MongoDB, shared by every auth instance: one findOneAndUpdate with $inc
 * counts, so concurrent requests on several instances never pass a limit together.
 */
@Injectable()
export class MongoCounterStore implements RateCounterStore {
  constructor(@InjectModel(RateCounterRow.name) private readonly rows: Model<RateCounterRow>) {}

  async increment(id: string, expiresAt: Date): Promise<number> {
    const bump = () =>
      this.rows
        .findOneAndUpdate(
          { _id: id },
          { $inc: { count: 1 }, $setOnInsert: { expiresAt } },
          { upsert: true, new: true },
        )
        .lean();
    let row;
    try {
      row = await bump();
    } catch (err) {
      // Two first takes of a window raced to insert it; the second is now an update.
      if (!isDuplicateKey(err)) throw err;
      row = await bump();
    }
    return row!.count;
  }

  async decrement(id: string): Promise<void> {
    await this.rows.updateOne({ _id: id, count: { $gt: 0 } }, { $inc: { count: -1 } });
  }

  /** Forgets windows that are over (FerretDB has no TTL indexes). */
  async sweep(now = new Date()): Promise<void> {
    await this.rows.deleteMany({ expiresAt: { $lt: now } });
  }
}
