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

/** The exit codes shared by every command (cli/README.md). */
export const EXIT = {
  /** Everything checked holds. */
  ok: 0,
  /** A finding: a rule broken, a counterexample, a seeded bug surviving, a corpus entry changed. */
  finding: 1,
  /** Bad usage or bad input: one line on stderr, nothing checked. */
  usage: 2,
  /** An internal error of the suite itself. */
  internal: 3,
} as const;
