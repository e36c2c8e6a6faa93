// vitest configuration: every *.test.ts beside its subject; the setup file pins fast-check's seed.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{model,impl,properties,shrinks,reports,cli}/**/*.test.ts'],
    setupFiles: ['./vitest.setup.ts'],
    testTimeout: 120_000,
    pool: 'forks',
  },
});
