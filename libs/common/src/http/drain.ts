import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * An app stopping for a rolling update keeps answering for a moment, and every answer in that
 * moment tells its client to close the connection (`Connection: close`). A client's kept-alive
 * connection then ends after an answer, where closing it idle could cut it under the client's
 * next request (a connection error instead of an answer, on a POST that is not retried).
 */
export class HttpDrain {
  private draining = false;
  /** Answers whose headers are not sent yet: a long poll begun before the drain closes too. */
  private readonly pending = new Set<ServerResponse>();

  readonly middleware = (_req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    if (this.draining) {
      res.setHeader('Connection', 'close');
    } else {
      this.pending.add(res);
      res.once('close', () => this.pending.delete(res));
    }
    next();
  };

  begin(): void {
    this.draining = true;
    for (const res of this.pending) {
      if (!res.headersSent) res.setHeader('Connection', 'close');
    }
    this.pending.clear();
  }
}
