/** The app's tests: screens with the testing library, the rules in src/lib as plain units. */
module.exports = {
  preset: 'jest-expo',
  setupFiles: ['<rootDir>/jest.setup.js'],
  setupFilesAfterEnv: ['<rootDir>/jest.after-env.js'],
  // The SDK is TypeScript outside this folder; its imports resolve from here.
  moduleDirectories: ['node_modules', '<rootDir>/node_modules'],
  moduleNameMapper: {
    '^openapi-fetch$': '<rootDir>/node_modules/openapi-fetch/dist/index.cjs',
    '^eventsource-parser$': '<rootDir>/node_modules/eventsource-parser/dist/index.cjs',
  },
  transformIgnorePatterns: [
    '/node_modules/(?!(.pnpm|react-native|@react-native|@react-native-community|expo|@expo|expo-router|openapi-fetch|eventsource-parser|@roomkey|standard-navigation))',
  ],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  // The machine may be busy with other work: a first render can take seconds.
  testTimeout: 20000,
  restoreMocks: true,
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/src/**/*.test.tsx'],
};
