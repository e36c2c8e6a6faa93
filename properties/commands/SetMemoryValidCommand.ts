/**
 * Command: set_memory_valid() on linear-map pages.
 *
 * Layer: properties/commands.
 */
import type { Op } from '../ops/ops.ts';
import { OpCommand } from './OpCommand.ts';

/** set_memory_valid() on linear-map pages. */
export class SetMemoryValidCommand extends OpCommand {
  /**
   * @param op - the operation (kind `set_memory_valid`)
   * @param cpu - index of the online CPU it runs on
   */
  constructor(op: Extract<Op, { kind: 'set_memory_valid' }>, cpu: number) {
    super(op, cpu);
  }
}
