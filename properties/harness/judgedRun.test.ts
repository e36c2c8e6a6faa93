// The test machine's own rule, seen failing: a table page from the page allocator before
// mem_init() is a bug (the buddy allocator does not exist yet; f12b435de2f2's -EBUSY window 1
// exists to prevent it), while the boot allocator's (memblock) pages are what map_mem() uses.
import { describe, expect, it } from 'vitest';
import { createSut } from '../../impl/index.ts';
import type { Gfp, KGen } from '../../impl/index.ts';
import { makeConfig } from '../../impl/testing/setup.ts';
import { PropertyFailure } from '../registry.ts';
import { bootCpu, memInit } from './boot.ts';
import { JudgedRun } from './judgedRun.ts';

function* alloc(run: JudgedRun, gfp: Gfp): KGen<bigint | null> {
  return yield* run.m.allocTable(3, gfp, 'process');
}

describe('JudgedRun: a page-allocator allocation before mem_init() is a violation', () => {
  it('fails a GFP_PGTABLE_KERNEL table page after map_mem() and before mem_init(), names the call and the CPU', () => {
    const run = new JudgedRun(makeConfig('4K'), createSut);
    bootCpu(run);
    expect(() => run.run('split_kernel_leaf_mapping(…)', alloc(run, 'GFP_PGTABLE_KERNEL'))).toThrow(PropertyFailure);
    const atomic = new JudgedRun(makeConfig('4K'), createSut);
    bootCpu(atomic);
    expect(() => atomic.run('split_kernel_leaf_mapping(…)', alloc(atomic, 'GFP_ATOMIC'))).toThrow(
      /^split_kernel_leaf_mapping\(…\) on cpu0: a GFP_ATOMIC table allocation before mem_init\(\)/,
    );
  });

  it('accepts the boot allocator before mem_init() and the page allocator after it', () => {
    const run = new JudgedRun(makeConfig('4K'), createSut);
    bootCpu(run); // map_mem() itself allocates from memblock
    expect(() => run.run('early_pgtable_alloc()', alloc(run, 'MEMBLOCK'))).not.toThrow();
    memInit(run);
    expect(() => run.run('split_kernel_leaf_mapping(…)', alloc(run, 'GFP_PGTABLE_KERNEL'))).not.toThrow();
  });
});
