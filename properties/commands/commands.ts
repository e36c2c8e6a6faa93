/**
 * The command arbitrary: sequences of kernel commands for fast-check's model-based runner
 * (`fc.modelRun`), drawn as `fc.commands` draws them and shrunk without running them
 * (commandList.ts).
 *
 * Layer: properties/commands.
 */
import fc from 'fast-check';
import { scheduleArb } from '../arbitraries/schedule.ts';
import { opArb } from '../ops/ops.ts';
import type { Op } from '../ops/ops.ts';
import { DirectMapCommand } from './DirectMapCommand.ts';
import { InterleavedCommand } from './InterleavedCommand.ts';
import { KfenceInitPoolCommand } from './KfenceInitPoolCommand.ts';
import { KfenceProtectCommand } from './KfenceProtectCommand.ts';
import { SetMemoryCommand } from './SetMemoryCommand.ts';
import { SetMemoryValidCommand } from './SetMemoryValidCommand.ts';
import { SplitCommand } from './SplitCommand.ts';
import type { JudgedRun } from '../harness/judgedRun.ts';
import { commandListArb } from './commandList.ts';
import type { CommandData, KernelCommand } from './systemModel.ts';
import { systemModelOf } from './systemModel.ts';

const cpu = fc.nat({ max: 3 });

/**
 * The command of one operation on one CPU.
 * @param op - the operation
 * @param c - online CPU index
 * @returns the command
 */
function commandOf(op: Op, c: number): KernelCommand {
  switch (op.kind) {
    case 'split':
      return new SplitCommand(op, c);
    case 'set_memory':
      return new SetMemoryCommand(op, c);
    case 'set_memory_valid':
      return new SetMemoryValidCommand(op, c);
    case 'direct_map':
      return new DirectMapCommand(op, c);
    case 'kfence_late':
      return new KfenceInitPoolCommand(op, c);
    case 'kfence_protect':
      return new KfenceProtectCommand(op, c);
  }
}

/**
 * Rebuilds a command from its data (the corpus).
 * @param d - the data
 * @returns the command
 */
export function commandFromData(d: CommandData): KernelCommand {
  return d.kind === 'op' ? commandOf(d.op, d.cpu) : new InterleavedCommand(d.a, d.b, d.schedule);
}

/** One operation on one CPU, as data. */
const opDataArb: fc.Arbitrary<CommandData> = fc.record({ kind: fc.constant('op' as const), op: opArb, cpu });
/** Two operations interleaved by a burst schedule, as data. */
const pairDataArb: fc.Arbitrary<CommandData> = fc.record({
  kind: fc.constant('pair' as const),
  a: opArb,
  b: opArb,
  schedule: scheduleArb(),
});

/** Sequences of up to six commands as plain data (operations before finalisation); one in four is a pair. */
export const commandDataArb: fc.Arbitrary<CommandData[]> = fc.array(
  fc.oneof({ weight: 3, arbitrary: opDataArb }, { weight: 1, arbitrary: pairDataArb }),
  { maxLength: 6 },
);

/**
 * Runs commands given as data in order, stopping after the first violation.
 * @param run - the judged run
 * @param data - the commands
 */
export function runCommandData(run: JudgedRun, data: readonly CommandData[]): void {
  const model = systemModelOf(run);
  for (const d of data) {
    if (model.violated) return;
    const c = commandFromData(d);
    // A call the kernel cannot make in this phase is skipped, as fc.modelRun skips it.
    if (c.check(model)) c.run(model, run);
  }
}

/** The command arbitraries, drawn from with equal weight: one in four runs two operations interleaved. */
export const COMMAND_ARBS: readonly fc.Arbitrary<KernelCommand>[] = [
  opDataArb.map(commandFromData),
  opDataArb.map(commandFromData),
  opDataArb.map(commandFromData),
  pairDataArb.map(commandFromData),
];

/**
 * Sequences of up to six commands. The same draws as `fc.commands(COMMAND_ARBS, { maxCommands: 6 })`,
 * shrunk without running them, so that a seed and path replay (commandList.ts).
 */
export const commandsArb: fc.Arbitrary<Iterable<KernelCommand>> = commandListArb(COMMAND_ARBS, 6);
