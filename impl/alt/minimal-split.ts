/**
 * A second, deliberately different split_kernel_leaf_mapping(): iterative instead of the
 * kernel's fixed PGD→P4D→PUD→CONT-PMD→PMD→CONT-PTE ladder — each round re-walks from the root,
 * and either stops (the address is a leaf boundary, a cont group counting as one leaf), clears
 * the cont bit of the group that contains the address, or replaces the block containing it by a
 * table of the next level whose entries form contiguous groups where that level has them (the
 * kernel's `to_cont = true`: an on-demand split breaks a leaf only as far as needed,
 * kernel-split-repaint.md §8 inv. 6, 7). So a split goes down only along the path that needs it.
 * One `dsb(ishst); isb` at the end publishes the valid entries (no lazy MMU mode). The gate
 * follows the configured variant (v7.1's, or v6.18's `split_leaf_mapping_possible()`).
 *
 * It touches the machine only through the contract's Primitives and reads the kernel's gating
 * state only through `KernelOps.inspect()`; it shares no code with the port. Everything else of
 * the SUT is the bundled port, so pageattr.c calls this split.
 *
 * Layer: impl/alt (a plug-in).
 */
import type { GranuleName, KernelOps, KGen, Primitives, SutConfig, SutFactory } from '../contract.ts';
import { createPortSut } from '../sut.ts';

interface Shape {
  /** Entry shift per Arm level (index = level). */
  readonly shift: readonly number[];
  readonly rootLevel: number;
  readonly page: bigint;
  /** Entries per cont group per level (1 = none). */
  readonly cont: readonly bigint[];
}

const SHAPES: Readonly<Record<GranuleName, Shape>> = {
  '4K': { shift: [39, 30, 21, 12], rootLevel: 0, page: 1n << 12n, cont: [1n, 1n, 16n, 16n] },
  '16K': { shift: [47, 36, 25, 14], rootLevel: 0, page: 1n << 14n, cont: [1n, 1n, 32n, 128n] },
  '64K': { shift: [0, 42, 29, 16], rootLevel: 1, page: 1n << 16n, cont: [1n, 1n, 32n, 32n] },
};

const VALID = 1n;
const NG = 1n << 11n;
const CONT = 1n << 52n;
const PXN = 1n << 53n;
const TABLE_BITS = 3n | (1n << 10n) | (1n << 60n);
const TABLE_PXN = 1n << 59n;
const EINVAL = 22;
const ENOMEM = 12;
const EBUSY = 16;

/**
 * Builds the minimal split for one machine.
 * @param hw - the primitives
 * @param config - the configuration
 * @param base - the rest of the SUT (read through `inspect()` only)
 * @returns split(start, end) → 0 or -errno, with the kernel's early exits
 */
export function minimal_split_kernel_leaf_mapping(
  hw: Primitives,
  config: SutConfig,
  base: KernelOps,
): (start: bigint, end: bigint) => KGen<number> {
  const s = SHAPES[config.granule];
  const oa = ((1n << 48n) - 1n) & ~(s.page - 1n);
  const kfenceBytes = 512n * s.page;
  const index = (addr: bigint, level: number, entries: bigint): bigint =>
    (addr >> BigInt(s.shift[level] ?? 0)) & (entries - 1n);

  /** One round: 'done', 'again' (tables changed, re-walk) or an errno. */
  function* round(addr: bigint): KGen<'done' | 'again' | number> {
    let table = hw.rootTable();
    for (let level = s.rootLevel; level <= 3; level++) {
      const shift = BigInt(s.shift[level] ?? 0);
      const entries = level === s.rootLevel ? 1n << (48n - shift) : s.page / 8n;
      const entry = table + index(addr, level, entries) * 8n;
      const d = yield* hw.readDesc(entry);
      const present = (d & VALID) !== 0n || (d & NG) !== 0n;
      if (!present) return 'done';
      if (level < 3 && (d & 3n) === 3n) {
        table = d & oa;
        continue;
      }
      const size = 1n << shift;
      const group = (d & CONT) !== 0n ? size * (s.cont[level] ?? 1n) : size;
      if (addr % group === 0n) return 'done';
      if (group !== size) {
        const n = s.cont[level] ?? 1n;
        const first = entry & ~(n * 8n - 1n);
        for (let i = 0n; i < n; i++) {
          const e = first + i * 8n;
          yield* hw.writeDesc(e, (yield* hw.readDesc(e)) & ~CONT);
        }
        return 'again';
      }
      if (addr % size === 0n || level === 3) return 'done';
      const child = level + 1;
      const childSize = 1n << BigInt(s.shift[child] ?? 0);
      const pa = yield* hw.allocTable(child, 'GFP_PGTABLE_KERNEL', 'process');
      if (pa === null) return -ENOMEM;
      const valid = (d & VALID) !== 0n;
      const type = child === 3 ? (valid ? 3n : 2n) : valid ? 1n : 0n;
      const attrs = (d & ~oa & ~CONT & ~3n) | ((s.cont[child] ?? 1n) > 1n ? CONT : 0n);
      for (let i = 0n; i < s.page / 8n; i++)
        yield* hw.writeDesc(pa + i * 8n, ((d & oa) + i * childSize) | attrs | type);
      yield* hw.dsb('ishst');
      yield* hw.writeDesc(entry, pa | TABLE_BITS | ((d & PXN) !== 0n ? TABLE_PXN : 0n));
      return 'again';
    }
    return 'done';
  }

  return function* split(start: bigint, end: bigint): KGen<number> {
    const st = base.inspect();
    const pool = st.kfence_pool_va;
    const kfence = pool !== null && BigInt.asUintN(64, start - pool) < kfenceBytes;
    if (config.variant === 'v6.18') {
      // split_leaf_mapping_possible(): the system capability, and no force_pte_mapping() (which,
      // with the capability, is debug_pagealloc alone).
      if (!st.system_supports_bbml2_noabort || config.debug_pagealloc || kfence) return 0;
    } else if (!st.linear_map_requires_bbml2 || kfence) return 0;
    else if (!st.system_supports_bbml2_noabort) {
      if (st.capabilities_finalized) return 0;
      if (!st.page_alloc_available || hw.onlineCpus().length > 1) {
        hw.warn('minimal split: not yet allowed');
        return -EBUSY;
      }
    }
    if (start % s.page !== 0n || end % s.page !== 0n) return -EINVAL;
    yield* hw.lock('pgtable_split_lock');
    let ret = 0;
    let wrote = false;
    for (const addr of [start, end]) {
      for (;;) {
        const r = yield* round(addr);
        if (r === 'done') break;
        if (r !== 'again') {
          ret = r;
          break;
        }
        wrote = true;
      }
      if (ret) break;
    }
    if (wrote) {
      yield* hw.dsb('ishst');
      yield* hw.isb();
    }
    yield* hw.unlock('pgtable_split_lock');
    return ret;
  };
}

/**
 * The port with the minimal split swapped in, as a {@link SutFactory}.
 * @param hw - the primitives
 * @param config - the configuration
 * @returns the kernel operations
 */
export const createMinimalSplitSut: SutFactory = (hw, config) =>
  createPortSut(hw, config, (base) => minimal_split_kernel_leaf_mapping(hw, config, base), 'minimal-split');

export default createMinimalSplitSut;
