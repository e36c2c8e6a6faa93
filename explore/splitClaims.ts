/**
 * The split-only claims checked by the search after every split step: `split.boundaries-exact`,
 * `split.blocks-kept` (properties/split/splitProperties.ts) and `split.hierarchical-pxn`
 * (properties/split/kernelRuleProperties.ts), by those properties' own check functions on the
 * same observations their experiment makes (leaves and translation before and after, the
 * kernel's gate, the answer). Their input is a sequence of splits by one caller on a map booted
 * with every CPU BBML2-noabort (properties/split/splitCase.ts), so the claims are checked while
 * the node's steps so far are single splits on the boot CPU in such a scope; a failure is
 * written in that input's language (each range as the `SplitAim` that `place()` puts on the same
 * map) and saved as a case of the property whose claim failed.
 *
 * Layer: explore.
 */
import type { SutConfig } from '../impl/index.ts';
import type { Maplet } from '../model/abstract/interp.ts';
import { translationOnly } from '../model/abstract/interp.ts';
import type { LeafEntry } from '../model/arch/walk.ts';
import type { Step } from '../properties/answers/answersCase.ts';
import type { JudgedRun } from '../properties/harness/judgedRun.ts';
import { LINEAR_END, LINEAR_START, leavesIn } from '../properties/harness/leaves.ts';
import { bootCpu, splitGate } from '../properties/kernel/gates.ts';
import type { SplitGate } from '../properties/kernel/gates.ts';
import { inKfencePool } from '../properties/kernel/kfencePool.ts';
import { resolveOp } from '../properties/ops/resolve.ts';
import { describeConfig } from '../properties/arbitraries/config.ts';
import { PropertyFailure } from '../properties/registry.ts';
import { hierarchicalPxnOf, tableEntries } from '../properties/split/kernelRuleProperties.ts';
import type { SplitAim, SplitInput, SplitOutcome } from '../properties/split/splitCase.ts';
import { place } from '../properties/split/splitCase.ts';
import { blocksKeptOf, boundariesOf } from '../properties/split/splitProperties.ts';
import type { Scope } from './scope.ts';

/** The split-only properties whose claims the search checks. */
export type SplitClaim = 'split.boundaries-exact' | 'split.blocks-kept' | 'split.hierarchical-pxn';

/** A split claim that failed, with the failing sequence in the split input's language (undefined: not expressible). */
export class SplitClaimFailure extends Error {
  /**
   * @param claim - the property
   * @param message - its report
   * @param input - the sequence as a split input, when one places the same ranges
   */
  constructor(
    readonly claim: SplitClaim,
    message: string,
    readonly input: SplitInput | undefined,
  ) {
    super(message);
    this.name = 'SplitClaimFailure';
  }
}

/**
 * Whether a scope's world meets the split properties' precondition: every CPU with
 * BBML2-noabort, all of them up at finalisation (no repaint, no late CPU), the harness's own
 * finalisation.
 * @param scope - the scope
 * @returns whether split claims are checked in it
 */
export function splitClaimsApply(scope: Scope): boolean {
  return (
    scope.lateMask === 0 && !scope.exploreFinal && scope.config.cpus.every((c) => c.bbm >= 2 && c.noabort === true)
  );
}

/** One split made so far: its range and the map it met. */
interface Done {
  readonly start: bigint;
  readonly end: bigint;
  readonly mapped: readonly Maplet[];
}

/** Follows a node's steps from the end of the boot, checking the split claims after each split. */
export class SplitClaims {
  private readonly tablesBefore: Map<number, number>;
  private mapped: Maplet[];
  private leaves: LeafEntry[];
  private live = true;
  private readonly done: Done[] = [];
  private readonly calls: string[] = [];

  /** @param run - the judged run, booted */
  constructor(private readonly run: JudgedRun) {
    this.tablesBefore = tableEntries(run.model);
    this.mapped = run.interp(LINEAR_START, LINEAR_END);
    this.leaves = leavesIn(run.model, LINEAR_START, LINEAR_END);
  }

  /**
   * Runs one step (through `go`) and, while every step so far is a single split on the boot CPU,
   * checks the split claims on it.
   * @param step - the step
   * @param go - runs it (the answers experiment's checks)
   * @throws SplitClaimFailure when a claim fails
   */
  step(step: Step, go: () => void): void {
    const run = this.run;
    const online = run.phase.online;
    const onBoot = step.kind === 'op' && (online[step.cpu % online.length]?.id ?? 0) === bootCpu(run.config).id;
    if (!this.live || step.kind !== 'op' || step.op.kind !== 'split' || step.fail !== undefined || !onBoot) {
      this.live = false;
      go();
      return;
    }
    const it = resolveOp(run, step.op, 0);
    if (it.kind !== 'split') throw new Error('a split resolved to another call');
    const page = BigInt(run.model.geo.pageSize);
    const { start, end } = it;
    const gate: SplitGate = splitGate(
      run.config,
      run.phase,
      bootCpu(run.config),
      inKfencePool(run, start),
      start % page === 0n && end % page === 0n,
    );
    // The answer, as the call returned it to the harness.
    let ret = Number.NaN;
    const real = run.run.bind(run);
    run.run = <T>(label: string, gen: Parameters<typeof real<T>>[1], cpu?: number): T => {
      const v = real(label, gen, cpu);
      if (typeof v === 'number') ret = v;
      return v;
    };
    try {
      go();
    } finally {
      run.run = real;
    }
    if (run.violation !== undefined) return;
    const leavesAfter = leavesIn(run.model, LINEAR_START, LINEAR_END);
    const mappedAfter = run.interp(LINEAR_START, LINEAR_END);
    const o: SplitOutcome = {
      run,
      start,
      end,
      ret,
      index: this.done.length,
      earlier: [...this.calls],
      leavesBefore: this.leaves,
      leavesAfter,
      translationBefore: translationOnly(this.mapped),
      translationAfter: translationOnly(mappedAfter),
      gate,
      extra: undefined,
    };
    this.done.push({ start, end, mapped: this.mapped });
    const call = `split_kernel_leaf_mapping(0x${start.toString(16)}, 0x${end.toString(16)}) = ${ret}`;
    this.calls.push(call);
    const claims: [SplitClaim, () => void][] = [
      ['split.boundaries-exact', () => boundariesOf(o)],
      ['split.blocks-kept', () => blocksKeptOf(o)],
      [
        'split.hierarchical-pxn',
        () => hierarchicalPxnOf(run, this.tablesBefore, `${this.calls.join('; ')} on ${describeConfig(run.config)}`),
      ],
    ];
    for (const [claim, check] of claims) {
      try {
        check();
      } catch (e) {
        if (!(e instanceof PropertyFailure)) throw e;
        throw new SplitClaimFailure(claim, e.message, encodeSplits(run, run.config, this.done));
      }
    }
    this.leaves = leavesAfter;
    this.mapped = mappedAfter;
  }
}

const FLAVOURS: readonly SplitAim['flavour'][] = ['aligned', 'block', 'edge-page', 'unaligned', 'hole'];

/**
 * Every aim that places `[start, end)` on `mapped` with turn `turn` (the inverse of splitCase.ts
 * `place()`, found by asking it: which leaf each `run` picks, then the offsets, sizes and spans
 * that land on the range there).
 * @param run - the judged run (its geometry)
 * @param d - the split: range and map
 * @param turn - the turn (undefined for the first split)
 * @param most - how many aims at most
 * @returns the aims, by flavour (aligned first), then fewest `run`
 */
function aimsFor(run: JudgedRun, d: Done, turn: number | undefined, most: number): SplitAim[] {
  const page = BigInt(run.model.geo.pageSize);
  const out: SplitAim[] = [];
  const hits = (a: SplitAim): boolean => {
    const [s, e] = place(run, d.mapped, a, turn);
    return s === d.start && e === d.end;
  };
  const pagesOf = (n: bigint): number | undefined => (n >= 1n && n <= 600n ? Number(n) : undefined);
  const runs = Math.min(4096, 8 * d.mapped.length + 16);
  // The plainest flavour first (an aligned range says what it is), then the fewest `run`.
  for (const flavour of FLAVOURS) {
    for (let r = 0; r < runs && out.length < most; r++) {
      const probe: SplitAim = { run: r, at: 0, pages: 1, flavour, span: 0 };
      // The leaf this run picks with this flavour's shape list: at 0, an even number of pages and
      // the coarsest span, a range starts at the leaf (or, for a hole, at the end of the map).
      const base = place(
        run,
        d.mapped,
        { ...probe, pages: 2, flavour: flavour === 'unaligned' ? 'aligned' : flavour },
        turn,
      )[0];
      const leaf = d.mapped.find((m) => m.va === base);
      const ats = (target: bigint): number[] => {
        if (flavour === 'hole') {
          const at = (target - base) / page;
          return at >= 0n && at <= 999n ? [Number(at)] : [];
        }
        if (leaf === undefined || target < leaf.va || target >= leaf.va + leaf.size) return [];
        const n = leaf.size / page;
        const k = (target - leaf.va) / page;
        const at = Number((k * 1000n + n - 1n) / n);
        return [at, at + 1, at - 1].filter((x) => x >= 0 && x <= 999);
      };
      const tries: SplitAim[] = [];
      if (flavour === 'aligned' || flavour === 'hole' || flavour === 'unaligned') {
        const pages = pagesOf((d.end - d.start) / page);
        const s = flavour === 'unaligned' ? d.start - page / 2n : d.start;
        if (pages !== undefined) for (const at of ats(s)) tries.push({ ...probe, at, pages });
      } else {
        const inside = [...ats(d.start), ...ats(d.start + page)];
        for (const at of new Set(inside))
          for (let span = 0; span <= 7; span++)
            for (let pages = 1; pages <= 600; pages++) tries.push({ ...probe, at, pages, span });
      }
      const hit = tries.find(hits);
      if (hit !== undefined) out.push(hit);
    }
  }
  return out;
}

/**
 * The splits made as a split input (properties/split/splitCase.ts): the first split's aim picks
 * its leaf by `run`, each later one's shape follows from the first's `run`, so the first's
 * candidates are tried in turn until every later split has an aim too.
 * @param run - the judged run (its geometry)
 * @param config - the configuration booted
 * @param done - the splits, each with the map it met
 * @returns the input, or undefined when no input places the same ranges
 */
export function encodeSplits(run: JudgedRun, config: SutConfig, done: readonly Done[]): SplitInput | undefined {
  const [first, ...later] = done;
  if (first === undefined) return undefined;
  // Several candidates for the first only when later splits need another turn.
  for (const a0 of aimsFor(run, first, undefined, later.length === 0 ? 1 : 64)) {
    const more: SplitAim[] = [];
    for (const [i, d] of later.entries()) {
      const a = aimsFor(run, d, a0.run + i + 1, 1)[0];
      if (a === undefined) break;
      more.push(a);
    }
    if (more.length === later.length) return { config, ...a0, more };
  }
  return undefined;
}
