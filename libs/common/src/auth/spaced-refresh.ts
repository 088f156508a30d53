const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A reload that runs at most once per `gapMs`, however many callers ask. `since(t)` resolves
 * when a run that began at or after `t` has finished, so a caller sees everything that existed
 * when it asked, and a flood of callers still costs one run per gap.
 */
export class SpacedRefresh {
  private lastStart = Number.NEGATIVE_INFINITY;
  private running: { startedAt: number; done: Promise<void> } | null = null;
  private queued: Promise<void> | null = null;

  constructor(
    private readonly task: () => Promise<void>,
    private readonly gapMs: number,
  ) {}

  since(t: number): Promise<void> {
    if (this.running && this.running.startedAt >= t) return this.running.done;
    this.queued ??= (async () => {
      try {
        await this.running?.done.catch(() => undefined);
        const wait = this.lastStart + this.gapMs - Date.now();
        if (wait > 0) await sleep(wait);
      } finally {
        this.queued = null;
      }
      return this.start();
    })();
    return this.queued;
  }

  /** Whether a run is going on or waiting for its turn. */
  get busy(): boolean {
    return this.running !== null || this.queued !== null;
  }

  private start(): Promise<void> {
    const startedAt = Date.now();
    this.lastStart = startedAt;
    const done = this.task().finally(() => {
      if (this.running?.done === done) this.running = null;
    });
    this.running = { startedAt, done };
    return done;
  }
}
