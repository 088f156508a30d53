// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.stack/**',
      '.e2e/**',
      '.fuzz/**',
      '.hypothesis/**',
      '.schemathesis/**',
      'coverage/**',
      'clients/*/dist/**',
      'clients/mobile/node_modules/**',
      'clients/mobile/.expo/**',
      'clients/mobile/*.js',
      'clients/sdk/src/schema.d.ts',
      '.screenshots/**',
      '.test-results/**',
      '*.js',
      'test/*.js',
      '*.mjs',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  { files: ['clients/**/*.{ts,tsx}'], ...reactHooks.configs.flat.recommended },
  {
    files: ['scripts/**/*.ts', 'bench/**/*.ts', '**/*.spec.ts', '**/*.int-spec.ts', 'test/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // The CLI's launcher: plain CommonJS that loads the TypeScript.
    files: ['clients/cli/bin/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', process: 'readonly', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Made from the stack's code (scripts/compose/generate.ts); mongosh runs it in the mongo image.
    ignores: ['deploy/compose/mongo/*.js'],
  },
  {
    // Runs before anything is installed: plain Node.js, its built-ins only.
    files: ['scripts/**/*.mjs', 'deploy/**/*.mjs', 'clients/mobile/scripts/*.mjs'],
    languageOptions: { globals: { console: 'readonly', process: 'readonly', Buffer: 'readonly' } },
    rules: { 'no-console': 'off' },
  },
);
