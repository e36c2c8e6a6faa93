// The measures of shrink quality (shrinks/quality.ts) on hand-made inputs: operations (a pair is
// two), CPUs, preemptions (task switches between consecutive bursts), and the one-step reductions
// the search tries — each one operation, CPU or burst smaller, the late-CPU mask kept in step.
import { describe, expect, it } from 'vitest';
import { caseSize, reductions } from './reductions.ts';

const split = { kind: 'split', run: 0, at: 0, pages: 1 };
const op = (cpu: number): unknown => ({ kind: 'op', op: split, cpu });
const pair = (schedule: { pick: number; steps: number }[]): unknown => ({ kind: 'pair', a: split, b: split, schedule });
const config = (n: number): unknown => ({
  granule: '4K',
  cpus: Array.from({ length: n }, (_x, id) => ({ id, bbm: 2, noabort: id === 0 })),
});
const sequence = {
  config: config(3),
  lateMask: 0b10,
  preFinal: [op(0)],
  finalSchedule: [
    { pick: 0, steps: 3 },
    { pick: 1, steps: 50 },
  ],
  steps: {
    $commands: [
      { $command: op(1) },
      {
        $command: pair([
          { pick: 0, steps: 2 },
          { pick: 1, steps: 2 },
          { pick: 1, steps: 9 },
        ]),
      },
    ],
  },
};

describe('shrink quality measures', () => {
  it('counts operations, CPUs and preemptions', () => {
    expect(caseSize('bbm.model-clean', sequence)).toEqual({ ops: 4, cpus: 3, preemptions: 2 });
    expect(caseSize('split.boundaries-exact', { config: config(1), run: 0, at: 0, pages: 1 })).toEqual({
      ops: 1,
      cpus: 1,
      preemptions: 0,
    });
    expect(caseSize('repaint.all-ptes', config(2))).toEqual({ ops: 0, cpus: 2, preemptions: 0 });
    // A sequence of splits is one operation a split; a valid round trip is two calls.
    const aim = { run: 0, at: 0, pages: 1, flavour: 'aligned' };
    expect(caseSize('split.boundaries-exact', { config: config(1), ...aim, more: [aim, aim] }).ops).toBe(3);
    expect(caseSize('perm.valid-roundtrip', { config: config(1), leaf: 0, whole: true, pages: 1 }).ops).toBe(2);
  });

  it('reduces by one operation, CPU or burst at a time', () => {
    const sizes = reductions(sequence).map((r) => caseSize('bbm.model-clean', r));
    const weight = (s: { ops: number; cpus: number; preemptions: number }): number => s.ops + s.cpus + s.preemptions;
    for (const s of sizes) expect(weight(s)).toBeLessThanOrEqual(weight(caseSize('bbm.model-clean', sequence)));
    expect(sizes).toContainEqual({ ops: 3, cpus: 3, preemptions: 2 });
    expect(sizes).toContainEqual({ ops: 4, cpus: 2, preemptions: 2 });
    expect(sizes).toContainEqual({ ops: 4, cpus: 3, preemptions: 1 });
  });

  it('reduces a sequence of splits by one split, the first one included', () => {
    const a = (run: number) => ({ run, at: 0, pages: 1, flavour: 'aligned' });
    const input = { config: config(1), ...a(0), more: [a(1), a(2)] };
    const fewer = reductions(input) as { run: number; more: { run: number }[] }[];
    const runs = fewer.map((r) => [r.run, ...r.more.map((m) => m.run)].join(','));
    expect(runs).toEqual(expect.arrayContaining(['0,2', '0,1', '1,2']));
    for (const r of fewer) expect(caseSize('split.boundaries-exact', r).ops).toBe(2);
  });

  it('keeps the late mask in step when a CPU goes', () => {
    const fewer = reductions(sequence).filter(
      (r) => ((r as { config: { cpus: unknown[] } }).config.cpus.length ?? 0) === 2,
    ) as { lateMask: number }[];
    // Without cpu1 (bit 0) cpu2 (bit 1, late) becomes cpu1 (bit 0); without cpu2 nothing is late.
    expect(fewer.map((r) => r.lateMask).sort()).toEqual([0, 1]);
  });
});
