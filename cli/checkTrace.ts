/**
 * `bbm-verify check-trace FILE|-`: stream a trace from a file or stdin through the model.
 *
 * Layer: cli.
 */
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { checkTraceLines } from '../model/trace/checkTrace.ts';
import { formatViolation } from '../reports/formatViolation.ts';
import { vaLayoutLines } from '../reports/vaLayout.ts';
import { UsageError } from './usage.ts';

/** What a command prints and its exit code. */
export interface CommandResult {
  readonly stdout: string[];
  readonly stderr: string[];
  readonly code: number;
}

/**
 * Runs check-trace.
 * @param args - the arguments after the command name
 * @param stdin - the stream read for `-`
 * @returns output and exit code
 */
export async function runCheckTrace(args: readonly string[], stdin: NodeJS.ReadableStream): Promise<CommandResult> {
  const files = args.filter((a) => a === '-' || !a.startsWith('-'));
  const flags = args.filter((a) => a !== '-' && a.startsWith('-'));
  if (flags.length > 0) throw new UsageError(`check-trace: unknown option ${flags[0] ?? ''}`);
  if (files.length !== 1) throw new UsageError('check-trace: expected exactly one FILE (or - for stdin)');
  const file = files[0] ?? '-';
  let input: NodeJS.ReadableStream = stdin;
  if (file !== '-') {
    try {
      if (!statSync(file).isFile()) throw new UsageError(`check-trace: ${file} is not a file`);
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError(`check-trace: cannot read ${file}`);
    }
    input = createReadStream(file, { encoding: 'utf8' });
  }
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  const verdict = await checkTraceLines(lines);
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
