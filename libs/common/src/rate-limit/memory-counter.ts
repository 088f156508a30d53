import type { RateCounterStore, RateSlot } from './rate-limit';

/**
 * Counters in this process, for an app without a database (the gateway). Each instance counts
 * on its own, so N instances allow up to N times a limit: a bound on flooding, not a security
 * boundary (those counters live in a database). The map is bounded: expired windows go first,
 * then the oldest.
 */
export class MemoryCounterStore implements RateCounterStore {
  private readonly counts = new Map<string, { count: number; expiresAt: number }>();

  constructor(private readonly maxEntries = 100_000) {}

  take(id: string, limit: number, expiresAt: Date): Promise<RateSlot | null> {
    // An id names its window, so an entry is never reused for another one.
    let entry = this.counts.get(id);
    if (!entry) {
      if (this.counts.size >= this.maxEntries) this.makeRoom(Date.now());
      entry = { count: 0, expiresAt: expiresAt.getTime() };
      this.counts.set(id, entry);
    }
    if (entry.count >= limit) return Promise.resolve(null);
    entry.count += 1;
    const taken = entry;
    return Promise.resolve({
      n: taken.count,
      release: () => {
        if (taken.count > 0) taken.count -= 1;
        return Promise.resolve();
      },
    });
  }

  private makeRoom(now: number): void {
    for (const [id, entry] of this.counts) if (entry.expiresAt <= now) this.counts.delete(id);
    for (const id of this.counts.keys()) {
      if (this.counts.size < this.maxEntries) break;
      this.counts.delete(id);
    }
  }
}
