import type { AccessRequestView } from '@roomkey/contracts';

/**
 * What this gateway instance knows of recent access requests: the ones it accepted (so a status
 * lookup right after the 202 says pending even before audit has logged the request) and every
 * decision it consumed. Bounded: the oldest entries are forgotten first, and the audit log
 * remains the source of truth for anything older.
 */
export class RequestTracker {
  private readonly entries = new Map<string, AccessRequestView>();

  constructor(private readonly capacity: number) {}

  accepted(requestId: string, at: Date): void {
    if (this.entries.has(requestId)) return;
    this.put({
      requestId,
      status: 'pending',
      reasons: [],
      requestedAt: at.toISOString(),
      decidedAt: null,
    });
  }

  decided(requestId: string, decision: 'granted' | 'denied', reasons: string[], at: Date): void {
    const existing = this.entries.get(requestId);
    // The first decision is the decision; a redelivered or late duplicate never changes it.
    if (existing && existing.status !== 'pending') return;
    this.put({
      requestId,
      status: decision,
      reasons,
      requestedAt: existing?.requestedAt ?? null,
      decidedAt: at.toISOString(),
    });
  }

  get(requestId: string): AccessRequestView | undefined {
    return this.entries.get(requestId);
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
    }
  }
}
