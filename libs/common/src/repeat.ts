import type { Logger } from '@nestjs/common';
import { describeError } from './errors';

/**
 * Runs `task` every `ms` in the background (the timer does not keep the process alive). A run
 * still going when the next is due is not joined by another; a failure is logged as a warning
 * and the next run comes as usual. Returns the stop function.
 */
export function repeatEvery(
  ms: number,
  logger: Logger,
  what: string,
  task: () => Promise<unknown>,
): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    task()
      .catch((err: unknown) => logger.warn(`${what} failed: ${describeError(err)}`))
      .finally(() => (running = false));
  }, ms);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * A job an app runs in the background for as long as it is up (sweeps, retention, key upkeep):
 * started when the app has booted, stopped when it shuts down.
 */
export abstract class PeriodicJob {
  private stopJob = () => undefined as void;

  protected abstract readonly logger: Logger;
  /** What the job is called in a failure's log line. */
  protected abstract readonly jobName: string;
  protected abstract periodMs(): number;
  protected abstract runJob(): Promise<unknown>;

  onApplicationBootstrap(): void | Promise<void> {
    this.stopJob = repeatEvery(this.periodMs(), this.logger, this.jobName, () => this.runJob());
  }

  onApplicationShutdown(): void {
    this.stopJob();
  }
}
