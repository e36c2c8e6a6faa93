// Lint configuration: typescript-eslint with the import-boundary rules of ARCHITECTURE.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Forbid imports that cross the layer rules of ARCHITECTURE.md. */
const boundary = (patterns) => ({
  'no-restricted-imports': [
    'error',
    { patterns: patterns.map((group) => ({ group, message: 'layer rule: see ARCHITECTURE.md' })) },
  ],
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'reports/out/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['model/**/*.ts', 'impl/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'error' },
  },
  {
    files: ['model/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: boundary([
      ['**/impl/**', '**/properties/**', '**/shrinks/**', '**/reports/**', '**/cli/**', 'fast-check', '@fast-check/*'],
    ]),
  },
  {
    // The model's own tests may use fast-check, never the SUT.
    files: ['model/**/*.test.ts'],
    rules: boundary([['**/impl/**', '**/properties/**', '**/shrinks/**', '**/reports/**', '**/cli/**']]),
  },
  {
    files: ['impl/**/*.ts'],
    rules: boundary([['**/model/**', '**/properties/**', '**/shrinks/**', '**/reports/**', '**/cli/**']]),
  },
  { files: ['reports/**/*.ts'], rules: boundary([['**/impl/**', '**/properties/**', '**/cli/**']]) },
  {
    files: ['bin/**/*.mjs', 'eslint.config.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
