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
import { partialRepaintViolation, stepDSB, stepISB, stepTLBI } from './machine/stepBarrier.ts';
import {
  judgeNewWalker,
  stepAlloc,
  stepFree,
  stepOnline,
  stepPark,
  stepStop,
  stepUnpark,
  stepWalk,
} from './machine/stepCpu.ts';
import { groupKey, partialRepaint } from './machine/groups.ts';
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
 * The end-of-trace judgement (SEMANTICS.md §5): what is still wrong when the trace ends is a
 * violation, reported as the event after the last one — a contiguous group left partly
 * repainted (C3), then a parked CPU that would hold conflicting entries if it resumed now.
 * @param state - the machine after the last event
 * @returns the violation, or undefined
 */
export function finish(state: MachineState): Violation | undefined {
  state.now++;
  const g = partialRepaint(state, () => true);
  if (g !== undefined) {
    const writer = state.slots[state.mixedGroups.get(groupKey(g.page, g.start))?.writer ?? 0];
    return { ...partialRepaintViolation(state, writer?.id ?? 0, g, 'at the end of the trace'), atEnd: true };
  }
  for (const cpu of state.slots) {
    if (cpu.status !== 'parked') continue;
    const v = judgeNewWalker(state, cpu);
    if (v !== undefined) return { ...v, detail: `at the end of the trace, if it resumed: ${v.detail}`, atEnd: true };
  }
  return undefined;
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
      return stepOnline(state, event);
    case 'stop':
    case 'resume':
      stepStop(state, event);
      return undefined;
    case 'walk':
      return stepWalk(state, event);
    default: {
      const never: never = event;
      throw new Error(`unhandled event ${JSON.stringify(never)}`);
    }
  }
}
