/**
 * When to fetch a new pass. The API says when (`refreshInSeconds`); the pass stops working at
 * `expiresAt`. The phone renews a little early so that the code on screen is never one the
 * kiosk refuses, and never hammers the API: at least a second between fetches.
 */
export const RENEW_EARLY_MS = 5_000;
export const MIN_DELAY_MS = 1_000;
/** After a failed fetch: wait this long, then longer, up to the last. */
export const RETRY_DELAYS_MS = [2_000, 5_000, 10_000, 30_000];

export interface PassTiming {
  refreshInSeconds: number;
  expiresAt: string;
}

/** Milliseconds from `now` until the next fetch. */
export function renewalDelay(pass: PassTiming, now: number): number {
  const byHint = pass.refreshInSeconds * 1000;
  const expires = Date.parse(pass.expiresAt);
  const byExpiry = Number.isFinite(expires) ? expires - now - RENEW_EARLY_MS : byHint;
  return Math.max(MIN_DELAY_MS, Math.min(byHint, byExpiry));
}

/** The wait before the nth retry after a failure (n from 0). */
export const retryDelay = (attempt: number): number =>
  RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length - 1)]!;

/** Whether the code on screen no longer opens anything. */
export const isExpired = (pass: Pick<PassTiming, 'expiresAt'>, now: number): boolean =>
  Date.parse(pass.expiresAt) <= now;

/** Whole seconds left, for the line under the code. */
export const secondsLeft = (pass: Pick<PassTiming, 'expiresAt'>, now: number): number =>
  Math.max(0, Math.ceil((Date.parse(pass.expiresAt) - now) / 1000));
