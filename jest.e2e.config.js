const base = require('./jest.base.config');

/**
 * The end-to-end test: the built apps as processes against the real local stack, which
 * `npm run test:e2e` brings up and builds for first.
 */
module.exports = {
  ...base,
  reporters: ['default', ['<rootDir>/test/results-reporter.js', { suite: 'end-to-end' }]],
  testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
  testTimeout: 90000,
  forceExit: true,
  setupFiles: ['<rootDir>/test/setup-int-env.ts'],
};
