const { mkdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');

/**
 * A Jest reporter that writes a suite's counts to .test-results/<suite>.json, for the summary
 * that closes `npm test` (scripts/test-results.ts). The default reporter still prints the run.
 */
class ResultsReporter {
  constructor(globalConfig, options) {
    this.file = path.join(__dirname, '..', '.test-results', `${options.suite}.json`);
  }

  onRunComplete(_contexts, results) {
    mkdirSync(path.dirname(this.file), { recursive: true });
    const counts = {
      passed: results.numPassedTests,
      // A file that could not run (a syntax error, a failing hook) counts as a failure too.
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      skipped: results.numPendingTests + results.numTodoTests,
    };
    writeFileSync(this.file, `${JSON.stringify(counts)}\n`);
  }
}

module.exports = ResultsReporter;
