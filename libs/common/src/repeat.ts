import type { Logger } from '@nestjs/common';
import { describeError } from './errors';

/**
 * Runs `task` every `ms` in the background (the timer does not keep the process alive); a
 * failure is logged as a warning and the next run comes as usual. Returns the stop function.
 */
export function repeatEvery(
  ms: number,
  logger: Logger,
  what: string,
  task: () => Promise<unknown>,
): () => void {
  const timer = setInterval(() => {
    task().catch((err: unknown) => logger.warn(`${what} failed: ${describeError(err)}`));
  }, ms);
  timer.unref();
  return () => clearInterval(timer);
}
