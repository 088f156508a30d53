import type { Logger } from '@nestjs/common';
import { describeError } from './errors';

export interface Repeating {
  stop(): void;
  /**
   * Runs the task now, besides its period: at once when idle, otherwise once more as soon as
   * the run going on ends (calls made meanwhile make one run, not several).
   */
  now(): void;
  /**
   * Runs the task once at `when` (epoch milliseconds) besides its period. Only the earliest
   * such time waits: a later one than already asked for is ignored.
   */
  at(when: number): void;
}

/**
 * Runs `task` every `ms` in the background (the timer does not keep the process alive). A run
 * still going when the next is due is not joined by another; a failure is logged as a warning
 * and the next run comes as usual.
 */
export function repeatEvery(
  ms: number,
  logger: Logger,
  what: string,
  task: () => Promise<unknown>,
): Repeating {
  let running = false;
  let again = false;
  let stopped = false;
  const run = (): void => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    task()
      .catch((err: unknown) => logger.warn(`${what} failed: ${describeError(err)}`))
      .finally(() => {
        running = false;
        if (again) {
          again = false;
          run();
        }
      });
  };
  const timer = setInterval(() => {
    if (!running) run();
  }, ms);
  timer.unref();
  let wake: NodeJS.Timeout | undefined;
  let wakeAt = Infinity;
  const at = (when: number): void => {
    if (stopped || when >= wakeAt) return;
    clearTimeout(wake);
    wakeAt = when;
    wake = setTimeout(
      () => {
        wakeAt = Infinity;
        wake = undefined;
        run();
      },
      Math.max(0, when - Date.now()),
    );
    wake.unref();
  };
  return {
    stop: () => {
      stopped = true;
      clearInterval(timer);
      clearTimeout(wake);
    },
    now: run,
    at,
  };
}

/**
 * A job an app runs in the background for as long as it is up (sweeps, retention, key upkeep,
 * relays): started when the app has booted, stopped when it shuts down. `runSoon()` asks for a
 * run now, when there is work that should not wait for the next period.
 */
export abstract class PeriodicJob {
  private job: Repeating | undefined;

  protected abstract readonly logger: Logger;
  /** What the job is called in a failure's log line. */
  protected abstract readonly jobName: string;
  protected abstract periodMs(): number;
  protected abstract runJob(): Promise<unknown>;

  onApplicationBootstrap(): void | Promise<void> {
    this.job = repeatEvery(this.periodMs(), this.logger, this.jobName, () => this.runJob());
  }

  runSoon(): void {
    this.job?.now();
  }

  /** Asks for a run `inMs` from now, besides the period (the earliest such time is kept). */
  runIn(inMs: number): void {
    this.job?.at(Date.now() + Math.max(0, inMs));
  }

  onApplicationShutdown(): void {
    this.job?.stop();
  }
}
