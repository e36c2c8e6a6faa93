/**
 * Records a whole run as a `bbm-trace/1` trace: boot (map_mem), mem_init, one on-demand split
 * while only the boot CPU is up, an early secondary without BBML2-noabort, and the repaint in
 * setup_system_features(). Used by the trace tests and by record-trace.ts.
 *
 * Layer: impl/testing (harness support).
 */
import type { GranuleName, SutFactory, Variant } from '../contract.ts';
import { runToCompletion } from '../sched.ts';
import { createSut } from '../sut.ts';
import { MemoryMachine } from './memory-machine.ts';
import { makeConfig, NOABORT, PLAIN } from './setup.ts';

/** What to record. */
export interface RecordOptions {
  readonly granule?: GranuleName;
  readonly variant?: Variant;
  readonly preempt_rt?: boolean;
  /** Bytes of RAM in the second bank (the first holds the kernel); default 1 GiB. */
  readonly extraRam?: bigint;
  readonly factory?: SutFactory;
}

const G = 1n << 30n;
const M = 1n << 20n;

/**
 * Runs the scenario and returns the machine that recorded it.
 * @param opts - granule, variant, RAM size, SUT factory
 * @returns the machine (its `toJsonl()` is the trace)
 */
export function recordBootSplitRepaint(opts: RecordOptions = {}): MemoryMachine {
  const granule = opts.granule ?? '4K';
  const extra = opts.extraRam ?? G;
  const text = G + 2n * M;
  const cfg = makeConfig(granule, {
    variant: opts.variant ?? 'v7.2-rc',
    preempt_rt: opts.preempt_rt ?? false,
    cpus: [NOABORT(0), PLAIN(1)],
    memblock: {
      banks: [
        { base: G, size: 64n * M },
        { base: 2n * G, size: extra },
      ],
      kernel: { text, stext: text, init_begin: text + 16n * M, init_end: text + 18n * M, end: text + 26n * M },
    },
  });
  const m = new MemoryMachine({ granule, cpus: cfg.cpus, preempt_rt: cfg.preempt_rt });
  const ops = (opts.factory ?? createSut)(m, cfg);
  const page = m.pageSize;
  runToCompletion(m, 0, ops.boot());
  runToCompletion(m, 0, ops.mem_init());
  // VA of PA 2G + 0x2345000 (+ one page): inside the second bank's large leaves.
  const va = 0xffff000000000000n + G + 0x2345000n - (0x2345000n % page);
  runToCompletion(m, 0, ops.split_kernel_leaf_mapping(va, va + page));
  runToCompletion(m, 1, ops.secondary_start_kernel());
  runToCompletion(m, 0, ops.setup_system_features());
  return m;
}
