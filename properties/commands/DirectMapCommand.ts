/**
 * Command: set_direct_map_{invalid,default,valid}_noflush() on a buddy page.
 *
 * Layer: properties/commands.
 */
import type { Op } from '../ops/ops.ts';
import { OpCommand } from './OpCommand.ts';

/** set_direct_map_{invalid,default,valid}_noflush() on a buddy page. */
export class DirectMapCommand extends OpCommand {
  /**
   * @param op - the operation (kind `direct_map`)
   * @param cpu - index of the online CPU it runs on
   */
  constructor(op: Extract<Op, { kind: 'direct_map' }>, cpu: number) {
    super(op, cpu);
  }
}
