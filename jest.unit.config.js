const base = require('./jest.base.config');

module.exports = { ...base, testMatch: ['<rootDir>/{apps,libs,scripts}/**/*.spec.ts'] };
