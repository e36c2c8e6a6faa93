/**
 * Trace generator — correct break-before-make sequences (arm-bbm-rules.md §1.1 RDDMVT, §7.1 L0):
 * a page or block moved to a new OA, the AF = 0 break (decision 12), and a level-0 split of a
 * block into a (partly filled) table. Each writes its set-up, calls `beginBody()`, then the
 * operation.
 *
 * Layer: model/reference/gen (tests only).
 */
import type { TLBIKind } from '../../events.ts';
import { TTBR1_BASE } from '../geometry.ts';
import type { Builder } from './builder.ts';
import { OA_BASE } from './builder.ts';
import { leaf, table } from './encode.ts';
import type { Knobs } from './helpers.ts';
import { mapLeaves, maybeWalk, publish } from './helpers.ts';
import type { Scenario } from './scenario.ts';

/** The level of a block the scenario uses: 2, or 1 with 4K when the knob says so. */
export function blockLevel(b: Builder, k: Knobs): number {
  return b.granule === '4K' && k.flag() ? 1 : 2;
}

/** The break: invalid, or the same leaf with AF = 0. */
function breakValue(k: Knobs, level: number, va: bigint): bigint {
  return k.flag() ? leaf(va - TTBR1_BASE, level === 3, { af: false }) : 0n;
}

/** A TLBI that covers one leaf at `va` of span `size`. */
function leafTlbi(b: Builder, k: Knobs, va: bigint, size: bigint): void {
  const kind = k.of<TLBIKind>(['vaale1is', 'vaae1is', 'rvaale1is', 'vmalle1is', 'vae1is', 'vale1is']);
  if (kind === 'vmalle1is') b.tlbi(kind);
  else if (kind.startsWith('r')) b.tlbi(kind, va, size);
  else b.tlbi(kind, va + (k.flag() ? size / 2n : 0n));
}

/** BBM remap of one leaf (page or block) to another OA. */
function remap(b: Builder, k: Knobs, level: number): void {
  const base = b.va(OA_BASE);
  const t = b.tableFor(base, level);
  const count = 2 + k.pick(3);
  mapLeaves(b, t, level, base, count);
  publish(b);
  b.beginBody();
  const j = k.pick(count);
  const size = b.size(level);
  const va = base + BigInt(j) * size;
  const e = b.entry(t, level, va);
  b.write(e, breakValue(k, level, va));
  b.dsb('ishst');
  leafTlbi(b, k, va, size);
  b.dsb('ish');
  const newOa = va - TTBR1_BASE + BigInt(8 + k.pick(4)) * size;
  b.write(e, leaf(newOa, level === 3));
  publish(b);
  maybeWalk(b, k, va);
}

/** `clear_fixmap()` / `set_fixmap()`-style remap of a page. */
export const remapPage: Scenario = { name: 'bbm-remap-page', build: (b, k) => remap(b, k, 3) };

/** BBM remap of a block. */
export const remapBlock: Scenario = { name: 'bbm-remap-block', build: (b, k) => remap(b, k, blockLevel(b, k)) };

/** Level-0 split of a block into a table (§7.1 L0): build, break, flush, link. */
export const bbmSplit: Scenario = {
  name: 'bbm-split-block',
  build: (b, k) => {
    const level = blockLevel(b, k);
    const base = b.va(OA_BASE);
    const parent = b.tableFor(base, level);
    mapLeaves(b, parent, level, base, 2);
    publish(b);
    b.beginBody();
    const child = b.alloc(level + 1);
    mapLeaves(b, child, level + 1, base, 2 + k.pick(4));
    b.dsb('ishst');
    const e = b.entry(parent, level, base);
    b.write(e, breakValue(k, level, base));
    b.dsb('ishst');
    leafTlbi(b, k, base, b.size(level));
    b.dsb('ish');
    b.write(e, table(child));
    publish(b);
    maybeWalk(b, k, base);
  },
};
