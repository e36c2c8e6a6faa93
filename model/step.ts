/**
 * The model's transition function: one event in, the next state (mutated in place) or the rule
 * broken out. An exhaustive switch over the event vocabulary (nrkernel's `next_step`).
 *
 * Layer: model.
 */
import type { Violation } from './bbm/violations.ts';
import type { ModelEvent } from './events.ts';
import type { MachineConfig } from './machine/state.ts';
import { MachineState } from './machine/state.ts';
import { stepDSB, stepISB, stepTLBI } from './machine/stepBarrier.ts';
import { stepAlloc, stepFree, stepOnline, stepPark, stepStop, stepUnpark, stepWalk } from './machine/stepCpu.ts';
import { stepWrite } from './machine/stepWrite.ts';

export { MachineState } from './machine/state.ts';
export type { MachineConfig } from './machine/state.ts';
export { ModelInputError } from './machine/inputError.ts';

/**
 * A fresh machine: the root table allocated and zeroed, every CPU of the config running.
 * @param config - granule, root PA, PREEMPT_RT, CPUs, options
 * @returns the initial state
 * @throws ModelInputError when the configuration is inconsistent
 */
export function initialState(config: MachineConfig): MachineState {
  return new MachineState(config);
}

/**
 * Applies one event. The state is updated in place (also when a violation is returned, so that a
 * caller may keep going to find more).
 * @param state - the machine
 * @param event - the event
 * @returns the violation the event commits, or undefined
 * @throws ModelInputError when the event is meaningless in this state (bad input)
 */
export function step(state: MachineState, event: ModelEvent): Violation | undefined {
  state.now++;
  switch (event.op) {
    case 'write':
      return stepWrite(state, event);
    case 'dsb':
      return stepDSB(state, event);
    case 'isb':
      stepISB(state, event);
      return undefined;
    case 'tlbi':
      stepTLBI(state, event);
      return undefined;
    case 'alloc':
      return stepAlloc(state, event);
    case 'free':
      return stepFree(state, event);
    case 'park':
      stepPark(state, event);
      return undefined;
    case 'unpark':
      return stepUnpark(state, event);
    case 'online':
      stepOnline(state, event);
      return undefined;
    case 'stop':
    case 'resume':
      stepStop(state, event);
      return undefined;
    case 'walk':
      stepWalk(state, event);
      return undefined;
    default: {
      const never: never = event;
      throw new Error(`unhandled event ${JSON.stringify(never)}`);
    }
  }
}
