/**
 * `perm.valid-roundtrip` (15bfba1ad77f, kernel-split-repaint.md §8 inv. 3): making linear-map
 * pages invalid with `set_memory_valid(addr, n, false)` and valid again restores their
 * translation exactly, whole blocks included (a present-invalid block is still a leaf).
 *
 * Why this property? Before 15bfba1ad77f the permission walk tested `pmd_sect()`, which requires
 * the valid block encoding: a block made invalid as a whole was skipped when it was made valid
 * again, and the realm guest that relied on it panicked. v6.18 (the selectable variant) still has
 * that behaviour, so this property is checked on v7.2-rc, v7.1, v7.3 and prealloc.
 *
 * Preconditions (kernel terms): after finalisation, `can_set_direct_map()` (the callers of
 * `set_memory_valid()` on the linear map: debug_pagealloc, `set_direct_map_valid_noflush()`, the
 * realm's `__set_memory_enc_dec()`). Kills `pageattr-skips-invalid-block`.
 *
 * Layer: properties/perm.
 */
import fc from 'fast-check';
import type { SutConfig } from '../../impl/index.ts';
import { translationOnly } from '../../model/abstract/interp.ts';
import { formatSize } from '../../model/bbm/change.ts';
import { configArb, describeConfig } from '../arbitraries/config.ts';
import { canSetDirectMap } from '../kernel/gates.ts';
import { boot } from '../harness/boot.ts';
import { JudgedRun } from '../harness/judgedRun.ts';
import { LINEAR_END, LINEAR_START, leavesIn } from '../harness/leaves.ts';
import type { PropertyDef } from '../registry.ts';
import { PropertyFailure } from '../registry.ts';
import { violationReport } from '../harness/violationReport.ts';
import { firstDifference } from '../harness/translationDiff.ts';

/** The input: a configuration, a leaf, and whether to take it whole or a few pages of it. */
export interface RoundtripInput {
  readonly config: SutConfig;
  readonly leaf: number;
  readonly whole: boolean;
  readonly pages: number;
}

/** `perm.valid-roundtrip`. */
export const validRoundtrip: PropertyDef<RoundtripInput> = {
  id: 'perm.valid-roundtrip',
  claim:
    'set_memory_valid(false) then set_memory_valid(true) on linear-map pages, whole blocks included, restores their translation',
  invariants: 'kernel §8 inv. 3; 15bfba1ad77f',
  arb: fc.record({
    // set_memory_valid() on linear-map pages has callers only where can_set_direct_map() holds.
    config: configArb({
      secondariesNoabort: true,
      maxCpus: 2,
      variants: ['v7.2-rc', 'v7.1', 'v7.3', 'prealloc'],
    }).filter(canSetDirectMap),
    leaf: fc.nat(),
    whole: fc.boolean(),
    pages: fc.integer({ min: 1, max: 8 }),
  }),
  numRuns: 30,
  check: (input, sut) => {
    const run = new JudgedRun(input.config, sut);
    boot(run);
    const page = BigInt(run.model.geo.pageSize);
    const all = leavesIn(run.model, LINEAR_START, LINEAR_END).filter((x) => x.va === x.spanVa || x.contiguous === 0);
    // Whole leaves are aimed at blocks when there are any: the case 15bfba1ad77f fixed.
    const blocks = all.filter((x) => x.level < 3);
    const leaves = input.whole && blocks.length > 0 ? blocks : all;
    const l = leaves[input.leaf % Math.max(1, leaves.length)];
    if (l === undefined) return;
    const addr = LINEAR_START + BigInt(l.va);
    const n = input.whole ? Number(BigInt(l.size) / page) : input.pages;
    const before = translationOnly(run.interp(LINEAR_START, LINEAR_END));
    const off = run.run(
      `set_memory_valid(0x${addr.toString(16)}, ${n}, false)`,
      run.ops.set_memory_valid(addr, n, false),
    );
    const on = run.run(`set_memory_valid(0x${addr.toString(16)}, ${n}, true)`, run.ops.set_memory_valid(addr, n, true));
    const head = `set_memory_valid(0x${addr.toString(16)}, ${n}, false) = ${off}, then (…, true) = ${on}, on a ${formatSize(l.size)} leaf, ${describeConfig(input.config)}`;
    if (run.violation !== undefined) {
      throw new PropertyFailure(`${head}${violationReport(run)}`);
    }
    const after = translationOnly(run.interp(LINEAR_START, LINEAR_END));
    const diff = firstDifference(before, after);
    if (diff !== undefined)
      throw new PropertyFailure(`${head}
the translation is not restored: ${diff}`);
  },
};
