/**
 * Trace generator — correct permission repaints (RGPPYH make-then-flush, C3/RJQQTC): a whole
 * contiguous group repainted read-only entry by entry, CONT unchanged, then flushed; one plain page
 * repainted and flushed; and the stop_machine() repaint of `linear_map_split_to_ptes()`: the
 * other CPUs park (local `tlbi vmalle1; dsb nsh`), the repainting CPU splits live, flushes by
 * broadcast, and releases them.
 *
 * Layer: model/reference/gen (tests only).
 */
import { OA_BASE } from './builder.ts';
import { leaf, readOnly, withCont } from './encode.ts';
import { flush, groupLevel, groupOf, mapLeaves, maybeWalk, publish } from './helpers.ts';
import { actorNoabort } from './scenario.ts';
import type { Scenario } from './scenario.ts';

/** Repaint all N entries of a group read-only (CONT kept), then `flush_tlb_kernel_range()`. */
export const repaintGroup: Scenario = {
  name: 'repaint-group',
  build: (b, k) => {
    const level = groupLevel(b, k);
    const base = b.va(OA_BASE);
    const t = b.tableFor(base, level);
    const n = groupOf(b, level);
    const vals = mapLeaves(b, t, level, base, n, {}, true);
    publish(b);
    b.beginBody();
    for (let i = 0; i < n; i++)
      b.write(b.entry(t, level, base + BigInt(i) * b.size(level)), readOnly(vals[i] as bigint));
    flush(b, base, b.size(level) * BigInt(n), b.size(level), k.of(['range', 'all', 'per-entry'] as const));
    maybeWalk(b, k, base);
  },
};

/** Repaint one plain page (or block) read-only, then flush it. */
export const repaintPage: Scenario = {
  name: 'repaint-page',
  build: (b, k) => {
    const level = groupLevel(b, k);
    const base = b.va(OA_BASE);
    const t = b.tableFor(base, level);
    const count = 2 + k.pick(3);
    const vals = mapLeaves(b, t, level, base, count);
    publish(b);
    b.beginBody();
    const j = k.pick(count);
    const va = base + BigInt(j) * b.size(level);
    b.write(b.entry(t, level, va), readOnly(vals[j] as bigint));
    flush(b, va, b.size(level), b.size(level), k.of(['per-entry', 'range', 'all'] as const));
    maybeWalk(b, k, va);
  },
};

/**
 * A remap while the other CPUs are parked (they keep their TLBs): break, a local flush of the
 * actor's own TLB, the new OA, then the broadcast flush that also reaches the parked CPUs,
 * before they resume (SEMANTICS.md §3: parked CPUs are TLBI targets; `unpark` judges what they
 * kept).
 */
export const parkedRemap: Scenario = {
  name: 'parked-remap',
  build: (b, k) => {
    const level = k.flag() ? 2 : 3;
    const base = b.va(OA_BASE);
    const t = b.tableFor(base, level);
    const count = 2 + k.pick(3);
    mapLeaves(b, t, level, base, count);
    publish(b);
    b.beginBody();
    for (const o of b.others()) b.emit({ op: 'park', cpu: o.id });
    const j = k.pick(count);
    const size = b.size(level);
    const va = base + BigInt(j) * size;
    const e = b.entry(t, level, va);
    b.write(e, 0n);
    b.dsb('ish');
    if (k.flag()) b.tlbi('vaale1', va);
    else b.tlbi('vmalle1');
    b.dsb('nsh');
    b.write(e, leaf(va - b.va(0n) + BigInt(4 + k.pick(4)) * size, level === 3));
    publish(b);
    flush(b, va, size, size, k.of(['per-entry', 'range', 'all'] as const));
    for (const o of b.others()) b.emit({ op: 'unpark', cpu: o.id });
    maybeWalk(b, k, va);
  },
};

/** `linear_map_split_to_ptes()` under stop_machine(): park the others, split live, flush, release. */
export const stopMachineRepaint: Scenario = {
  name: 'stop-machine-repaint',
  fit: actorNoabort,
  build: (b, k) => {
    const level = groupLevel(b, k);
    const base = b.va(OA_BASE);
    const t = b.tableFor(base, level);
    const n = groupOf(b, level);
    const vals = mapLeaves(b, t, level, base, n, {}, true);
    publish(b);
    b.beginBody();
    b.emit({ op: 'stop', cpu: b.actor });
    const localFlush = !k.flag();
    for (const o of b.others()) {
      b.emit({ op: 'park', cpu: o.id });
      if (localFlush) {
        b.tlbi('vmalle1', undefined, undefined, o.id);
        b.dsb('nsh', o.id);
      }
    }
    for (let i = 0; i < n; i++)
      b.write(b.entry(t, level, base + BigInt(i) * b.size(level)), withCont(vals[i] as bigint, false));
    publish(b);
    flush(b, base, b.size(level) * BigInt(n), b.size(level), k.of(['all', 'range', 'per-entry'] as const));
    for (const o of b.others()) b.emit({ op: 'unpark', cpu: o.id });
    b.emit({ op: 'resume', cpu: b.actor });
    maybeWalk(b, k, base);
  },
};
