/**
 * The `bbm-verify` command: dispatches to the verbs, prints their help (generated from the same
 * option tables that parse them) and the version. Usage errors print one line and exit 2; an
 * internal error prints one line and exits 3; nothing prints a stack trace. Output is streamed;
 * when stdout is closed early (`| head`) the command stops quietly with status 141 (128 + SIGPIPE),
 * as a Unix filter killed by SIGPIPE does — never 0, so a pipeline under `pipefail` does not pass.
 *
 * Layer: cli.
 */
import { readFileSync } from 'node:fs';
import type { CommandResult } from './checkTrace.ts';
import { runAsProcess, withUsageErrors } from './entry.ts';
import { EXIT, UsageError } from './usage.ts';
import { VERBS } from './verbs.ts';
import { stopChildren } from './verifyRunner.ts';

/** @returns the version of the package */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** The top-level help, from the verbs' own tables. */
export function usage(): string {
  const verbs = VERBS.map((v) => {
    const name = `${v.name}${v.positionals === undefined ? '' : ` ${v.positionals}`}`;
    return `  ${name.padEnd(22)} ${v.brief}`;
  });
  return [
    'usage: bbm-verify <command> [options]      (bbm-verify <command> --help for its options)',
    '',
    'commands:',
    ...verbs,
    `  ${'help'.padEnd(22)} this text (also --help, -h); --version prints the version`,
    '',
    'exit status: 0 holds, 1 a finding, 2 bad usage or input, 3 an internal error of the suite',
  ].join('\n');
}

/**
 * Runs a command line.
 * @param argv - arguments after the program name
 * @param stdin - standard input
 * @param print - receives stdout lines as they are produced, for commands that stream
 * @returns output and exit code
 */
export async function runCli(
  argv: readonly string[],
  stdin: NodeJS.ReadableStream,
  print?: (line: string) => void,
): Promise<CommandResult> {
  const [command, ...rest] = argv;
  return withUsageErrors(async () => {
    switch (command) {
      // Each command is loaded when it runs: help and the parent of verify stay light.
      case 'check-trace':
        return await (await import('./checkTrace.ts')).runCheckTrace(rest, stdin);
      case 'verify':
      case 'run':
        return await (await import('./verify.ts')).runVerify(rest, print);
      case 'replay':
        return await (await import('./replay.ts')).runReplay(rest);
      case 'merge-summaries':
        return (await import('./mergeSummaries.ts')).runMergeSummaries(rest);
      case 'mutants':
        return await (await import('./mutants.ts')).runMutants(rest);
      case 'corpus':
        return await (await import('./corpus.ts')).runCorpus(rest);
      case 'scenarios':
        return await (await import('./scenarios.ts')).runScenarios(rest);
      case 'explore':
        return await (await import('./explore.ts')).runExplore(rest, print);
      case 'help':
      case '--help':
      case '-h':
        return { stdout: [usage()], stderr: [], code: EXIT.ok };
      case '--version':
      case '-V':
        return { stdout: [`bbm-verify ${version()}`], stderr: [], code: EXIT.ok };
      case undefined:
        throw new UsageError('missing command (try: bbm-verify help)');
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)} (try: bbm-verify help)`);
    }
  });
}

const isMain = process.argv[1] !== undefined && /(?:cli[/\\]main\.ts|bbm-verify(?:\.mjs)?)$/.test(process.argv[1]);
if (isMain) runAsProcess(runCli, stopChildren);
