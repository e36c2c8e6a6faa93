/**
 * `bbm-verify check-trace FILE|-`: stream a trace from a file or stdin through the model.
 *
 * Layer: cli.
 */
import { createReadStream, statSync } from 'node:fs';
import { checkTraceLines } from '../model/trace/checkTrace.ts';
import type { TraceVerdict } from '../model/trace/checkTrace.ts';
import { formatViolation } from '../reports/formatViolation.ts';
import { vaLayoutLines } from '../reports/vaLayout.ts';
import { boundedLines, LineTooLongError } from './lines.ts';
import { parseVerb, verbHelp } from './options.ts';
import { CHECK_TRACE_VERB } from './verbs.ts';
import { UsageError } from './usage.ts';

/** What a command prints and its exit code. */
export interface CommandResult {
  readonly stdout: string[];
  readonly stderr: string[];
  readonly code: number;
  /** The stdout lines were already printed as they were produced. */
  readonly streamed?: boolean;
}

/**
 * Runs check-trace.
 * @param args - the arguments after the command name
 * @param stdin - the stream read for `-`
 * @returns output and exit code
 */
export async function runCheckTrace(args: readonly string[], stdin: NodeJS.ReadableStream): Promise<CommandResult> {
  const { positionals, help } = parseVerb(CHECK_TRACE_VERB, args);
  if (help) return { stdout: [verbHelp(CHECK_TRACE_VERB)], stderr: [], code: 0 };
  if (positionals.length !== 1) throw new UsageError('check-trace: expected exactly one FILE (or - for stdin)');
  const file = positionals[0] ?? '-';
  let input: NodeJS.ReadableStream = stdin;
  if (file !== '-') {
    try {
      if (!statSync(file).isFile()) throw new UsageError(`check-trace: ${file} is not a file`);
    } catch (e) {
      if (e instanceof UsageError) throw e;
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`check-trace: ${file} does not exist`);
      throw new UsageError(`check-trace: cannot read ${file}`);
    }
    input = createReadStream(file, { encoding: 'utf8' });
  }
  if (file === '-' && 'setEncoding' in input && typeof input.setEncoding === 'function') input.setEncoding('utf8');
  let verdict: TraceVerdict;
  try {
    verdict = await checkTraceLines(boundedLines(input as AsyncIterable<string>));
  } catch (e) {
    if (e instanceof LineTooLongError)
      throw new UsageError(`check-trace: ${file === '-' ? 'stdin' : file}: ${e.message}`);
    if ((e as NodeJS.ErrnoException).code === 'EISDIR' || (e as NodeJS.ErrnoException).code === 'EACCES')
      throw new UsageError(`check-trace: cannot read ${file}`);
    throw e;
  }
  switch (verdict.kind) {
    case 'ok':
      return { stdout: [`ok: ${verdict.events} events`], stderr: [], code: 0 };
    case 'violation':
      return {
        stdout: [
          [
            formatViolation(verdict.violation, verdict.line),
            ...(verdict.violation.va === undefined ? [] : vaLayoutLines(verdict.state, verdict.violation.va)),
          ].join('\n'),
        ],
        stderr: [],
        code: 1,
      };
    case 'bad-input':
      return { stdout: [], stderr: [`bbm-verify: line ${verdict.line}: ${verdict.reason}`], code: 2 };
  }
}
