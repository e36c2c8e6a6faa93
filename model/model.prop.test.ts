// Properties of the model itself: a split table means what the block meant, and a
// break-before-make sequence with any one step removed is flagged while the full one is clean.
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { interp, translationOnly } from './abstract/interp.ts';
import { GEOMETRIES } from './arch/geometry.ts';
import type { GranuleName, TLBIKind } from './events.ts';
import { initialState, step } from './step.ts';
import { leafDescriptor, tableDescriptor } from './testing/descriptors.ts';
import { LayoutBuilder } from './testing/layout.ts';
import { TraceBuilder } from './testing/traceBuilder.ts';
import type { MachineState } from './step.ts';

const ROOT = 0x8000_0000n;
const VA_TOP = 0xffff000000000000n;

/** A block to split: granule, level, which block of the linear map, and its attributes. */
const blockArb = fc
  .record({
    granule: fc.constantFrom<GranuleName>('4K', '16K', '64K'),
    pick: fc.nat(),
    slot: fc.integer({ min: 1, max: 200 }),
    attrIndx: fc.constantFrom(0, 1),
    readOnly: fc.boolean(),
    pxn: fc.boolean(),
    toCont: fc.boolean(),
  })
  .map((r) => {
    const geo = GEOMETRIES[r.granule];
    const levels = [1, 2].filter((l) => geo.blockAtLevel[l] === true);
    const level = levels[r.pick % levels.length] ?? 2;
    const size = BigInt(geo.entrySpan[level] ?? 0);
    return { ...r, level, va: VA_TOP + BigInt(r.slot) * size, oa: BigInt(r.slot) * size };
  });

function run(state: MachineState, b: TraceBuilder, from = 0): string {
  for (const e of b.events.slice(from)) {
    const v = step(state, e);
    if (v !== undefined) return v.code;
  }
  return 'ok';
}

describe('model: a split table means what the block meant', () => {
  test.prop([blockArb], { numRuns: 60 })('interp of the split table equals interp of the block', (blk) => {
    // Arrange: the block, live, walked by one noabort CPU.
    const b = new TraceBuilder(blk.granule, ROOT, [{ id: 0, bbm: 2, noabort: true }]);
    const layout = new LayoutBuilder(b, blk.granule, ROOT + BigInt(GEOMETRIES[blk.granule].pageSize));
    const f = { attrIndx: blk.attrIndx, readOnly: blk.readOnly, pxn: blk.pxn };
    const entry = layout.mapLeaf(blk.va, blk.oa, blk.level, f);
    const state = initialState({ granule: blk.granule, root: ROOT, preemptRt: false, cpus: b.cpus });
    expect(run(state, b)).toBe('ok');
    const size = layout.span(blk.level);
    const before = translationOnly(interp(state, blk.va, blk.va + size));
    // Act: build the table offline and publish it over the live block.
    const mark = b.events.length;
    const table = layout.splitTable(blk.oa, blk.level, blk.toCont, f);
    b.write(0, entry, tableDescriptor(table, { pxnTable: false, uxnTable: false }));
    // Assert
    expect(run(state, b, mark)).toBe('ok');
    expect(translationOnly(interp(state, blk.va, blk.va + size))).toEqual(before);
    expect(before).toHaveLength(1);
  });
});

/** The four protective steps of RDDMVT; the make step is always there. */
const STEPS = ['break', 'dsb-before-tlbi', 'tlbi', 'dsb-after-tlbi'] as const;
const TLBIS: TLBIKind[] = ['vaae1is', 'vae1is', 'vaale1is', 'vale1is', 'vmalle1is', 'rvaae1is'];

describe('model: break-before-make needs every step', () => {
  test.prop(
    [
      blockArb,
      fc.constantFrom(...TLBIS),
      fc.option(fc.constantFrom(...STEPS), { nil: undefined }),
      fc.boolean(),
      fc.nat(),
    ],
    { numRuns: 120 },
  )('the full sequence is clean, any one step missing is flagged', (blk, kind, missing, split, offset) => {
    // Arrange: a live block walked by a level-0 CPU.
    const cpus = [
      { id: 0, bbm: 0 as const, noabort: false },
      { id: 1, bbm: 0 as const, noabort: false },
    ];
    const b = new TraceBuilder(blk.granule, ROOT, cpus);
    const layout = new LayoutBuilder(b, blk.granule, ROOT + BigInt(GEOMETRIES[blk.granule].pageSize));
    const entry = layout.mapLeaf(blk.va, blk.oa, blk.level);
    const size = layout.span(blk.level);
    // The new value: a table of the same pages (a split) or the block at another OA (a move).
    const next = split
      ? tableDescriptor(layout.splitTable(blk.oa, blk.level, false))
      : leafDescriptor(blk.oa + size, blk.level === 3);
    // Act: BBM with one step left out.
    if (missing !== 'break') b.write(0, entry, leafDescriptor(blk.oa, false, { valid: false }));
    if (missing !== 'dsb-before-tlbi') b.dsb(0, 'ishst');
    if (missing !== 'tlbi') {
      const va = blk.va + (BigInt(offset) % size);
      if (kind === 'vmalle1is') b.tlbi(0, kind);
      else if (kind === 'rvaae1is') b.tlbi(0, kind, blk.va, size);
      else b.tlbi(0, kind, va);
    }
    if (missing !== 'dsb-after-tlbi') b.dsb(0, 'ish');
    b.write(0, entry, next).dsb(0, 'ishst');
    const state = initialState({ granule: blk.granule, root: ROOT, preemptRt: false, cpus });
    const verdict = run(state, b);
    // Assert
    if (missing === undefined) expect(verdict).toBe('ok');
    else expect(verdict).not.toBe('ok');
  });
});
