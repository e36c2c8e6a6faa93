/**
 * A stale entry stops being fillable as soon as no view holds the value it came from, whichever
 * store removed that value (SEMANTICS.md §2, §3: only when it last could be filled matters). An
 * entry made stale by one store (say, an unlink of its table that is not yet visible) can be
 * superseded by a later store to its own origin (a break of the entry itself) that becomes
 * visible first: from then on it cannot be refilled, so a TLBI issued after that removes it.
 *
 * @see Arm ARM DDI 0487 M.b D8.17 RDDMVT; arm-bbm-rules.md §5.4
 * Layer: model/machine.
 */
import { DescriptorType, decodeDescriptorType, outputAddress } from '../arch/descriptor.ts';
import type { TablePage } from '../arch/memory.ts';
import type { StaleEntry } from '../tlb/staleEntry.ts';
import type { CpuState } from './cpu.ts';
import type { MachineState } from './state.ts';

/**
 * Notes a store of `cpu` to `page[index]` as superseding every stale entry that originates there
 * and whose value the new one is not.
 * @param state - the machine
 * @param cpu - the storing CPU
 * @param page - the table page
 * @param index - the entry
 * @param lo - bits[31:0] of the new value
 * @param hi - bits[63:32] of the new value
 */
export function supersedeStale(
  state: MachineState,
  cpu: CpuState,
  page: TablePage,
  index: number,
  lo: number,
  hi: number,
): void {
  if (state.stale.size === 0 || Number.isNaN(page.vaBase)) return;
  const origin = page.pa + 8 * index;
  const span = state.geo.entrySpan[page.level] ?? 0;
  const va = page.vaBase + index * span;
  const linksTo =
    decodeDescriptorType(state.geo, lo, page.level) === DescriptorType.Table ? outputAddress(state.geo, lo, hi) : -1;
  state.stale.forEachOverlapping(va, va + span, (s) => {
    if (s.origin !== origin || s.createdAt === state.now) return;
    const same =
      s.kind === 'walk' ? s.tablePa === linksTo : s.leaf !== undefined && s.leaf.lo === lo && s.leaf.hi === hi;
    if (!same) cpu.supersededBreaks.push(s);
  });
}

/**
 * A DSB of `cpu`: the stale entries its stores superseded stop being fillable — for every walker
 * when the DSB orders stores for other CPUs, for the entry's own writer's walker when `cpu` is it.
 * DEVIATION: after a `DSB NSH` of another CPU than the entry's writer, the entry stays fillable for
 * every CPU, although that CPU's own walker no longer sees it (slightly too strict for it alone).
 * @param state - the machine
 * @param cpu - the CPU executing the DSB
 * @param all - whether the DSB orders its stores for every walker
 */
export function orderSuperseding(state: MachineState, cpu: CpuState, all: boolean): void {
  if (cpu.supersededBreaks.length === 0) return;
  const still: StaleEntry[] = [];
  for (const s of cpu.supersededBreaks) {
    if (all) {
      s.visibleAt = Math.min(s.visibleAt, state.now);
      s.visibleLocallyAt = Math.min(s.visibleLocallyAt, state.now);
      s.ownVisibleAt = Math.min(s.ownVisibleAt, state.now);
      s.ownVisibleLocallyAt = Math.min(s.ownVisibleLocallyAt, state.now);
      if (s.kind === 'walk') cutPathBelow(state, s);
      if (s.holders === 0) state.stale.remove(s);
      continue;
    }
    if (s.writer === cpu.slot) {
      s.visibleLocallyAt = Math.min(s.visibleLocallyAt, state.now);
      s.ownVisibleLocallyAt = Math.min(s.ownVisibleLocallyAt, state.now);
    }
    still.push(s);
  }
  cpu.supersededBreaks = still;
}

/**
 * A superseded walk-cache entry's link is gone for every walker: the entries the same unlink
 * retired below it can no longer be reached by a walk from the root through that link (found/024).
 * @param state - the machine
 * @param w - the superseded walk-cache entry
 */
function cutPathBelow(state: MachineState, w: StaleEntry): void {
  state.stale.forEachOverlapping(w.spanVa, w.spanVa + w.span, (e) => {
    if (e !== w && e.byPath && e.createdAt === w.createdAt && e.writer === w.writer && e.level > w.level)
      e.pathCutAt = Math.min(e.pathCutAt, state.now);
  });
}
