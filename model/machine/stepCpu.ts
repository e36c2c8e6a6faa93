/**
 * Events that change who walks the tables and which table pages exist: `park`/`unpark`,
 * `online`, `stop`/`resume` (stop_machine), `walk`, `alloc`, `free`.
 *
 * Layer: model/machine.
 */
import { NO_LIMITS, forEachLeaf, walkVA } from '../arch/walk.ts';
import type { WalkResult } from '../arch/walk.ts';
import { conflictFor, describeShape } from '../bbm/change.ts';
import type { Violation } from '../bbm/violations.ts';
import { violation } from '../bbm/violations.ts';
import type { AllocEvent, FreeEvent, OnlineEvent, ParkEvent, StopEvent, UnparkEvent, WalkEvent } from '../events.ts';
import { ModelInputError } from './inputError.ts';
import type { MachineState } from './state.ts';
import { forEachChildTable } from './subtree.ts';

/**
 * `park`: the CPU switches to the reserved TTBR1 and walks nothing; its TLB keeps what it holds.
 * @see arch/arm64/mm/proc.S: __idmap_cpu_set_reserved_ttbr1 (the TLBI that follows is an event of its own)
 */
export function stepPark(state: MachineState, ev: ParkEvent): void {
  const cpu = state.onlineCpu(ev.cpu);
  if (cpu.status === 'parked') throw new ModelInputError(`cpu ${ev.cpu} is already parked`);
  state.setStatus(cpu, 'parked');
  cpu.parkedAt = state.now;
  cpu.snapshotValid = true;
  cpu.flushedSincePark = [];
}

/**
 * `unpark`: the CPU walks the kernel tables again. Whatever it still holds must be compatible
 * with the live translation (B6/B7, A1).
 * @returns `tlb-conflict` when a stale entry it holds conflicts with the live tables
 */
export function stepUnpark(state: MachineState, ev: UnparkEvent): Violation | undefined {
  const cpu = state.onlineCpu(ev.cpu);
  if (cpu.status !== 'parked') throw new ModelInputError(`cpu ${ev.cpu} is not parked`);
  state.setStatus(cpu, 'running');
  cpu.snapshotValid = false;
  const bit = 1 << cpu.slot;
  let found: Violation | undefined;
  state.stale.forEach((s) => {
    if (found !== undefined || (s.holders & bit) === 0 || s.kind !== 'leaf' || s.leaf === undefined) return;
    const held = s.leaf;
    forEachLeaf(state.geo, state.mem, state.root, 0, s.spanVa, s.spanVa + s.span, NO_LIMITS, {
      leaf: (live) => {
        if (found !== undefined || live.af !== 1) return;
        const why = conflictFor(held, live, cpu);
        if (why === undefined) return;
        found = violation(
          'tlb-conflict',
          state.now,
          { cpu: cpu.id, pa: BigInt(live.pa), va: state.fullVA(Math.max(live.spanVa, held.spanVa)), level: live.level },
          `cpu${cpu.id} resumes holding the old ${describeShape(held)} from PA 0x${held.pa.toString(16)} over the live ${describeShape(live)} (${why}); no completed TLBI removed it`,
        );
      },
    });
  });
  return found;
}

/** `online`: a new CPU, or an offline one, starts with an empty TLB. */
export function stepOnline(state: MachineState, ev: OnlineEvent): void {
  const known = state.cpus.get(ev.cpu);
  if (known === undefined) {
    state.addCpu({ id: ev.cpu, bbm: ev.bbm, noabort: ev.noabort });
    return;
  }
  if (known.status !== 'offline') throw new ModelInputError(`cpu ${ev.cpu} is already online`);
  known.bbm = ev.bbm;
  known.noabort = ev.noabort;
  state.setStatus(known, 'running');
}

/** `stop` / `resume`: stop_machine() begins or ends. */
export function stepStop(state: MachineState, ev: StopEvent): void {
  state.onlineCpu(ev.cpu);
  if (ev.op === 'stop') {
    if (state.stoppedBy !== undefined)
      throw new ModelInputError(`stop_machine() is already running (cpu ${state.stoppedBy})`);
    state.stoppedBy = ev.cpu;
  } else {
    if (state.stoppedBy === undefined) throw new ModelInputError('resume without stop');
    state.stoppedBy = undefined;
  }
}

/**
 * `walk`: an explicit translation by a running CPU (fills are implicit in the model; this answers).
 * @returns the walk result
 */
export function stepWalk(state: MachineState, ev: WalkEvent): WalkResult {
  const cpu = state.onlineCpu(ev.cpu);
  if (cpu.status !== 'running') throw new ModelInputError(`cpu ${ev.cpu} is parked and walks nothing`);
  return walkVA(state.geo, state.mem, state.root, Number(ev.va & 0xffffffffffffn));
}

/**
 * `alloc`: a zeroed table page appears.
 * @returns `alloc-while-stopped` on PREEMPT_RT inside stop_machine()
 */
export function stepAlloc(state: MachineState, ev: AllocEvent): Violation | undefined {
  const pa = Number(ev.pa);
  const { geo } = state;
  if (pa % geo.pageSize !== 0)
    throw new ModelInputError(`alloc of PA ${hexPa(pa)} is not aligned to the ${geo.granule} page size`);
  if (ev.level < geo.startLevel || ev.level > 3)
    throw new ModelInputError(`level ${ev.level} does not exist with the ${geo.granule} granule`);
  if (state.mem.pageOf(pa) !== undefined) throw new ModelInputError(`PA ${hexPa(pa)} is already a table page`);
  state.mem.allocate(pa, ev.level, state.now);
  if (state.preemptRt && state.stoppedBy !== undefined) {
    // The page is allocated all the same: the model keeps following the SUT (ADR 003).
    return violation(
      'alloc-while-stopped',
      state.now,
      { cpu: state.stoppedBy, pa: ev.pa, level: ev.level },
      `table page allocated while cpu${state.stoppedBy} runs stop_machine(); GFP_ATOMIC takes sleeping locks on PREEMPT_RT`,
    );
  }
  return undefined;
}

/**
 * `free`: a table page goes back to the allocator.
 * @returns `table-freed-while-reachable` when a walker or a walk cache may still reach it (T1)
 */
export function stepFree(state: MachineState, ev: FreeEvent): Violation | undefined {
  const pa = Number(ev.pa);
  const page = state.mem.pageOf(pa);
  if (page === undefined || page.pa !== pa)
    throw new ModelInputError(`free of PA ${hexPa(pa)}, which is not a table page`);
  const site = {
    pa: ev.pa,
    level: page.level,
    ...(Number.isNaN(page.vaBase) ? {} : { va: state.fullVA(page.vaBase) }),
  };
  if (page === state.root || page.reachable) {
    return violation('table-freed-while-reachable', state.now, site, 'the page is still linked from the root');
  }
  const holders = state.walkHoldersOf(page);
  if (holders !== 0) {
    return violation(
      'table-freed-while-reachable',
      state.now,
      site,
      `${state.describeCpus(holders)} may still hold a walk-cache entry leading to it: no completed non-last-level TLBI since it was unlinked`,
    );
  }
  forEachChildTable(state, page, (child) => {
    child.parent = null;
    child.parentIndex = -1;
  });
  if (page.parent !== null) {
    page.parent = null;
    page.parentIndex = -1;
  }
  for (const cpu of state.slots) cpu.dirtyPages.delete(page);
  state.mem.release(page);
  return undefined;
}

function hexPa(pa: number): string {
  return '0x' + pa.toString(16);
}
