// The BBML2-noabort capability: MIDR allow list and MATCH_ALL_EARLY_CPUS semantics.
import { describe, expect, it } from 'vitest';
import {
  is_midr_in_range_list,
  MIDR_AMPERE1A,
  MIDR_C1_PREMIUM,
  MIDR_C1_ULTRA,
  MIDR_CORTEX_A715,
  MIDR_CORTEX_X4,
  MIDR_CPU_VAR_REV,
  MIDR_NEOVERSE_N3,
  MIDR_NEOVERSE_V3,
  supports_bbml2_noabort_list,
  supports_bbml3_list,
} from './cpufeature.ts';
import type { Variant } from './contract.ts';
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

describe('supports_bbml3_list (v7.3 cycle): the BBML2-noabort list and more', () => {
  it.each([
    ['Neoverse-V3 r0p2', midr(MIDR_NEOVERSE_V3, 0, 2), true, true],
    ['Cortex-X4 r0p2', midr(MIDR_CORTEX_X4, 0, 2), false, false],
    ['Cortex-A715 r1p0', midr(MIDR_CORTEX_A715, 1, 0), false, true],
    ['Neoverse-N3 r0p1', midr(MIDR_NEOVERSE_N3, 0, 1), false, true],
    ['C1-Ultra r1p0 (erratum 3683289)', midr(MIDR_C1_ULTRA, 1, 0), false, false],
    ['C1-Ultra r1p1', midr(MIDR_C1_ULTRA, 1, 1), false, true],
    ['C1-Premium r0p15 (erratum 3683289)', midr(MIDR_C1_PREMIUM, 0, 15), false, false],
    ['C1-Premium r2p0', midr(MIDR_C1_PREMIUM, 2, 0), false, true],
  ])('%s: BBML2-noabort list %s, BBML3 list %s', (_name, m, old, bbml3) => {
    expect(is_midr_in_range_list(m, supports_bbml2_noabort_list)).toBe(old);
    expect(is_midr_in_range_list(m, supports_bbml3_list)).toBe(bbml3);
  });
});

describe('ARM64_HAS_BBML3 (v7.3): ID_AA64MMFR2_EL1.BBM read first, then the MIDR list', () => {
  // A CPU that advertises FEAT_BBML3 with a MIDR on no list (the test machine gives level 3 a
  // Cortex-X925 MIDR): only the ID register says it never raises TLB conflict aborts.
  const BBML3 = (id: number): { id: number; bbm: 3; noabort: true } => ({ id, bbm: 3, noabort: true });
  const boot = (variant: Variant): ReturnType<typeof fixture> => {
    const f = fixture(
      makeConfig('4K', {
        variant,
        cpus: [BBML3(0)],
        memblock: { ...makeConfig('4K').memblock, banks: [{ base: 1n << 30n, size: 64n << 20n }] },
      }),
    );
    f.run(f.ops.boot());
    return f;
  };

  it('v7.3 keeps a block-mapped linear map on a BBM = 3 boot CPU; v7.2-rc, v7.1 and v6.18 (MIDR only) page-map it', () => {
    const f = boot('v7.3');
    expect(f.ops.inspect()).toMatchObject({ cap_bbml2_noabort: true, linear_map_requires_bbml2: true });
    for (const variant of ['v7.2-rc', 'v7.1', 'v6.18'] as const)
      expect(boot(variant).ops.inspect()).toMatchObject({ cap_bbml2_noabort: false, linear_map_requires_bbml2: false });
  });

  it('v7.3: an early BBM = 3 secondary keeps the capability, a listed one too, an unlisted level-2 one clears it', () => {
    const f = fixture(
      makeConfig('4K', {
        variant: 'v7.3',
        cpus: [BBML3(0), BBML3(1), NOABORT(2), { id: 3, bbm: 2, noabort: false }],
        memblock: { ...makeConfig('4K').memblock, banks: [{ base: 1n << 30n, size: 64n << 20n }] },
      }),
    );
    f.run(f.ops.boot());
    f.run(f.ops.mem_init());
    f.run(f.ops.secondary_start_kernel(), 1);
    f.run(f.ops.secondary_start_kernel(), 2);
    expect(f.ops.inspect().cap_bbml2_noabort).toBe(true);
    f.run(f.ops.secondary_start_kernel(), 3);
    expect(f.ops.inspect().cap_bbml2_noabort).toBe(false);
  });
});
