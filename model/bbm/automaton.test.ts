// The Casemate automaton read off the model along a level-0 break-before-make of a 2M block:
// VALID → INVALID_UNCLEAN (unguarded → dsbed → dsb_tlbied) → INVALID → VALID.
import { describe, expect, it } from 'vitest';
import { initialState, step } from '../step.ts';
import { leafDescriptor, tableDescriptor } from '../testing/descriptors.ts';
import { TraceBuilder } from '../testing/traceBuilder.ts';
import { locationState } from './automaton.ts';

const ROOT = 0x8000_0000n;
const L1 = 0x8000_1000n;
const L2 = 0x8000_2000n;
const VA = 0xffff_0000_4000_0000n;

describe('locationState', () => {
  it('follows a break-before-make step by step', () => {
    const cpus = [
      { id: 0, bbm: 0 as const, noabort: false },
      { id: 1, bbm: 0 as const, noabort: false },
    ];
    const b = new TraceBuilder('4K', ROOT, cpus)
      .alloc(L1, 1)
      .alloc(L2, 2)
      .write(0, L2, leafDescriptor(0x4000_0000n, false))
      .dsb(0, 'ishst')
      .write(0, L1 + 8n, tableDescriptor(L2))
      .dsb(0, 'ishst')
      .write(0, ROOT, tableDescriptor(L1))
      .dsb(0, 'ishst');
    const state = initialState({ granule: '4K', root: ROOT, preemptRt: false, cpus });
    for (const e of b.events) expect(step(state, e)).toBeUndefined();
    const seen: string[] = [];
    const look = (): void => {
      const v = locationState(state, L2);
      seen.push(
        v?.progress === undefined ? (v?.state ?? '?') : `${v.state}(${v.progress}, cpus ${v.holders?.join(',')})`,
      );
    };
    look();
    const next = new TraceBuilder('4K', ROOT, cpus)
      .write(0, L2, 0n)
      .dsb(0, 'ishst')
      .tlbi(0, 'vaae1is', VA)
      .dsb(0, 'ish')
      .write(0, L2, leafDescriptor(0x6000_0000n, false));
    for (const e of next.events) {
      expect(step(state, e)).toBeUndefined();
      look();
    }
    expect(seen).toEqual([
      'VALID',
      'INVALID_UNCLEAN(unguarded, cpus 0,1)',
      'INVALID_UNCLEAN(dsbed, cpus 0,1)',
      'INVALID_UNCLEAN(dsb_tlbied, cpus 0,1)',
      'INVALID',
      'VALID',
    ]);
  });
});
