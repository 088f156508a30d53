import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The counts of every suite `npm test` runs, and the line that closes it.
 *
 * Each runner leaves its counts in .test-results/: Jest through test/results-reporter.js,
 * Vitest through its JSON reporter, the fuzzing and chaos runs through `record` below.
 * `tsx scripts/test-results.ts reset` empties the folder before a run; `summary` prints a line
 * per suite and then `roomkey: N passed, N failed, N skipped`, and exits 1 if anything failed
 * or no test ran at all; `summary --line` prints only that last line.
 */
export const RESULTS_DIR = path.resolve(__dirname, '..', '.test-results');

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

/** Leaves a suite's counts for the summary. */
export function record(suite: string, counts: Counts): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(path.join(RESULTS_DIR, `${suite}.json`), `${JSON.stringify(counts)}\n`);
}

/** Our own files hold `Counts`; Vitest's JSON reporter writes Jest's result format. */
export function countsOf(data: Record<string, unknown>): Counts {
  const n = (key: string): number => (typeof data[key] === 'number' ? (data[key] as number) : 0);
  if ('numPassedTests' in data) {
    const failed = n('numFailedTests') + n('numRuntimeErrorTestSuites');
    return {
      passed: n('numPassedTests'),
      // A file that failed before any test ran still fails the suite.
      failed: failed > 0 || data.success !== false ? failed : Math.max(1, n('numFailedTestSuites')),
      skipped: n('numPendingTests') + n('numTodoTests'),
    };
  }
  return { passed: n('passed'), failed: n('failed'), skipped: n('skipped') };
}

export function readResults(): [string, Counts][] {
  if (!existsSync(RESULTS_DIR)) return [];
  return readdirSync(RESULTS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => [
      f.slice(0, -'.json'.length),
      countsOf(JSON.parse(readFileSync(path.join(RESULTS_DIR, f), 'utf8'))),
    ]);
}

function main(args: string[]): number {
  if (args[0] === 'reset') {
    rmSync(RESULTS_DIR, { recursive: true, force: true });
    return 0;
  }
  if (args[0] !== 'summary') {
    console.error('usage: tsx scripts/test-results.ts reset | summary [--line]');
    return 2;
  }
  const results = readResults();
  const total: Counts = { passed: 0, failed: 0, skipped: 0 };
  for (const [suite, counts] of results) {
    if (args[1] !== '--line') {
      console.log(
        `${suite.padEnd(16)} ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`,
      );
    }
    total.passed += counts.passed;
    total.failed += counts.failed;
    total.skipped += counts.skipped;
  }
  console.log(`roomkey: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
  return total.failed === 0 && total.passed > 0 ? 0 : 1;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
