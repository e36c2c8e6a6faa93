/**
 * Every property of the suite, in the order `bbm-verify verify` runs them.
 *
 * Layer: properties.
 */
import { modelClean, noConflictWithoutBbml2 } from './bbm/bbmProperties.ts';
import { answersExact, inForceOnReturn } from './answers/answersProperties.ts';
import { linearMapComplete } from './boot/bootProperties.ts';
import { noDamage } from './errors/errorsProperties.ts';
import { permExact } from './perm/permProperties.ts';
import { validRoundtrip } from './perm/validRoundtrip.ts';
import { withDomainShrink } from '../shrinks/domainShrink.ts';
import type { AnyProperty, PropertyDef } from './registry.ts';
import { allPtes, preallocSuffices } from './repaint/repaintProperties.ts';
import { atomicCallersLockless, hierarchicalPxn } from './split/kernelRuleProperties.ts';
import { blocksKept, boundariesExact, translationPreserved } from './split/splitProperties.ts';

const all: PropertyDef<never>[] = [
  linearMapComplete,
  boundariesExact,
  blocksKept,
  translationPreserved,
  hierarchicalPxn,
  atomicCallersLockless,
  modelClean,
  noConflictWithoutBbml2,
  allPtes,
  preallocSuffices,
  permExact,
  validRoundtrip,
  noDamage,
  answersExact,
  inForceOnReturn,
] as unknown as PropertyDef<never>[];

/**
 * The catalogue. Every input arbitrary shrinks, after its own shrinker, by the domain shrinker
 * (shrinks/domainShrink.ts: fewer operations, CPUs, preemptions; saved values shrink again).
 */
export const PROPERTIES: readonly AnyProperty[] = all.map((p) => ({ ...p, arb: withDomainShrink(p.arb) }));
