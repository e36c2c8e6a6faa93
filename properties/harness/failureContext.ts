/**
 * What every failure shows about its run, whichever property failed and however (a broken claim,
 * a broken contract, a BUG): the VA layout around the VA the failure is about — the first kernel
 * VA its detail names (else its summary line), else the first VA argument of the last kernel call
 * of the run — and, when
 * `BBM_TRACE_DIR` is set (as `bbm-verify verify` sets it), the whole run saved as a `bbm-trace/1`
 * file. A failure the model judged (violationReport.ts) already has both and gets nothing more.
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

/**
 * Saves a run's trace when `BBM_TRACE_DIR` is set.
 * @param run - the run
 * @param propertyId - names the file
 * @returns the report line, or undefined when no folder is set
 */
export function saveRunTrace(run: JudgedRun, propertyId: string): string | undefined {
  const dir = process.env['BBM_TRACE_DIR'];
  if (dir === undefined || dir === '') return undefined;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${propertyId}.jsonl`);
  writeFileSync(file, run.trace());
  return `    whole run: ${file} (npx bbm-verify check-trace ${file})`;
}

/**
 * The lines to add to a failure's text.
 * @param run - the run of the failing execution
 * @param propertyId - the property
 * @param text - the failure's text so far
 * @returns lines starting with a newline, or '' when the text has them already
 */
export function failureContext(run: JudgedRun, propertyId: string, text: string): string {
  if (text.includes('VA layout around') || text.includes('    whole run: ')) return '';
  // The detail (after the summary line, which usually repeats the call) names the VA at fault.
  const [summary = '', ...detail] = text.split('\n');
  const named = KERNEL_VA.exec(detail.join('\n'))?.[1] ?? KERNEL_VA.exec(summary)?.[1];
  const va = named !== undefined ? BigInt(`0x${named}`) : run.lastCallVa;
  const lines = [
    ...(va === undefined
      ? []
      : vaLayoutLines(run.model, va).map((l, i) =>
          i === 0
            ? l.replace(
                ', after the event):',
                named !== undefined
                  ? ', at the end of the run):'
                  : `, at the end of the run; the VA of ${run.lastCall ?? 'the last call'}):`,
              )
            : l,
        )),
  ];
  const saved = saveRunTrace(run, propertyId);
  if (saved !== undefined) lines.push(saved);
  return lines.length === 0 ? '' : '\n' + lines.join('\n');
}
