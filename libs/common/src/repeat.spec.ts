import type { Logger } from '@nestjs/common';
import { repeatEvery } from './repeat';

const quiet = { warn: () => undefined } as unknown as Logger;
const tick = () => new Promise((r) => setImmediate(r));

describe('repeatEvery', () => {
  it('runs at once when asked, besides its period', async () => {
    let runs = 0;
    const job = repeatEvery(60_000, quiet, 'job', async () => void runs++);
    job.now();
    await tick();
    expect(runs).toBe(1);
    job.stop();
  });

  it('runs once more after the current run for any number of calls made meanwhile', async () => {
    let runs = 0;
    let release: () => void = () => undefined;
    const job = repeatEvery(60_000, quiet, 'job', () => {
      runs++;
      return new Promise<void>((r) => (release = r));
    });
    job.now();
    job.now();
    job.now();
    expect(runs).toBe(1);
    release();
    await tick();
    await tick();
    expect(runs).toBe(2);
    release();
    await tick();
    await tick();
    expect(runs).toBe(2);
    job.stop();
  });

  it('goes on after a failure and runs nothing once stopped', async () => {
    let runs = 0;
    const warnings: string[] = [];
    const logger = { warn: (m: string) => warnings.push(m) } as unknown as Logger;
    const job = repeatEvery(60_000, logger, 'job', async () => {
      runs++;
      throw new Error('down');
    });
    job.now();
    await tick();
    await tick();
    job.now();
    await tick();
    await tick();
    expect(runs).toBe(2);
    expect(warnings).toHaveLength(2);
    job.stop();
    job.now();
    await tick();
    expect(runs).toBe(2);
  });

  it('runs once at a time asked for, the earliest of those asked for meanwhile', async () => {
    const runs: number[] = [];
    const start = Date.now();
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const job = repeatEvery(60_000, quiet, 'job', async () => void runs.push(Date.now() - start));
    job.at(start + 1000);
    job.at(start + 40);
    job.at(start + 500);
    while (runs.length === 0 && Date.now() - start < 5000) await sleep(10);
    expect(runs[0]).toBeGreaterThanOrEqual(39);
    expect(runs[0]).toBeLessThan(500);
    // The later times were replaced by the earlier one, not kept besides it.
    await sleep(Math.max(0, start + 1200 - Date.now()));
    expect(runs).toHaveLength(1);
    job.at(Date.now() + 20);
    job.stop();
    await sleep(60);
    expect(runs).toHaveLength(1);
  });
});
