/**
 * Trace generator — correct BBML2 live changes under noabort (arm-bbm-rules.md §3.4, §7.1 L2):
 * `split_pmd()` / `split_pud()` of a live block into a full table (4K only: a full table is 512
 * writes, 2048 or 8192 with 16K/64K), `split_contpte()` / `split_contpmd()` (clear CONT entry by
 * entry, RKHRBC), followed by a one-page `set_memory_ro()`, and the fold of plain pages into a
 * contiguous group (`contpte_convert()` under noabort).
 *
 * Layer: model/reference/gen (tests only).
 */
import { OA_BASE } from './builder.ts';
import type { Builder } from './builder.ts';
import { readOnly, table, withCont } from './encode.ts';
import { LIGHT_GROUP, flush, groupLevel, groupOf, mapLeaves, maybeWalk, publish } from './helpers.ts';
import type { Knobs } from './helpers.ts';
import { allNoabort } from './scenario.ts';
import type { Scenario } from './scenario.ts';

/** `split_pmd(to_cont)` (block level 2) or `split_pud(to_cont)` (level 1), live. */
function splitLive(b: Builder, k: Knobs, level: number): void {
  const base = b.va(OA_BASE);
  const parent = b.tableFor(base, level);
  const pxn = !k.flag();
  const nT = k.flag() && k.flag();
  mapLeaves(b, parent, level, base, 2, { pxn, nT });
  publish(b);
  b.beginBody();
  const child = b.alloc(level + 1);
  const n = Number(b.g.pageBytes / 8n);
  // split_pmd() copies the block's pgprot; with PXNTable on the new table the children may drop PXN.
  const pxnTable = pxn && k.flag();
  mapLeaves(b, child, level + 1, base, n, { pxn: pxnTable ? k.flag() : pxn }, k.flag());
  b.dsb('ishst');
  b.write(b.entry(parent, level, base), table(child, pxnTable));
  publish(b);
  maybeWalk(b, k, base + b.size(level + 1) * BigInt(k.pick(n)));
}

/** `split_pmd()` of a live PMD block (4K). */
export const splitPmdLive: Scenario = {
  name: 'live-split-pmd',
  granules: ['4K'],
  fit: allNoabort,
  build: (b, k) => splitLive(b, k, 2),
};

/** `split_pud()` of a live PUD block (4K). */
export const splitPudLive: Scenario = {
  name: 'live-split-pud',
  granules: ['4K'],
  fit: allNoabort,
  build: (b, k) => splitLive(b, k, 1),
};

/** `split_contpte()` (level 3) or `split_contpmd()` (level 2), then `set_memory_ro()` of one entry. */
function splitCont(b: Builder, k: Knobs, level: number): void {
  const base = b.va(OA_BASE);
  const t = b.tableFor(base, level);
  const n = groupOf(b, level);
  const groups = 1 + k.pick(2);
  const vals = mapLeaves(b, t, level, base, n * groups, {}, true);
  publish(b);
  b.beginBody();
  const g = k.pick(groups);
  const order = [...Array(n).keys()];
  if (k.flag()) order.reverse();
  for (const j of order) {
    const i = g * n + j;
    b.write(b.entry(t, level, base + BigInt(i) * b.size(level)), withCont(vals[i] as bigint, false));
  }
  publish(b);
  if (k.flag()) {
    const i = g * n + k.pick(n);
    const va = base + BigInt(i) * b.size(level);
    b.write(b.entry(t, level, va), readOnly(withCont(vals[i] as bigint, false)));
    flush(b, va, b.size(level), b.size(level), k.of(['per-entry', 'range', 'all'] as const));
    maybeWalk(b, k, va);
  }
}

/** `split_contpte()`. */
export const splitContpte: Scenario = {
  name: 'live-split-contpte',
  fit: allNoabort,
  build: (b, k) => splitCont(b, k, b.light && groupOf(b, 3) > LIGHT_GROUP ? 2 : 3),
};

/** `split_contpmd()`. */
export const splitContpmd: Scenario = {
  name: 'live-split-contpmd',
  fit: allNoabort,
  build: (b, k) => splitCont(b, k, 2),
};

/** Fold `n` plain pages into a contiguous group live, then flush the range. */
export const foldCont: Scenario = {
  name: 'live-fold-cont',
  fit: allNoabort,
  build: (b, k) => {
    const level = groupLevel(b, k);
    const base = b.va(OA_BASE);
    const t = b.tableFor(base, level);
    const n = groupOf(b, level);
    const vals = mapLeaves(b, t, level, base, n);
    publish(b);
    b.beginBody();
    for (let i = 0; i < n; i++)
      b.write(b.entry(t, level, base + BigInt(i) * b.size(level)), withCont(vals[i] as bigint, true));
    flush(b, base, b.size(level) * BigInt(n), b.size(level), k.of(['range', 'all', 'per-entry'] as const));
    maybeWalk(b, k, base);
  },
};
