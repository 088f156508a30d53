import { afterEach, describe, expect, it, vi } from 'vitest';
import { openAlertFeed, type Alert, type FeedState } from './alert-feed';

const alert = (seq: number): Alert => ({
  id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
  seq,
  type: 'repeated-denials',
  severity: 'high',
  subject: 'door:1',
  windowSeconds: 300,
  count: 5,
  evidence: [],
  state: 'open',
  firstAt: '2026-11-24T10:00:00Z',
  lastAt: '2026-11-24T10:01:00Z',
  ackedBy: null,
  ackedAt: null,
});
const event = (a: Alert) => `id: ${a.seq}\nevent: alert\ndata: ${JSON.stringify(a)}\n\n`;

/** A stream that sends `chunks` and then ends, or stays open when `hold`. */
function stream(chunks: string[], hold = false): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of chunks) controller.enqueue(new TextEncoder().encode(c));
      if (!hold) controller.close();
    },
  });
  return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
};

describe('the alert feed', () => {
  let close: (() => void) | undefined;
  afterEach(() => close?.());

  it('reconnects after the stream ends and resumes after the last alert it saw', async () => {
    const calls: Array<string | null> = [];
    const answers = [
      () => stream([': alerts\n\n', event(alert(7)), event(alert(8))]),
      () => Promise.reject(new TypeError('network down')),
      () => stream([event(alert(9))], true),
    ];
    const fetch = vi.fn(async (_path: string, init: RequestInit) => {
      calls.push(new Headers(init.headers).get('last-event-id'));
      return answers[calls.length - 1]();
    });
    const seen: number[] = [];
    const states: FeedState[] = [];
    close = openAlertFeed({
      fetch,
      onAlert: (a) => seen.push(a.seq),
      onState: (s) => states.push(s),
      delaysMs: [1],
    }).close;

    await until(() => seen.length === 3);
    expect(seen).toEqual([7, 8, 9]);
    // First without an id, then from 8 each time: after the end, and after the failure.
    expect(calls).toEqual([null, '8', '8']);
    expect(states).toEqual(['connecting', 'live', 'reconnecting', 'reconnecting', 'live']);
  });

  it('gives up a line that has gone silent and connects again', async () => {
    let n = 0;
    const fetch = vi.fn(async (_path: string, init: RequestInit) => {
      n++;
      if (n === 1) {
        // Never a byte more; only the abort ends it.
        return new Promise<Response>((_resolve, reject) =>
          init.signal!.addEventListener('abort', () =>
            reject(new DOMException('aborted', 'AbortError')),
          ),
        );
      }
      return stream([event(alert(1))], true);
    });
    const seen: number[] = [];
    close = openAlertFeed({
      fetch,
      onAlert: (a) => seen.push(a.seq),
      onState: () => {},
      delaysMs: [1],
      silenceMs: 20,
    }).close;
    await until(() => seen.length === 1);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('stops when the session is refused, instead of hammering the gateway', async () => {
    const fetch = vi.fn(async () => new Response('{}', { status: 403 }));
    const states: FeedState[] = [];
    close = openAlertFeed({
      fetch,
      onAlert: () => {},
      onState: (s) => states.push(s),
      delaysMs: [1],
    }).close;
    await until(() => states.includes('refused'));
    await new Promise((r) => setTimeout(r, 30));
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('stops reconnecting once closed', async () => {
    const fetch = vi.fn(async () => Promise.reject(new TypeError('down')));
    close = openAlertFeed({ fetch, onAlert: () => {}, onState: () => {}, delaysMs: [5] }).close;
    await until(() => fetch.mock.calls.length >= 1);
    close();
    const calls = fetch.mock.calls.length;
    await new Promise((r) => setTimeout(r, 40));
    expect(fetch.mock.calls.length).toBe(calls);
  });
});
