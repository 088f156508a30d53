const base = require('./jest.base.config');

/**
 * The Helm chart (deploy/helm/roomkey): linted, rendered with its default and production values,
 * checked against the Kubernetes and operators' schemas and kube-score, and read for what the
 * architecture needs. Its tools are built into the cache first (scripts/helm/tools.ts).
 */
module.exports = {
  ...base,
  reporters: ['default', ['<rootDir>/test/results-reporter.js', { suite: 'chart' }]],
  testMatch: ['<rootDir>/test/chart/**/*.spec.ts'],
  testTimeout: 120000,
};
