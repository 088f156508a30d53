import { countsOf } from './test-results';

describe('test results', () => {
  it('reads the counts of a Jest or Vitest run', () => {
    expect(
      countsOf({
        numPassedTests: 7,
        numFailedTests: 2,
        numPendingTests: 1,
        numTodoTests: 1,
        success: false,
      }),
    ).toEqual({ passed: 7, failed: 2, skipped: 2 });
  });

  it('fails a run whose file broke before any test ran', () => {
    expect(
      countsOf({ numPassedTests: 0, numFailedTests: 0, numFailedTestSuites: 1, success: false }),
    ).toEqual({ passed: 0, failed: 1, skipped: 0 });
    expect(
      countsOf({
        numPassedTests: 3,
        numFailedTests: 0,
        numRuntimeErrorTestSuites: 1,
        success: false,
      }),
    ).toEqual({ passed: 3, failed: 1, skipped: 0 });
  });

  it('reads the counts recorded by the fuzzing and chaos runs', () => {
    expect(countsOf({ passed: 6, failed: 1, skipped: 0 })).toEqual({
      passed: 6,
      failed: 1,
      skipped: 0,
    });
    expect(countsOf({})).toEqual({ passed: 0, failed: 0, skipped: 0 });
  });
});
