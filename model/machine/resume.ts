/**
 * Judging a CPU that starts walking the kernel tables — at `unpark`, at `online`, and at the end
 * of a trace for a CPU still parked — against everything it may now hold or walk (SEMANTICS.md §5,
 * family 4): stale leaf and walk-cache entries it kept, the old values of stores not yet visible
 * to it (which it may fill from now on), and live Contiguous/non-Contiguous mixes it can now see.
 *
 * @see Arm ARM DDI 0487 M.b D8.16 IHYQMB, RFVQCK, RRVJDB; arch/arm64/mm/mmu.c:
 *   linear_map_split_to_ptes() (secondaries resume only after the flush)
 * Layer: model/machine.
 */
import { NO_LIMITS, forEachLeaf, limitsAbove, tlbForms } from '../arch/walk.ts';
import type { LeafEntry } from '../arch/walk.ts';
import { conflictFor, describeShape } from '../bbm/change.ts';
import { checkContiguousGroup } from '../bbm/contiguous.ts';
import type { StaleEntry } from '../tlb/staleEntry.ts';
import type { CpuState } from './cpu.ts';
import type { MachineState } from './state.ts';
import { rootPathClosesAt } from './stepBarrier.ts';

/** A conflict found for the CPU: where and why. */
export interface WalkerConflict {
  readonly va: number;
  readonly level: number;
  readonly pa: number;
  readonly detail: string;
}

/**
 * Makes `cpu` a holder of every stale entry whose breaking store it cannot see yet: from now on
 * it may fill the old value (SEMANTICS.md §1, §2).
 * @param state - the machine
 * @param cpu - the CPU that starts walking
 */
export function adoptUnseenStores(state: MachineState, cpu: CpuState): void {
  const bit = 1 << cpu.slot;
  state.stale.forEach((s) => {
    const visible = cpu.slot === s.writer ? s.visibleLocallyAt : s.visibleAt;
    if (visible !== Number.POSITIVE_INFINITY || (s.holders & bit) !== 0) return;
    // A walk from the root can no longer reach it: a link between the unlink and it is gone.
    if (s.byPath && s.pathCutAt <= state.now) return;
    if (!s.byPath && unreachableFor(state, s, cpu)) return;
    s.holders |= bit;
    if (s.kind === 'walk') {
      const table = state.mem.pageOf(s.tablePa);
      if (table !== undefined && table.pa === s.tablePa) table.walkHolders |= bit;
    }
  });
}

/**
 * Whether `cpu`'s walker can reach the descriptor of a superseded value no more: its table is
 * detached, the unlink is visible to the CPU, and it holds no walk-cache entry that leads there —
 * so the old value, unseen or not, is not fillable (found/029: a parked writer's own store).
 * @param state - the machine
 * @param s - a stale entry made by a store to its own descriptor
 * @param cpu - the CPU that starts walking
 * @returns true when it cannot be filled from now on
 */
function unreachableFor(state: MachineState, s: StaleEntry, cpu: CpuState): boolean {
  const bit = 1 << cpu.slot;
  const page = state.mem.pageOf(s.origin);
  if (page === undefined || page.allocatedAt > s.createdAt) {
    // Freed since (a T1 matter if it was still reachable): only a walk-cache entry the CPU holds
    // for a link to that page could lead it there.
    const pagePa = s.origin - (s.origin % state.geo.pageSize);
    let held = false;
    state.stale.forEach((w) => {
      if (w.kind === 'walk' && w.tablePa === pagePa && (w.holders & bit) !== 0) held = true;
    });
    return !held;
  }
  if (page.reachable || (state.walkHoldersOf(page) & bit) !== 0) return false;
  return rootPathClosesAt(state, page, cpu) <= state.now;
}

/**
 * The first conflict among what `cpu` may hold once it walks (§4, every conflict counts).
 * @param state - the machine
 * @param cpu - the CPU (its status need not be `running` yet)
 * @returns the conflict, or undefined
 */
export function walkerConflict(state: MachineState, cpu: CpuState): WalkerConflict | undefined {
  const bit = 1 << cpu.slot;
  let found: WalkerConflict | undefined;
  state.stale.forEach((s) => {
    if (found !== undefined || (s.holders & bit) === 0) return;
    found = s.kind === 'leaf' ? heldLeafConflict(state, cpu, s) : heldWalkConflict(state, cpu, s);
  });
  return found ?? mixConflict(state, cpu) ?? badGroupConflict(state, cpu);
}

/** A held stale leaf against the live leaves and the other stale entries the CPU holds. */
function heldLeafConflict(state: MachineState, cpu: CpuState, s: StaleEntry): WalkerConflict | undefined {
  const held = s.leaf;
  if (held === undefined) return undefined;
  let found: WalkerConflict | undefined;
  const visitor = {
    leaf: (live: LeafEntry): void => {
      if (found !== undefined || live.af !== 1) return;
      for (const form of tlbForms(live)) {
        const why: string | undefined = found === undefined ? conflictFor(held, form, cpu) : undefined;
        if (why === undefined) continue;
        found = {
          va: Math.max(form.spanVa, held.spanVa),
          level: form.level,
          pa: form.pa,
          detail: `cpu${cpu.id} resumes holding the old ${describeShape(held)} from PA 0x${held.pa.toString(16)} over the live ${describeShape(form)} (${why}); no completed TLBI removed it`,
        };
      }
    },
  };
  forEachLeaf(state.geo, state.mem, state.root, 0, s.spanVa, s.spanVa + s.span, NO_LIMITS, visitor);
  // And what it can walk through the walk-cache entries it holds to detached tables.
  const bit = 1 << cpu.slot;
  state.stale.forEachOverlapping(s.spanVa, s.spanVa + s.span, (w) => {
    if (found !== undefined || w.kind !== 'walk' || (w.holders & bit) === 0) return;
    const table = state.mem.pageOf(w.tablePa);
    if (table === undefined || table.pa !== w.tablePa || table.reachable || Number.isNaN(table.vaBase)) return;
    forEachLeaf(state.geo, state.mem, table, table.vaBase, s.spanVa, s.spanVa + s.span, limitsAbove(table), visitor);
  });
  return found ?? staleBesideStale(state, cpu, s);
}

/** A held stale walk-cache entry against the live tables (and what it leads to). */
function heldWalkConflict(state: MachineState, cpu: CpuState, s: StaleEntry): WalkerConflict | undefined {
  let found: WalkerConflict | undefined;
  const at = (va: number, level: number, pa: number, detail: string): void => {
    found ??= { va, level, pa, detail };
  };
  const pointer = `the walk-cache entry of the old level-${s.level} table descriptor at PA 0x${s.origin.toString(16)}`;
  forEachLeaf(state.geo, state.mem, state.root, 0, s.spanVa, s.spanVa + s.span, NO_LIMITS, {
    leaf: (live) => {
      if (live.af !== 1 || cpu.noabort || live.level > s.level || (cpu.bbm >= 1 && live.nT === 1)) return;
      at(live.va, live.level, live.pa, `cpu${cpu.id} resumes holding ${pointer} over the live ${describeShape(live)}`);
    },
    table: (page, va) => {
      if (cpu.noabort || page.level !== s.level + 1 || page.pa === s.tablePa) return;
      at(
        va,
        s.level,
        s.origin,
        `cpu${cpu.id} resumes holding ${pointer} (table 0x${s.tablePa.toString(16)}) where the live one links table 0x${page.pa.toString(16)}`,
      );
    },
  });
  if (found !== undefined) return found;
  // What the stale pointer still leads to, against the live leaves.
  const table = state.mem.pageOf(s.tablePa);
  if (table === undefined || table.pa !== s.tablePa) return undefined;
  const through: LeafEntry[] = [];
  forEachLeaf(state.geo, state.mem, table, s.spanVa, s.spanVa, s.spanVa + s.span, limitsAbove(table), {
    leaf: (e) => {
      if (e.af === 1) through.push(...tlbForms(e));
    },
  });
  for (const old of through) {
    forEachLeaf(state.geo, state.mem, state.root, 0, old.spanVa, old.spanVa + old.span, NO_LIMITS, {
      leaf: (live) => {
        if (found !== undefined || live.af !== 1 || live.pa === old.pa) return;
        for (const form of tlbForms(live)) {
          const why: string | undefined = found === undefined ? conflictFor(old, form, cpu) : undefined;
          if (why !== undefined)
            at(
              form.va,
              form.level,
              form.pa,
              `cpu${cpu.id} may walk the old table 0x${table.pa.toString(16)} through ${pointer} and find the ${describeShape(old)} at PA 0x${old.pa.toString(16)} over the live ${describeShape(form)} (${why})`,
            );
        }
      },
    });
  }
  return found ?? staleBesideStale(state, cpu, s);
}

/** Two stale entries the CPU holds that conflict with each other. */
function staleBesideStale(state: MachineState, cpu: CpuState, s: StaleEntry): WalkerConflict | undefined {
  const bit = 1 << cpu.slot;
  for (const o of state.stale.overlapping(s.spanVa, s.spanVa + s.span)) {
    if (o === s || (o.holders & bit) === 0 || o.createdAt > s.createdAt) continue;
    let why: string | undefined;
    if (o.kind === 'leaf' && s.kind === 'leaf' && o.leaf !== undefined && s.leaf !== undefined)
      why = conflictFor(o.leaf, s.leaf, cpu);
    else if (!cpu.noabort && o.kind === 'walk' && s.kind === 'walk')
      why = o.level === s.level && o.tablePa !== s.tablePa ? 'two walk-cache entries link different tables' : undefined;
    else if (!cpu.noabort) {
      const walk = o.kind === 'walk' ? o : s;
      const leaf = o.kind === 'walk' ? s : o;
      const nT = cpu.bbm >= 1 && leaf.leaf?.nT === 1;
      why = leaf.level <= walk.level && !nT ? 'a walk-cache entry beside a leaf at its level' : undefined;
    }
    if (why !== undefined)
      return {
        va: Math.max(o.spanVa, s.spanVa),
        level: s.level,
        pa: s.origin,
        detail: `cpu${cpu.id} resumes holding two stale entries for one VA, from PA 0x${o.origin.toString(16)} and 0x${s.origin.toString(16)} (${why})`,
      };
  }
  return undefined;
}

/** A live Contiguous/non-Contiguous mix a CPU without noabort can now walk. */
function mixConflict(state: MachineState, cpu: CpuState): WalkerConflict | undefined {
  if (cpu.noabort) return undefined;
  const bit = 1 << cpu.slot;
  for (const [key, m] of state.contMixes) {
    if (state.mem.pageOf(m.page.pa) !== m.page) {
      state.contMixes.delete(key);
      continue;
    }
    if (!m.page.reachable && (state.walkHoldersOf(m.page) & bit) === 0) continue;
    if (!checkContiguousGroup(state.geo, m.page, m.start, true).mixed) {
      state.contMixes.delete(key);
      continue;
    }
    const size = state.geo.entrySpan[m.page.level] ?? 0;
    return {
      va: m.page.vaBase + m.start * size,
      level: m.page.level,
      pa: m.page.pa + 8 * m.start,
      detail: `cpu${cpu.id} (BBM level ${cpu.bbm}, no noabort) can now walk the contiguous group at PA 0x${(m.page.pa + 8 * m.start).toString(16)}, whose valid entries mix the Contiguous bit set and clear (RNGLXZ)`,
    };
  }
  return undefined;
}

/**
 * A misprogrammed contiguous group (C1, stored while nobody could walk it) that the CPU can now
 * walk: its span and individual entries, and those of its other members, judged pairwise as any
 * two entries it may hold (SEMANTICS.md §4: at `unpark`, `online` and the end of the trace every
 * conflict counts).
 */
function badGroupConflict(state: MachineState, cpu: CpuState): WalkerConflict | undefined {
  const bit = 1 << cpu.slot;
  const { geo, mem } = state;
  for (const [key, g] of state.badGroups) {
    if (mem.pageOf(g.page.pa) !== g.page) {
      state.badGroups.delete(key);
      continue;
    }
    if (Number.isNaN(g.page.vaBase) || (!g.page.reachable && (state.walkHoldersOf(g.page) & bit) === 0)) continue;
    const size = geo.entrySpan[g.page.level] ?? 0;
    const from = g.page.vaBase + g.start * size;
    const forms: { leaf: LeafEntry; at: number }[] = [];
    forEachLeaf(
      geo,
      mem,
      g.page,
      g.page.vaBase,
      from,
      from + size * (geo.contEntries[g.page.level] ?? 1),
      limitsAbove(g.page),
      {
        leaf: (e) => {
          if (e.af !== 1) return;
          const at = g.page.writtenAt[(e.pa - g.page.pa) / 8] ?? 0;
          for (const f of tlbForms(e)) forms.push({ leaf: f, at });
        },
      },
    );
    for (let i = 0; i < forms.length; i++)
      for (let j = i + 1; j < forms.length; j++) {
        const a = forms[i] as { leaf: LeafEntry; at: number };
        const b = forms[j] as { leaf: LeafEntry; at: number };
        const [older, newer] = a.at <= b.at ? [a.leaf, b.leaf] : [b.leaf, a.leaf];
        const why = conflictFor(older, newer, cpu);
        if (why === undefined) continue;
        return {
          va: Math.max(a.leaf.spanVa, b.leaf.spanVa),
          level: g.page.level,
          pa: newer.pa,
          detail: `cpu${cpu.id} can now walk the misprogrammed contiguous group at PA 0x${(g.page.pa + 8 * g.start).toString(16)}: it may hold the ${describeShape(older)} from PA 0x${older.pa.toString(16)} and the ${describeShape(newer)} from PA 0x${newer.pa.toString(16)} (${why})`,
        };
      }
  }
  return undefined;
}
