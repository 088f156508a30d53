export interface LockPolicy {
  /** Consecutive failures that lock the account. */
  threshold: number;
  baseMs: number;
  maxMs: number;
}

/**
 * How long the next lock lasts: the base for the first, doubling for each further lock since
 * the last successful sign-in, never longer than the maximum.
 */
export function lockDurationMs(previousLockouts: number, policy: LockPolicy): number {
  const factor = 2 ** Math.min(previousLockouts, 30);
  return Math.min(policy.baseMs * factor, policy.maxMs);
}

/** Whole seconds until `until`, at least 1: a Retry-After value. */
export function retryAfterSeconds(until: Date, now: Date): number {
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
}
