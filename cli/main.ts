/**
 * The `bbm-verify` command: dispatches to the subcommands. Usage errors print one line and exit 2;
 * nothing prints a stack trace.
 *
 * Layer: cli.
 */
import { runCheckTrace } from './checkTrace.ts';
import type { CommandResult } from './checkTrace.ts';
import { runCorpus } from './corpus.ts';
import { runMutants } from './mutants.ts';
import { runScenarios } from './scenarios.ts';
import { runVerify } from './verify.ts';
import { USAGE, UsageError } from './usage.ts';

/**
 * Runs a command line.
 * @param argv - arguments after the program name
 * @param stdin - standard input
 * @returns output and exit code
 */
export async function runCli(argv: readonly string[], stdin: NodeJS.ReadableStream): Promise<CommandResult> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'check-trace':
        return await runCheckTrace(rest, stdin);
      case 'verify':
      case 'run':
        return await runVerify(rest);
      case 'mutants':
        return await runMutants(rest);
      case 'corpus':
        return await runCorpus(rest);
      case 'scenarios':
        return await runScenarios(rest);
      case 'help':
      case '--help':
      case '-h':
        return { stdout: [USAGE], stderr: [], code: 0 };
      case undefined:
        throw new UsageError('missing command (try: bbm-verify help)');
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)} (try: bbm-verify help)`);
    }
  } catch (e) {
    if (e instanceof UsageError) return { stdout: [], stderr: [`bbm-verify: ${e.message}`], code: 2 };
    throw e;
  }
}

const isMain = process.argv[1] !== undefined && /(?:cli[/\\]main\.ts|bbm-verify(?:\.mjs)?)$/.test(process.argv[1]);
if (isMain) {
  runCli(process.argv.slice(2), process.stdin).then(
    (r) => {
      for (const line of r.stdout) process.stdout.write(line + '\n');
      for (const line of r.stderr) process.stderr.write(line + '\n');
      process.exitCode = r.code;
    },
    (e: unknown) => {
      process.stderr.write(`bbm-verify: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 3;
    },
  );
}
