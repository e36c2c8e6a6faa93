/**
 * Command: set_memory_ro/rw/nx/x() on a vmalloc area of buddy pages.
 *
 * Layer: properties/commands.
 */
import type { Op } from '../ops/ops.ts';
import { OpCommand } from './OpCommand.ts';

/** set_memory_ro/rw/nx/x() on a vmalloc area of buddy pages. */
export class SetMemoryCommand extends OpCommand {
  /**
   * @param op - the operation (kind `set_memory`)
   * @param cpu - index of the online CPU it runs on
   */
  constructor(op: Extract<Op, { kind: 'set_memory' }>, cpu: number) {
    super(op, cpu);
  }
}
