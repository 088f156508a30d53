const base = require('./jest.base.config');

/**
 * The container images: built from deploy/Dockerfile with podman and run as the system against
 * the real local stack (`npm run test:containers` brings the stack up first).
 */
module.exports = {
  ...base,
  reporters: ['default', ['<rootDir>/test/results-reporter.js', { suite: 'containers' }]],
  testMatch: ['<rootDir>/test/containers/**/*.containers-spec.ts'],
  testTimeout: 90000,
  forceExit: true,
  setupFiles: ['<rootDir>/test/setup-int-env.ts'],
};
