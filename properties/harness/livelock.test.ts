// A SUT that never returns is a finding with a bounded, readable report, and cheaply, whichever
// way it loops: spinning on a flag nobody writes (cpu_relax(): the drivers' spin limit,
// impl/sched.ts) or making trace events forever (a barrier in a loop: the harness's event limit,
// eventLimit.ts). Why this test? A seeded bug (repaint-no-wait at seed 763433646, 64K v6.18) left
// two CPUs spinning in stop_machine(); the run kept memory per step, filled the heap before the
// 20M-step limit and crashed the suite instead of failing the property.
import { describe, expect, it } from 'vitest';
import { createPortSut } from '../../impl/sut.ts';
import type { KGen, Primitives, SutFactory } from '../../impl/index.ts';
import { makeConfig } from '../../impl/testing/setup.ts';
import { PROPERTIES } from '../catalogue.ts';
import { PropertyFailure } from '../registry.ts';
import { verifyProperty } from '../verify.ts';
import { bootCpu } from './boot.ts';
import { JudgedRun } from './judgedRun.ts';

/** The port whose split_kernel_leaf_mapping() waits for a flag that nobody ever sets. */
const spinning: SutFactory = (hw: Primitives, config) =>
  createPortSut(
    hw,
    config,
    () =>
      function* (): KGen<number> {
        for (;;) yield* hw.cpuRelax();
      },
  );

function* barriers(hw: Primitives): KGen<number> {
  for (;;) yield* hw.dsb('ish');
}

describe('a SUT that never returns', () => {
  it('is a livelock finding of the property, naming the call and the spinning CPU, within a second', () => {
    const p = PROPERTIES.find((q) => q.id === 'split.boundaries-exact');
    if (p === undefined) throw new Error('no split.boundaries-exact');
    const t0 = performance.now();
    const r = verifyProperty(p, spinning, { seed: 20261201, runs: 2, noShrink: true });
    expect(r.status).toBe('fail');
    const [head, ...detail] = (r.failure ?? '').split('\n');
    expect(head).toMatch(
      /^split_kernel_leaf_mapping\(0x[0-9a-f]+, 0x[0-9a-f]+\) on cpu0: the SUT did not return: every CPU still running has only spun .* for 100000 steps in a row, .*\(livelock\) — a spin loop nobody releases/,
    );
    expect(detail[0]).toBe('    its last 256 steps: cpu0 relax ×256 (spinning)');
    expect(performance.now() - t0).toBeLessThan(20_000); // a generous bound for a loaded machine; about 0.3 s idle
  });

  it('is stopped at the event limit when it loops making trace events, alone or interleaved', () => {
    for (const interleaved of [false, true]) {
      const run = new JudgedRun(makeConfig('4K'), spinning, { maxEvents: 20_000 });
      bootCpu(run);
      const before = run.m.events.length;
      const call = (): unknown =>
        interleaved
          ? run.interleave([{ cpu: 0, gen: barriers(run.m), label: 'split_kernel_leaf_mapping(…)' }], [])
          : run.run('split_kernel_leaf_mapping(…)', barriers(run.m));
      expect(call).toThrow(PropertyFailure);
      let text = '';
      try {
        call();
      } catch (e) {
        text = (e as Error).message;
      }
      expect(text).toMatch(
        /^split_kernel_leaf_mapping\(…\) on cpu0: the SUT did not return: more than 20000 trace events in one run \(livelock\?\) — a loop that never ends/,
      );
      expect(text).toContain('\n    its last 256 events: cpu0 dsb ×256\n');
      expect(before).toBeLessThan(20_000);
      expect(run.m.events.length).toBeLessThanOrEqual(20_002); // one more per call that hit it
    }
  });
});
