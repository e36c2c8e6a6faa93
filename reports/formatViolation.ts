/**
 * The lines a person reads for a violation: the verdict line in Casemate's `! <code>` shape, the
 * site (CPU, PA of the entry, VA, level) and one line of detail.
 *
 * Layer: reports (model types only).
 */
import { hex64 } from '../model/arch/bits.ts';
import type { Violation } from '../model/bbm/violations.ts';

/**
 * Formats the first line: `! <code> at event <N> (line <L>): <message>`, or, for the end-of-trace
 * judgement, `! <code> at end of trace (event <N>, after line <L>): <message>`.
 * @param v - the violation
 * @param line - the trace line of the event (the last line, at the end of the trace)
 * @returns the line
 */
export function verdictLine(v: Violation, line: number): string {
  const where =
    v.atEnd === true ? `end of trace (event ${v.event}, after line ${line})` : `event ${v.event} (line ${line})`;
  return `! ${v.code} at ${where}: ${v.message}`;
}

/**
 * Formats the site and the detail, indented.
 * @param v - the violation
 * @returns two lines
 */
export function siteLines(v: Violation): string[] {
  const parts: string[] = [];
  if (v.cpu !== undefined) parts.push(`cpu ${v.cpu}`);
  if (v.pa !== undefined) parts.push(`pa ${hex64(v.pa)}`);
  if (v.va !== undefined) parts.push(`va ${hex64(v.va)}`);
  if (v.level !== undefined) parts.push(`level ${v.level}`);
  return [`    ${parts.join('  ')}`, `    ${v.detail}`];
}

/**
 * The whole report of a violation.
 * @param v - the violation
 * @param line - the trace line of the event
 * @returns the text, lines joined by newlines
 */
export function formatViolation(v: Violation, line: number): string {
  return [verdictLine(v, line), ...siteLines(v)].join('\n');
}
