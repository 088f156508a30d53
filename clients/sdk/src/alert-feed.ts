import { createParser } from 'eventsource-parser';
import type { components } from './schema';

export type Alert = components['schemas']['AlertView'];
export type FeedState = 'connecting' | 'live' | 'reconnecting' | 'refused';

export interface FeedOptions {
  /** An authorised fetch (the session's): it renews the token when the API answers 401. */
  fetch: (path: string, init: RequestInit) => Promise<Response>;
  onAlert: (alert: Alert) => void;
  onState: (state: FeedState) => void;
  /** Waits between attempts; the last one repeats. */
  delaysMs?: number[];
  /** No byte for this long (the gateway sends a comment every 15 s): the line is dead. */
  silenceMs?: number;
}

/**
 * The live alert feed: `GET /v1/alerts/stream` read as server-sent events through fetch (an
 * EventSource cannot send the bearer token). It reconnects by itself, with back-off, and
 * resumes after the last alert it saw (Last-Event-ID), so none is missed or shown twice.
 */
export function openAlertFeed(options: FeedOptions): { close(): void } {
  const delays = options.delaysMs ?? [1000, 2000, 5000, 10000];
  const silenceMs = options.silenceMs ?? 45_000;
  let closed = false;
  let lastId: string | undefined;
  let current: AbortController | undefined;
  let wake: (() => void) | undefined;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const readOnce = async (): Promise<'ended' | 'refused'> => {
    const abort = new AbortController();
    current = abort;
    let watchdog = setTimeout(() => abort.abort(), silenceMs);
    const alive = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => abort.abort(), silenceMs);
    };
    try {
      const res = await options.fetch('/v1/alerts/stream', {
        headers: lastId ? { 'last-event-id': lastId } : {},
        signal: abort.signal,
      });
      if (res.status === 401 || res.status === 403) return 'refused';
      if (!res.ok || !res.body) throw new Error(`the feed answered ${res.status}`);
      options.onState('live');
      const parser = createParser({
        onEvent(event) {
          if (event.event !== 'alert') return;
          if (event.id) lastId = event.id;
          options.onAlert(JSON.parse(event.data) as Alert);
        },
        onComment: alive,
      });
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return 'ended';
        alive();
        parser.feed(value);
      }
    } finally {
      clearTimeout(watchdog);
    }
  };

  void (async () => {
    options.onState('connecting');
    for (let attempt = 0; !closed;) {
      let outcome: 'ended' | 'refused' | 'failed';
      try {
        outcome = await readOnce();
      } catch {
        outcome = 'failed';
      }
      if (closed) return;
      if (outcome === 'refused') return options.onState('refused');
      // A stream that was live and ended starts the back-off again.
      attempt = outcome === 'ended' ? 0 : attempt + 1;
      options.onState('reconnecting');
      await pause(delays[Math.min(Math.max(attempt - 1, 0), delays.length - 1)]);
    }
  })();

  return {
    close() {
      closed = true;
      current?.abort();
      wake?.();
    },
  };
}
