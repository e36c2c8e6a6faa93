/**
 * The claims the explorer checks during the boot, each by its property's own check function on
 * the explorer's own run, at the point of the boot where the property checks it:
 * - just after `map_mem()`: `boot.linear-map-complete` (properties/boot/bootProperties.ts
 *   `checkLinearMap()`: every RAM page outside NOMAP mapped once at its linear VA with
 *   PAGE_KERNEL, nothing else, no WARN), on configurations the property admits;
 * - just after `setup_system_features()`, on the state each finalisation interleaving leaves:
 *   `repaint.prealloc-suffices` (properties/repaint/repaintProperties.ts `checkPrealloc()`:
 *   nothing allocated inside stop_machine(), no panic, no table page left unlinked) under
 *   `prealloc` with PREEMPT_RT when the kernel repaints, then `repaint.all-ptes`
 *   (`checkAllPtes()`: a repaint leaves every linear-map VA outside the kernel alias a plain PTE;
 *   no repaint, no leaf changed; the translation unchanged), when every secondary is early.
 * The model judges every event of the boot as of any other step.
 *
 * Layer: explore.
 */
import type { JudgedRun } from '../properties/harness/judgedRun.ts';
import { checkLinearMap, linearMapAdmits } from '../properties/boot/bootProperties.ts';
import {
  checkAllPtes,
  checkPrealloc,
  linearShapes,
  linearTranslation,
  preallocApplies,
} from '../properties/repaint/repaintProperties.ts';
import { PropertyFailure } from '../properties/registry.ts';

/** The boot claims the explorer checks (the ids of the properties they belong to). */
export type BootClaim = 'boot.linear-map-complete' | 'repaint.prealloc-suffices' | 'repaint.all-ptes';

/** A boot claim that failed: which, and the property's own message. */
export class BootClaimFailure extends Error {
  /**
   * @param claim - the property
   * @param message - its failure
   */
  constructor(
    readonly claim: BootClaim,
    message: string,
  ) {
    super(message);
    this.name = 'BootClaimFailure';
  }
}

/** What the finalisation checks compare with: the linear map just before it. */
export interface BeforeFinal {
  readonly translation: ReturnType<typeof linearTranslation>;
  readonly shapes: string;
}

const as = (claim: BootClaim, check: () => void): void => {
  try {
    check();
  } catch (e) {
    if (e instanceof PropertyFailure) throw new BootClaimFailure(claim, e.message);
    throw e;
  }
};

/**
 * After `map_mem()`: the claim of `boot.linear-map-complete`.
 * @param run - the run, map_mem() just done
 * @throws BootClaimFailure when it fails
 */
export function checkMapMem(run: JudgedRun): void {
  if (linearMapAdmits(run.config)) as('boot.linear-map-complete', () => checkLinearMap(run));
}

/**
 * Just before `setup_system_features()`: what the repaint claims compare with.
 * @param run - the run, every early secondary up
 * @returns the translation and the leaf shapes of the linear map
 */
export function beforeFinal(run: JudgedRun): BeforeFinal {
  return { translation: linearTranslation(run), shapes: linearShapes(run) };
}

/**
 * Just after `setup_system_features()`: `repaint.prealloc-suffices` where it applies (the model's
 * verdict included, as the property reads it), then, when the model found nothing,
 * `repaint.all-ptes` (its precondition: at least one secondary, every one early).
 * @param run - the run, finalised, no late CPU up
 * @param before - the linear map just before finalisation
 * @param late - the CPUs that come up after finalisation
 * @throws BootClaimFailure when one fails
 */
export function checkFinal(run: JudgedRun, before: BeforeFinal, late: readonly number[]): void {
  if (preallocApplies(run.config, run.phase.early)) as('repaint.prealloc-suffices', () => checkPrealloc(run));
  // A violation of the model is reported as the boot's (explore/world.ts), as before the claims.
  if (run.violation === undefined && late.length === 0 && run.config.cpus.length > 1)
    as('repaint.all-ptes', () => checkAllPtes(run, before.translation, before.shapes));
}
