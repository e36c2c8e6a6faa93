/**
 * The model's named options: the decisions of shared/spec/README.md that have a reasonable
 * alternative. The default of each is the first value listed.
 *
 * Layer: model.
 */

/** Options of the model. */
export interface ModelOptions {
  /**
   * Decision 1. `strict`: a live size change must keep OA, attributes *and* permissions (B5).
   * `allow-permissions`: permissions may change with the size at level 2 (RPVTFW lists only the
   * RWHZWS properties).
   */
  readonly splitPermissions: 'strict' | 'allow-permissions';
  /**
   * Decision 2. `any-level`: `VALE1IS`/`VAALE1IS` remove leaf entries at any level, blocks included
   * (Linux's reading). `level3-only`: they remove only level-3 leaves (Casemate's stricter reading).
   */
  readonly lastLevelTlbi: 'any-level' | 'level3-only';
}

/** The defaults. */
export const DEFAULT_OPTIONS: ModelOptions = {
  splitPermissions: 'strict',
  lastLevelTlbi: 'any-level',
};
