/**
 * Command: kfence_init_late() → arch_kfence_init_pool().
 *
 * Layer: properties/commands.
 */
import type { Op } from '../ops/ops.ts';
import { OpCommand } from './OpCommand.ts';

/** kfence_init_late() → arch_kfence_init_pool(). */
export class KfenceInitPoolCommand extends OpCommand {
  /**
   * @param op - the operation (kind `kfence_late`)
   * @param cpu - index of the online CPU it runs on
   */
  constructor(op: Extract<Op, { kind: 'kfence_late' }>, cpu: number) {
    super(op, cpu);
  }
}
