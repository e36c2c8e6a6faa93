// Pins fast-check's global seed so that every run, CI's above all, is deterministic and replayable.
// BBM_SEED overrides the seed; under CI the fixed default is used when it is unset.
import fc from 'fast-check';

/** The seed used when BBM_SEED is not set (CI and local runs alike). */
export const DEFAULT_SEED = 20261125;

const raw = process.env['BBM_SEED'];
const seed = raw === undefined || raw === '' ? DEFAULT_SEED : Number(raw);
if (!Number.isInteger(seed)) {
  throw new Error(`BBM_SEED must be an integer, got ${JSON.stringify(raw)}`);
}
const numRuns = process.env['BBM_RUNS'] === undefined ? undefined : Number(process.env['BBM_RUNS']);

fc.configureGlobal({
  seed,
  ...(numRuns !== undefined && Number.isInteger(numRuns) ? { numRuns } : {}),
  // Every failure report then carries the seed and the path to replay it.
  verbose: fc.VerbosityLevel.Verbose,
});
