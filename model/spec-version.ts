/**
 * The single place that names the versions the model and the port follow.
 *
 * Layer: model.
 */

/** Arm Architecture Reference Manual issue whose rule IDs the model cites (via the spec notes). */
export const ARM_ARM_ISSUE = 'DDI 0487 M.b';

/**
 * Kernel version the bundled port's default variant and the capability names follow (shared/spec/README.md
 * decision 9; impl/README.md names the upstream commits of every variant).
 */
export const KERNEL_VERSION = 'v7.2-rc';

/** herdtools7 commit whose `aarch64bbm.cat` relation names the change classes reuse. */
export const HERD_COMMIT = '5feffe4';

/** Casemate commit whose automaton vocabulary the per-location states reuse. */
export const CASEMATE_COMMIT = 'fd6825d';
