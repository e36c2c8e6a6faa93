/**
 * Split properties about kernel rules rather than translation: the linear map is never
 * executable, even in the raw bits of the entries a split writes (kernel-split-repaint.md §8
 * inv. 4), and callers in atomic context never reach the split mutex (inv. 13, ce2b3a50ad92).
 *
 * Layer: properties/split.
 */
import fc from 'fast-check';
import type { SutConfig } from '../../impl/index.ts';
import { BIT } from '../../model/arch/descriptor.ts';
import { NO_LIMITS, forEachLeaf } from '../../model/arch/walk.ts';
import type { MachineState } from '../../model/step.ts';
import { describeShape } from '../../model/bbm/change.ts';
import { configArb, describeConfig } from '../arbitraries/config.ts';
import { admitting } from '../arbitraries/configSpace.ts';
import { boot } from '../harness/boot.ts';
import { JudgedRun } from '../harness/judgedRun.ts';
import { LINEAR_END, LINEAR_START, leavesIn, vaHex } from '../harness/leaves.ts';
import type { PropertyDef } from '../registry.ts';
import { PropertyFailure } from '../registry.ts';
import type { SplitInput } from './splitCase.ts';
import { runSplit, splitInputArb } from './splitCase.ts';

/**
 * `split.hierarchical-pxn`: after a split every linear-map leaf has PXN and UXN in its own bits and
 * every table the split created has PXNTable (`NO_EXEC_MAPPINGS`), whatever the tables above say.
 *
 * Preconditions (kernel terms): after `setup_system_features()`, every CPU with BBML2-noabort (so no
 * repaint, and `system_supports_bbml2_noabort()` unless a BBML3-only CPU meets a pre-v7.3 kernel), one
 * caller, any rodata/KFENCE/realm/debug_pagealloc setting and variant; `[start, end)` anywhere on the
 * linear map (page aligned or not, in a hole, on a natural span), and a range starting in the KFENCE
 * pool ends inside it (`is_kfence_address(start)` is the only pool test). The answer expected is
 * {@link splitGate}'s. Several splits per boot (up to twelve on the same map, splitCase.ts), each judged.
 * Kills `split-pmd-drop-pxn`, `split-pmd-drop-table-pxn`.
 */
export const hierarchicalPxn: PropertyDef<SplitInput> = {
  id: 'split.hierarchical-pxn',
  claim:
    'every linear-map leaf keeps PXN and UXN in its own bits after a split, and every table a split creates gets TABLE_PXN, whatever the tables above say',
  invariants: 'kernel §8 inv. 4; split_pmd()/split_pud() copy pgprot',
  arb: splitInputArb,
  numRuns: 12,
  check: (input, sut) => {
    // Judged once, after the input's last split, against the tables before its first: every
    // table descriptor any of them wrote, every leaf they left.
    let n = 0;
    const all = runSplit(input, sut, (run) => (n++ === 0 ? tableEntries(run.model) : undefined));
    const first = all[0];
    const o = all[all.length - 1];
    if (first === undefined || o === undefined) return;
    const calls = [
      ...o.earlier,
      `split_kernel_leaf_mapping(0x${o.start.toString(16)}, 0x${o.end.toString(16)}) = ${o.ret}`,
    ];
    hierarchicalPxnOf(
      o.run,
      first.extra as Map<number, number>,
      `${calls.join('; ')} on ${describeConfig(o.run.config)}`,
    );
  },
};

/**
 * The check of {@link hierarchicalPxn} on a map after some splits (explore/splitClaims.ts makes
 * it too, after every split of a sequence).
 * @param run - the judged run after the splits
 * @param before - {@link tableEntries} before the first of them
 * @param head - the calls made and the configuration, for the report
 * @throws PropertyFailure when a table descriptor the splits wrote lacks PXNTable, or a leaf lacks PXN or UXN
 */
export function hierarchicalPxnOf(run: JudgedRun, before: ReadonlyMap<number, number>, head: string): void {
  const pxn = 1 << (BIT.PXN - 32);
  const pxnTable = 1 << (BIT.PXNTable - 32);
  for (const [pa, hi] of tableEntries(run.model)) {
    if (before.get(pa) === hi || (hi & pxnTable) !== 0) continue;
    throw new PropertyFailure(
      `${head}\n` +
        `the table descriptor the split wrote at PA 0x${pa.toString(16)} lacks PXNTable: split_pmd()/split_pud() must mirror the block's PXN (PMD_TABLE_PXN)`,
    );
  }
  const uxn = 1 << (BIT.UXN - 32);
  for (const l of leavesIn(run.model, LINEAR_START, LINEAR_END)) {
    if ((l.hi & pxn) === 0 || (l.hi & uxn) === 0) {
      throw new PropertyFailure(
        `${head}\n` +
          `the ${describeShape(l)} at ${vaHex(l.va)} (entry PA 0x${l.pa.toString(16)}) lacks ${(l.hi & pxn) === 0 ? 'PXN' : 'UXN'}: the linear map must never be executable`,
      );
    }
  }
}

/**
 * The bits[63:32] of every table descriptor of the linear map, by entry PA.
 * @param state - the model's state
 * @returns the map
 */
export function tableEntries(state: MachineState): Map<number, number> {
  const out = new Map<number, number>();
  forEachLeaf(state.geo, state.mem, state.root, 0, 0, Number(LINEAR_END - LINEAR_START), NO_LIMITS, {
    leaf: () => undefined,
    table: (page) => {
      if (page.parent !== null) out.set(page.parent.pa + 8 * page.parentIndex, page.parent.hi[page.parentIndex] ?? 0);
    },
  });
  return out;
}

/** The input of the atomic-caller property: a configuration whose linear map is PTE-mapped or has a KFENCE pool. */
export interface AtomicInput {
  readonly config: SutConfig;
  readonly page: number;
}

/** The configurations of `split.atomic-callers-lockless` before KFENCE or debug_pagealloc is set. */
const atomicBase = configArb({ secondariesNoabort: true, maxCpus: 2 });

/**
 * `split.atomic-callers-lockless` (ce2b3a50ad92): `split_kernel_leaf_mapping()` called for a KFENCE
 * pool page (`kfence_protect_page()` from softirq) or with debug_pagealloc (`__kernel_map_pages()`)
 * returns 0 without taking `pgtable_split_lock` or allocating.
 *
 * Preconditions (kernel terms): after finalisation, every CPU with BBML2-noabort; an early KFENCE
 * pool that memblock could place, or debug_pagealloc; the address is one of the first 64 pages of
 * the pool (or of the linear map). Kills `mutex-in-atomic`.
 */
export const atomicCallersLockless: PropertyDef<AtomicInput> = {
  id: 'split.atomic-callers-lockless',
  claim:
    'split_kernel_leaf_mapping() on a KFENCE pool address, or with debug_pagealloc, returns without taking pgtable_split_lock',
  invariants: 'kernel §8 inv. 13; ce2b3a50ad92',
  arb: fc.record({
    // Which configurations it draws, for the domain shrinker's simpler ones (configSpace.ts): an
    // early KFENCE pool memblock placed, or KFENCE off with debug_pagealloc.
    config: admitting(
      atomicBase
        .chain((c) =>
          fc.constantFrom<SutConfig>({ ...c, kfence: 'early' }, { ...c, kfence: 'off', debug_pagealloc: true }),
        )
        .filter((c) => c.kfence === 'off' || c.memblock.kfence_pool !== undefined),
      (v) =>
        atomicBase.canShrinkWithoutContext(v) &&
        (v.kfence === 'early' ? v.memblock.kfence_pool !== undefined : v.kfence === 'off' && v.debug_pagealloc),
    ),
    page: fc.integer({ min: 0, max: 63 }),
  }),
  numRuns: 20,
  check: (input, sut) => {
    const run = new JudgedRun(input.config, sut);
    boot(run);
    const page = BigInt(run.model.geo.pageSize);
    const pool = run.ops.inspect().kfence_pool_va;
    let start: bigint;
    if (input.config.kfence === 'early') {
      if (pool === null) return;
      start = pool + BigInt(input.page) * page;
    } else {
      const leaves = leavesIn(run.model, LINEAR_START, LINEAR_END);
      const l = leaves[input.page % Math.max(1, leaves.length)];
      if (l === undefined) return;
      start = LINEAR_START + BigInt(l.va);
    }
    const before = run.records.length;
    const call = `split_kernel_leaf_mapping(0x${start.toString(16)}, 0x${(start + page).toString(16)})`;
    const ret = run.run(call, run.ops.split_kernel_leaf_mapping(start, start + page));
    const locked = run.records.slice(before).find((r) => r.kind === 'lock');
    if (locked !== undefined && locked.kind === 'lock') {
      throw new PropertyFailure(
        `${call} = ${ret} on ${describeConfig(input.config)}${input.config.debug_pagealloc ? ' debug_pagealloc' : ''}\n` +
          `it took ${locked.name}: a softirq caller (KFENCE, DEBUG_PAGEALLOC) would sleep in atomic context`,
      );
    }
  },
};
