/**
 * Sequences of kernel commands whose shrinking does not depend on having run them, so that a
 * counterexample replays from its seed and path alone (`bbm-verify verify --seed S --path P`).
 *
 * Why: fast-check's `fc.commands` shrinks only the commands that ran in the failing execution
 * (their `hasRan` flag, or a `replayPath` recorded in the counterexample's metadata). A replay by
 * seed and path walks the shrink tree without running anything, so every flag is false and
 * `fc.commands` has nothing left to shrink: the path of a shrunk sequence then names no input
 * ("Unable to replay, got wrong path"), and a saved sequence can never shrink again
 * (`canShrinkWithoutContext` is false). This arbitrary draws exactly what `fc.commands` draws
 * from the same random stream — a length in [0, max], then each command from `oneof` of the
 * command arbitraries — so every seed gives the inputs it gave before (commandList.test.ts checks
 * it), and shrinks deterministically: to no command, then one command fewer (each in turn), then
 * each command by its own arbitrary. A command the kernel cannot call in the phase it reaches is
 * skipped when run, as `fc.modelRun` skips it; it goes when shrinking removes it.
 *
 * Layer: properties/commands.
 */
import fc from 'fast-check';
import type { KernelCommand } from './systemModel.ts';

/** A sequence of kernel commands, as the property runs it and the corpus saves it (`$commands`). */
export class CommandList implements Iterable<KernelCommand> {
  /** @param commands - the commands, in order */
  constructor(readonly commands: readonly KernelCommand[]) {}

  /** @returns the commands, in order */
  [Symbol.iterator](): Iterator<KernelCommand> {
    return this.commands[Symbol.iterator]();
  }

  /** @returns the commands, as fast-check prints a command sequence */
  toString(): string {
    return this.commands.map(String).join(',');
  }
}

type Item = fc.Value<KernelCommand>;

/** The arbitrary (see the module comment). */
class CommandListArbitrary extends fc.Arbitrary<CommandList> {
  private readonly length: fc.Arbitrary<number>;
  private readonly one: fc.Arbitrary<KernelCommand>;

  /**
   * @param arbs - the command arbitraries, drawn from with equal weight
   * @param max - most commands
   */
  constructor(arbs: readonly fc.Arbitrary<KernelCommand>[], max: number) {
    super();
    this.length = fc.integer({ min: 0, max });
    this.one = fc.oneof(...arbs);
  }

  /** @returns a sequence drawn as `fc.commands` draws one (no bias, as it) */
  generate(mrng: fc.Random): fc.Value<CommandList> {
    const n = this.length.generate(mrng, undefined).value;
    const items: Item[] = [];
    for (let i = 0; i < n; i++) items.push(this.one.generate(mrng, undefined));
    return CommandListArbitrary.listValue(items);
  }

  private static listValue(items: readonly Item[]): fc.Value<CommandList> {
    return new fc.Value(new CommandList(items.map((x) => x.value_)), items);
  }

  /** @returns whether `v` is a sequence of kernel commands (a saved one shrinks again) */
  canShrinkWithoutContext(v: unknown): v is CommandList {
    return v instanceof CommandList && v.commands.every((c) => typeof c.toData === 'function');
  }

  /** @returns no command, one command fewer, one command shrunk — in that order, lazily */
  shrink(v: CommandList, context: unknown): fc.Stream<fc.Value<CommandList>> {
    const items: readonly Item[] = Array.isArray(context)
      ? (context as Item[])
      : v.commands.map((c) => new fc.Value(c, undefined));
    const one = this.one;
    function* candidates(): Generator<fc.Value<CommandList>> {
      if (items.length === 0) return;
      yield CommandListArbitrary.listValue([]);
      if (items.length > 1)
        for (let i = 0; i < items.length; i++)
          yield CommandListArbitrary.listValue([...items.slice(0, i), ...items.slice(i + 1)]);
      for (let i = 0; i < items.length; i++) {
        const item = items[i];
        if (item === undefined || (item.context === undefined && !one.canShrinkWithoutContext(item.value_))) continue;
        for (const s of one.shrink(item.value_, item.context))
          yield CommandListArbitrary.listValue([...items.slice(0, i), s, ...items.slice(i + 1)]);
      }
    }
    return new fc.Stream(candidates());
  }
}

/**
 * Sequences of up to `max` commands drawn from `arbs`.
 * @param arbs - the command arbitraries (equal weight)
 * @param max - most commands
 * @returns the arbitrary
 */
export function commandListArb(arbs: readonly fc.Arbitrary<KernelCommand>[], max: number): fc.Arbitrary<CommandList> {
  return new CommandListArbitrary(arbs, max);
}
