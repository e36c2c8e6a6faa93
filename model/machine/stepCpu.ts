/**
 * Events that change who walks the tables and which table pages exist: `park`/`unpark`,
 * `online`, `stop`/`resume` (stop_machine), `walk`, `alloc`, `free`.
 *
 * Layer: model/machine.
 */
import { walkVA } from '../arch/walk.ts';
import { DescriptorType, decodeDescriptorType, outputAddress } from '../arch/descriptor.ts';
import { tableIndex } from '../arch/geometry.ts';
import { faultingView } from './visibility.ts';
import type { WalkResult } from '../arch/walk.ts';
import type { Violation } from '../bbm/violations.ts';
import { violation } from '../bbm/violations.ts';
import type { TablePage } from '../arch/memory.ts';
import type { AllocEvent, FreeEvent, OnlineEvent, ParkEvent, StopEvent, UnparkEvent, WalkEvent } from '../events.ts';
import { ModelInputError } from './inputError.ts';
import { rootPathClosesAt } from './stepBarrier.ts';
import type { MachineState } from './state.ts';
import { forEachChildTable } from './subtree.ts';
import type { CpuState } from './cpu.ts';
import { adoptUnseenStores, walkerConflict } from './resume.ts';
import { forgetGroups } from './groups.ts';

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
 * `unpark`: the CPU walks the kernel tables again. Everything it may now hold or walk must be free
 * of conflicts (B6/B7, A1; SEMANTICS.md §5, family 4).
 * @returns `tlb-conflict` when it may hold two conflicting entries
 */
export function stepUnpark(state: MachineState, ev: UnparkEvent): Violation | undefined {
  const cpu = state.onlineCpu(ev.cpu);
  if (cpu.status !== 'parked') throw new ModelInputError(`cpu ${ev.cpu} is not parked`);
  state.setStatus(cpu, 'running');
  return judgeNewWalker(state, cpu);
}

/**
 * `online`: a new CPU, or an offline one, starts with an empty TLB and walks at once: it may fill
 * the old value of any store not yet visible to it, and sees every live contiguous mix.
 * @returns `tlb-conflict` when it may hold two conflicting entries
 */
export function stepOnline(state: MachineState, ev: OnlineEvent): Violation | undefined {
  const known = state.cpus.get(ev.cpu);
  let cpu: CpuState;
  if (known === undefined) cpu = state.addCpu({ id: ev.cpu, bbm: ev.bbm, noabort: ev.noabort });
  else {
    if (known.status !== 'offline') throw new ModelInputError(`cpu ${ev.cpu} is already online`);
    known.bbm = ev.bbm;
    known.noabort = ev.noabort;
    state.setStatus(known, 'running');
    cpu = known;
  }
  return judgeNewWalker(state, cpu);
}

/**
 * Judges a CPU that starts walking (or, at the end of a trace, one that would resume).
 * @param state - the machine
 * @param cpu - the CPU
 * @returns `tlb-conflict`, or undefined
 */
export function judgeNewWalker(state: MachineState, cpu: CpuState): Violation | undefined {
  cpu.snapshotValid = cpu.status === 'parked' && cpu.snapshotValid;
  adoptUnseenStores(state, cpu);
  const c = walkerConflict(state, cpu);
  if (c === undefined) return undefined;
  return violation(
    'tlb-conflict',
    state.now,
    { cpu: cpu.id, pa: BigInt(c.pa), ...(Number.isNaN(c.va) ? {} : { va: state.fullVA(c.va) }), level: c.level },
    c.detail,
  );
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
 * `walk`: the CPU relies on the translation of `va` now (fills are implicit in the model). When
 * the current tables map it, no location of the walk may show this CPU a value that faults:
 * another CPU's store counts once its writer's DSB made it visible, the CPU's own once a DSB and
 * then an ISB synchronized it (S1, IWZCBG).
 * @returns `walk-unsynchronized`, or undefined
 */
export function stepWalk(state: MachineState, ev: WalkEvent): Violation | undefined {
  const cpu = state.onlineCpu(ev.cpu);
  if (cpu.status !== 'running') throw new ModelInputError(`cpu ${ev.cpu} is parked and walks nothing`);
  const { geo, mem } = state;
  const va = Number(ev.va & 0xffffffffffffn);
  const result: WalkResult = walkVA(geo, mem, state.root, va);
  if (!result.ok) return undefined;
  const path: { pa: number; level: number }[] = [];
  for (let page: TablePage | undefined = state.root; page !== undefined;) {
    const i = tableIndex(geo, va, page.level);
    path.push({ pa: page.pa + 8 * i, level: page.level });
    const lo = page.lo[i] ?? 0;
    if (decodeDescriptorType(geo, lo, page.level) !== DescriptorType.Table) break;
    page = mem.pageOf(outputAddress(geo, lo, page.hi[i] ?? 0));
  }
  for (const step of path) {
    const r = faultingView(state, cpu, step.pa, step.level);
    if (r === undefined) continue;
    const own = r.writer === cpu.slot;
    const by = r.writer < 0 ? 'the value before' : `cpu${state.slots[r.writer]?.id ?? r.writer}`;
    return violation(
      'walk-unsynchronized',
      state.now,
      { cpu: cpu.id, pa: BigInt(step.pa), va: ev.va, level: step.level },
      own
        ? `cpu${cpu.id} walks 0x${ev.va.toString(16)} but its own store at PA ${hexPa(step.pa)} is not yet synchronized by a DSB and then an ISB: its walker may still read a faulting value there`
        : `cpu${cpu.id} walks 0x${ev.va.toString(16)} but the store at PA ${hexPa(step.pa)} that maps it is not yet visible to it (${by} has not executed a DSB ISH/ISHST/SY since): it may still read a faulting value there`,
    );
  }
  return undefined;
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
  const unseen = unseenLinkTo(state, page);
  if (unseen !== undefined) return violation('table-freed-while-reachable', state.now, site, unseen);
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
  for (const cpu of state.slots) cpu.dirtyEntries = cpu.dirtyEntries.filter((d) => d.page !== page);
  forgetGroups(state, page);
  state.mem.release(page);
  return undefined;
}

/**
 * Whether a store that unlinked `page` (or an ancestor) is not yet visible to some online CPU,
 * which may then still walk the old link (SEMANTICS.md §1, T1).
 * @returns the reason, or undefined
 */
function unseenLinkTo(state: MachineState, page: TablePage): string | undefined {
  const chain = new Set<number>();
  for (let p: TablePage | null = page; p !== null; p = p.parent) chain.add(p.pa);
  let why: string | undefined;
  state.stale.forEach((s) => {
    if (why !== undefined || s.kind !== 'walk' || !chain.has(s.tablePa)) return;
    // The old link can be followed by a CPU that does not see the store yet and can still reach
    // the table holding it: linked, or its own unlink from the root not yet visible (found/023).
    const from = state.mem.pageOf(s.origin);
    const reaches = (c: CpuState): boolean =>
      from === undefined || from.reachable || rootPathClosesAt(state, from, c) > state.now;
    if (s.byPath && s.pathCutAt <= state.now) return;
    const unseen = state.slots.some(
      (c) =>
        c.status !== 'offline' &&
        (c.slot === s.writer ? s.visibleLocallyAt : s.visibleAt) === Number.POSITIVE_INFINITY &&
        reaches(c),
    );
    if (unseen) {
      const writer = state.slots[s.writer];
      why = `the store that unlinked it (PA 0x${s.origin.toString(16)}) is not yet visible: ${writer === undefined ? 'its writer' : `cpu${writer.id}`} has not executed a DSB since, so a walker may still follow the old link`;
    }
  });
  return why;
}

function hexPa(pa: number): string {
  return '0x' + pa.toString(16);
}
