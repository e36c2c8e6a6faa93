// Why this test? perm.valid-roundtrip guards 15bfba1ad77f ("Handle invalid large leaf mappings
// correctly"). The v6.18 variant of the port keeps the pre-fix pmd_sect() walk, so the property
// must fail on it for a whole 2M block: the block made invalid is skipped when made valid again.
//
//   linear map (4K):  |  2M block (PMD)  |  2M block  | ...
//   set_memory_valid(block, 512, false)  → present-invalid block
//   set_memory_valid(block, 512, true)   → v6.18: pmd_sect() false, block left invalid
import { describe, expect, it } from 'vitest';
import { createSut } from '../../impl/index.ts';
import { makeConfig, oneBank } from '../../impl/testing/setup.ts';
import { PropertyFailure } from '../registry.ts';
import { validRoundtrip } from './validRoundtrip.ts';

describe('perm.valid-roundtrip witnesses', () => {
  const config = (variant: 'v6.18' | 'v7.2-rc'): ReturnType<typeof makeConfig> =>
    makeConfig('4K', { variant, memblock: oneBank(64n << 20n) });
  it('fails on v6.18 for a whole 2M block (the bug 15bfba1ad77f fixed)', () => {
    expect(() => validRoundtrip.check({ config: config('v6.18'), leaf: 3, whole: true, pages: 1 }, createSut)).toThrow(
      PropertyFailure,
    );
  });
  it('holds on v7.1 for the same block', () => {
    expect(() =>
      validRoundtrip.check({ config: config('v7.2-rc'), leaf: 3, whole: true, pages: 1 }, createSut),
    ).not.toThrow();
  });
});
