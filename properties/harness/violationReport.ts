/**
 * The part of a property failure that a model violation contributes: the verdict and its site,
 * the operation during which it happened, the events just before it with their numbers and the VA
 * layout around the failing entry. The whole run is saved once the property is done, by
 * failureContext.ts (not here: this text is made at every failing run met while shrinking).
 *
 * Layer: properties/harness.
 */
import { formatViolation } from '../../reports/formatViolation.ts';
import { vaLayoutLines } from '../../reports/vaLayout.ts';
import type { JudgedRun } from './judgedRun.ts';

/**
 * The report of a run's violation, or '' when it has none.
 * @param run - the judged run
 * @returns indented lines, starting with a newline
 */
export function violationReport(run: JudgedRun): string {
  const v = run.violation;
  if (v === undefined) return '';
  const n = v.violation.event;
  const first = n - run.recent.length;
  const lines = [
    formatViolation(v.violation, n + 1),
    ...(v.entryLevel !== undefined && v.violation.level !== undefined && v.entryLevel !== v.violation.level
      ? [
          `    (the store is to a level-${v.entryLevel} entry; level ${v.violation.level} is that of the translation it conflicts with)`,
        ]
      : []),
    `    during ${v.call === undefined ? v.during : `${v.call}, in the step ${v.during}`}`,
    ...(v.issuedBy === undefined ? [] : [`    issued by ${v.issuedBy}`]),
    '    events before it:',
    ...run.recent.map((l, i) => `      ${String(first + i).padStart(7)}  ${l}`),
    `    > ${String(n).padStart(7)}  ${v.line}`,
    ...(v.violation.va === undefined ? [] : vaLayoutLines(run.model, v.violation.va)),
  ];
  return '\n' + lines.join('\n');
}
