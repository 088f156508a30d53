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
  try {
    return await fetch(url, {
      ...rest,
      headers: { accept: 'application/json', ...traceHeadersForOutgoing(), ...headers },
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
  } catch (err) {
    const timedOut = (err as Error).name === 'TimeoutError';
    throw new DomainError(
      timedOut ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_UNAVAILABLE',
      `${what} is not reachable right now; try again`,
      timedOut ? 504 : 503,
    );
  }
}
