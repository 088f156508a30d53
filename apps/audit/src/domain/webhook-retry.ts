/** How long after failed attempt `n` (1, 2, ...) the next one is made. */
export interface RetryPolicy {
  /** The wait after the first failure; each further failure doubles it. */
  baseMs: number;
  /** No wait is longer. */
  maxMs: number;
  /** Attempts in all; after the last failure the delivery is given up. */
  maxAttempts: number;
}

/**
 * Exponential backoff with jitter: base × 2^(n−1), capped, then between 80 % and 100 % of it
 * (`random` in [0, 1)), so that deliveries failing together do not all come back together.
 * Null once the attempts are spent.
 */
export function nextAttemptDelay(
  policy: RetryPolicy,
  failedAttempts: number,
  random: number = Math.random(),
): number | null {
  if (failedAttempts >= policy.maxAttempts) return null;
  const exp = policy.baseMs * 2 ** Math.min(failedAttempts - 1, 30);
  const capped = Math.min(exp, policy.maxMs);
  return Math.round(capped * (0.8 + 0.2 * random));
}
