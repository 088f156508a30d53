import { DomainError, traceHeadersForOutgoing } from '@roomkey/common';

/**
 * One call to another app's internal REST API, with the trace context and a deadline. An app
 * that cannot be reached is a 503, one that is too slow a 504; neither says more than which
 * part of the system is affected.
 */
export async function callUpstream(
  url: URL,
  init: RequestInit & {
    timeoutMs: number;
    what: string;
    /**
     * What the deadline covers: the whole answer (default), or only until it begins, for an
     * answer passed on as a stream (an export may take its time).
     */
    deadline?: 'whole' | 'start';
  },
): Promise<Response> {
  const { timeoutMs, what, headers, deadline = 'whole', ...rest } = init;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    return await fetch(url, {
      ...rest,
      headers: { accept: 'application/json', ...traceHeadersForOutgoing(), ...headers },
      signal: abort.signal,
      redirect: 'manual',
    });
  } catch {
    const timedOut = abort.signal.aborted;
    throw new DomainError(
      timedOut ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_UNAVAILABLE',
      `${what} is not reachable right now; try again`,
      timedOut ? 504 : 503,
    );
  } finally {
    if (deadline === 'start') clearTimeout(timer);
    else timer.unref();
  }
}
