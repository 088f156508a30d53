import { ApiError, NetworkError } from '@roomkey/sdk';

/** Worth another try: no answer at all, or the gateway said its side is down for now. */
export const isTransient = (err: unknown): boolean =>
  err instanceof NetworkError || (err instanceof ApiError && [502, 503, 504].includes(err.status));

/**
 * Runs `call` until it succeeds, trying again after each delay while the failure is transient.
 * `onRetry` lets the screen say that the network is being retried.
 */
export async function withRetry<T>(
  call: () => Promise<T>,
  delaysMs: number[] = [500, 1000, 2000],
  onRetry?: (attempt: number, err: unknown) => void,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!isTransient(err) || attempt >= delaysMs.length) throw err;
      onRetry?.(attempt + 1, err);
      await new Promise((r) => setTimeout(r, delaysMs[attempt]));
    }
  }
}
