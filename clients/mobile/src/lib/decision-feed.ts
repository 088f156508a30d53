import { ApiError, NetworkError, unwrap, type Schemas, type Session } from '@roomkey/sdk';
import { createParser } from 'eventsource-parser';

export type AccessView = Schemas['AccessRequestView'];

export interface FollowOptions {
  session: Session;
  requestId: string;
  /** Told of every state: pending first, then the decision. */
  onView: (view: AccessView) => void;
  /**
   * Read the server-sent event stream. Only a browser's fetch streams a body; React Native's
   * does not, so a phone long-polls the request instead.
   */
  stream: boolean;
  isCancelled: () => boolean;
  /** The longest the phone waits for a decision. */
  deadlineMs?: number;
  now?: () => number;
}

const transient = (err: unknown) =>
  err instanceof NetworkError || (err instanceof ApiError && [502, 503, 504].includes(err.status));

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Reads `GET /v1/access-requests/{id}/events` until a decision; null if it ended without one. */
export async function readDecisionStream(
  response: Response,
  onView: (view: AccessView) => void,
): Promise<AccessView | null> {
  const reader = response.body?.getReader();
  if (!reader) return null;
  let decided: AccessView | null = null;
  const parser = createParser({
    onEvent(event) {
      if (event.event !== 'status' && event.event !== 'decision') return;
      const view = JSON.parse(event.data) as AccessView;
      onView(view);
      if (view.status !== 'pending') decided = view;
    },
  });
  const decoder = new TextDecoder();
  while (!decided) {
    const { done, value } = await reader.read();
    if (done) break;
    parser.feed(decoder.decode(value, { stream: true }));
  }
  if (decided) await reader.cancel().catch(() => undefined);
  return decided;
}

/**
 * Follows an access request until it is decided: the event stream where the platform can read
 * one, the long poll otherwise (and after a stream that ended early). Null when no decision came
 * in time or the screen went away.
 */
export async function followDecision(options: FollowOptions): Promise<AccessView | null> {
  const now = options.now ?? Date.now;
  const deadline = now() + (options.deadlineMs ?? 60_000);
  const { session, requestId } = options;
  if (options.stream) {
    try {
      const res = await session.fetch(`/v1/access-requests/${requestId}/events`, {
        headers: { accept: 'text/event-stream' },
      });
      if (res.ok) {
        const view = await readDecisionStream(res, options.onView);
        if (view) return view;
      }
    } catch {
      // The long poll below takes over.
    }
  }
  let failures = 0;
  while (!options.isCancelled() && now() < deadline) {
    try {
      const view = await unwrap(
        session.api.GET('/v1/access-requests/{id}', {
          params: { path: { id: requestId }, query: { wait: 25 } },
        }),
      );
      failures = 0;
      options.onView(view);
      if (view.status !== 'pending') return view;
    } catch (err) {
      if (!transient(err) || ++failures > 3) throw err;
      await pause(1000 * failures);
    }
  }
  return null;
}
