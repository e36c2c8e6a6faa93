// The BBML2-noabort capability: MIDR allow list and MATCH_ALL_EARLY_CPUS semantics.
import { describe, expect, it } from 'vitest';
import {
  is_midr_in_range_list,
  MIDR_AMPERE1A,
  MIDR_CORTEX_X4,
  MIDR_CPU_VAR_REV,
  MIDR_NEOVERSE_V3,
  supports_bbml2_noabort_list,
} from './cpufeature.ts';
import { fixture, makeConfig, NOABORT, PLAIN } from './testing/setup.ts';

const midr = (model: number, variant: number, rev: number): number => (model | MIDR_CPU_VAR_REV(variant, rev)) >>> 0;

describe('supports_bbml2_noabort_list', () => {
  it.each([
    ['Cortex-X4 r0p3', midr(MIDR_CORTEX_X4, 0, 3), true],
    ['Cortex-X4 r0p2', midr(MIDR_CORTEX_X4, 0, 2), false],
    ['Neoverse-V3 r0p2', midr(MIDR_NEOVERSE_V3, 0, 2), true],
    ['Neoverse-V3 r0p1 (erratum 3053180)', midr(MIDR_NEOVERSE_V3, 0, 1), false],
    ['Neoverse-V3 r1p0 (variant outside MIDR_REV_RANGE)', midr(MIDR_NEOVERSE_V3, 1, 0), false],
    ['AmpereOne-A, any revision', midr(MIDR_AMPERE1A, 3, 7), true],
    ['Cortex-A76', 0x414fd0b1, false],
  ])('%s → %s', (_name, m, yes) => {
    expect(is_midr_in_range_list(m, supports_bbml2_noabort_list)).toBe(yes);
  });
});

describe('ARM64_HAS_BBML2_NOABORT: MATCH_ALL_EARLY_CPUS', () => {
  it('set by the boot CPU, cleared by an early secondary without it, never set again; alternative false until finalised', () => {
    const f = fixture(
      makeConfig('4K', { cpus: [NOABORT(0), PLAIN(1), NOABORT(2)], memblock: { ...makeConfig('4K').memblock } }),
    );
    f.run(f.ops.boot());
    expect(f.ops.inspect()).toMatchObject({ cap_bbml2_noabort: true, system_supports_bbml2_noabort: false });
    f.run(f.ops.mem_init());
    f.run(f.ops.secondary_start_kernel(), 1);
    expect(f.ops.inspect().cap_bbml2_noabort).toBe(false);
    f.run(f.ops.secondary_start_kernel(), 2);
    expect(f.ops.inspect().cap_bbml2_noabort).toBe(false);
  });

  it('a boot CPU without it never sets it, whatever the secondaries', () => {
    const f = fixture(
      makeConfig('4K', {
        cpus: [PLAIN(0), NOABORT(1)],
        memblock: { ...makeConfig('4K').memblock, banks: [{ base: 1n << 30n, size: 64n << 20n }] },
      }),
    );
    f.run(f.ops.boot());
    f.run(f.ops.secondary_start_kernel(), 1);
    f.run(f.ops.setup_system_features());
    expect(f.ops.inspect()).toMatchObject({ cap_bbml2_noabort: false, capabilities_finalized: true });
  });
});
