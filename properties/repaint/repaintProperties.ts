/**
 * The repaint properties (kernel-split-repaint.md §5, §8 inv. 14–17): when the kernel repaints
 * (`linear_map_requires_bbml2` and an early secondary lacks BBML2-noabort), finalisation leaves
 * every linear-map VA outside the kernel alias mapped by a plain PTE with its translation
 * unchanged; when it does not (rodata=noalias/off, a PTE-mapped boot, every CPU with the
 * capability), finalisation changes no leaf at all. Under `prealloc` nothing is allocated while
 * stopped, and no table page is left over.
 *
 * Layer: properties/repaint.
 */
import type fc from 'fast-check';
import type { CpuSpec, SutConfig, SutFactory } from '../../impl/index.ts';
import { translationOnly } from '../../model/abstract/interp.ts';
import { describeShape } from '../../model/bbm/change.ts';
import { configArb, describeConfig } from '../arbitraries/config.ts';
import { JudgedRun } from '../harness/judgedRun.ts';
import { bootCpu, finalise, memInit, startSecondary } from '../harness/boot.ts';
import { repaintAtFinalisation } from '../kernel/gates.ts';
import { LINEAR_END, LINEAR_START, leavesIn, vaHex } from '../harness/leaves.ts';
import { linearVa } from '../ops/targets.ts';
import type { PropertyDef } from '../registry.ts';
import { PropertyFailure } from '../registry.ts';
import { violationReport } from '../harness/violationReport.ts';
import { firstDifference } from '../harness/translationDiff.ts';

/**
 * A configuration with at least one early secondary lacking noabort.
 * @param variants - the variants to draw from
 * @param preemptRt - pin PREEMPT_RT
 * @param large - large layouts (4K PUD blocks)
 * @param granules - the granules to draw from (default: each equally; large: 4K twice as often)
 * @returns the arbitrary
 */
function asymmetricArb(
  variants?: readonly SutConfig['variant'][],
  preemptRt?: boolean,
  large = false,
  granules?: readonly SutConfig['granule'][],
): fc.Arbitrary<SutConfig> {
  const g = granules ?? (large ? (['4K', '4K', '16K', '64K'] as const) : undefined);
  return configArb({
    secondariesNoabort: false,
    // The repaint needs a boot CPU with the capability (prealloc counts what it splits).
    ...(preemptRt === true ? { bootNoabort: true } : {}),
    maxCpus: 3,
    large,
    ...(g === undefined ? {} : { granules: g }),
    ...(variants ? { variants } : {}),
    ...(preemptRt === undefined ? {} : { preemptRt }),
  }).filter((c) => c.cpus.length > 1);
}

/** Boots with every secondary early, snapshotting the leaves and translation just before finalisation. */
function bootRepaint(
  cfg: SutConfig,
  sut: SutFactory,
): { run: JudgedRun; before: ReturnType<typeof translationOnly>; leavesBefore: string } {
  const run = new JudgedRun(cfg, sut);
  bootCpu(run);
  memInit(run);
  for (const c of cfg.cpus.slice(1)) startSecondary(run, c.id, 'early');
  const before = linearTranslation(run);
  const leavesBefore = linearShapes(run);
  finalise(run);
  return { run, before, leavesBefore };
}

/**
 * Every leaf of the linear map (entry PA, level, span, contiguity), as one comparable string.
 * @param run - the run
 * @returns the string
 */
export function linearShapes(run: JudgedRun): string {
  return leavesIn(run.model, LINEAR_START, LINEAR_END)
    .map((l) => `${l.pa}:${l.level}:${l.spanVa}+${l.span}:${l.contiguous}`)
    .join(',');
}

function violationText(run: JudgedRun): string {
  return violationReport(run);
}

/**
 * `repaint.all-ptes`: when {@link repaintAtFinalisation} (`linear_map_requires_bbml2` and an early CPU
 * the kernel's capability test rejects), finalisation leaves every linear-map VA outside the
 * kernel alias a plain PTE with its translation unchanged; otherwise it changes no leaf.
 *
 * Preconditions (kernel terms): every secondary early (before `setup_system_features()`), at least
 * one secondary; any variant, rodata, KFENCE, realm, debug_pagealloc. Kills `repaint-to-cont`,
 * `split-pmd-keeps-cont`.
 */
export const allPtes: PropertyDef<SutConfig> = {
  id: 'repaint.all-ptes',
  claim:
    'finalisation on a system without the capability repaints every linear-map VA outside the kernel alias to a plain PTE when linear_map_requires_bbml2, and changes no leaf otherwise; translation preserved',
  invariants: 'kernel §8 inv. 1, 7, 14; §5.1, §5.2',
  // 4K three times as often as each other granule: only 4K layouts hold every leaf kind the
  // repaint must turn into plain PTEs (contiguous PMD groups among them); a 4K repaint costs the
  // most, so the budget is 8 inputs (12 before), about the same time.
  arb: asymmetricArb(['v7.2-rc', 'v7.1', 'v7.3', 'v6.18', 'prealloc'], false, false, ['4K', '4K', '4K', '16K', '64K']),
  numRuns: 8,
  check: (cfg, sut) => {
    const { run, before, leavesBefore } = bootRepaint(cfg, sut);
    checkAllPtes(run, before, leavesBefore);
  },
};

/** The translation of the linear map now (what {@link checkAllPtes} compares). */
export function linearTranslation(run: JudgedRun): ReturnType<typeof translationOnly> {
  return translationOnly(run.interp(LINEAR_START, LINEAR_END));
}

/**
 * The claim of `repaint.all-ptes` on a run just after `setup_system_features()`, as the property
 * checks it; explore/ calls it on each finalisation interleaving it explores.
 * @param run - the run, finalised, no late CPU up yet
 * @param before - {@link linearTranslation} just before finalisation
 * @param leavesBefore - {@link linearShapes} just before finalisation
 * @throws PropertyFailure naming the first thing wrong
 */
export function checkAllPtes(run: JudgedRun, before: ReturnType<typeof translationOnly>, leavesBefore: string): void {
  const cfg = run.config;
  const repaint = repaintAtFinalisation(cfg, run.phase.early);
  const head = `setup_system_features() on ${describeConfig(cfg)} (${repaint ? 'repaints' : 'no repaint: !linear_map_requires_bbml2 or every early CPU has BBML2-noabort'})`;
  const diff = firstDifference(before, linearTranslation(run));
  if (diff !== undefined) throw new PropertyFailure(`${head}\nthe translation of the linear map changed: ${diff}`);
  if (!repaint) {
    if (linearShapes(run) !== leavesBefore)
      throw new PropertyFailure(
        `${head}\nthe linear map's leaves changed although the kernel has no reason to repaint`,
      );
    return;
  }
  const kstart = Number(linearVa(run, cfg.memblock.kernel.stext) - LINEAR_START);
  const kend = Number(linearVa(run, cfg.memblock.kernel.init_begin) - LINEAR_START);
  for (const l of leavesIn(run.model, LINEAR_START, LINEAR_END)) {
    if (l.spanVa >= kstart && l.spanVa + l.span <= kend) continue;
    if (l.level !== 3 || l.contiguous === 1)
      throw new PropertyFailure(
        `${head}\nthe ${describeShape(l)} at ${vaHex(l.spanVa)} is outside the kernel alias [${vaHex(kstart)}, ${vaHex(kend)}) and not a plain PTE`,
      );
  }
}

/**
 * `repaint.prealloc-suffices`: under `prealloc` with PREEMPT_RT the repaint allocates nothing inside
 * stop_machine(), nothing panics, and no pre-allocated table page is left unlinked.
 *
 * Preconditions (kernel terms): `prealloc`, PREEMPT_RT, a boot CPU with the capability and an early
 * secondary without it (so the repaint runs). Kills `prealloc-gfp-atomic-in-stop`,
 * `prealloc-forgets-pud-pmd-tables`.
 */
export const preallocSuffices: PropertyDef<SutConfig> = {
  id: 'repaint.prealloc-suffices',
  claim:
    'under prealloc the tables counted and allocated before stop_machine are enough: nothing is allocated while stopped, nothing panics, leftover pages are freed',
  invariants: 'kernel §5.4, §8 inv. 17; PREEMPT_RT',
  // Large banks: 4K layouts then have 1 GiB PUD blocks, whose PMD tables the count must include.
  // Only configurations where the kernel repaints (its precondition: with rodata=noalias/off
  // there is no stop_machine() and the run proves nothing; repaint.all-ptes covers them); four
  // inputs (five before, a quarter of them without a repaint), about the same time.
  arb: asymmetricArb(['prealloc'], true, true).filter((c) => repaintAtFinalisation(c, c.cpus)),
  numRuns: 4,
  check: (cfg, sut) => {
    const { run } = bootRepaint(cfg, sut);
    checkPrealloc(run);
  },
};

/**
 * Whether `repaint.prealloc-suffices` speaks of a finalised run: `prealloc` with PREEMPT_RT and a
 * repaint at finalisation (a boot CPU with the capability, an early secondary without).
 * @param cfg - the configuration
 * @param early - the CPUs online at finalisation
 * @returns whether its claim applies
 */
export function preallocApplies(cfg: SutConfig, early: readonly CpuSpec[]): boolean {
  return cfg.variant === 'prealloc' && cfg.preempt_rt && repaintAtFinalisation(cfg, early);
}

/**
 * The claim of `repaint.prealloc-suffices` on a run just after `setup_system_features()`, as the
 * property checks it; explore/ calls it on each finalisation interleaving it explores.
 * @param run - the run, finalised
 * @throws PropertyFailure naming the first thing wrong
 */
export function checkPrealloc(run: JudgedRun): void {
  const cfg = run.config;
  const head = `prealloc repaint on ${describeConfig(cfg)}`;
  const stopped = run.records.find((r) => r.kind === 'alloc' && r.inStopMachine);
  if (stopped !== undefined)
    throw new PropertyFailure(`${head}\na table page was allocated inside stop_machine()${violationText(run)}`);
  const panic = run.records.find((r) => r.kind === 'panic');
  if (panic !== undefined && panic.kind === 'panic') throw new PropertyFailure(`${head}\npanic: ${panic.message}`);
  if (run.violation !== undefined) throw new PropertyFailure(`${head}${violationText(run)}`);
  const unlinked: string[] = [];
  for (const [pa] of run.m.tables()) {
    const page = run.model.mem.pageOf(Number(pa));
    if (page !== undefined && !page.reachable) unlinked.push('0x' + pa.toString(16));
  }
  if (unlinked.length > 0)
    throw new PropertyFailure(
      `${head}\n${unlinked.length} table page(s) neither linked nor freed: ${unlinked.slice(0, 4).join(', ')}`,
    );
}
