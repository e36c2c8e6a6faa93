// Pins fast-check's global seed so that every run, CI's above all, is deterministic and replayable.
// BBM_SEED overrides the seed; under CI the fixed default is used when it is unset. BBM_RUNS raises
// (or lowers) the runs of every property. A value that is not what it must be stops the run
// instead of being ignored (Number('abc') is NaN, and NaN runs used to be zero runs, a pass).
import fc from 'fast-check';

/** The seed used when BBM_SEED is not set (CI and local runs alike). */
export const DEFAULT_SEED = 20261125;

const raw = process.env['BBM_SEED'];
const seed = raw === undefined || raw === '' ? DEFAULT_SEED : Number(raw);
if (!/^-?\d+$/.test(raw ?? '0') || !Number.isSafeInteger(seed) || seed < -0x80000000 || seed > 0xffffffff) {
  throw new Error(`BBM_SEED must be an integer seed (-2147483648..4294967295), got ${JSON.stringify(raw)}`);
}
const rawRuns = process.env['BBM_RUNS'];
// An empty BBM_RUNS is refused too: the property tests read it with Number(), and Number('') is 0.
if (rawRuns !== undefined && !/^[1-9]\d*$/.test(rawRuns)) {
  throw new Error(`BBM_RUNS must be a whole number of at least 1, got ${JSON.stringify(rawRuns)}`);
}
const numRuns = rawRuns === undefined ? undefined : Number(rawRuns);

fc.configureGlobal({
  seed,
  ...(numRuns === undefined ? {} : { numRuns }),
  // Every failure report then carries the seed and the path to replay it.
  verbose: fc.VerbosityLevel.Verbose,
});

// `bbm-verify verify` run in-process by the CLI tests prints no progress lines into the test log
// (cli/progress.ts); the progress test sets its own mode.
process.env['BBM_PROGRESS'] ??= 'off';

// vitest already runs one file per core: a `bbm-verify verify` inside a test runs one child at a
// time (`BBM_JOBS`, its --jobs), so that the suite does not ask for twice the cores it has and a
// test's deadlines are not spent waiting for one. The pool itself is tested with --jobs/workers.
process.env['BBM_JOBS'] ??= '1';
