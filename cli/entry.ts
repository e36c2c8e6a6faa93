/**
 * What every entry of the `bbm-verify` command does around a command: usage errors as one line
 * and exit 2, an internal error as one line and exit 3 (never a stack trace), stdout closed early
 * (`| head`) as a quiet exit 141 (128 + SIGPIPE), Ctrl-C as 130. Shared by the full command
 * (cli/main.ts, run through tsx) and the lean check-trace entry (cli/checkTraceMain.ts, run from a
 * cached bundle), so that both behave alike to the byte.
 *
 * Layer: cli.
 */
import type { CommandResult } from './checkTrace.ts';
import { EXIT, UsageError } from './usage.ts';

/**
 * Runs a command and turns a {@link UsageError} into its one-line result.
 * @param command - the command
 * @returns its result, or exit 2 with `bbm-verify: <message>` on stderr
 */
export async function withUsageErrors(command: () => Promise<CommandResult> | CommandResult): Promise<CommandResult> {
  try {
    return await command();
  } catch (e) {
    if (e instanceof UsageError) return { stdout: [], stderr: [`bbm-verify: ${e.message}`], code: EXIT.usage };
    throw e;
  }
}

/**
 * Runs a command line as the process: prints its output, sets the exit code, and handles EPIPE,
 * SIGINT and internal errors as described above.
 * @param run - the command line's runner (arguments after the program name, stdin, a streaming printer)
 * @param stop - what to stop before leaving early (child processes), if anything
 */
export function runAsProcess(
  run: (argv: readonly string[], stdin: NodeJS.ReadableStream, print: (line: string) => void) => Promise<CommandResult>,
  stop: () => void = () => {},
): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    stop();
    if (e.code === 'EPIPE') process.exit(141);
    process.exit(EXIT.internal);
  });
  process.on('SIGINT', () => {
    stop();
    process.exit(130);
  });
  const write = (line: string): void => {
    process.stdout.write(line + '\n');
  };
  run(process.argv.slice(2), process.stdin, write).then(
    (r) => {
      if (r.streamed !== true) for (const line of r.stdout) write(line);
      for (const line of r.stderr) process.stderr.write(line + '\n');
      process.exitCode = r.code;
    },
    (e: unknown) => {
      stop();
      process.stderr.write(
        `bbm-verify: internal error: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}\n`,
      );
      process.exitCode = EXIT.internal;
    },
  );
}
