/** Shared Jest settings: SWC compiles TypeScript with decorator metadata, path aliases as in tsconfig. */
module.exports = {
  rootDir: __dirname,
  testEnvironment: '<rootDir>/test/node-environment.js',
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  moduleNameMapper: {
    '^@roomkey/contracts$': '<rootDir>/libs/contracts/src',
    '^@roomkey/contracts/(.*)$': '<rootDir>/libs/contracts/src/$1',
    '^@roomkey/common$': '<rootDir>/libs/common/src',
    '^@roomkey/common/(.*)$': '<rootDir>/libs/common/src/$1',
  },
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.stack/', '<rootDir>/.e2e/'],
};
