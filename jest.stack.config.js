const base = require('./jest.base.config');

/**
 * The stack script from nothing (`npm run test:stack`): empty caches, busy cores, ports of its
 * own. One of the slower suites: it fetches Kafka and builds FerretDB from the registries.
 */
module.exports = {
  ...base,
  reporters: ['default', ['<rootDir>/test/results-reporter.js', { suite: 'stack' }]],
  testMatch: ['<rootDir>/scripts/stack/**/*.stack-spec.ts'],
  testTimeout: 40 * 60_000,
};
