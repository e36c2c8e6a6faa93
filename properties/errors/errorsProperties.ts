/**
 * `errors.no-damage` (kernel-split-repaint.md §8 inv. 18, 19): a split whose table allocation fails
 * returns `-ENOMEM`, one that needed no table (or that the kernel's gate returns from at once)
 * returns 0, and either way the tables stay valid and the translation unchanged.
 *
 * Preconditions (kernel terms): after finalisation, every CPU with BBML2-noabort; the answer
 * expected follows {@link splitGate}. Kills `split-pmd-break-before-alloc`.
 *
 * Layer: properties/errors.
 */
import fc from 'fast-check';
import type { SutConfig, SutFactory } from '../../impl/index.ts';
import { translationOnly } from '../../model/abstract/interp.ts';
import { configArb, describeConfig } from '../arbitraries/config.ts';
import { boot } from '../harness/boot.ts';
import { JudgedRun } from '../harness/judgedRun.ts';
import { LINEAR_END, LINEAR_START } from '../harness/leaves.ts';
import { bootCpu, ENOMEM, splitGate } from '../kernel/gates.ts';
import { inKfencePool } from '../kernel/kfencePool.ts';
import type { PropertyDef } from '../registry.ts';
import { PropertyFailure } from '../registry.ts';
import { violationReport } from '../harness/violationReport.ts';
import { firstDifference } from '../harness/translationDiff.ts';
import { targetLeaves } from '../ops/targets.ts';

/** The input: a configuration, a range to split, and which allocation after boot fails. */
export interface ErrorInput {
  readonly config: SutConfig;
  readonly run: number;
  readonly at: number;
  readonly pages: number;
  readonly failAfterBoot: number;
}

/** Table allocations made by a boot of `cfg` (boots are deterministic). */
function bootAllocations(cfg: SutConfig, sut: SutFactory): number {
  const probe = new JudgedRun(cfg, sut);
  boot(probe);
  return probe.records.filter((r) => r.kind === 'alloc').length;
}

/** `errors.no-damage`. */
export const noDamage: PropertyDef<ErrorInput> = {
  id: 'errors.no-damage',
  claim: 'an operation that fails (-ENOMEM) leaves the tables valid and translation unchanged',
  invariants: 'kernel §8 inv. 18, 19',
  arb: fc.record({
    // Mostly where splits happen (rodata=full/on, a boot CPU with the capability), sometimes anywhere.
    config: fc.oneof(
      {
        weight: 3,
        arbitrary: configArb({ secondariesNoabort: true, maxCpus: 2, bootNoabort: true, rodata: ['full', 'on'] }),
      },
      { weight: 1, arbitrary: configArb({ secondariesNoabort: true, maxCpus: 2 }) },
    ),
    run: fc.nat(),
    at: fc.integer({ min: 0, max: 999 }),
    pages: fc.integer({ min: 1, max: 64 }),
    // Which allocation of the call fails: most often its first (a split needing one table fails
    // there or not at all), else one of the next three (a PUD block's PMD then PTE table, the end
    // boundary's after the start's).
    failAfterBoot: fc.oneof(
      { weight: 3, arbitrary: fc.constant(0) },
      { weight: 2, arbitrary: fc.integer({ min: 1, max: 3 }) },
    ),
  }),
  numRuns: 25,
  check: (input, sut) => {
    const failAt = bootAllocations(input.config, sut) + input.failAfterBoot;
    const run = new JudgedRun(input.config, sut, { failAllocAt: [failAt] });
    boot(run);
    const page = BigInt(run.model.geo.pageSize);
    const mapped = run.interp(LINEAR_START, LINEAR_END);
    // Aimed at each leaf shape equally often (properties/ops/targets.ts): a failure can strike the
    // split of a PUD block, a contiguous PMD group, a PMD block or a contiguous PTE group, and
    // drawn over the maplets most ranges would land in pages.
    const shapes = targetLeaves(run);
    const list = shapes[input.run % Math.max(1, shapes.length)] ?? [];
    const m = list[Math.floor(input.run / Math.max(1, shapes.length)) % Math.max(1, list.length)];
    if (m === undefined) return;
    const start = m.va + (((m.size / page) * BigInt(input.at)) / 1000n) * page;
    const end = start + BigInt(input.pages) * page;
    const before = translationOnly(mapped);
    const call = `split_kernel_leaf_mapping(0x${start.toString(16)}, 0x${end.toString(16)}) with allocation #${failAt} failing`;
    const gate = splitGate(input.config, run.phase, bootCpu(input.config), inKfencePool(run, start), true);
    const allocs = run.records.length;
    const ret = run.run(call, run.ops.split_kernel_leaf_mapping(start, end));
    const failed = run.records.slice(allocs).some((r) => r.kind === 'alloc' && r.pa === null);
    const head = `${call} = ${ret} on ${describeConfig(input.config)}`;
    const want = gate.kind === 'split' && failed ? ENOMEM : 0;
    if (ret !== want)
      throw new PropertyFailure(
        `${head}\nexpected ${want}: ${gate.kind !== 'split' ? gate.kind + ' gate' : failed ? 'a table allocation failed' : 'no table allocation failed'}`,
      );
    if (run.violation !== undefined) throw new PropertyFailure(`${head}${violationReport(run)}`);
    const after = translationOnly(run.interp(LINEAR_START, LINEAR_END));
    const diff = firstDifference(before, after);
    if (diff !== undefined)
      throw new PropertyFailure(`${head}
the translation changed: ${diff}`);
  },
};
