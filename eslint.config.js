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
      [
        '**/impl/**',
        '**/properties/**',
        '**/shrinks/**',
        '**/reports/**',
        '**/cli/**',
        '**/explore/**',
        'fast-check',
        '@fast-check/*',
      ],
    ]),
  },
  {
    // The reference checker (tests only) is written from SEMANTICS.md alone: it may import only
    // the event types, the violation codes, the trace reader, the branded bigints and the input
    // error of the fast model (model/reference/README.md). Its trace generator uses fast-check.
    files: ['model/reference/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: boundary([
      [
        '**/impl/**',
        '**/properties/**',
        '**/shrinks/**',
        '**/reports/**',
        '**/cli/**',
        '**/machine/*',
        '!**/machine/inputError.ts',
        '**/bbm/*',
        '!**/bbm/violations.ts',
        '**/arch/*',
        '!**/arch/bits.ts',
        '**/trace/*',
        '!**/trace/parse.ts',
        '**/tlb/*',
        '**/abstract/*',
        '**/testing/*',
        '**/step.ts',
        '**/options.ts',
      ],
    ]),
  },
  {
    // The model's own tests may use fast-check, never the SUT.
    files: ['model/**/*.test.ts'],
    rules: boundary([['**/impl/**', '**/properties/**', '**/shrinks/**', '**/reports/**', '**/cli/**']]),
  },
  {
    files: ['impl/**/*.ts'],
    rules: boundary([
      ['**/model/**', '**/properties/**', '**/shrinks/**', '**/reports/**', '**/cli/**', '**/explore/**'],
    ]),
  },
  { files: ['reports/**/*.ts'], rules: boundary([['**/impl/**', '**/properties/**', '**/cli/**']]) },
  {
    // The kernel C harness is a SUT plug-in: the contract and the port, never the judge. Its tests
    // may drive the properties (the seeded-bug patches are killed by them).
    files: ['kernel/**/*.ts'],
    ignores: ['**/*.test.ts', 'kernel/testing/**'],
    rules: boundary([['**/model/**', '**/properties/**', '**/shrinks/**', '**/reports/**', '**/cli/**']]),
  },
  { files: ['kernel/**/*.test.ts', 'kernel/testing/**/*.ts'], rules: boundary([['**/model/**']]) },
  {
    files: ['bin/**/*.mjs', 'bench/**/*.mjs', 'eslint.config.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
