/**
 * The known, reported disagreements between the fast model and the reference checker that the
 * differential property skips until the fast model is fixed (issue 7). Each family names the
 * trace in model/reference/pending/ (and its row there) that says which side is wrong by SEMANTICS.md, and
 * recognises its members narrowly (by both verdicts and the trace feature that causes it), so
 * that a new disagreement of another shape is still a failure. The lead shrinks this list to
 * zero; an entry that matches nothing in a long run should go.
 *
 * Layer: model/reference (tests only).
 */

/** One checker's verdict, as compared: `clean`, `bad-input`, or a violation code at an event. */
export interface VerdictSummary {
  readonly code: string;
  readonly event?: number;
  readonly detail?: string;
}

/** A known disagreement family. */
export interface KnownDisagreement {
  /** The pending trace, `model/reference/pending/<id>.jsonl` (its row in pending/README.md says why). */
  readonly id: string;
  /** Which side is wrong and why, in one line. */
  readonly why: string;
  /** Whether a disagreement belongs to the family. */
  readonly matches: (lines: readonly string[], ref: VerdictSummary, fast: VerdictSummary) => boolean;
}

/**
 * The families still open, in the order they were reported. None: reports 001–015 were fixed on
 * main (e6f8ad9, dbfb9a5, b25344b and the issue-7 model commits before them) and no longer occur
 * in generated traces, so they were removed from this list and a regression fails the property.
 * A new family goes here only with its report and the fix it waits for.
 */
export const KNOWN_DISAGREEMENTS: readonly KnownDisagreement[] = [];

/**
 * The known family a disagreement belongs to, if any.
 * @param lines - the trace
 * @param ref - the reference verdict
 * @param fast - the fast model's verdict
 * @returns the family
 */
export function knownFamily(
  lines: readonly string[],
  ref: VerdictSummary,
  fast: VerdictSummary,
): KnownDisagreement | undefined {
  return KNOWN_DISAGREEMENTS.find((k) => k.matches(lines, ref, fast));
}
