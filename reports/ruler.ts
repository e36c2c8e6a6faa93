/**
 * Section 5 of a report: the VA layout before and after the failing step as an aligned ruler —
 * one column per 1/64 of the window around the failing VA, one row for the shape (blocks,
 * contiguous groups, pages) and one for the permissions, before above after, so that what the
 * failing operation did to the layout lines up column by column — followed by the runs of equal
 * leaves of each state.
 *
 * Layer: reports (model types and pure formatting).
 */
import { PERM } from '../model/arch/descriptor.ts';
import { formatSize } from '../model/bbm/change.ts';
import type { MachineState } from '../model/step.ts';
import type { FailureAnalysis } from './analyse.ts';
import type { LayoutRun } from './vaLayout.ts';
import { hexVa, layoutRuns, runLines } from './vaLayout.ts';

/** Columns of a ruler. */
export const COLUMNS = 64;

/** The VA window of a failure's pictures. */
export interface Window {
  readonly from: number;
  readonly to: number;
}

/**
 * The window around the failing VA: the span of the failing entry's level when it is a level-1
 * (or higher) entry, else the level-2 span (2M with 4K pages) that holds it.
 * @param a - the analysis
 * @returns the window, or undefined when the failure has no VA
 */
export function failureWindow(a: FailureAnalysis): Window | undefined {
  if (a.focusVa === undefined) return undefined;
  const geo = a.after.geo;
  const level = a.input.violation?.level ?? a.touched.find((t) => t.failing)?.after?.level ?? 3;
  const size = level <= 1 ? (geo.entrySpan[Math.max(level, geo.startLevel)] ?? 0) : (geo.entrySpan[2] ?? 0);
  const from = a.focusVa - (a.focusVa % size);
  return { from, to: from + size };
}

/** The shape glyph of a leaf. */
function shapeGlyph(level: number, contiguous: number): string {
  if (level < 3) return contiguous === 1 ? 'C' : 'B';
  return contiguous === 1 ? 'c' : 'p';
}

/** The permission glyph of a leaf: `w` RW, `r` RO, `x` executable at EL1 (no PXN), `a` AF=0. */
function permGlyph(perms: number, af: number): string {
  if (af === 0) return 'a';
  if ((perms & PERM.PXN) === 0) return 'x';
  return (perms & PERM.AP2) !== 0 ? 'r' : 'w';
}

/**
 * The two rows (shape, permissions) of a state over a window.
 * @param runs - the state's runs over the window
 * @param w - the window
 * @returns the rows, {@link COLUMNS} characters each
 */
export function rulerRows(runs: readonly LayoutRun[], w: Window): { shape: string; perms: string } {
  const col = (w.to - w.from) / COLUMNS;
  const shapes: Set<string>[] = Array.from({ length: COLUMNS }, () => new Set());
  const permsSet: Set<string>[] = Array.from({ length: COLUMNS }, () => new Set());
  const covered = new Float64Array(COLUMNS);
  for (const r of runs) {
    const start = Math.max(r.first.va, w.from);
    const end = Math.min(r.end, w.to);
    const c0 = Math.floor((start - w.from) / col);
    const c1 = Math.ceil((end - w.from) / col);
    for (let c = c0; c < c1 && c < COLUMNS; c++) {
      shapes[c]?.add(shapeGlyph(r.first.level, r.first.contiguous));
      permsSet[c]?.add(permGlyph(r.first.perms, r.first.af));
      const lo = Math.max(start, w.from + c * col);
      const hi = Math.min(end, w.from + (c + 1) * col);
      covered[c] = (covered[c] ?? 0) + Math.max(0, hi - lo);
    }
  }
  const glyph = (set: Set<string> | undefined, c: number): string => {
    if (set === undefined || set.size === 0) return '.';
    if (set.size > 1 || (covered[c] ?? 0) < col) return '+';
    return [...set][0] ?? '+';
  };
  return {
    shape: shapes.map((s, c) => glyph(s, c)).join(''),
    perms: permsSet.map((s, c) => glyph(s, c)).join(''),
  };
}

/** The tick labels above a ruler: offsets every quarter of the window. */
function ticks(w: Window): [string, string] {
  const size = w.to - w.from;
  let labels = '';
  let bars = '';
  for (let q = 0; q <= 4; q++) {
    const at = (q * COLUMNS) / 4;
    const label = q === 0 ? '+0' : `+${formatSize((q * size) / 4)}`;
    labels = labels.padEnd(q === 4 ? at + 1 - label.length : at) + label;
    bars = bars.padEnd(q === 4 ? at : at) + '|';
  }
  return [labels, bars];
}

/** Legend of the glyphs. */
export const RULER_LEGEND = [
  'shape: B block, C contiguous blocks, p page, c contiguous pages, . unmapped, + mixed',
  'permissions: w RW, r RO, x executable (no PXN), a AF=0, + mixed',
];

/**
 * The ruler and the run lists, before and after.
 * @param a - the analysis
 * @param w - the window
 * @returns lines, unindented
 */
export function rulerLines(a: FailureAnalysis, w: Window): string[] {
  const states: [string, MachineState][] = [
    ['before', a.before],
    ['after', a.after],
  ];
  const [labels, bars] = ticks(w);
  const pad = ' '.repeat(8);
  const out = [
    `${hexVa(w.from)}..${hexVa(w.to)} (${formatSize(w.to - w.from)}; one column = ${formatSize((w.to - w.from) / COLUMNS)})`,
    `${pad}${labels}`,
    `${pad}${bars}`,
  ];
  const lists: string[] = [];
  for (const [name, s] of states) {
    const runs = layoutRuns(s, w.from, w.to);
    const rows = rulerRows(runs, w);
    out.push(`${name.padEnd(8)}${rows.shape}  shape`, `${pad}${rows.perms}  permissions`);
    lists.push(`${name}:`, ...runLines(runs, w.from, w.to, a.focusVa).map((l) => `  ${l}`));
  }
  if (a.focusVa !== undefined) {
    const c = Math.floor(((a.focusVa - w.from) * COLUMNS) / (w.to - w.from));
    out.push(`${pad}${' '.repeat(c)}^ ${hexVa(a.focusVa)}`);
  }
  return [...out, ...RULER_LEGEND, ...lists];
}
