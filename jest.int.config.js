const base = require('./jest.base.config');

/** Integration tests run against the real local stack, which `npm run test:int` brings up first. */
module.exports = {
  ...base,
  reporters: ['default', ['<rootDir>/test/results-reporter.js', { suite: 'integration' }]],
  testMatch: ['<rootDir>/{apps,libs}/**/test/**/*.int-spec.ts'],
  testTimeout: 60000,
  // kafkajs and pg keep sockets in their pools for a moment after close.
  forceExit: true,
  setupFiles: ['<rootDir>/test/setup-int-env.ts'],
};
