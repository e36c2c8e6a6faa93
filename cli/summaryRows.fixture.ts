/**
 * Test data (no test itself): result rows of every status a property can end in at two seeds,
 * with text that needs escaping, for the tests of the closing line, the JSON summary and JUnit
 * (verifySummary.test.ts, junitSchema.test.ts).
 *
 * Layer: cli (tests).
 */
import type { Row } from './verifyReport.ts';

/** A pass, a fail (with its replay, path and counterexample), a skip and an internal error. */
export const SUMMARY_ROWS: readonly Row[] = [
  { property: 'split.blocks-kept', seed: 1, status: 'pass', runs: 60, ms: 812 },
  {
    property: 'bbm.model-clean',
    seed: 1,
    status: 'fail',
    runs: 3,
    ms: 2210,
    message: '! bbm-unclean at event 4 (line 5): <a & b>\n    cpu 0',
    replay: "npx bbm-verify verify --only bbm.model-clean --seed 1 --path 2:0 --sut 'my sut.ts'",
    path: '2:0',
    counterexample: { $bigint: '0x10' },
  },
  {
    property: 'perm.valid-roundtrip',
    seed: 2,
    status: 'skip',
    runs: 0,
    ms: 3,
    message: 'no configuration of this property has variant v6.18',
  },
  { property: 'errors.no-damage', seed: 2, status: 'error', runs: 0, ms: 5, message: 'Error: "x"\n  at y' },
];
