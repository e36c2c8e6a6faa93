/**
 * Bad command-line usage: one line on stderr and exit code 2.
 *
 * Layer: cli.
 */

/** Thrown for wrong flags, missing arguments or unreadable files. */
export class UsageError extends Error {
  /** @param message - one line naming what is wrong */
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The help text. */
export const USAGE = `usage: bbm-verify <command> [options]

commands:
  check-trace FILE|-   replay a bbm-trace/1 trace on the model (exit 0 ok, 1 violation, 2 bad input)
  verify [options]     run every property against the SUT (alias: run)
      --sut PATH       a module exporting a SutFactory (default: the bundled port; env BBM_SUT)
      --runs N         runs per property (default: 3 × each property's CI budget, ~1 min)
      --variant V[,V]  only configurations of these kernel variants (v7.1, v6.18, prealloc)
      --granule G[,G]  only these granules (4K, 16K, 64K)
      --time S         time budget per property in seconds
      --seed N         fast-check seed (default 20261125; env BBM_SEED)
      --only ID[,ID]   only these properties
      --path P         replay path of a counterexample (with --seed and --only)
  mutants [options]    the kill matrix: every seeded bug (impl/mutants) against the properties
      --full           run every cell (default: each mutant stops at its first kill)
      --save-corpus    save each mutant's killing input under shrinks/corpus/
      --only ID[,ID]   only these mutants;  --seed N, --runs N as for verify
  corpus [DIR]         replay the saved counterexamples (default shrinks/corpus) against their record
  scenarios [DIR]      check every golden scenario (default model/scenarios) against its .expected
  help                 print this text`;
