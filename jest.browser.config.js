const base = require('./jest.base.config');

/**
 * The browser tests: the built admin web and kiosk in Debian's Chromium, driven by
 * playwright-core, against the whole system (`npm run test:browser` builds everything first).
 */
module.exports = {
  ...base,
  reporters: ['default', ['<rootDir>/test/results-reporter.js', { suite: 'browser' }]],
  testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'],
  testTimeout: 120000,
  forceExit: true,
  setupFiles: ['<rootDir>/test/setup-int-env.ts'],
};
