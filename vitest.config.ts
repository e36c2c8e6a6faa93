// vitest configuration: every *.test.ts beside its subject; the setup file pins fast-check's seed.
// One worker per core: vitest's default for `run` is cores - 1, i.e. a single worker on the 2-core
// CI machine, where the main process is idle while the files run.
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{model,impl,kernel,properties,shrinks,reports,cli,bench,explore,sweeps}/**/*.test.ts'],
    setupFiles: ['./vitest.setup.ts'],
    // A guard against a hung test, never a speed check (speed is `npm run bench`): generous, so
    // that a loaded machine makes a run slow, not red.
    testTimeout: 600_000,
    pool: 'forks',
    maxWorkers: availableParallelism(),
  },
});
