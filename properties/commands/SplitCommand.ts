/**
 * Command: split_kernel_leaf_mapping() at a generated range.
 *
 * Layer: properties/commands.
 */
import type { Op } from '../ops/ops.ts';
import { OpCommand } from './OpCommand.ts';

/** split_kernel_leaf_mapping() at a generated range. */
export class SplitCommand extends OpCommand {
  /**
   * @param op - the operation (kind `split`)
   * @param cpu - index of the online CPU it runs on
   */
  constructor(op: Extract<Op, { kind: 'split' }>, cpu: number) {
    super(op, cpu);
  }
}
