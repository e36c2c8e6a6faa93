// Why this test? bbm.model-clean found that the faithful v6.18 variant breaks C3 before the
// capabilities are finalised: split_kernel_leaf_mapping() returns 0 (split_leaf_mapping_possible()
// is false until the system capability is set), so set_memory_ro() on a page whose linear alias
// sits in a contiguous group rewrites that one PTE and flushes a partly repainted group (RJQQTC).
// That is the window f12b435de2f2 ("Fix rodata=full block mapping support for realm guests")
// closed; v7.1 splits on the single boot CPU instead. The property therefore draws no
// pre-finalisation operations for v6.18; this test keeps the finding.
//
//   linear alias, 4K:  | cont group of 16 PTEs (64K) |
//                        ^ page 0 made RO alone, CONT kept on all 16 → flush → cont-misprogrammed
import { describe, expect, it } from 'vitest';
import { createSut } from '../../impl/index.ts';
import { makeConfig } from '../../impl/testing/setup.ts';
import type { SequenceInput } from './sequenceCase.ts';
import { runSequence } from './sequenceCase.ts';

const M = 1n << 20n;

function input(variant: 'v6.18' | 'v7.2-rc'): SequenceInput {
  const base = 0x40010000n;
  const text = 0x40200000n;
  return {
    config: makeConfig('4K', {
      variant,
      memblock: {
        banks: [{ base, size: 40n * M }],
        kernel: { text, stext: text, init_begin: text + 8n * M, init_end: text + 10n * M, end: text + 14n * M },
      },
    }),
    lateMask: 0,
    preFinal: [{ kind: 'op', op: { kind: 'set_memory', which: 'ro', pages: [0] }, cpu: 0 }],
    finalSchedule: [],
    steps: [],
  };
}

describe('bbm.model-clean witnesses', () => {
  it('v6.18: set_memory_ro before finalisation partly repaints a contiguous group', () => {
    expect(runSequence(input('v6.18'), createSut).violation?.violation.code).toBe('cont-misprogrammed');
  });
  it('v7.1: the same call splits first and stays clean', () => {
    expect(runSequence(input('v7.2-rc'), createSut).violation).toBeUndefined();
  });
});
