/**
 * What every failure shows about its run, whichever property failed and however (a broken claim,
 * a broken contract, a BUG): the VA layout around the VA the failure is about — the first kernel
 * VA its detail names (else its summary line), else the first VA argument of the last kernel call
 * of the run — and, when `BBM_TRACE_DIR` is set (as `bbm-verify verify` sets it), the whole run
 * saved as a `bbm-trace/1` file, `<BBM_TRACE_DIR>/<property>.jsonl`. A failure the model judged
 * (violationReport.ts) has its VA layout already and gets the trace only.
 *
 * This is the one writer of that file, called once per failure, when the property is done: the
 * trace is the run the report describes (not one of the failing runs met while shrinking, nor a
 * replay of the saved value, shrinks/failureCase.ts, which only checks that it fails the same way).
 *
 * The harness keeps, per run, the last kernel call and its VA (JudgedRun); verifyProperty keeps
 * the run of the last failing execution, which is the one fast-check reports.
 *
 * Layer: properties/harness.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { vaLayoutLines } from '../../reports/vaLayout.ts';
import type { JudgedRun } from './judgedRun.ts';

const KERNEL_VA = /\b0x(ffff[0-9a-f]{12})\b/;

/** What {@link failureContext} adds to a failure. */
export interface FailureContext {
  /** Lines to append to the failure's text, each after a newline ('' for none). */
  readonly lines: string;
  /** The saved trace, when `BBM_TRACE_DIR` is set. */
  readonly traceFile?: string;
}

/**
 * The lines to add to a failure's text, and the run's trace saved.
 * @param run - the run of the failing execution
 * @param propertyId - the property
 * @param text - the failure's text so far
 * @returns the lines and the trace file
 */
export function failureContext(run: JudgedRun, propertyId: string, text: string): FailureContext {
  const layout = text.includes('VA layout around') ? [] : layoutLines(run, text);
  const dir = process.env['BBM_TRACE_DIR'];
  if (dir === undefined || dir === '') return { lines: layout.map((l) => '\n' + l).join('') };
  mkdirSync(dir, { recursive: true });
  const traceFile = join(dir, `${propertyId}.jsonl`);
  writeFileSync(traceFile, run.trace());
  const lines = [...layout, `    whole run: ${traceFile} (npx bbm-verify check-trace ${traceFile})`];
  return { lines: lines.map((l) => '\n' + l).join(''), traceFile };
}

/**
 * The VA layout around the VA a failure is about, at the end of the run.
 * @param run - the run
 * @param text - the failure's text
 * @returns the lines, none when the run made no call with a VA and the text names none
 */
function layoutLines(run: JudgedRun, text: string): string[] {
  // The detail (after the summary line, which usually repeats the call) names the VA at fault.
  const [summary = '', ...detail] = text.split('\n');
  const named = KERNEL_VA.exec(detail.join('\n'))?.[1] ?? KERNEL_VA.exec(summary)?.[1];
  const va = named !== undefined ? BigInt(`0x${named}`) : run.lastCallVa;
  if (va === undefined) return [];
  return vaLayoutLines(run.model, va).map((l, i) =>
    i === 0
      ? l.replace(
          ', after the event):',
          named !== undefined
            ? ', at the end of the run):'
            : `, at the end of the run; the VA of ${run.lastCall ?? 'the last call'}):`,
        )
      : l,
  );
}
