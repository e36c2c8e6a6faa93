/**
 * Reference checker — the abstract machine of SEMANTICS.md §1: memory (pages, store histories,
 * barriers), the CPUs (running, parked; BBM level and noabort) with the explicit set `Held(c)` of
 * every TLB entry each may hold, the TLBIs not yet completed, and stop_machine().
 *
 * Layer: model/reference (tests only).
 */
import type { CpuId, CpuSpec, TraceHeader } from '../events.ts';
import { ModelInputError } from '../machine/inputError.ts';
import type { ViolationCode } from '../bbm/violations.ts';
import { conflictReason } from './conflict.ts';
import type { HeldEntry, TlbEntry, WalkEntry } from './entries.ts';
import { fillable } from './fill.ts';
import { TTBR1_BASE, geometryOf } from './geometry.ts';
import { newPage } from './memory.ts';
import type { RefMemory } from './memory.ts';
import { reachablePages } from './pointers.ts';
import type { TlbiRequest } from './tlbi.ts';

/** A CPU and what it may hold. */
export interface RefCpu {
  readonly spec: CpuSpec;
  status: 'running' | 'parked';
  /** `Held(c)` with `lastFill(c, e)`, by entry key. */
  readonly held: Map<string, HeldEntry>;
}

/** The whole reference state. */
export interface RefState {
  readonly mem: RefMemory;
  readonly preemptRt: boolean;
  /** Online CPUs, in the order they appeared. */
  readonly cpus: Map<CpuId, RefCpu>;
  /** TLBIs issued and not completed, in issue order. */
  readonly pending: TlbiRequest[];
  /** The CPU that called `stop`, while stop_machine() runs. */
  stoppedBy: CpuId | undefined;
  /**
   * Speed only: the fills computed during the current event once its effects are applied (a
   * rule and the refill after the event then share one walk). Cleared at every event.
   */
  readonly fillMemo: Map<CpuId, Map<string, HeldEntry>>;
}

/** A verdict of the reference checker (only `code` and `event` are compared with the fast model). */
export interface RefViolation {
  readonly code: ViolationCode;
  readonly event: number;
  readonly cpu?: number;
  readonly pa?: bigint;
  readonly va?: bigint;
  readonly level?: number;
  readonly detail: string;
}

/**
 * The state before the first event: the root allocated (generation 0) and every header CPU
 * running with an empty TLB.
 * @param header - the trace header
 * @returns the state
 * @throws ModelInputError for a root not aligned to the page or a CPU listed twice
 */
export function initialRefState(header: TraceHeader): RefState {
  const geometry = geometryOf(header.granule);
  if (header.root % geometry.pageBytes !== 0n)
    throw new ModelInputError(`root 0x${header.root.toString(16)} is not aligned to the ${header.granule} page size`);
  const mem: RefMemory = { geometry, root: header.root, pages: new Map(), barriers: new Map(), keys: new Map() };
  mem.pages.set(header.root, newPage(header.root, geometry.rootLevel, 0));
  const cpus = new Map<CpuId, RefCpu>();
  for (const spec of header.cpus) {
    if (cpus.has(spec.id)) throw new ModelInputError(`cpu ${spec.id} is listed twice`);
    cpus.set(spec.id, { spec, status: 'running', held: new Map() });
  }
  return { mem, preemptRt: header.preempt_rt, cpus, pending: [], stoppedBy: undefined, fillMemo: new Map() };
}

/**
 * The CPU an event names.
 * @param st - the state
 * @param id - its number
 * @returns the CPU
 * @throws ModelInputError if it is not online
 */
export function cpuOf(st: RefState, id: CpuId): RefCpu {
  const c = st.cpus.get(id);
  if (c === undefined) throw new ModelInputError(`unknown cpu ${id}`);
  return c;
}

/**
 * The walk-cache entries a CPU holds, with their `lastFill`.
 * @param c - the CPU
 * @returns them
 */
export function heldWalks(c: RefCpu): HeldEntry[] {
  return [...c.held.values()].filter((h) => h.entry.kind === 'walk');
}

/**
 * The entries CPU `c` may fill now, as if it were running, with their fill moments. Call it only
 * once the event's effects are applied (the result is shared with the refill after the event).
 * @param st - the state
 * @param c - the CPU
 * @param now - the current moment
 * @returns them, by key
 */
export function fillableBy(st: RefState, c: RefCpu, now: number): Map<string, HeldEntry> {
  const had = st.fillMemo.get(c.spec.id);
  if (had !== undefined) return had;
  const f = fillable(st.mem, c.spec.id, heldWalks(c), now, c.held);
  st.fillMemo.set(c.spec.id, f);
  return f;
}

/**
 * SEMANTICS.md §2: after every event, every running CPU holds every entry it may fill now, with
 * `lastFill` the latest moment it could be filled (fill.ts).
 * @param st - the state
 * @param now - the event index just applied
 */
export function fillAll(st: RefState, now: number): void {
  for (const c of st.cpus.values()) {
    if (c.status !== 'running') continue;
    for (const [key, f] of fillableBy(st, c, now)) {
      const had = c.held.get(key);
      c.held.set(
        key,
        had === undefined
          ? f
          : {
              entry: f.entry,
              lastFill: Math.max(had.lastFill, f.lastFill),
              pointerFill: Math.max(had.pointerFill, f.pointerFill),
            },
      );
    }
  }
}

/**
 * The pages CPU `c` may walk (W3 and `free`) with the VA bases of each: from the root through
 * its view, and from its walk-cache entries (pointers.ts).
 * @param st - the state
 * @param c - the CPU
 * @returns page PA → VA bases
 */
export const reachableBy = (st: RefState, c: RefCpu): Map<bigint, Set<bigint>> =>
  reachablePages(
    st.mem,
    c.spec.id,
    heldWalks(c).map((h) => h.entry as WalkEntry),
  );

/**
 * The pages a running CPU may walk now, read off what it may fill now (speed only: the same set
 * as `reachableBy`, since every link a walk of its view can follow yields a walk entry): the
 * root, the pages of the walk entries it may fill and of those it holds. Call it only once the
 * event's effects are applied.
 * @param st - the state
 * @param c - a running CPU
 * @param now - the current moment
 * @returns page PA → VA bases
 */
export function walkablePages(st: RefState, c: RefCpu, now: number): Map<bigint, Set<bigint>> {
  const out = new Map<bigint, Set<bigint>>();
  const add = (pa: bigint, va: bigint): void => {
    const s = out.get(pa) ?? new Set<bigint>();
    s.add(va);
    out.set(pa, s);
  };
  if (st.mem.pages.has(st.mem.root)) add(st.mem.root, TTBR1_BASE);
  for (const h of [...fillableBy(st, c, now).values(), ...heldWalks(c)]) {
    const w = h.entry;
    if (w.kind === 'walk' && st.mem.pages.get(w.page)?.gen === w.gen) add(w.page, w.vaBase);
  }
  return out;
}

/**
 * The first pair of entries that conflict for `cpu` among `entries`, if any.
 * @param cpu - the CPU
 * @param entries - the entries it holds
 * @returns the pair and the reason
 */
export function firstConflict(
  cpu: CpuSpec,
  entries: readonly TlbEntry[],
): { a: TlbEntry; b: TlbEntry; reason: string } | undefined {
  for (let i = 0; i < entries.length; i++)
    for (let j = i + 1; j < entries.length; j++) {
      const a = entries[i] as TlbEntry;
      const b = entries[j] as TlbEntry;
      const reason = conflictReason(cpu, a, b);
      if (reason !== undefined) return { a, b, reason };
    }
  return undefined;
}
