/**
 * An event that cannot be applied because it contradicts the machine state (an unknown or
 * offline CPU, an `alloc` of a page that is already a table, …). It is bad input, not a rule
 * broken: the trace checker turns it into one line and exit code 2.
 *
 * Layer: model/machine.
 */

/** Thrown by `step` for an event that the state makes meaningless. */
export class ModelInputError extends Error {
  /** @param message - one line naming what is wrong */
  constructor(message: string) {
    super(message);
    this.name = 'ModelInputError';
  }
}
