import { EXIT, type ExitCode } from './exit-codes';

/** A failure the CLI explains in one line and ends with a chosen exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    /** The API's stable code, when it was the API that refused. */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usage = (message: string) => new CliError(message, EXIT.USAGE);

interface ApiErrorLike {
  name: string;
  status: number;
  code: string;
  message: string;
}
const isApiError = (err: unknown): err is ApiErrorLike =>
  err instanceof Error &&
  err.name === 'ApiError' &&
  typeof (err as ApiErrorLike).status === 'number';

/** Node's own network failures (a refused connection, a name not found, a reset). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EPIPE',
]);

function networkCause(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The message of the innermost cause: what actually went wrong under "fetch failed". */
function deepestMessage(err: unknown): string | undefined {
  let message: string | undefined;
  for (let e = (err as Error).cause, depth = 0; e instanceof Error && depth < 5; depth++) {
    message = e.message;
    e = e.cause;
  }
  return message;
}

/** Any error as the CLI reports it: a line for people, a code for scripts. */
export function explain(err: unknown): CliError {
  if (err instanceof CliError) return err;
  if (isApiError(err)) {
    const exit: ExitCode =
      err.status === 401
        ? EXIT.AUTH
        : err.status === 403
          ? EXIT.FORBIDDEN
          : err.status >= 500
            ? EXIT.UNAVAILABLE
            : EXIT.REFUSED;
    const hint = err.status === 401 ? ' (sign in again: roomkey login)' : '';
    return new CliError(`${err.code}: ${err.message}${hint}`, exit, err.code);
  }
  if (err instanceof Error && err.name === 'NetworkError') {
    const why = networkCause(err) ?? deepestMessage(err);
    return new CliError(
      `the gateway cannot be reached (${why ?? 'no answer'}); is roomkey running?`,
      EXIT.UNAVAILABLE,
    );
  }
  // The operator's commands read their settings from the environment, as the apps do.
  if (err instanceof Error && err.name === 'ConfigError') {
    return new CliError(err.message, EXIT.USAGE);
  }
  const cause = networkCause(err);
  if (cause) {
    return new CliError(
      `${(err as Error).message || 'cannot connect'} (${cause})`,
      EXIT.UNAVAILABLE,
    );
  }
  return new CliError(
    `unexpected failure: ${err instanceof Error ? err.message : String(err)}`,
    EXIT.INTERNAL,
  );
}
