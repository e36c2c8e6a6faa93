/**
 * The seam the seeded bugs use: the bundled port with some entries of its function table
 * (`KernelFns`, `PORT_FNS` in impl/sut.ts) replaced by buggy copies, as a {@link SutFactory}.
 *
 * Layer: impl/mutants.
 */
import type { SutFactory } from '../contract.ts';
import type { KernelFns } from '../kernel.ts';
import { createPortSut } from '../sut.ts';

/**
 * The port with some kernel functions replaced.
 * @param id - the mutant's id (reported as the SUT's name, `mutant:<id>@<variant>`)
 * @param overrides - the buggy functions, by kernel name
 * @returns a SUT factory
 */
export function portWith(id: string, overrides: Partial<KernelFns>): SutFactory {
  return (hw, config) => createPortSut(hw, config, overrides, `mutant:${id}@${config.variant}`);
}

/** `IS_ALIGNED(addr, size)` for a power-of-two size. @param addr - address @param size - alignment @returns aligned */
export const aligned = (addr: bigint, size: bigint): boolean => (addr & (size - 1n)) === 0n;
