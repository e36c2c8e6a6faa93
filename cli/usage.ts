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
  scenarios [DIR]      check every golden scenario (default model/scenarios) against its .expected
  help                 print this text`;
