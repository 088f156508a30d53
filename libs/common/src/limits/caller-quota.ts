/** Gives back a unit of a caller's quota; calling it again does nothing. */
export type Release = () => void;

/**
 * Bounds the work each caller has in flight: at most `perCaller` units per caller and `total`
 * in all. A unit is taken before the work starts and given back when it ends, so one caller
 * cannot queue more than its share however fast it sends.
 */
export class CallerQuota {
  private readonly counts = new Map<string, number>();
  private used = 0;

  constructor(
    readonly perCaller: number,
    readonly total: number = Number.POSITIVE_INFINITY,
  ) {}

  /** A unit for `caller`, or undefined when the caller or everyone together is at the bound. */
  take(caller: string): Release | undefined {
    const held = this.counts.get(caller) ?? 0;
    if (held >= this.perCaller || this.used >= this.total) return undefined;
    this.counts.set(caller, held + 1);
    this.used++;
    let given = false;
    return () => {
      if (given) return;
      given = true;
      this.used--;
      const left = (this.counts.get(caller) ?? 1) - 1;
      if (left > 0) this.counts.set(caller, left);
      else this.counts.delete(caller);
    };
  }

  /** Units `caller` holds now. */
  heldBy(caller: string): number {
    return this.counts.get(caller) ?? 0;
  }

  /** Units held by everyone. */
  get inUse(): number {
    return this.used;
  }
}
