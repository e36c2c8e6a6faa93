/**
 * Wrapping a SUT's kernel operations: every operation (not `inspect()`, which reads state and
 * makes no generator) passes through one function that sees its name and arguments, and the call
 * text the reports print for it (`split_kernel_leaf_mapping(0xffff000000200000, 0xffff000000201000)`).
 * The judged run remembers the call of each generator with it (judgedRun.ts); `bbm-verify verify`'s
 * child announces each call to its parent with it (cli/verifyChild.ts).
 *
 * Layer: properties/harness.
 */
import type { KernelOps } from '../../impl/index.ts';

/**
 * One argument of a kernel operation as a report prints it: bigints in hex, arrays up to four
 * items and their length.
 * @param a - the argument
 * @returns the text
 */
export function callArg(a: unknown): string {
  if (typeof a === 'bigint') return `0x${a.toString(16)}`;
  if (Array.isArray(a))
    return `[${a.length > 4 ? `${a.slice(0, 4).map(callArg).join(', ')}, … ${a.length} in all` : a.map(callArg).join(', ')}]`;
  return String(a);
}

/**
 * A call as a report prints it.
 * @param name - the kernel function
 * @param args - its arguments
 * @returns e.g. `set_memory_ro(0xffff800080000000, 1)`
 */
export const callText = (name: string, args: readonly unknown[]): string => `${name}(${args.map(callArg).join(', ')})`;

/**
 * The SUT's operations, each passing through `around`.
 * @param ops - the SUT's operations
 * @param around - given the operation's name, its arguments and the call itself; returns what the call returns
 * @returns the wrapped operations; members on the prototype (a class-based SUT) are kept as they are
 */
export function wrapOps(
  ops: KernelOps,
  around: (name: string, args: unknown[], call: () => unknown) => unknown,
): KernelOps {
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(ops as unknown as Record<string, unknown>))
    out[name] =
      typeof v === 'function' && name !== 'inspect'
        ? (...args: unknown[]): unknown =>
            around(name, args, () => (v as (...a: unknown[]) => unknown).apply(ops, args))
        : v;
  return Object.setPrototypeOf(out, Object.getPrototypeOf(ops) as object) as KernelOps;
}
