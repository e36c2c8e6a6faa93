// The command sequences draw, seed for seed, what fc.commands drew (the same kills at the pinned
// seed, the same inputs in every recorded run), and shrink without having run: a shrunk sequence's
// path replays by seed and path alone, and a saved sequence shrinks again.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CommandList } from './commandList.ts';
import { COMMAND_ARBS, commandsArb, commandFromData } from './commands.ts';
import type { KernelCommand } from './systemModel.ts';

const data = (cmds: Iterable<unknown>): unknown[] =>
  [...cmds].map((c) => ((typeof c === 'object' && c !== null && 'cmd' in c ? c.cmd : c) as KernelCommand).toData());

describe('command sequences', () => {
  it('draw what fc.commands drew, seed for seed', () => {
    const old = fc.commands([...COMMAND_ARBS], { maxCommands: 6 }) as fc.Arbitrary<Iterable<unknown>>;
    for (const seed of [1, 7, 42, 20261125, 987654321]) {
      const a = fc.sample(old, { seed, numRuns: 40 }).map(data);
      const b = fc.sample(commandsArb, { seed, numRuns: 40 }).map(data);
      expect(b).toEqual(a);
    }
  });

  it('replay a shrunk sequence from its path without running it', () => {
    // Fails when the sequence has a split; the shrunk one is a single split, found by its path.
    const hasSplit = (cmds: Iterable<KernelCommand>): boolean =>
      [...cmds].some((c) => {
        const d = c.toData();
        return d.kind === 'op' && d.op.kind === 'split';
      });
    const run = fc.check(
      fc.property(commandsArb, (cmds) => !hasSplit(cmds)),
      { seed: 3 },
    );
    expect(run.failed).toBe(true);
    const shrunk = run.counterexample?.[0];
    expect(shrunk === undefined ? [] : data(shrunk)).toHaveLength(1);
    const replay = fc.check(
      fc.property(commandsArb, (cmds) => !hasSplit(cmds)),
      {
        seed: 3,
        path: run.counterexamplePath ?? '',
        endOnFailure: true,
      },
    );
    expect(replay.failed).toBe(true);
    expect(data(replay.counterexample?.[0] ?? [])).toEqual(data(shrunk ?? []));
  });

  it('shrink a saved sequence (no context) to one command fewer', () => {
    const saved = new CommandList(
      [
        { kind: 'op', op: { kind: 'kfence_late' }, cpu: 0 },
        { kind: 'op', op: { kind: 'kfence_protect', page: 3, protect: true }, cpu: 1 },
      ].map((d) => commandFromData(d as never)),
    );
    expect(commandsArb.canShrinkWithoutContext(saved)).toBe(true);
    const shrinks = [...commandsArb.shrink(saved, undefined)].map((v) => data(v.value));
    expect(shrinks[0]).toEqual([]);
    expect(shrinks).toContainEqual(data(saved).slice(1));
    expect(shrinks).toContainEqual(data(saved).slice(0, 1));
  });
});
