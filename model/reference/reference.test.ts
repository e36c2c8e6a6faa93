/**
 * The reference checker on hand-written traces: each rule of SEMANTICS.md §5 fires on the trace
 * built to break it, and the correct kernel-shaped sequence next to it is clean. (The golden
 * scenarios are compared by `npx tsx model/reference/goldenReport.ts`, a report, not a test.)
 */
import { describe, expect, it } from 'vitest';
import { checkReference } from './checkReference.ts';
import { Builder, OA_BASE } from './gen/builder.ts';
import type { GenCpu } from './gen/builder.ts';
import { leaf, readOnly, table, toLine, withCont } from './gen/encode.ts';
import { flush, groupOf, mapLeaves, publish } from './gen/helpers.ts';

const L0: GenCpu = { id: 0, bbm: 0, noabort: false };
const L0b: GenCpu = { id: 1, bbm: 0, noabort: false };
const NA: GenCpu = { id: 0, bbm: 2, noabort: true };
const NAb: GenCpu = { id: 1, bbm: 2, noabort: true };

/** Runs the reference on a builder's trace: the code and event, or `clean` / `bad-input`. */
function verdict(b: Builder): string {
  const v = checkReference([b.header(), ...b.events.map(toLine)]);
  return v.kind === 'violation' ? `${v.violation.code}@${v.violation.event}` : v.kind;
}

/** A builder with a PTE table of `pages` pages at the main region, published. */
function withPages(cpus: GenCpu[], pages: number, cont = false, granule: '4K' | '16K' | '64K' = '4K') {
  const b = new Builder(granule, cpus, 0, false);
  const va = b.va(OA_BASE);
  const pte = b.tableFor(va, 3);
  const vals = mapLeaves(b, pte, 3, va, pages, {}, cont);
  publish(b);
  return { b, va, pte, vals, e: (i: number) => b.entry(pte, 3, va + BigInt(i) * b.size(3)) };
}

describe('reference checker: break-before-make', () => {
  it('accepts a BBM remap and flags it without the TLBI (B2) or without the break (B1)', () => {
    const good = withPages([L0, L0b], 2);
    good.b.write(good.e(1), 0n);
    good.b.dsb('ishst');
    good.b.tlbi('vaale1is', good.va + good.b.size(3));
    good.b.dsb('ish');
    good.b.write(good.e(1), leaf(OA_BASE + 0x100000n, true));
    expect(verdict(good.b)).toBe('clean');

    const noTlbi = withPages([L0, L0b], 2);
    noTlbi.b.write(noTlbi.e(1), 0n);
    noTlbi.b.dsb('ish');
    noTlbi.b.write(noTlbi.e(1), leaf(OA_BASE + 0x100000n, true));
    expect(verdict(noTlbi.b)).toBe(`bbm-unclean@${noTlbi.b.events.length}`);

    const noBreak = withPages([L0, L0b], 2);
    noBreak.b.write(noBreak.e(1), leaf(OA_BASE + 0x100000n, true));
    expect(verdict(noBreak.b)).toBe(`bbm-valid-to-valid@${noBreak.b.events.length}`);
  });

  it('counts a TLBI issued before the break became visible as no flush (§3 lastFill)', () => {
    const t = withPages([L0, L0b], 2);
    t.b.write(t.e(1), 0n);
    t.b.tlbi('vaale1is', t.va + t.b.size(3));
    t.b.dsb('ish');
    t.b.write(t.e(1), leaf(OA_BASE + 0x100000n, true));
    expect(verdict(t.b)).toBe(`bbm-unclean@${t.b.events.length}`);
  });
});

describe('reference checker: live size changes and contiguous groups', () => {
  it('allows split_contpte() under noabort and flags it with a level-0 CPU running', () => {
    for (const [cpus, want] of [
      [[NA, NAb], 'clean'],
      [[NA, L0b], 'size-change-without-bbml2'],
    ] as const) {
      const t = withPages([...cpus], 16, true);
      for (let i = 0; i < 16; i++) t.b.write(t.e(i), withCont(t.vals[i] as bigint, false));
      expect(verdict(t.b).split('@')[0]).toBe(want);
    }
  });

  it('flags a misaligned contiguous group at its first entry (C1) and a partial repaint at the flush (C3)', () => {
    const b = new Builder('4K', [NA], 0, false);
    const va = b.va(OA_BASE);
    const pte = b.tableFor(va, 3);
    b.write(b.entry(pte, 3, va), leaf(OA_BASE + 0x1000n, true, { cont: true }));
    expect(verdict(b)).toBe(`cont-misprogrammed@${b.events.length}`);

    const t = withPages([NA, NAb], groupOf(b, 3), true);
    t.b.write(t.e(3), readOnly(t.vals[3] as bigint));
    flush(t.b, t.va, t.b.size(3) * 16n, t.b.size(3), 'range');
    expect(verdict(t.b)).toBe(`cont-misprogrammed@${t.b.events.length - 1}`);
  });

  it('flags a partial repaint left at the end of the trace as event N + 1', () => {
    const t = withPages([NA], 16, true);
    t.b.write(t.e(3), readOnly(t.vals[3] as bigint));
    expect(verdict(t.b)).toBe(`cont-misprogrammed@${t.b.events.length + 1}`);
  });

  it('flags a live split that changes the OA (B5) and one linking a never-written entry (T2)', () => {
    for (const [skip, want] of [
      [false, 'non-identity-split'],
      [true, 'table-linked-before-init'],
    ] as const) {
      const b = new Builder('4K', [NA, NAb], 0, false);
      const va = b.va(OA_BASE);
      const pmd = b.tableFor(va, 2);
      b.write(b.entry(pmd, 2, va), leaf(OA_BASE, false));
      publish(b);
      const pte = b.alloc(3);
      for (let i = 0; i < 512; i++) {
        if (skip && i === 7) continue;
        const wrong = !skip && i === 9 ? 0x1000n : 0n;
        b.write(pte + BigInt(i) * 8n, leaf(OA_BASE + BigInt(i) * 0x1000n + wrong, true));
      }
      b.dsb('ishst');
      b.write(b.entry(pmd, 2, va), table(pte));
      expect(verdict(b)).toBe(`${want}@${b.events.length}`);
    }
  });
});

describe('reference checker: tables, CPUs and walks', () => {
  it('flags a table freed while a walk-cache entry may hold it (T1), not after a non-last-level flush', () => {
    for (const [kind, want] of [
      ['vaale1is', 'table-freed-while-reachable'],
      ['vaae1is', 'clean'],
    ] as const) {
      const t = withPages([L0, L0b], 1);
      const pmd = t.b.tableFor(t.va, 2);
      t.b.write(t.b.entry(pmd, 2, t.va), 0n);
      t.b.dsb('ishst');
      t.b.tlbi(kind, t.va);
      t.b.dsb('ish');
      t.b.emit({ op: 'free', pa: t.pte });
      expect(verdict(t.b).split('@')[0]).toBe(want);
    }
  });

  it('judges a parked CPU at unpark: stale entries kept while parked conflict (tlb-conflict)', () => {
    const t = withPages([NA, L0b], 2);
    t.b.emit({ op: 'park', cpu: 1 });
    t.b.write(t.e(1), 0n);
    t.b.dsb('ish');
    t.b.tlbi('vaale1', t.va + t.b.size(3));
    t.b.dsb('nsh');
    t.b.write(t.e(1), leaf(OA_BASE + 0x100000n, true));
    t.b.dsb('ish');
    t.b.emit({ op: 'unpark', cpu: 1 });
    expect(verdict(t.b)).toBe(`tlb-conflict@${t.b.events.length}`);
  });

  it('flags a walk of the writer before its DSB + ISB (S1) and accepts it after', () => {
    for (const [isb, want] of [
      [false, 'walk-unsynchronized'],
      [true, 'clean'],
    ] as const) {
      const b = new Builder('4K', [L0], 0, false);
      const va = b.va(OA_BASE);
      const pte = b.tableFor(va, 3);
      b.write(b.entry(pte, 3, va), leaf(OA_BASE, true));
      b.dsb('ishst');
      if (isb) b.isb();
      b.emit({ op: 'walk', cpu: 0, va });
      expect(verdict(b).split('@')[0]).toBe(want);
    }
  });

  it('flags allocation inside stop_machine() on PREEMPT_RT and reports bad input as such', () => {
    const b = new Builder('4K', [L0], 0, true);
    b.emit({ op: 'stop', cpu: 0 });
    b.alloc(3);
    expect(verdict(b)).toBe('alloc-while-stopped@2');
    const bad = new Builder('4K', [L0], 0, false);
    bad.emit({ op: 'unpark', cpu: 0 });
    expect(verdict(bad)).toBe('bad-input');
  });
});
