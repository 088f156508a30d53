import type { Response } from 'express';

/** Starts a server-sent event stream: no caching, no proxy buffering. */
export function openEventStream(res: Response): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
}

/** One event; `id` is what a client resumes from with Last-Event-ID. */
export function sendEvent(res: Response, event: string, data: unknown, id?: number | string): void {
  res.write(
    `${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`,
  );
}
