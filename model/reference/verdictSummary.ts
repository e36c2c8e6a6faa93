/**
 * The verdicts of the two checkers in one comparable form: a code (`clean`, `bad-input` or a
 * violation code) and, for a finding, its event (SEMANTICS.md §6: only code and event are
 * compared between checkers).
 *
 * Layer: model/reference (tests only).
 */
import type { ReferenceVerdict } from './checkReference.ts';
import type { VerdictSummary } from './knownDisagreements.ts';

/**
 * The shape of the fast model's `TraceVerdict` (model/trace/checkTrace.ts) that is compared,
 * written out so that this folder does not import the fast model (eslint layer rule).
 */
export type FastVerdict =
  | { readonly kind: 'ok' }
  | { readonly kind: 'bad-input'; readonly line: number; readonly reason: string }
  | {
      readonly kind: 'violation';
      readonly violation: { readonly code: string; readonly event: number; readonly detail: string };
    };

/**
 * The reference checker's verdict, summarised.
 * @param v - the verdict
 * @returns code, event and detail
 */
export function summaryOfRef(v: ReferenceVerdict): VerdictSummary {
  if (v.kind === 'clean') return { code: 'clean' };
  if (v.kind === 'bad-input') return { code: 'bad-input', event: v.line - 1, detail: v.reason };
  return { code: v.violation.code, event: v.violation.event, detail: v.violation.detail };
}

/**
 * The fast model's verdict (`checkTraceLines`), summarised.
 * @param v - the verdict
 * @returns code, event and detail
 */
export function summaryOfFast(v: FastVerdict): VerdictSummary {
  if (v.kind === 'ok') return { code: 'clean' };
  if (v.kind === 'bad-input') return { code: 'bad-input', event: v.line - 1, detail: v.reason };
  return { code: v.violation.code, event: v.violation.event, detail: v.violation.detail };
}

/**
 * One line: `code` or `code at event N`.
 * @param s - a summary
 * @returns the text
 */
export function showVerdict(s: VerdictSummary): string {
  return s.event === undefined ? s.code : `${s.code} at event ${s.event}`;
}
