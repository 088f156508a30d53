const { mkdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');

/**
 * A Jest reporter that leaves a suite's results in .test-results/<suite>.json for the summary
 * that closes `npm test` (scripts/test-results.ts, which counts them). It writes Jest's own
 * aggregated figures, the format Vitest's JSON reporter writes too; the default reporter still
 * prints the run. (Jest's `--outputFile` does not create the folder.)
 */
class ResultsReporter {
  constructor(globalConfig, options) {
    this.file = path.join(__dirname, '..', '.test-results', `${options.suite}.json`);
  }

  onRunComplete(_contexts, results) {
    // `success` is only set after the reporters have run, so it is left out here.
    const { testResults: _perFile, success: _notSetYet, ...aggregate } = results;
    mkdirSync(path.dirname(this.file), { recursive: true });
    writeFileSync(this.file, `${JSON.stringify(aggregate)}\n`);
  }
}

module.exports = ResultsReporter;
