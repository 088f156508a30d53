import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { isDuplicateKey, RateCounterStore, RateSlot } from '@roomkey/common';
import { RateCounterRow } from './schemas';

/**
 * Per-caller counters in MongoDB, shared by every auth instance. A counter of limit L is L
 * possible slot documents, `<counter>#1` to `<counter>#L`, and taking one is inserting it: the
 * unique `_id` is the one atomic guarantee FerretDB 1.x gives under concurrency (its
 * findOneAndUpdate with $inc loses updates), so concurrent takes can never hold more than L.
 */
@Injectable()
export class MongoCounterStore implements RateCounterStore {
  constructor(@InjectModel(RateCounterRow.name) private readonly rows: Model<RateCounterRow>) {}

  async take(counter: string, limit: number, expiresAt: Date): Promise<RateSlot | null> {
    const held = await this.rows.countDocuments({ counter });
    if (held >= limit) return null;
    // The free slots are most likely above the count; a slot given back leaves a gap below it.
    const order = [...range(held + 1, limit), ...range(1, held)];
    for (const n of order) {
      const id = `${counter}#${n}`;
      try {
        await this.rows.create({ _id: id, counter, expiresAt });
      } catch (err) {
        if (isDuplicateKey(err)) continue;
        throw err;
      }
      return {
        // Counted after the insert: of concurrent takes, the last to insert sees them all.
        n: await this.rows.countDocuments({ counter }),
        release: async () => {
          await this.rows.deleteOne({ _id: id });
        },
      };
    }
    return null;
  }

  /** Gives back every slot of the counters whose names start with `prefix`. */
  async clear(prefix: string): Promise<void> {
    await this.rows.deleteMany({ counter: { $regex: `^${escapeRegex(prefix)}` } });
  }

  /** Forgets slots whose window is over (FerretDB has no TTL indexes). */
  async sweep(now = new Date()): Promise<void> {
    await this.rows.deleteMany({ expiresAt: { $lt: now } });
  }
}

const range = (from: number, to: number) =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
