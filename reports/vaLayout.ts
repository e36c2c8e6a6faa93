/**
 * A VA layout around a violation, from the model's tables: the leaves of the level-2 span that
 * holds the VA (2M with 4K pages), runs of equal shape merged, each with its PA and permissions —
 * the picture a reviewer draws by hand, vma-style.
 *
 *   VA layout around 0xffff000040200000 (2M window):
 *     0xffff000040200000..0xffff000040208000  8 × 4K page (Contiguous, 64K groups)  → 0x40200000  RO PXN  ◀
 *     0xffff000040208000..0xffff000040210000  8 × 4K page (Contiguous, 64K groups)  → 0x40208000  RW PXN
 *
 * Layer: reports (model types and pure formatting).
 */
import { PERM } from '../model/arch/descriptor.ts';
import { NO_LIMITS, forEachLeaf } from '../model/arch/walk.ts';
import type { LeafEntry } from '../model/arch/walk.ts';
import { formatSize } from '../model/bbm/change.ts';
import type { MachineState } from '../model/step.ts';

const VA_TOP = 0xffff000000000000n;

/** `RW PXN`, `RO X`: the effective permissions of a leaf. */
export function perms(p: number): string {
  return `${(p & PERM.AP2) !== 0 ? 'RO' : 'RW'}${(p & PERM.PXN) !== 0 ? ' PXN' : ' X'}`;
}

function shape(l: LeafEntry): string {
  const kind = `${formatSize(l.size)} ${l.level === 3 ? 'page' : 'block'}`;
  return l.contiguous === 1 ? `${kind} (Contiguous, ${formatSize(l.span)} groups)` : kind;
}

/** A VA[47:0] as the full TTBR1 address. */
export function hexVa(va: number): string {
  return '0x' + (VA_TOP + BigInt(va)).toString(16);
}

/** A run of equal leaves: `n` leaves of `first`'s shape, contiguous in VA and OA, ending at `end`. */
export interface LayoutRun {
  readonly first: LeafEntry;
  n: number;
  end: number;
}

/**
 * The leaves of [from, to) in a state, runs of equal shape merged.
 * @param state - the model
 * @param from - first VA[47:0]
 * @param to - end
 * @returns the runs, in VA order
 */
export function layoutRuns(state: MachineState, from: number, to: number): LayoutRun[] {
  const leaves: LeafEntry[] = [];
  forEachLeaf(state.geo, state.mem, state.root, 0, from, to, NO_LIMITS, { leaf: (e) => leaves.push(e) });
  const runs: LayoutRun[] = [];
  for (const l of leaves) {
    const last = runs[runs.length - 1];
    const lastLeaf = last?.first;
    if (
      last !== undefined &&
      lastLeaf !== undefined &&
      last.end === l.va &&
      lastLeaf.size === l.size &&
      lastLeaf.contiguous === l.contiguous &&
      lastLeaf.perms === l.perms &&
      lastLeaf.af === l.af &&
      lastLeaf.oa + (l.va - lastLeaf.va) === l.oa
    ) {
      last.n++;
      last.end = l.va + l.size;
    } else runs.push({ first: l, n: 1, end: l.va + l.size });
  }
  return runs;
}

/**
 * One line per run of [from, to), with the unmapped gaps.
 * @param runs - the runs ({@link layoutRuns})
 * @param from - first VA[47:0]
 * @param to - end
 * @param mark - VA[47:0] whose run is marked `◀`
 * @param maxLines - at most this many runs
 * @returns lines, unindented
 */
export function runLines(
  runs: readonly LayoutRun[],
  from: number,
  to: number,
  mark: number | undefined,
  maxLines = 8,
): string[] {
  const out: string[] = [];
  let cursor = from;
  for (const r of runs.slice(0, maxLines)) {
    if (r.first.va > cursor) out.push(`${hexVa(cursor)}..${hexVa(r.first.va)}  unmapped`);
    const m = mark !== undefined && mark >= r.first.va && mark < r.end ? '  ◀' : '';
    out.push(
      `${hexVa(r.first.va)}..${hexVa(r.end)}  ${r.n} × ${shape(r.first)}  → 0x${r.first.oa.toString(16)}  ${perms(r.first.perms)}${r.first.af === 0 ? ' AF=0' : ''}${m}`,
    );
    cursor = r.end;
  }
  if (runs.length > maxLines) out.push(`… ${runs.length - maxLines} more run(s)`);
  else if (cursor < to) out.push(`${hexVa(cursor)}..${hexVa(to)}  unmapped`);
  return out;
}

/**
 * The layout lines for the window around `va`.
 * @param state - the model
 * @param va - a TTBR1 VA
 * @param maxLines - at most this many runs
 * @returns indented lines, empty when the VA is outside the tables
 */
export function vaLayoutLines(state: MachineState, va: bigint, maxLines = 8): string[] {
  if (va < VA_TOP) return [];
  const v = Number(va - VA_TOP);
  const window = state.geo.entrySpan[2] ?? 0;
  const from = v - (v % window);
  const runs = layoutRuns(state, from, from + window);
  return [
    `    VA layout around ${hexVa(v)} (${formatSize(window)} window, after the event):`,
    ...runLines(runs, from, from + window, v, maxLines).map((l) => `      ${l}`),
  ];
}
