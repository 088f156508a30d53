/**
 * Counts each lock's refused state reports (not signed, or replayed) over a sliding window. The
 * refusal that brings a lock to `threshold` within `windowMs` is the one to tell about; the
 * count then starts again, so a lock under a steady stream of forgeries is told about once per
 * `threshold` refusals, not once per refusal.
 */
export class RefusedReports {
  private readonly seen = new Map<string, number[]>();

  constructor(
    private readonly threshold: number,
    private readonly windowMs: number,
  ) {}

  /** Records a refusal: the count within the window when it reaches the threshold. */
  add(lockId: string, now: number): number | undefined {
    const recent = (this.seen.get(lockId) ?? []).filter((at) => at > now - this.windowMs);
    recent.push(now);
    if (recent.length >= this.threshold) {
      this.seen.delete(lockId);
      return recent.length;
    }
    this.seen.set(lockId, recent);
    this.forgetOld(now);
    return undefined;
  }

  /** Drops locks whose refusals are all out of the window, so the map holds only recent ones. */
  private forgetOld(now: number): void {
    for (const [lockId, times] of this.seen) {
      if (times[times.length - 1]! <= now - this.windowMs) this.seen.delete(lockId);
    }
  }
}
