/**
 * The generated workloads of the benchmark: endless, clean streams of model events in the shapes
 * the kernel produces, cut at any length. Each is a header (the CPUs) and a generator; the
 * generator keeps its footprint bounded (tables are torn down as new ones are made), so that a
 * trace of 10^7 events holds no more table pages than one of 10^5.
 *
 * - `remap`: issue 14's workload — one CPU, 4K, ~1,000 PTE tables live; half the events are
 *   break-before-make remaps of live PTEs (invalid, DSB, TLBI VAALE1IS, DSB, ISB, new OA, DSB,
 *   ISB), the rest table creation, publication and teardown (range TLBI, then `free`).
 *
 * Every workload has the kernel's ISBs (`flush_tlb_kernel_range()` ends `dsb(ish); isb()`,
 * `__set_pte()` and `set_pmd()` of a valid kernel entry `dsb(ishst); isb()`). Without them the
 * model keeps every store a CPU has not synchronized with an ISB (SEMANTICS.md §1: its own walker
 * may still read each of them), which is right, but grows memory by about 60 MiB per 10^6 events
 * on the remap stream (measured: issue 14's closing note).
 * - `split-repaint`: 4 CPUs of mixed BBM levels; blocks split to contiguous PTEs under
 *   stop_machine() with the others parked (the repaint of arch/arm64/mm/mmu.c:
 *   linear_map_split_to_ptes()), then permission changes of whole contiguous groups by every CPU
 *   with range TLBIs (set_memory_ro()), then teardown.
 * - `stale`: the stale-entry index's worst case — 8 CPUs hold thousands of stale leaves at once
 *   (live PTEs invalidated with no TLBI), stores elsewhere meanwhile, then one TLBI per page and
 *   one DSB that completes them all.
 *
 * Layer: bench (model events only; checked clean by bench/workloads.test.ts).
 */
import type { CpuSpec, ModelEvent } from '../model/events.ts';
import { asDescriptor, asPA, asVA } from '../model/arch/bits.ts';
import { leafDescriptor, tableDescriptor } from '../model/testing/descriptors.ts';

/** A workload: the machine of its header and its endless event stream. */
export interface Workload {
  readonly name: string;
  readonly cpus: readonly CpuSpec[];
  /** @returns a fresh stream (the same one every time) */
  readonly events: () => Generator<ModelEvent, never, undefined>;
}

/** Where the generated tables live: the root, then a bump allocator of table pages. */
export const ROOT = 0x8000_0000n;
const VA_BASE = 0xffff_8000_0000_0000n;
const OA_BASE = 0x40_0000_0000n;
const PAGE = 0x1000n;
const BLOCK = 0x20_0000n;

/** A small deterministic generator (xorshift32), so that every run sees the same stream. */
function rng(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const w = (cpu: number, pa: bigint, val: bigint): ModelEvent => ({
  op: 'write',
  cpu,
  pa: asPA(pa),
  val: asDescriptor(val),
});
const dsb = (cpu: number, dom: 'ish' | 'ishst'): ModelEvent => ({ op: 'dsb', cpu, dom });
const isb = (cpu: number): ModelEvent => ({ op: 'isb', cpu });

/**
 * The fixed upper levels (4K, 48-bit): root → one PUD page → `pmds` PMD pages covering
 * `pmds` GiB from VA_BASE. Returns the PMD entry PA of 2M slot `i`.
 */
function* upperLevels(pmds: number): Generator<ModelEvent, (slot: number) => bigint, undefined> {
  const pud = ROOT + PAGE;
  yield { op: 'alloc', pa: asPA(pud), level: 1 };
  yield w(0, ROOT + 8n * ((VA_BASE >> 39n) & 511n), tableDescriptor(pud));
  for (let p = 0; p < pmds; p++) {
    const pmd = ROOT + PAGE * BigInt(2 + p);
    yield { op: 'alloc', pa: asPA(pmd), level: 2 };
    yield w(0, pud + 8n * BigInt(p), tableDescriptor(pmd));
  }
  yield dsb(0, 'ishst');
  return (slot) => ROOT + PAGE * BigInt(2 + Math.floor(slot / 512)) + 8n * BigInt(slot % 512);
}

const slotVA = (slot: number): bigint => VA_BASE + BigInt(slot) * BLOCK;
/** The PTE table page of slot `slot` (one page per slot, reused after its teardown). */
const ptePage = (slot: number): bigint => 0x1_0000_0000n + PAGE * BigInt(slot);

/** Unlinks and frees the PTE table of a slot: the range TLBI covers its walk-cache and leaves. */
function* teardown(cpu: number, pmdEntry: bigint, slot: number): Generator<ModelEvent, void, undefined> {
  yield w(cpu, pmdEntry, 0n);
  yield dsb(cpu, 'ish');
  yield { op: 'tlbi', cpu, kind: 'rvaae1is', va: asVA(slotVA(slot)), size: BLOCK };
  yield dsb(cpu, 'ish');
  yield isb(cpu);
  yield { op: 'free', pa: asPA(ptePage(slot)) };
}

/**
 * The break-before-make remap of one live PTE to a new OA, with the kernel's barriers:
 * `flush_tlb_kernel_range()` ends `dsb(ish); isb()`, `__set_pte()` of a valid kernel PTE
 * `dsb(ishst); isb()`.
 */
function* remapPte(cpu: number, entry: bigint, va: bigint, oa: bigint): Generator<ModelEvent, void, undefined> {
  yield w(cpu, entry, 0n);
  yield dsb(cpu, 'ish');
  yield { op: 'tlbi', cpu, kind: 'vaale1is', va: asVA(va) };
  yield dsb(cpu, 'ish');
  yield isb(cpu);
  yield w(cpu, entry, leafDescriptor(oa, true));
  yield dsb(cpu, 'ishst');
  yield isb(cpu);
}

/** Issue 14's remap workload (see the file comment). */
export const remap: Workload = {
  name: 'remap',
  cpus: [{ id: 0, bbm: 2, noabort: true }],
  *events() {
    const SLOTS = 1000;
    const pmdEntry = yield* upperLevels(2);
    const next = rng(14);
    let gen = 0n;
    for (let round = 0; ; round++) {
      const slot = round % SLOTS;
      const table = ptePage(slot);
      if (round >= SLOTS) yield* teardown(0, pmdEntry(slot), slot);
      // Build the table offline, order it, publish it (pgtable_alloc, init_pte, pmd_populate).
      yield { op: 'alloc', pa: asPA(table), level: 3 };
      for (let i = 0n; i < 512n; i++) yield w(0, table + 8n * i, leafDescriptor(OA_BASE + gen + i * PAGE, true));
      yield dsb(0, 'ishst');
      yield w(0, pmdEntry(slot), tableDescriptor(table));
      yield dsb(0, 'ishst');
      yield isb(0);
      gen += 0x20_0000n;
      // As many events of remaps of live PTEs, anywhere in the live tables.
      const live = Math.min(round + 1, SLOTS);
      for (let r = 0; r < 87; r++) {
        const s = (slot - Math.floor(next() * live) + SLOTS) % SLOTS;
        const i = BigInt(Math.floor(next() * 512));
        gen += PAGE;
        yield* remapPte(0, ptePage(s) + 8n * i, slotVA(s) + i * PAGE, OA_BASE + 0x100_0000_0000n + gen);
      }
    }
  },
};

/** The multi-CPU split/repaint workload (see the file comment). */
export const splitRepaint: Workload = {
  name: 'split-repaint',
  cpus: [
    { id: 0, bbm: 2, noabort: true },
    { id: 1, bbm: 2, noabort: true },
    { id: 2, bbm: 1, noabort: false },
    { id: 3, bbm: 0, noabort: false },
  ],
  *events() {
    const BLOCKS = 16;
    const pmdEntry = yield* upperLevels(1);
    const next = rng(7);
    for (let cycle = 0; ; cycle++) {
      const oa = (b: number): bigint => OA_BASE + BigInt(cycle % 8) * 0x4000_0000n + BigInt(b) * BLOCK;
      for (let b = 0; b < BLOCKS; b++) yield w(0, pmdEntry(b), leafDescriptor(oa(b), false));
      yield dsb(0, 'ishst');
      // The repaint: the others parked, every block split to contiguous PTEs, one flush.
      yield { op: 'stop', cpu: 0 };
      for (const c of [1, 2, 3]) yield { op: 'park', cpu: c };
      for (let b = 0; b < BLOCKS; b++) {
        const table = ptePage(b);
        yield { op: 'alloc', pa: asPA(table), level: 3 };
        for (let i = 0n; i < 512n; i++)
          yield w(0, table + 8n * i, leafDescriptor(oa(b) + i * PAGE, true, { cont: true }));
        yield dsb(0, 'ishst');
        yield w(0, pmdEntry(b), tableDescriptor(table));
      }
      yield dsb(0, 'ish');
      yield { op: 'tlbi', cpu: 0, kind: 'vmalle1is' };
      yield dsb(0, 'ish');
      yield { op: 'isb', cpu: 0 };
      for (const c of [1, 2, 3]) yield { op: 'unpark', cpu: c };
      yield { op: 'resume', cpu: 0 };
      // set_memory_ro()/rw() of whole contiguous groups, by every CPU in turn.
      for (let r = 0; r < 4 * BLOCKS; r++) {
        const cpu = r % 4;
        const b = Math.floor(next() * BLOCKS);
        const g = BigInt(Math.floor(next() * 32));
        const readOnly = (r & 4) === 0;
        for (let i = 0n; i < 16n; i++)
          yield w(
            cpu,
            ptePage(b) + 8n * (16n * g + i),
            leafDescriptor(oa(b) + (16n * g + i) * PAGE, true, { cont: true, readOnly }),
          );
        yield dsb(cpu, 'ishst');
        yield { op: 'tlbi', cpu, kind: 'rvale1is', va: asVA(slotVA(b) + 16n * g * PAGE), size: 16n * PAGE };
        yield dsb(cpu, 'ish');
        yield isb(cpu);
      }
      for (let b = 0; b < BLOCKS; b++) yield* teardown(b % 4, pmdEntry(b), b);
    }
  },
};

/** The stale-entry index's worst case (see the file comment). */
export const stale: Workload = {
  name: 'stale',
  cpus: Array.from({ length: 8 }, (_, id) => ({ id, bbm: 2 as const, noabort: true })),
  *events() {
    const SLOTS = 8;
    const pmdEntry = yield* upperLevels(1);
    for (let s = 0; s < SLOTS; s++) {
      const table = ptePage(s);
      yield { op: 'alloc', pa: asPA(table), level: 3 };
      for (let i = 0n; i < 512n; i++)
        yield w(0, table + 8n * i, leafDescriptor(OA_BASE + BigInt(s) * BLOCK + i * PAGE, true));
      yield dsb(0, 'ishst');
      yield w(0, pmdEntry(s), tableDescriptor(table));
    }
    yield dsb(0, 'ishst');
    for (let cycle = 0; ; cycle++) {
      const oa = (s: number, i: bigint): bigint =>
        OA_BASE + BigInt(cycle % 4) * 0x1000_0000n + BigInt(s) * BLOCK + i * PAGE;
      // Every CPU invalidates its share: 4,096 stale leaves held by 8 CPUs, none flushed yet.
      for (let s = 0; s < SLOTS; s++) for (let i = 0n; i < 512n; i++) yield w(s, ptePage(s) + 8n * i, 0n);
      for (let c = 0; c < 8; c++) yield dsb(c, 'ish');
      for (let s = 0; s < SLOTS; s++)
        for (let i = 0n; i < 512n; i++) yield { op: 'tlbi', cpu: s, kind: 'vaale1is', va: asVA(slotVA(s) + i * PAGE) };
      for (let c = 0; c < 8; c++) yield dsb(c, 'ish');
      for (let c = 0; c < 8; c++) yield isb(c);
      for (let s = 0; s < SLOTS; s++)
        for (let i = 0n; i < 512n; i++) yield w(s, ptePage(s) + 8n * i, leafDescriptor(oa(s, i), true));
      for (let c = 0; c < 8; c++) yield dsb(c, 'ishst');
      for (let c = 0; c < 8; c++) yield isb(c);
    }
  },
};

/** Every workload, in the order the benchmark prints them. */
export const WORKLOADS: readonly Workload[] = [remap, splitRepaint, stale];
