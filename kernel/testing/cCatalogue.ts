/**
 * The property catalogue as the C SUT's tests load it: narrowed to the split variants the C
 * implements (`C_SPLIT_VARIANTS`), with the pinned seed. The configuration generators read the
 * narrowing when the catalogue is built (as `verify --variant` sets it for its child), so the
 * environment is set first and the properties are loaded after it.
 *
 * Layer: kernel/testing (test helpers: like kernel's tests, it may drive properties/).
 */
import type { AnyProperty } from '../../properties/registry.ts';
import type { Narrowing } from '../../properties/verify.ts';
import type { Variant } from '../../impl/contract.ts';
import { C_SPLIT_VARIANTS } from '../cSut.ts';

/** What a kernel test needs to run the catalogue on the C SUT. */
export interface CCatalogue {
  readonly PROPERTIES: readonly AnyProperty[];
  /** `BBM_SEED`, or the pinned CI seed. */
  readonly seed: number;
  /** The narrowing to pass to verifyProperty / killMatrix. */
  readonly narrowing: Narrowing;
}

/**
 * Sets `BBM_VARIANTS` to the C split variants, then loads the catalogue.
 * @param variants - the variants of the tree's spelling (default: the v7.x fixture's)
 * @returns the catalogue, the seed and the narrowing
 */
export async function loadCCatalogue(variants: readonly Variant[] = C_SPLIT_VARIANTS): Promise<CCatalogue> {
  process.env['BBM_VARIANTS'] = variants.join(',');
  const { PROPERTIES } = await import('../../properties/catalogue.ts');
  return {
    PROPERTIES,
    seed: Number(process.env['BBM_SEED'] ?? 20261125),
    narrowing: { variants },
  };
}
