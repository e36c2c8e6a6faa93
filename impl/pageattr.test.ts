// pageattr.c: permission changes on vmalloc areas and the linear map, with their splits and flushes.
import { describe, expect, it } from 'vitest';
import { bootAll, fixture, makeConfig } from './testing/setup.ts';
import type { Fixture } from './testing/setup.ts';
import { summarize } from './testing/summary.ts';
import { drawLayout, leafAttrs, leaves, maplets, translate } from './testing/walker.ts';

const PAGE_OFFSET = 0xffff000000000000n;
const G = 1n << 30n;
const M = 1n << 20n;
const PTE_VALID = 1n;
const PTE_RDONLY = 1n << 7n;
const PTE_NG = 1n << 11n;
const PTE_WRITE = 1n << 51n;

function booted(over: Parameters<typeof makeConfig>[1] = {}): Fixture {
  const f = fixture(makeConfig('4K', over));
  bootAll(f);
  return f;
}

function events(f: Fixture, from: number): string[] {
  return summarize(f.m.events.slice(from), f.m.pageSize, new Map([[f.m.rootTable(), 'ROOT']]));
}

/** The descriptor mapping a VA. */
const descAt = (f: Fixture, va: bigint): bigint => translate(f.m, va)?.leaf.desc ?? 0n;

describe('set_memory_ro() on a vmalloc area under rodata=full (4K, BBML2 system)', () => {
  it('splits the linear alias of each backing page and makes both aliases read-only, flushing page by page', () => {
    // Arrange: three pages inside the 1G PUD block ([1G, 2G) VA offset = PA 2G..3G).
    const pages = [2n * G + 0x2345000n, 2n * G + 0x2346000n, 2n * G + 0x10000000n];
    const f = booted();
    const addr = f.run(f.ops.vmalloc(pages));
    expect(addr).not.toBe(0n);
    const linear = (pa: bigint): bigint => pa - G + PAGE_OFFSET;
    const before = maplets(leaves(f.m, PAGE_OFFSET, PAGE_OFFSET + 2n * G));
    const from = f.m.events.length;

    // Act
    expect(f.run(f.ops.set_memory_ro(addr, 3))).toBe(0);

    // Assert: per page: split (the first also splits the PUD block), one PTE write, then
    // flush_tlb_kernel_range of that one page; finally the vmalloc range: 3 PTE writes, 3 TLBIs.
    const ev = events(f, from);
    expect(ev.filter((e) => e === 'tlbi vaale1is').length).toBe(6);
    expect(ev.filter((e) => e.startsWith('alloc')).map((e) => e.split(' ')[2])).toEqual(['L2', 'L3', 'L3']);
    for (const pa of pages) {
      const d = descAt(f, linear(pa));
      expect(d & (PTE_RDONLY | PTE_WRITE)).toBe(PTE_RDONLY);
      expect(translate(f.m, linear(pa))?.leaf.level).toBe(3);
    }
    for (let i = 0n; i < 3n; i++) expect(descAt(f, addr + i * 4096n) & (PTE_RDONLY | PTE_WRITE)).toBe(PTE_RDONLY);
    // The neighbours keep their permissions; only the three pages changed.
    const after = maplets(leaves(f.m, PAGE_OFFSET, PAGE_OFFSET + 2n * G));
    expect(after.filter((m) => (m.attrs & PTE_RDONLY) !== 0n).map((m) => [m.pa, m.size])).toEqual([
      [pages[0], 0x2000n],
      [pages[2], 0x1000n],
    ]);
    expect(after.length).toBe(before.length + 4);
  });

  it('-EINVAL outside a VM_ALLOC area (the linear map itself)', () => {
    const f = booted();
    expect(f.run(f.ops.set_memory_ro(PAGE_OFFSET + 0x42345000n, 1))).toBe(-22);
  });
});

describe('set_direct_map_*_noflush() and set_memory_valid() (v7.1 present-invalid leaves)', () => {
  it('invalid then default: present-invalid PTE, no TLBI from either call', () => {
    const f = booted();
    const page = G + 0x42345000n;
    const va = PAGE_OFFSET + 0x42345000n;
    const from = f.m.events.length;
    expect(f.run(f.ops.set_direct_map_invalid_noflush(page))).toBe(0);
    expect(descAt(f, va) & (PTE_VALID | PTE_NG)).toBe(PTE_NG);
    expect(f.run(f.ops.kernel_page_present(page))).toBe(false);
    expect(f.run(f.ops.set_direct_map_default_noflush(page))).toBe(0);
    expect(descAt(f, va) & (PTE_VALID | PTE_NG | PTE_WRITE | PTE_RDONLY)).toBe(PTE_VALID | PTE_WRITE);
    expect(f.run(f.ops.kernel_page_present(page))).toBe(true);
    expect(events(f, from).filter((e) => e.startsWith('tlbi'))).toEqual([]);
  });

  it('a whole 2M block goes present-invalid and back without a split; enabling does not flush', () => {
    const f = booted();
    const va = PAGE_OFFSET + 0x04200000n; // PMD[33], a CONT block
    const from = f.m.events.length;
    expect(f.run(f.ops.set_memory_valid(va, 512, false))).toBe(0);
    expect(translate(f.m, va)?.leaf.level).toBe(2);
    expect(descAt(f, va) & (PTE_VALID | PTE_NG)).toBe(PTE_NG);
    const mid = f.m.events.length;
    expect(events(f, from).filter((e) => e.startsWith('tlbi'))).toEqual(['tlbi vmalle1is']); // 512 pages: full flush
    expect(f.run(f.ops.set_memory_valid(va, 512, true))).toBe(0);
    expect(descAt(f, va) & (PTE_VALID | PTE_NG)).toBe(PTE_VALID);
    expect(events(f, mid).filter((e) => e.startsWith('tlbi'))).toEqual([]);
  });

  it('splitting a present-invalid block keeps the other pages invalid (15bfba1ad77f)', () => {
    // PMD[33] invalidated whole; then one page of it made valid again: the split produces
    // present-invalid PTEs, and only the requested page becomes valid.
    const f = booted();
    const block = PAGE_OFFSET + 0x04200000n;
    f.run(f.ops.set_memory_valid(block, 512, false));
    expect(f.run(f.ops.set_direct_map_default_noflush(G + 0x04203000n))).toBe(0);
    const ls = leaves(f.m, block, block + 2n * M);
    expect(ls.length).toBe(512);
    expect(ls.filter((l) => (l.desc & PTE_VALID) !== 0n).map((l) => l.va - block)).toEqual([0x3000n]);
    expect(ls.every((l) => (l.desc & PTE_VALID) !== 0n || (l.desc & PTE_NG) !== 0n)).toBe(true);
  });
});

describe('pageattr on partially covered blocks', () => {
  it('v6.18 before finalisation: no split, so the walk meets a partial block: WARN_ON_ONCE and -EINVAL', () => {
    // The realm-guest report behind f12b435de2f2: a page-granular change before caps are final.
    const f = fixture(makeConfig('4K', { variant: 'v6.18' }));
    f.run(f.ops.boot());
    f.run(f.ops.mem_init());
    expect(f.run(f.ops.set_direct_map_invalid_noflush(G + 0x42345000n))).toBe(-22);
    expect(f.m.records.filter((r) => r.kind === 'warn').map((r) => r.kind === 'warn' && r.message)).toEqual([
      'pageattr_pud_entry: (next - addr) != PUD_SIZE',
    ]);
  });

  it('v7.1 in blackout window 1: the split refuses with -EBUSY, update_range_prot warns and skips the walk', () => {
    const f = fixture(makeConfig('4K'));
    f.run(f.ops.boot());
    const from = f.m.events.length;
    expect(f.run(f.ops.set_direct_map_invalid_noflush(G + 0x42345000n))).toBe(-16);
    expect(events(f, from)).toEqual([]);
    expect(f.m.records.filter((r) => r.kind === 'warn').length).toBe(2);
  });

  it('v6.18: an invalidated block is invisible to pmd_sect(), so re-enabling skips it (the bug 15bfba1ad77f fixed)', () => {
    const f = booted({ variant: 'v6.18' });
    const block = PAGE_OFFSET + 0x04200000n;
    f.run(f.ops.set_memory_valid(block, 512, false));
    expect(descAt(f, block) & PTE_VALID).toBe(0n);
    f.run(f.ops.set_memory_valid(block, 512, true));
    expect(descAt(f, block) & PTE_VALID).toBe(0n);
  });

  it('flush_tlb_kernel_range: per-page vaale1is below PTRS_PER_PTE pages, vmalle1is from there on', () => {
    const f = booted();
    const pages = Array.from({ length: 600 }, (_, i) => 2n * G + 0x3000000n + BigInt(i) * 4096n);
    const addr = f.run(f.ops.vmalloc(pages));
    let from = f.m.events.length;
    f.run(f.ops.set_memory_nx(addr, 511));
    expect(events(f, from).filter((e) => e.startsWith('tlbi'))).toEqual(Array(511).fill('tlbi vaale1is'));
    from = f.m.events.length;
    f.run(f.ops.set_memory_nx(addr, 512));
    expect(events(f, from).filter((e) => e.startsWith('tlbi'))).toEqual(['tlbi vmalle1is']);
    expect(drawLayout(f.m, addr, addr + 4096n).length).toBe(1);
    expect(
      leafAttrs(leaves(f.m, addr, addr + 1n)[0] ?? { va: 0n, size: 4096n, level: 3, entry: 0n, desc: 0n, pa: 0n }) &
        (1n << 53n),
    ).not.toBe(0n);
  });
});
