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

function perms(p: number): string {
  return `${(p & PERM.AP2) !== 0 ? 'RO' : 'RW'}${(p & PERM.PXN) !== 0 ? ' PXN' : ' X'}`;
}

function shape(l: LeafEntry): string {
  const kind = `${formatSize(l.size)} ${l.level === 3 ? 'page' : 'block'}`;
  return l.contiguous === 1 ? `${kind} (Contiguous, ${formatSize(l.span)} groups)` : kind;
}

function hexVa(va: number): string {
  return '0x' + (VA_TOP + BigInt(va)).toString(16);
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
  const leaves: LeafEntry[] = [];
  forEachLeaf(state.geo, state.mem, state.root, 0, from, from + window, NO_LIMITS, { leaf: (e) => leaves.push(e) });
  const runs: { first: LeafEntry; n: number; end: number }[] = [];
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
  const out = [`    VA layout around ${hexVa(v)} (${formatSize(window)} window, after the event):`];
  let cursor = from;
  for (const r of runs.slice(0, maxLines)) {
    if (r.first.va > cursor) out.push(`      ${hexVa(cursor)}..${hexVa(r.first.va)}  unmapped`);
    const mark = v >= r.first.va && v < r.end ? '  ◀' : '';
    out.push(
      `      ${hexVa(r.first.va)}..${hexVa(r.end)}  ${r.n} × ${shape(r.first)}  → 0x${r.first.oa.toString(16)}  ${perms(r.first.perms)}${r.first.af === 0 ? ' AF=0' : ''}${mark}`,
    );
    cursor = r.end;
  }
  if (runs.length > maxLines) out.push(`      … ${runs.length - maxLines} more run(s)`);
  else if (cursor < from + window) out.push(`      ${hexVa(cursor)}..${hexVa(from + window)}  unmapped`);
  return out;
}
