/**
 * kafkajs 2.2.4, the last release, re-arms a timer on every broker connection about once a
 * millisecond for as long as the connection is open, whether or not a request waits to be sent
 * (tulios/kafkajs#1556; the fix proposed upstream, #1667, is unreleased). Each app holds several
 * connections (its producer, its consumers, the readiness check's admin), so an app with nothing to
 * do spent 2–4% of a core in the loop, and every instance of every app pays it again.
 *
 * This puts the fix in kafkajs's request queue when the client module is loaded: a check of the
 * queue is scheduled only while a request waits (every 10 ms, as kafkajs does) or for when a
 * broker's throttling ends. A request that cannot go at once is queued and schedules its check, a
 * request answered checks the queue, so nothing that waits goes unchecked. ADR 030.
 */

/** The request queue's fields and methods this reads, as kafkajs 2.2.4 names them. */
interface RequestQueue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

/** How often a queue with waiting requests is checked when no throttling says when (kafkajs's). */
const CHECK_PENDING_MS = 10;

function scheduleCheckPendingRequests(this: RequestQueue): void {
  if (this.throttleCheckTimeoutId) return;
  const untilThrottleEnds = this.throttledUntil - Date.now();
  let delay: number;
  if (this.pending.length > 0) delay = untilThrottleEnds > 0 ? untilThrottleEnds : CHECK_PENDING_MS;
  else if (untilThrottleEnds > 0) delay = untilThrottleEnds;
  else return; // nothing waits and no throttling ends: nothing to check
  this.throttleCheckTimeoutId = setTimeout(() => {
    this.throttleCheckTimeoutId = null;
    this.checkPendingRequests();
  }, delay);
}

/** kafkajs's request queue class (not part of its typed API). */
export function requestQueueClass(): { prototype: RequestQueue } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('kafkajs/src/network/requestQueue') as { prototype: RequestQueue };
}

/** Puts the fix in place. Refuses to start with a kafkajs whose queue differs. */
function fixRequestQueueTimer(): void {
  const proto = requestQueueClass().prototype;
  if (typeof proto.scheduleCheckPendingRequests !== 'function') {
    throw new Error('kafkajs request queue without scheduleCheckPendingRequests: check ADR 030');
  }
  proto.scheduleCheckPendingRequests = scheduleCheckPendingRequests;
}

fixRequestQueueTimer();
