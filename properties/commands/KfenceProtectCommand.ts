/**
 * Command: KFENCE's `kfence_protect_page()` on a page of its pool — `set_memory_valid(addr, 1,
 * !protect)` from atomic context (arch/arm64/include/asm/kfence.h), reachable once the pool is in
 * use (early, or late after `arch_kfence_init_pool()` returned true).
 *
 * Layer: properties/commands.
 */
import type { Op } from '../ops/ops.ts';
import { OpCommand } from './OpCommand.ts';

/** kfence_protect_page() on a pool page. */
export class KfenceProtectCommand extends OpCommand {
  /**
   * @param op - the operation (kind `kfence_protect`)
   * @param cpu - index of the online CPU it runs on
   */
  constructor(op: Extract<Op, { kind: 'kfence_protect' }>, cpu: number) {
    super(op, cpu);
  }
}
