import { DomainError, traceHeadersForOutgoing } from '@roomkey/common';

/**
 * One call to another app's internal REST API, with the trace context and a deadline. An app
 * that cannot be reached is a 503, one that is too slow a 504; neither says more than which
 * part of the system is affected.
 */
export async function callUpstream(
  url: URL,
  init: RequestInit & { timeoutMs: number; what: string },
): Promise<Response> {
  const { timeoutMs, what, headers, ...rest } = init;
  // The deadline is for the answer to begin; a long body (an export) may take its time.
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), timeoutMs);
  try {
    return await fetch(url, {
      ...rest,
      headers: { accept: 'application/json', ...traceHeadersForOutgoing(), ...headers },
      signal: deadline.signal,
      redirect: 'manual',
    });
  } catch {
    const timedOut = deadline.signal.aborted;
    throw new DomainError(
      timedOut ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_UNAVAILABLE',
      `${what} is not reachable right now; try again`,
      timedOut ? 504 : 503,
    );
  } finally {
    clearTimeout(timer);
  }
}
