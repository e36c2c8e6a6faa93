/**
 * Section 4 of a report: the state at the failing step. The table entries the failing operation
 * touched up to the failing event, each as `-` (when the operation began) and `+` (just after
 * the failing event) with the decoded descriptor and the location's break-before-make state in
 * Casemate's words (`VALID`, `INVALID_UNCLEAN` with its `LIS_*` progress, `INVALID`); runs of
 * entries that change the same way (a new table's 512 PTEs) folded into one. Then the stale TLB
 * entries the model says CPUs may still hold, by CPU, with where each came from and how far its
 * break has got.
 *
 * Layer: reports (model types and read-only accessors).
 */
import type { LocationView } from '../model/bbm/automaton.ts';
import { staleProgress } from '../model/bbm/automaton.ts';
import type { Geometry } from '../model/arch/geometry.ts';
import type { MachineState } from '../model/step.ts';
import type { StaleEntry } from '../model/tlb/staleEntry.ts';
import { formatSize } from '../model/bbm/change.ts';
import type { EntryValue, FailureAnalysis, TouchedEntry } from './analyse.ts';
import { VA_TOP, describeDescriptor, hexOf, levelName } from './descriptorText.ts';
import { DescriptorType, decodeDescriptorType, outputAddress } from '../model/arch/descriptor.ts';
import { entryName } from './eventText.ts';

/** A run of touched entries of one table page that change the same way. */
export interface EntryRun {
  readonly first: TouchedEntry;
  readonly count: number;
  /** Index of the first entry in its page, and the page's PA. */
  readonly index: number;
  readonly pagePa: number;
  readonly level: number;
  /** How the OA steps from entry to entry in the run, before and after (0 or the entry size). */
  readonly stepBefore?: number;
  readonly stepAfter?: number;
}

/** Casemate's name of a location state, with the progress of an unclean break. */
export function casemateWords(v: LocationView | undefined): string {
  if (v === undefined) return '(no table page)';
  if (v.state !== 'INVALID_UNCLEAN') return v.state;
  const who = (v.holders ?? []).map((c) => `cpu${c}`).join(', ');
  return `INVALID_UNCLEAN (LIS_${v.progress ?? ''}; ${who} may still hold the old entry)`;
}

/**
 * The value with its OA field (bits [47:pageShift], less nT in a block) cleared, and that field,
 * so that runs whose OA steps by a constant compare equal. The field is read raw: a block whose
 * RES0 bits below its OA step (a pfn stepped by pages instead of blocks) is a run too.
 */
function shape(geo: Geometry, v: EntryValue | undefined): { key: string; oa: number; size: number } {
  if (v === undefined) return { key: 'none', oa: 0, size: 0 };
  const type = decodeDescriptorType(geo, v.lo, v.level);
  if (type !== DescriptorType.Leaf) return { key: `${v.level}:${v.lo}:${v.hi}`, oa: 0, size: 0 };
  const size = geo.entrySpan[v.level] ?? geo.pageSize;
  const nT = v.level < 3 ? 1 << 16 : 0;
  const keep = ((geo.pageSize - 1) | nT) >>> 0;
  const field = outputAddress(geo, v.lo, v.hi) - (v.lo & nT & ~(geo.pageSize - 1));
  return { key: `${v.level}:${(v.lo & keep) >>> 0}:${v.hi & ~0xffff}`, oa: field, size };
}

/**
 * Folds the touched entries into runs: consecutive entries of one page whose before and after
 * values differ only in an OA that steps by the same amount (the entry size, or 0) each time.
 * @param a - the analysis
 * @returns the runs, in PA order
 */
export function entryRuns(a: FailureAnalysis): EntryRun[] {
  const geo = a.after.geo;
  const runs: EntryRun[] = [];
  const pageOf = (pa: number): number => pa - (pa % geo.pageSize);
  let prev: { t: TouchedEntry; b: ReturnType<typeof shape>; f: ReturnType<typeof shape>; k: string } | undefined;
  for (const t of a.touched) {
    const b = shape(geo, t.before);
    const f = shape(geo, t.after);
    const k = `${casemateWords(t.stateBefore)}|${casemateWords(t.stateAfter)}`;
    const last = runs[runs.length - 1];
    const steps = prev === undefined ? undefined : { before: b.oa - prev.b.oa, after: f.oa - prev.f.oa };
    const stepOk = (d: number, run: number | undefined): boolean => d >= 0 && (run === undefined || run === d);
    if (
      last !== undefined &&
      prev !== undefined &&
      steps !== undefined &&
      !t.failing &&
      !last.first.failing &&
      t.pa === prev.t.pa + 8 &&
      pageOf(t.pa) === last.pagePa &&
      b.key === prev.b.key &&
      f.key === prev.f.key &&
      k === prev.k &&
      stepOk(steps.before, last.stepBefore) &&
      stepOk(steps.after, last.stepAfter)
    ) {
      runs[runs.length - 1] = { ...last, count: last.count + 1, stepBefore: steps.before, stepAfter: steps.after };
    } else {
      const level = t.after?.level ?? t.before?.level ?? 3;
      runs.push({ first: t, count: 1, index: (t.pa % geo.pageSize) / 8, pagePa: pageOf(t.pa), level });
    }
    prev = { t, b, f, k };
  }
  return runs;
}

function valueText(geo: Geometry, v: EntryValue | undefined, count: number, step: number | undefined): string {
  if (v === undefined) return '(not a table page)';
  const text = describeDescriptor(geo, v.lo, v.hi, v.level);
  if (count === 1) return text;
  const s = shape(geo, v);
  if (s.size === 0 || step === undefined || step === 0) return `${text}  (each)`;
  const end = hexOf(s.oa + (count - 1) * step);
  return step === s.size || step % s.size === 0
    ? `${text}  (… OA ${end}, stepped ${formatSize(step)})`
    : `${text}  (… OA field ${end}, stepped ${formatSize(step)}: not by the ${formatSize(s.size)} entry size)`;
}

/**
 * The diff lines of the touched entries.
 * @param a - the analysis
 * @param maxRuns - at most this many runs
 * @returns lines, unindented; `-`/`+` lines start with those characters after two spaces
 */
export function diffLines(a: FailureAnalysis, maxRuns = 12): string[] {
  const geo = a.after.geo;
  const runs = entryRuns(a);
  const out: string[] = [];
  for (const r of runs.slice(0, maxRuns)) {
    const where =
      r.count === 1
        ? entryName(r.first.after !== undefined ? a.after : a.before, r.first.pa)
        : `${levelName(geo, r.level)}[${r.index}..${r.index + r.count - 1}] of ${hexOf(r.pagePa)} (${r.count} entries${
            r.first.after?.va === undefined ? ', unlinked' : `, va ${hexOf(VA_TOP + BigInt(r.first.after.va))}…`
          })`;
    out.push(`${where}  pa ${hexOf(r.first.pa)}${r.first.failing ? '   ◀ the failing entry' : ''}`);
    const state = (v: LocationView | undefined): string => (v === undefined ? '' : `   [${casemateWords(v)}]`);
    out.push(`  - ${valueText(geo, r.first.before, r.count, r.stepBefore)}${state(r.first.stateBefore)}`);
    out.push(`  + ${valueText(geo, r.first.after, r.count, r.stepAfter)}${state(r.first.stateAfter)}`);
  }
  if (runs.length > maxRuns) out.push(`… ${runs.length - maxRuns} more run(s) of touched entries`);
  if (runs.length === 0) out.push('(no table entry was stored to by the failing operation before the failing event)');
  return out;
}

/** A stale entry with the CPUs that may hold it. */
export interface HeldEntry {
  readonly entry: StaleEntry;
  readonly cpus: readonly number[];
}

/**
 * The stale entries some CPU may still hold, overlapping [from, to) when given.
 * @param state - the model
 * @param from - first VA[47:0]
 * @param to - end
 * @returns the entries, by VA then level
 */
export function heldEntries(state: MachineState, from?: number, to?: number): HeldEntry[] {
  const out: HeldEntry[] = [];
  const visit = (s: StaleEntry): void => {
    if (s.holders === 0) return;
    out.push({ entry: s, cpus: state.slots.filter((c) => (s.holders & (1 << c.slot)) !== 0).map((c) => c.id) });
  };
  if (from !== undefined && to !== undefined) state.stale.forEachOverlapping(from, to, visit);
  else state.stale.forEach(visit);
  return out.sort((x, y) => x.entry.spanVa - y.entry.spanVa || x.entry.level - y.entry.level);
}

/**
 * Describes a stale entry: what translation it is and where it came from.
 * @param state - the model
 * @param s - the entry
 * @returns two lines
 */
export function staleText(state: MachineState, s: StaleEntry): [string, string] {
  const geo = state.geo;
  const span = `${hexOf(VA_TOP + BigInt(s.spanVa))}..${hexOf(VA_TOP + BigInt(s.spanVa + s.span))}`;
  const what =
    s.kind === 'leaf' && s.leaf !== undefined
      ? `${span}  ${describeDescriptor(geo, s.leaf.lo, s.leaf.hi, s.leaf.level)}`
      : `${span}  walk-cache entry: ${levelName(geo, s.level)} → table ${hexOf(s.tablePa)}`;
  const visible = Number.isFinite(s.visibleAt)
    ? `store visible at event ${s.visibleAt}`
    : 'store not yet ordered by a DSB';
  return [
    what,
    `old value of ${levelName(geo, s.level)} entry pa ${hexOf(s.origin)}, stale since event ${s.createdAt}; break: LIS_${staleProgress(state, s)} (${visible})`,
  ];
}

/** A run of held stale entries with consecutive origins in one table page, held alike. */
interface HeldRun {
  readonly first: HeldEntry;
  count: number;
  lastOrigin: number;
}

/**
 * Folds held entries into runs (a repainted group's 16 old PTEs, one line).
 * @param state - the model
 * @param held - the entries
 * @returns the runs
 */
function heldRuns(state: MachineState, held: readonly HeldEntry[]): HeldRun[] {
  // A Contiguous descriptor leaves two TLB forms (its own entry and its group's span entry, J5):
  // one line, the own entry.
  const forms = new Set(held.map((h) => `${h.entry.origin}|${h.entry.createdAt}|${h.entry.span}`));
  const own = held.filter(
    (h) =>
      h.entry.kind !== 'leaf' ||
      h.entry.leaf === undefined ||
      h.entry.span === h.entry.leaf.size ||
      !forms.has(`${h.entry.origin}|${h.entry.createdAt}|${h.entry.leaf.size}`),
  );
  const sorted = [...own].sort((x, y) => x.entry.origin - y.entry.origin || x.entry.span - y.entry.span);
  const runs: HeldRun[] = [];
  const page = (pa: number): number => pa - (pa % state.geo.pageSize);
  const key = (h: HeldEntry): string =>
    `${h.cpus.join(',')}|${h.entry.kind}|${h.entry.span}|${staleProgress(state, h.entry)}|${Number.isFinite(h.entry.visibleAt) ? h.entry.visibleAt : 'x'}`;
  for (const h of sorted) {
    const last = runs[runs.length - 1];
    if (
      last !== undefined &&
      h.entry.origin === last.lastOrigin + 8 &&
      page(h.entry.origin) === page(last.first.entry.origin) &&
      key(h) === key(last.first)
    ) {
      last.count++;
      last.lastOrigin = h.entry.origin;
    } else runs.push({ first: h, count: 1, lastOrigin: h.entry.origin });
  }
  return runs;
}

/**
 * The lines saying which CPUs may still hold which stale entries: those overlapping the window
 * first, folded into runs, then how many others there are.
 * @param a - the analysis
 * @param window - the VA window of the pictures, when there is one
 * @param max - at most this many runs
 * @returns lines, unindented
 */
export function staleLines(a: FailureAnalysis, window?: { from: number; to: number }, max = 8): string[] {
  const s = a.after;
  const inside = heldEntries(s, window?.from, window?.to);
  const all = window === undefined ? inside : heldEntries(s);
  const runs = heldRuns(s, inside);
  const out: string[] = [];
  for (const r of runs.slice(0, max)) {
    const [what, whence] = staleText(s, r.first.entry);
    const who = r.first.cpus.map((c) => `cpu${c}`).join(', ');
    out.push(r.count === 1 ? `${who} may hold  ${what}` : `${who} may hold ${r.count} entries like  ${what}`);
    out.push(
      r.count === 1
        ? `    ${whence}`
        : `    ${whence.replace(/entry pa (0x[0-9a-f]+)/, (_m, pa: string) => `entries pa ${pa}..${hexOf(r.lastOrigin)}`)}`,
    );
  }
  if (runs.length > max) out.push(`… ${runs.length - max} more run(s) of stale entries in the window`);
  if (all.length > inside.length)
    out.push(
      `(${all.length - inside.length} more stale entr${all.length - inside.length === 1 ? 'y' : 'ies'} outside the window)`,
    );
  for (const c of s.slots)
    if (c.status === 'parked' && c.snapshotValid)
      out.push(
        `cpu${c.id} is parked since event ${c.parkedAt}: it may hold every entry that was live then, less what it invalidated since`,
      );
  if (out.length === 0)
    out.push(
      window === undefined
        ? 'No CPU may hold a stale entry.'
        : `No CPU may hold a stale entry for ${hexOf(VA_TOP + BigInt(window.from))}..${hexOf(VA_TOP + BigInt(window.to))}.`,
    );
  return out;
}
