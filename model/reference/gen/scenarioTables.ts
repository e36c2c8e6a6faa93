/**
 * Trace generator — correct table lifetimes (T1, T2, T4; RRVJDB): a PTE table collapsed into a
 * block with a walk-cache-removing TLBI over its span and then freed (`pmd_free_pte_page()`), a
 * new table published after a DSB (`split_pmd()` order), a hot-plugged subtree linked after its
 * DSB, a table unlinked, flushed and relinked (optionally with its child freed while detached:
 * family 8, a bug), a never-linked table freed, and a CPU coming online before a live change.
 *
 * Layer: model/reference/gen (tests only).
 */
import { OA_BASE } from './builder.ts';
import type { Builder } from './builder.ts';
import { leaf, readOnly, table } from './encode.ts';
import { flush, mapLeaves, maybeWalk, publish } from './helpers.ts';
import type { Knobs } from './helpers.ts';
import type { Scenario } from './scenario.ts';

/** Removes the walk-cache and leaf entries of a table's span: by range, for all, or per page. */
function flushTable(b: Builder, k: Knobs, va: bigint, span: bigint, pages: number, pageSize: bigint): void {
  const shape = k.pick(3);
  if (shape === 0) b.tlbi('rvaae1is', va, span);
  else if (shape === 1) b.tlbi('vmalle1is');
  else for (let i = 0; i < pages; i++) b.tlbi('vaae1is', va + BigInt(i) * pageSize);
}

/** Table → invalid → block with a flush of the old table's whole span, then free the table. */
export const collapseTable: Scenario = {
  name: 'collapse-table-free',
  build: (b, k) => {
    const base = b.va(OA_BASE);
    const pte = b.tableFor(base, 3);
    const pages = 1 + k.pick(4);
    mapLeaves(b, pte, 3, base, pages);
    publish(b);
    b.beginBody();
    const pmd = b.tableFor(base, 2);
    const e = b.entry(pmd, 2, base);
    b.write(e, 0n);
    b.dsb('ishst');
    flushTable(b, k, base, b.size(2), pages, b.size(3));
    b.dsb('ish');
    b.write(e, leaf(base - b.va(0n), false));
    publish(b);
    b.emit({ op: 'free', pa: pte });
    b.forget(base, 3);
    maybeWalk(b, k, base);
  },
};

/** A new PTE table filled, `dsb ishst`, then linked at an empty PMD entry. */
export const publishTable: Scenario = {
  name: 'publish-table',
  build: (b, k) => {
    const base = b.va(OA_BASE);
    const pmd = b.tableFor(base, 2);
    mapLeaves(b, pmd, 2, base + b.size(2), 1);
    publish(b);
    b.beginBody();
    const pte = b.alloc(3);
    mapLeaves(b, pte, 3, base, 2 + k.pick(4), {}, false);
    b.dsb('ishst');
    b.write(b.entry(pmd, 2, base), table(pte));
    publish(b);
    maybeWalk(b, k, base);
  },
};

/** A PMD + PTE subtree built offline, `dsb ishst`, then linked into the PUD (memory hot-plug). */
export const hotplugSubtree: Scenario = {
  name: 'hotplug-subtree',
  build: (b, k) => {
    const base = b.va(OA_BASE);
    const span1 = b.size(1);
    const hot = base - ((base - b.va(0n)) % span1) + span1;
    const pud = b.tableFor(hot, 1);
    mapLeaves(b, b.tableFor(base, 3), 3, base, 1);
    publish(b);
    b.beginBody();
    const pmd = b.alloc(2);
    const pte = b.alloc(3);
    mapLeaves(b, pte, 3, hot, 1 + k.pick(4));
    b.write(b.entry(pmd, 2, hot), table(pte));
    if (k.flag()) mapLeaves(b, pmd, 2, hot + b.size(2), 1);
    b.dsb('ishst');
    b.write(b.entry(pud, 1, hot), table(pmd));
    publish(b);
    maybeWalk(b, k, hot);
  },
};

/** A PTE table unlinked, flushed, changed while detached, published and relinked. */
export const unlinkRelink: Scenario = {
  name: 'unlink-relink',
  build: (b, k) => {
    const base = b.va(OA_BASE);
    const pte = b.tableFor(base, 3);
    const pages = 2 + k.pick(3);
    const vals = mapLeaves(b, pte, 3, base, pages);
    publish(b);
    b.beginBody();
    const pmd = b.tableFor(base, 2);
    const e = b.entry(pmd, 2, base);
    b.write(e, 0n);
    b.dsb('ishst');
    flushTable(b, k, base, b.size(2), pages, b.size(3));
    b.dsb('ish');
    if (k.flag()) b.write(b.entry(pte, 3, base), readOnly(vals[0] as bigint));
    b.dsb('ishst');
    b.write(e, table(pte));
    publish(b);
    maybeWalk(b, k, base);
  },
};

/** Family 8 shape: a PMD table unlinked and flushed, its PTE table freed while detached, the PMD relinked. */
export const relinkFreedChild: Scenario = {
  name: 'relink-after-free-child',
  build: (b, k) => {
    const base = b.va(OA_BASE);
    const pte = b.tableFor(base, 3);
    mapLeaves(b, pte, 3, base, 2);
    publish(b);
    b.beginBody();
    const pud = b.tableFor(base, 1);
    const pmd = b.tableFor(base, 2);
    const e = b.entry(pud, 1, base);
    b.write(e, 0n);
    b.dsb('ishst');
    flushTable(b, k, base, b.size(1), 1, b.size(3));
    b.dsb('ish');
    b.emit({ op: 'free', pa: pte });
    if (k.flag()) b.emit({ op: 'alloc', pa: pte, level: 3 });
    b.write(e, table(pmd));
    publish(b);
  },
};

/** A table built for an abandoned split and freed at once (never linked). */
export const freeNeverLinked: Scenario = {
  name: 'free-never-linked',
  build: (b, k) => {
    const base = b.va(OA_BASE);
    mapLeaves(b, b.tableFor(base, 2), 2, base, 1);
    publish(b);
    b.beginBody();
    const pte = b.alloc(3);
    mapLeaves(b, pte, 3, base, 1 + k.pick(3));
    b.emit({ op: 'free', pa: pte });
  },
};

/** A CPU comes online, then a page is repainted and flushed. */
export const onlineThenRepaint: Scenario = {
  name: 'online-then-repaint',
  build: (b, k) => {
    const base = b.va(OA_BASE);
    const t = b.tableFor(base, 3);
    const vals = mapLeaves(b, t, 3, base, 2);
    publish(b);
    b.beginBody();
    const id = Math.max(...b.cpus.map((c) => c.id)) + 1;
    b.emit({ op: 'online', cpu: id, bbm: k.pick(3), noabort: k.flag() });
    b.write(b.entry(t, 3, base), readOnly(vals[0] as bigint));
    flush(b, base, b.size(3), b.size(3), 'per-entry');
    maybeWalk(b, k, base);
  },
};
