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
});
