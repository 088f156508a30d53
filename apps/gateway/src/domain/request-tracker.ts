import type { AccessRequestView } from '@roomkey/contracts';
import type { AccessRequestOwner } from '@roomkey/common';

/**
 * What this gateway instance knows of recent access requests: the ones it accepted (so a status
 * lookup right after the 202 says pending even before audit has logged the request) and every
 * decision it consumed. Bounded: the oldest entries are forgotten first, and the audit log
 * remains the source of truth for anything older.
 */
export class RequestTracker {
  private readonly entries = new Map<string, AccessRequestView>();
  /** Who sent each request and its door: known for those accepted here, doors from decisions. */
  private readonly owners = new Map<string, AccessRequestOwner>();
  private readonly waiters = new Map<string, Set<(view: AccessRequestView) => void>>();

  constructor(private readonly capacity: number) {}

  accepted(requestId: string, at: Date, owner: AccessRequestOwner = {}): void {
    if (this.entries.has(requestId)) return;
    this.owners.set(requestId, owner);
    this.put({
      requestId,
      status: 'pending',
      reasons: [],
      requestedAt: at.toISOString(),
      decidedAt: null,
    });
  }

  decided(
    requestId: string,
    decision: 'granted' | 'denied',
    reasons: string[],
    at: Date,
    doorId?: string,
  ): void {
    const existing = this.entries.get(requestId);
    // The first decision is the decision; a redelivered or late duplicate never changes it.
    if (existing && existing.status !== 'pending') return;
    const owner = this.owners.get(requestId) ?? {};
    if (doorId && !owner.doorId) this.owners.set(requestId, { ...owner, doorId });
    const view: AccessRequestView = {
      requestId,
      status: decision,
      reasons,
      requestedAt: existing?.requestedAt ?? null,
      decidedAt: at.toISOString(),
    };
    this.put(view);
    for (const wake of this.waiters.get(requestId) ?? []) wake(view);
    this.waiters.delete(requestId);
  }

  /**
   * Resolves with the decision as soon as this instance sees it, or with undefined after
   * `timeoutMs` (or when `signal` aborts: the client went away).
   */
  waitForDecision(
    requestId: string,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<AccessRequestView | undefined> {
    const known = this.entries.get(requestId);
    if (known && known.status !== 'pending') return Promise.resolve(known);
    return new Promise((resolve) => {
      const set = this.waiters.get(requestId) ?? new Set();
      this.waiters.set(requestId, set);
      const done = (view: AccessRequestView | undefined) => {
        clearTimeout(timer);
        set.delete(wake);
        if (set.size === 0 && this.waiters.get(requestId) === set) this.waiters.delete(requestId);
        resolve(view);
      };
      const wake = (view: AccessRequestView) => done(view);
      const timer = setTimeout(() => done(undefined), timeoutMs);
      signal?.addEventListener('abort', () => done(undefined), { once: true });
      set.add(wake);
    });
  }

  get(requestId: string): AccessRequestView | undefined {
    return this.entries.get(requestId);
  }

  owner(requestId: string): AccessRequestOwner | undefined {
    return this.owners.get(requestId);
  }

  get size(): number {
    return this.entries.size;
  }

  private put(view: AccessRequestView): void {
    this.entries.delete(view.requestId);
    this.entries.set(view.requestId, view);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
      this.owners.delete(oldest);
    }
  }
}
