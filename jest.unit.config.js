const base = require('./jest.base.config');

module.exports = {
  ...base,
  reporters: ['default', ['<rootDir>/test/results-reporter.js', { suite: 'unit' }]],
  testMatch: [
    '<rootDir>/{apps,libs,scripts}/**/*.spec.ts',
    '<rootDir>/clients/cli/src/**/*.spec.ts',
  ],
};
