/**
 * A failure the caller can act on: a stable code, a human message, and the HTTP status the edge
 * answers with. Messages never carry secrets, tokens, images or other personal data.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = 400,
    readonly details?: unknown,
    /** Response headers that belong to the answer: Retry-After, WWW-Authenticate. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export class NotFoundError extends DomainError {
  constructor(code: string, message: string) {
    super(code, message, 404);
  }
}

/** An event that can never be processed (retrying will not help): it goes to the DLQ. */
export class PermanentEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentEventError';
  }
}

/** A failure that should clear by itself (a dependency is down): retry, never dead-letter. */
export class TransientError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientError';
  }
}

const TRANSIENT_NET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
]);

/**
 * Whether an error means "a dependency is unavailable right now" rather than "this input is
 * bad". PostgreSQL classes 08 (connection), 53 (resources), 57P (shutdown), 40001/40P01
 * (serialization, deadlock); socket errors, a Unix socket whose server is not running among
 * them; Mongo and Kafka network errors.
 */
export function isTransient(err: unknown): boolean {
  if (err instanceof TransientError) return true;
  if (!(err instanceof Error)) return false;
  const e = err as Error & {
    code?: unknown;
    syscall?: unknown;
    driverError?: unknown;
    retriable?: boolean;
  };
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (code && TRANSIENT_NET_CODES.has(code)) return true;
  // PostgreSQL removes its socket file while it is stopped: connecting to it finds no file.
  if (code === 'ENOENT' && e.syscall === 'connect') return true;
  if (code && /^(08|53|57P)/.test(code)) return true;
  if (code === '40001' || code === '40P01') return true;
  if (/^Mongo(Network|ServerSelection|NotConnected)/.test(e.name)) return true;
  if (e.name.startsWith('KafkaJS') && e.retriable === true) return true;
  if (
    /Connection terminated|connection timeout|timeout exceeded when trying to connect/i.test(
      e.message,
    )
  ) {
    return true;
  }
  if (e.driverError) return isTransient(e.driverError);
  return e.cause !== undefined && e.cause !== err && isTransient(e.cause);
}

/** A short description of an error for logs and dead letters: name, code and message only. */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err).slice(0, 500);
  const code = (err as { code?: unknown }).code;
  return `${err.name}${code !== undefined ? ` [${String(code)}]` : ''}: ${err.message}`.slice(
    0,
    2000,
  );
}
