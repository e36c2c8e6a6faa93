#!/usr/bin/env node
/* global console, process */
/**
 * Builds the golden scenario traces under model/scenarios/{good,bad,invalid}/: one `<name>.jsonl`
 * (a `bbm-trace/1` trace) and one `<name>.expected` (the first line `bbm-verify check-trace` must
 * print, or `error at line <L>` for bad input) per scenario, and the scenario table README.md.
 *
 * Written independently of the model's code: every expectation below comes from the documented
 * rules (model/trace/README.md, model/bbm/violations.ts, shared/spec/*), never from running the
 * model. The builder only encodes descriptors, computes table indexes, and numbers events and
 * lines; the expected verdict of each scenario is stated by hand with `t.expect(code)` on the
 * event that must be reported first.
 *
 * Plain Node, no dependencies, no imports from the project. Run from the repository root:
 *   node model/scenarios/build.mjs
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

/** The fixed messages of model/bbm/violations.ts (copied; never rename). */
const MESSAGES = {
  'bbm-valid-to-valid': 'valid-to-valid change that needs break-before-make',
  'bbm-unclean': 'valid entry written while an old translation of the VA may still be cached',
  'size-change-without-bbml2': 'live block-size or contiguous-bit change while a running CPU lacks BBML2 noabort',
  'non-identity-split': 'size change does not preserve the translation of every VA',
  'tlb-conflict': 'a CPU may hold conflicting TLB entries for one VA',
  'cont-misprogrammed': 'contiguous group is misprogrammed',
  'table-linked-before-init': 'table linked before its entries were written and made visible by a DSB',
  'table-freed-while-reachable': 'table page freed while it may still be walked',
  'write-to-non-table': 'store to a page that is not an allocated table page',
  'bad-table-link': 'table descriptor does not link an unlinked table page of the next level',
  'alloc-while-stopped': 'page-table allocation inside stop_machine() on PREEMPT_RT',
};

// ---------------------------------------------------------------------------------------------
// Geometry (48-bit VA, TTBR1): per granule, the level of the root, and per level the VA shift and
// the number of entries; contiguous group sizes (entries) at levels 3 and 2.
// ---------------------------------------------------------------------------------------------
const GEOM = {
  '4K': {
    page: 12n,
    root: 0,
    levels: { 0: [39n, 512n], 1: [30n, 512n], 2: [21n, 512n], 3: [12n, 512n] },
    blockLevels: [1, 2],
    cont: { 2: 16n, 3: 16n },
  },
  '16K': {
    page: 14n,
    root: 0,
    levels: { 0: [47n, 2n], 1: [36n, 2048n], 2: [25n, 2048n], 3: [14n, 2048n] },
    blockLevels: [2],
    cont: { 2: 32n, 3: 128n },
  },
  '64K': {
    page: 16n,
    root: 1,
    levels: { 1: [42n, 64n], 2: [29n, 8192n], 3: [16n, 8192n] },
    blockLevels: [2],
    cont: { 2: 32n, 3: 32n },
  },
};

const bit = (n) => 1n << BigInt(n);
const hex = (v) => '0x' + BigInt(v).toString(16);
const VA_MASK = (1n << 48n) - 1n;
const KiB = 1n << 10n;
const MiB = 1n << 20n;

/** Linear-map VA of a PA (PAGE_OFFSET 0xffff000000000000, memstart 0). */
const LM = (pa) => 0xffff000000000000n + BigInt(pa);
/** A vmalloc/ioremap-area VA (VMALLOC_START-like, 48-bit). */
const VMALLOC = 0xffff800080000000n;

/** Descriptor protections, as option objects for `leaf()`. PAGE_KERNEL: Normal, SH=3, AF, DBM, PXN, UXN. */
const KERNEL = Object.freeze({});
const KERNEL_RO = Object.freeze({ ro: true });
const KERNEL_ROX = Object.freeze({ ro: true, pxn: false });
const DEVICE = Object.freeze({ attr: 4 });

/**
 * Encodes a leaf (page at level 3, block above).
 * Options: attr (AttrIndx, 0 Normal, 1 Tagged, 2 NC, 3 nGnRnE, 4 nGnRE), sh (default 3), ro (AP[2]),
 * dbm (default !ro), af (default true), ng, cont, pxn (default true), uxn (default true).
 */
function encodeLeaf(isPage, oa, o = {}) {
  const ro = o.ro ?? false;
  let v = BigInt(oa) | 1n | (isPage ? 2n : 0n);
  v |= BigInt(o.attr ?? 0) << 2n;
  if (ro) v |= bit(7);
  v |= BigInt(o.sh ?? 3) << 8n;
  if (o.af ?? true) v |= bit(10);
  if (o.ng) v |= bit(11);
  if (o.dbm ?? !ro) v |= bit(51);
  if (o.cont) v |= bit(52);
  if (o.pxn ?? true) v |= bit(53);
  if (o.uxn ?? true) v |= bit(54);
  return v;
}

/** Encodes a table descriptor: kernel style TYPE_TABLE | TABLE_UXN | TABLE_AF (+ TABLE_PXN). */
function encodeTable(next, o = {}) {
  let v = BigInt(next) | 3n;
  if (o.af ?? true) v |= bit(10); // PxD_TABLE_AF, ignored without FEAT_HAFT
  if (o.pxnTable) v |= bit(59);
  if (o.uxnTable ?? true) v |= bit(60);
  return v;
}

const cpu = (id, bbm, noabort) => ({ id, bbm, noabort });

// ---------------------------------------------------------------------------------------------
// A trace under construction.
// ---------------------------------------------------------------------------------------------
class Trace {
  constructor({ granule = '4K', root = 0x80000000n, preempt_rt = false, cpus, header }) {
    this.granule = granule;
    this.g = GEOM[granule];
    this.root = root;
    this.lines = [
      header ?? JSON.stringify({ format: 'bbm-trace/1', granule, va_bits: 48, root: hex(root), preempt_rt, cpus }),
    ];
    this.events = 0;
    this.mark = null;
  }

  // -- geometry
  shift(level) {
    return this.g.levels[level][0];
  }
  size(level) {
    return 1n << this.shift(level);
  }
  index(level, va) {
    const [s, n] = this.g.levels[level];
    return ((BigInt(va) & VA_MASK) >> s) & (n - 1n);
  }
  /** PA of the entry for `va` in the level-`level` table at `table`. */
  ent(table, level, va) {
    return BigInt(table) + 8n * this.index(level, va);
  }
  leaf(level, oa, o = {}) {
    const isPage = level === 3;
    if (!isPage && !this.g.blockLevels.includes(level)) throw new Error(`no blocks at level ${level}`);
    if (BigInt(oa) % this.size(level) !== 0n) throw new Error(`OA ${hex(oa)} not aligned to level ${level}`);
    return encodeLeaf(isPage, oa, o);
  }
  table(next, o = {}) {
    if (BigInt(next) % (1n << this.g.page) !== 0n) throw new Error(`table ${hex(next)} not page aligned`);
    return encodeTable(next, o);
  }

  // -- events
  push(obj) {
    const needsCpu = !['alloc', 'free'].includes(obj.op);
    if (needsCpu !== Number.isInteger(obj.cpu)) throw new Error(`${obj.op}: cpu field ${obj.cpu}`);
    for (const k of ['pa', 'val', 'va', 'size']) {
      if (k in obj && !/^0x[0-9a-f]{1,16}$/.test(obj[k])) throw new Error(`${obj.op}: bad hex ${k}=${obj[k]}`);
    }
    if ('va' in obj && !obj.va.startsWith('0xffff')) throw new Error(`${obj.op}: VA ${obj.va} not TTBR1`);
    this.lines.push(JSON.stringify(obj));
    this.events++;
    this.last = { event: this.events, line: this.lines.length };
    return this;
  }
  raw(text) {
    this.lines.push(text);
    this.events++;
    this.last = { event: this.events, line: this.lines.length };
    return this;
  }
  blank() {
    this.lines.push('');
    return this;
  }
  alloc(pa, level) {
    return this.push({ op: 'alloc', pa: hex(pa), level });
  }
  free(pa) {
    return this.push({ op: 'free', pa: hex(pa) });
  }
  write(c, pa, val, extra = {}) {
    if (BigInt(pa) % 8n !== 0n) throw new Error('unaligned write');
    return this.push({ op: 'write', cpu: c, pa: hex(pa), val: hex(val), ...extra });
  }
  dsb(c, dom, extra = {}) {
    return this.push({ op: 'dsb', cpu: c, dom, ...extra });
  }
  isb(c, extra = {}) {
    return this.push({ op: 'isb', cpu: c, ...extra });
  }
  tlbi(c, kind, va, size, extra = {}) {
    const e = { op: 'tlbi', cpu: c, kind };
    if (va !== undefined) e.va = hex(va);
    if (size !== undefined) e.size = hex(size);
    return this.push({ ...e, ...extra });
  }
  park(c) {
    return this.push({ op: 'park', cpu: c });
  }
  unpark(c) {
    return this.push({ op: 'unpark', cpu: c });
  }
  online(c, bbm, noabort) {
    return this.push({ op: 'online', cpu: c, bbm, noabort });
  }
  stop(c) {
    return this.push({ op: 'stop', cpu: c });
  }
  resume(c) {
    return this.push({ op: 'resume', cpu: c });
  }
  walk(c, va) {
    return this.push({ op: 'walk', cpu: c, va: hex(va) });
  }

  // -- composite helpers
  /** Writes a table descriptor for `va` in the level-`level` table `parent`, linking `child`. */
  link(c, parent, level, va, child, o = {}, extra = {}) {
    return this.write(c, this.ent(parent, level, va), this.table(child, o), extra);
  }
  /** Writes the leaf for `va` (level `level`, in table `table`) mapping `pa`. */
  map(c, table, level, va, pa, o = {}, extra = {}) {
    return this.write(c, this.ent(table, level, va), this.leaf(level, pa, o), extra);
  }
  /** Writes `count` consecutive leaves from `va`/`pa`; `each(i, o)` may override options per entry. */
  mapRange(c, table, level, va, pa, count, o = {}, each = (_i, x) => x) {
    const sz = this.size(level);
    for (let i = 0n; i < BigInt(count); i++) this.map(c, table, level, va + i * sz, pa + i * sz, each(i, o));
    return this;
  }

  // -- verdicts
  /** The event just emitted is the first violation, with this code. */
  expect(code) {
    if (this.mark) throw new Error('two expectations');
    if (!MESSAGES[code]) throw new Error(`unknown code ${code}`);
    this.mark = { code, ...this.last };
    return this;
  }
  /** The line just emitted is bad input. */
  errorHere() {
    if (this.mark) throw new Error('two expectations');
    this.mark = { error: true, line: this.lines.length };
    return this;
  }
  expected() {
    if (!this.mark) return `ok: ${this.events} events`;
    if (this.mark.error) return `error at line ${this.mark.line}`;
    const { code, event, line } = this.mark;
    return `! ${code} at event ${event} (line ${line}): ${MESSAGES[code]}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Kernel-shaped helpers.
// ---------------------------------------------------------------------------------------------

/**
 * `split_pmd()` / `split_pud()`: allocate a table of the next level, fill every entry with the
 * block's prot at consecutive OAs (CONT on aligned groups iff `cont`), `dsb ishst`, then write the
 * table descriptor over the live block (TABLE_PXN iff the block had PXN).
 * Knobs for the bad variants: `child(i, o)` edits a child's options, `step` multiplies the OA
 * step, `dsb: false` drops the DSB, `writer` writes the children, `pxnTable` overrides.
 */
function splitBlock(t, c, opts) {
  const { parent, level, va, pa, table, prot = KERNEL, cont = false, alloc = true, step = 1n, dsb = true } = opts;
  const child = opts.child ?? ((_i, o) => o);
  const writer = opts.writer ?? c;
  const cl = level + 1;
  if (alloc) t.alloc(table, cl);
  const n = t.g.levels[cl][1];
  const sz = t.size(cl);
  for (let i = 0n; i < n; i++) {
    t.write(writer, BigInt(table) + 8n * i, t.leaf(cl, pa + i * sz * step, child(i, { ...prot, cont })));
  }
  if (dsb) t.dsb(c, 'ishst');
  t.link(c, parent, level, va, table, { pxnTable: opts.pxnTable ?? prot.pxn ?? true });
  return t;
}

/**
 * `split_contpte()` / `split_contpmd()` (cont = false), or a live fold (cont = true): rewrite every
 * entry of the group holding `va`, keeping its OA and prot, with the Contiguous bit set to `cont`.
 */
function rewriteGroup(t, c, { table, level, va, pa, prot = KERNEL, cont }) {
  const n = t.g.cont[level];
  const span = n * t.size(level);
  const gva = va - ((va - LM(0)) % span);
  const gpa = pa - (pa % span);
  return t.mapRange(c, table, level, gva, gpa, n, { ...prot, cont });
}

/** `flush_tlb_kernel_range()` of one page: dsb ishst; tlbi vaale1is; dsb ish; isb. */
function flushKernelPage(t, c, va) {
  return t.dsb(c, 'ishst').tlbi(c, 'vaale1is', va).dsb(c, 'ish').isb(c);
}

/** `flush_tlb_all()`: dsb ishst; tlbi vmalle1is; dsb ish; isb. */
function flushAll(t, c = 0) {
  return t.dsb(c, 'ishst').tlbi(c, 'vmalle1is').dsb(c, 'ish').isb(c);
}

/** The secondary's park in `wait_linear_map_split_to_ptes`: reserved TTBR1, local flush. */
function parkSecondary(t, c, { localFlush = true } = {}) {
  t.park(c);
  if (localFlush) t.tlbi(c, 'vmalle1').dsb(c, 'nsh').isb(c);
  return t;
}

// 4K linear map: root (0x80000000, L0) -> L1 (0x80001000) -> L2 (0x80002000) for VA
// 0xffff000040000000.., where L2[k] maps PA 0x40000000 + k * 2M.
const ROOT = 0x80000000n;
const L1_4K = 0x80001000n;
const L2_4K = 0x80002000n;
const PA0 = 0x40000000n;
const pmdPA = (k) => PA0 + BigInt(k) * 2n * MiB;

/**
 * Boot-time 4K linear map: `blocks` PMD blocks at L2[0..], optional PTE table at L2[pte.at]
 * (`pte.n` pages, CONT on whole aligned groups when `pte.cont`), PUD block instead of the L2 table
 * when `pud`. Tables are linked empty first, leaves written after (as `__create_pgd_mapping`),
 * then `dsb ishst; isb`.
 */
function base4k(t, o = {}) {
  const c = o.cpu ?? 0;
  const prot = o.prot ?? KERNEL;
  t.alloc(L1_4K, 1);
  if (o.pud) {
    t.link(c, ROOT, 0, LM(PA0), L1_4K);
    t.map(c, L1_4K, 1, LM(PA0), PA0, prot);
    t.dsb(c, 'ishst').isb(c);
    return t;
  }
  t.alloc(L2_4K, 2);
  if (o.pte) t.alloc(o.pte.table, 3);
  t.link(c, ROOT, 0, LM(PA0), L1_4K);
  t.link(c, L1_4K, 1, LM(PA0), L2_4K);
  const nb = o.blocks ?? 2;
  for (let k = 0; k < nb; k++) t.map(c, L2_4K, 2, LM(pmdPA(k)), pmdPA(k), { ...prot, cont: o.contPmd ?? false });
  if (o.pte) {
    const { at, table, n, cont = false } = o.pte;
    t.link(c, L2_4K, 2, LM(pmdPA(at)), table, { pxnTable: true });
    const pteProt = o.pte.prot ?? prot;
    t.mapRange(c, table, 3, LM(pmdPA(at)), pmdPA(at), n, pteProt, (i, x) => ({
      ...x,
      cont: typeof cont === 'function' ? cont(i) : cont,
    }));
  }
  t.dsb(c, 'ishst').isb(c);
  return t;
}

// ---------------------------------------------------------------------------------------------
// Scenario registry.
// ---------------------------------------------------------------------------------------------
const SCENARIOS = [];
function scenario(kind, name, desc, build) {
  SCENARIOS.push({ kind, name, desc, build });
}

const NOABORT2 = [cpu(0, 2, true), cpu(1, 2, true)];
const L0x2 = [cpu(0, 0, false), cpu(1, 0, false)];
const ASYM = [cpu(0, 2, true), cpu(1, 0, false)]; // boot CPU noabort, secondary level 0

// =============================================================================================
// GOOD
// =============================================================================================

// split_pmd(to_cont) under noabort, the on-demand split of split_kernel_leaf_mapping().
scenario(
  'good',
  'l2-noabort-split-pmd-block-4k',
  'Two noabort CPUs (BBM level 2). `split_pmd(to_cont=true)` of the live 2 MiB block at L2[1]: alloc a PTE table, 512 page writes with CONT on every aligned 16-entry group, `dsb ishst`, then the table descriptor (TABLE_PXN, TABLE_UXN) written straight over the live block. Identity-preserving (B5/RPVTFW), every walker has noabort, stale block entries are compatible under B7. T2 holds (DSB before the link).',
  () => {
    const t = new Trace({ cpus: NOABORT2 });
    base4k(t, { blocks: 2 });
    t.walk(1, LM(pmdPA(1)) + 0x5000n);
    splitBlock(t, 0, { parent: L2_4K, level: 2, va: LM(pmdPA(1)), pa: pmdPA(1), table: 0x80003000n, cont: true });
    t.dsb(0, 'ishst').isb(0);
    return t;
  },
);

scenario(
  'good',
  'l2-noabort-split-pmd-block-l0-parked-4k',
  'Boot CPU 0 noabort, CPU 1 BBM level 0. Same split as `l2-noabort-split-pmd-block-4k`, but inside `stop`/`resume` with CPU 1 parked first (reserved TTBR1, local `tlbi vmalle1` + `dsb nsh`): a parked CPU is not a running walker, so the live size change is allowed (A1, decision 8); its TLB is empty, so nothing conflicts at `unpark`. The split range is flushed (`vaale1is` + `dsb ish`) before CPU 1 resumes.',
  () => {
    const t = new Trace({ cpus: ASYM });
    base4k(t, { blocks: 2 });
    t.stop(0);
    parkSecondary(t, 1);
    splitBlock(t, 0, { parent: L2_4K, level: 2, va: LM(pmdPA(1)), pa: pmdPA(1), table: 0x80003000n, cont: true });
    flushKernelPage(t, 0, LM(pmdPA(1)));
    t.unpark(1).isb(1).resume(0);
    return t;
  },
);

scenario(
  'good',
  'l2-noabort-split-pud-block-4k',
  'Two noabort CPUs. `split_pud(to_cont=true)` of a live 1 GiB PUD block (4K only): a PMD table of 512 2 MiB blocks, CONT on each aligned 16-block (32 MiB) group, `dsb ishst`, table descriptor over the live PUD block. Identity-preserving size change under noabort (B5, B7; RKFLJB level 2).',
  () => {
    const t = new Trace({ cpus: NOABORT2 });
    base4k(t, { pud: true });
    splitBlock(t, 0, { parent: L1_4K, level: 1, va: LM(PA0), pa: PA0, table: L2_4K, cont: true });
    t.dsb(0, 'ishst').isb(0);
    return t;
  },
);

scenario(
  'good',
  'l2-noabort-split-contpte-4k',
  'Two noabort CPUs; L2[4] is a PTE table of 512 CONT pages (as left by an earlier `split_pmd(to_cont)`). `split_contpte()` clears CONT on the 16 entries of the group holding 0xffff000040805000, one by one, with no TLBI (RKHRBC; transient CONT/non-CONT mix allowed under noabort, decision 5); then `set_memory_ro()` of that page and `flush_tlb_kernel_range()`. Events carry an extra `fn` key, which the checker must ignore.',
  () => {
    const t = new Trace({ cpus: NOABORT2 });
    const pte = 0x80003000n;
    base4k(t, { blocks: 4, pte: { at: 4, table: pte, n: 512, cont: true } });
    const va = LM(pmdPA(4)) + 0x5000n;
    const n = t.g.cont[3];
    for (let i = 0n; i < n; i++)
      t.map(0, pte, 3, LM(pmdPA(4)) + i * 4n * KiB, pmdPA(4) + i * 4n * KiB, KERNEL, { fn: 'split_contpte' });
    t.dsb(0, 'ishst', { fn: 'lazy_mmu_mode_disable' }).isb(0, { fn: 'lazy_mmu_mode_disable' });
    t.map(0, pte, 3, va, pmdPA(4) + 0x5000n, KERNEL_RO, { fn: 'pageattr_pte_entry' });
    t.dsb(0, 'ishst', { fn: 'flush_tlb_kernel_range' });
    t.tlbi(0, 'vaale1is', va, undefined, { fn: 'flush_tlb_kernel_range' });
    t.dsb(0, 'ish', { fn: 'flush_tlb_kernel_range' }).isb(0, { fn: 'flush_tlb_kernel_range' });
    return t;
  },
);

scenario(
  'good',
  'l2-noabort-set-memory-ro-page-in-pud-4k',
  'Four noabort CPUs; the whole of `set_memory_ro(0xffff000040123000, 1)` on a linear map held by one 1 GiB PUD block: `split_kernel_leaf_mapping()` splits only at the odd-page start: `split_pud(to_cont)` (512 CONT PMD blocks), `split_contpmd()` of the group holding the address (16 writes), `split_pmd(to_cont)` of L2[0] (512 CONT pages), `split_contpte()` of the group 288..303, lazy-MMU exit (`dsb ishst; isb`); then the pageattr walk writes the page read-only (AP[2]=1, DBM=0) and `flush_tlb_kernel_range()` (`vaale1is`, `dsb ish`, `isb`). Every step is identity-preserving or a permission-only change; the last-level TLBI removes the stale PUD/CONT-PMD/PMD/CONT-PTE entries of the VA (decisions 2, 3).',
  () => {
    const t = new Trace({ cpus: [cpu(0, 2, true), cpu(1, 2, true), cpu(2, 2, true), cpu(3, 2, true)] });
    base4k(t, { pud: true });
    const addr = LM(0x40123000n);
    // split_pud(pudp, pud, GFP_PGTABLE_KERNEL, to_cont = true)
    splitBlock(t, 2, { parent: L1_4K, level: 1, va: LM(PA0), pa: PA0, table: L2_4K, cont: true });
    // split_contpmd(L2[0]): the CONT_PMDS group 0..15
    rewriteGroup(t, 2, { table: L2_4K, level: 2, va: addr, pa: 0x40123000n, cont: false });
    // split_pmd(L2[0], to_cont = true)
    splitBlock(t, 2, { parent: L2_4K, level: 2, va: LM(PA0), pa: PA0, table: 0x80003000n, cont: true });
    // split_contpte(): group of PTE 291 = entries 288..303
    rewriteGroup(t, 2, { table: 0x80003000n, level: 3, va: addr, pa: 0x40123000n, cont: false });
    t.dsb(2, 'ishst').isb(2);
    // update_range_prot(): PTE_RDONLY set, PTE_WRITE cleared, then __change_memory_common's flush
    t.map(2, 0x80003000n, 3, addr, 0x40123000n, KERNEL_RO);
    flushKernelPage(t, 2, addr);
    return t;
  },
);

scenario(
  'good',
  'l2-noabort-fold-contpte-4k',
  'Two noabort CPUs; a live PTE table of 32 plain pages. The first 16 (an aligned 64 KiB group with contiguous, aligned OAs) are folded live by setting CONT entry by entry, then flushed with a range TLBI. A Contiguous flip is allowed live when every walker has noabort (decision 5, RKHRBC) and it preserves every VA (B5); the final group is well programmed (C1).',
  () => {
    const t = new Trace({ cpus: NOABORT2 });
    const pte = 0x80003000n;
    base4k(t, { blocks: 2, pte: { at: 2, table: pte, n: 32 } });
    rewriteGroup(t, 0, { table: pte, level: 3, va: LM(pmdPA(2)), pa: pmdPA(2), cont: true });
    t.dsb(0, 'ishst')
      .tlbi(0, 'rvaale1is', LM(pmdPA(2)), 64n * KiB)
      .dsb(0, 'ish')
      .isb(0);
    return t;
  },
);

scenario(
  'good',
  'l2-noabort-split-pmd-pxntable-only-4k',
  'Two noabort CPUs. `split_pmd(to_cont=false)` where the child pages do NOT carry PXN but the new table descriptor sets PXNTable. The effective permission of every VA (hierarchical PXNTable counted, B5) is still privileged-execute-never, so the split preserves the translation and is accepted.',
  () => {
    const t = new Trace({ cpus: NOABORT2 });
    base4k(t, { blocks: 2 });
    splitBlock(t, 0, {
      parent: L2_4K,
      level: 2,
      va: LM(pmdPA(1)),
      pa: pmdPA(1),
      table: 0x80003000n,
      child: (_i, o) => ({ ...o, pxn: false }),
      pxnTable: true,
    });
    t.dsb(0, 'ishst').isb(0);
    return t;
  },
);

scenario(
  'good',
  'l2-noabort-online-noabort-cpu-then-split-4k',
  'One noabort CPU boots; a second noabort CPU comes `online` (empty TLB) and the first then splits a live PMD block into CONT pages. The late CPU has the capability, so the system keeps using BBML2 (§3.3) and the split is allowed.',
  () => {
    const t = new Trace({ cpus: [cpu(0, 2, true)] });
    base4k(t, { blocks: 2 });
    t.online(1, 2, true);
    splitBlock(t, 0, { parent: L2_4K, level: 2, va: LM(pmdPA(0)), pa: pmdPA(0), table: 0x80003000n, cont: true });
    t.dsb(0, 'ishst').isb(0);
    return t;
  },
);

scenario(
  'good',
  'noabort-unadvertised-bbm0-split-pmd-4k',
  'Both CPUs report BBM level 0 but are on the noabort MIDR list (AmpereOne-like: noabort is a property of the implementation, not of `bbm`; README header and §3.2). A live `split_pmd(to_cont=true)` is therefore allowed: only `noabort` decides size changes.',
  () => {
    const t = new Trace({ cpus: [cpu(0, 0, true), cpu(1, 0, true)] });
    base4k(t, { blocks: 2 });
    splitBlock(t, 0, { parent: L2_4K, level: 2, va: LM(pmdPA(0)), pa: pmdPA(0), table: 0x80003000n, cont: true });
    t.dsb(0, 'ishst').isb(0);
    return t;
  },
);

// 16K: root (L0, 2 entries) 0x80000000 -> L1 0x80004000 -> L2 0x80008000; L2[32 + k] maps
// PA 0x40000000 + k * 32M (VA 0xffff000040000000 = L0 0, L1 0, L2 32).
const L1_16K = 0x80004000n;
const L2_16K = 0x80008000n;
const blk16 = (k) => PA0 + BigInt(k) * 32n * MiB;
function base16k(t, { blocks = 2, contPmd = false, c = 0 } = {}) {
  t.alloc(L1_16K, 1).alloc(L2_16K, 2);
  t.link(c, ROOT, 0, LM(PA0), L1_16K);
  t.link(c, L1_16K, 1, LM(PA0), L2_16K);
  for (let k = 0; k < blocks; k++) t.map(c, L2_16K, 2, LM(blk16(k)), blk16(k), { cont: contPmd });
  t.dsb(c, 'ishst').isb(c);
  return t;
}

scenario(
  'good',
  'l2-noabort-split-pmd-block-16k',
  '16K granule; CPU 0 reports FEAT_BBML3 (`bbm: 3`, read as level 2 + noabort), CPU 1 is level 2 + noabort. `split_pmd(to_cont=true)` of the live 32 MiB block at L2[33]: 2048 pages with CONT on each aligned 128-page (2 MiB) group, `dsb ishst`, table descriptor over the block.',
  () => {
    const t = new Trace({ granule: '16K', cpus: [cpu(0, 3, true), cpu(1, 2, true)] });
    base16k(t, { blocks: 2 });
    splitBlock(t, 0, { parent: L2_16K, level: 2, va: LM(blk16(1)), pa: blk16(1), table: 0x8000c000n, cont: true });
    t.dsb(0, 'ishst').isb(0);
    return t;
  },
);

scenario(
  'good',
  'l2-noabort-split-contpmd-then-pmd-16k',
  '16K granule, two noabort CPUs; the linear map is one CONT-PMD group of 32 blocks (1 GiB) at L2[32..63]. `set_memory_ro(0xffff000040124000, 1)`: `split_contpmd()` (32 writes clearing CONT), `split_pmd(to_cont=true)` of L2[32] (2048 pages, 128-page CONT groups), `split_contpte()` of the group holding PTE 73 (128 writes), lazy-MMU exit, the page made read-only, `flush_tlb_kernel_range()`. The real 16K sequence of §3.2: every write identity-preserving or permission-only.',
  () => {
    const t = new Trace({ granule: '16K', cpus: NOABORT2 });
    base16k(t, { blocks: 32, contPmd: true });
    const addr = LM(0x40124000n);
    rewriteGroup(t, 0, { table: L2_16K, level: 2, va: addr, pa: 0x40124000n, cont: false });
    splitBlock(t, 0, { parent: L2_16K, level: 2, va: LM(PA0), pa: PA0, table: 0x8000c000n, cont: true });
    rewriteGroup(t, 0, { table: 0x8000c000n, level: 3, va: addr, pa: 0x40124000n, cont: false });
    t.dsb(0, 'ishst').isb(0);
    t.map(0, 0x8000c000n, 3, addr, 0x40124000n, KERNEL_RO);
    flushKernelPage(t, 0, addr);
    return t;
  },
);

// 64K: root is level 1 (0x80000000) -> L2 0x80010000; L2[2 + k] maps PA 0x40000000 + k * 512M.
const L2_64K = 0x80010000n;
const blk64 = (k) => PA0 + BigInt(k) * 512n * MiB;
function base64k(t, { blocks = 2, c = 0 } = {}) {
  t.alloc(L2_64K, 2);
  t.link(c, ROOT, 1, LM(PA0), L2_64K);
  for (let k = 0; k < blocks; k++) t.map(c, L2_64K, 2, LM(blk64(k)), blk64(k));
  t.dsb(c, 'ishst').isb(c);
  return t;
}

scenario(
  'good',
  'l2-noabort-split-pmd-block-64k',
  '64K granule (root at level 1), two noabort CPUs. `split_pmd(to_cont=true)` of the live 512 MiB block at L2[2]: 8192 pages with CONT on each aligned 32-page (2 MiB) group, `dsb ishst`, table descriptor over the block.',
  () => {
    const t = new Trace({ granule: '64K', cpus: NOABORT2 });
    base64k(t, { blocks: 2 });
    splitBlock(t, 0, { parent: L2_64K, level: 2, va: LM(blk64(0)), pa: blk64(0), table: 0x80020000n, cont: true });
    t.dsb(0, 'ishst').isb(0);
    return t;
  },
);

/** Level-0 BBM split of the block at L2[1] (4K), per §7.1 "L0". Variants drop or change steps. */
function l0BbmSplit4k(t, v = {}) {
  const va = LM(pmdPA(1));
  const tlbiVa = v.tlbiVa ?? va;
  base4k(t, { blocks: 2 });
  if (v.blankLines) t.blank();
  t.walk(1, va + 0x3000n);
  // build the PTE table offline (plain pages), publish it
  t.alloc(0x80003000n, 3);
  t.mapRange(0, 0x80003000n, 3, va, pmdPA(1), 512, KERNEL);
  t.dsb(0, 'ishst');
  if (v.blankLines) t.blank();
  // break
  t.write(0, t.ent(L2_4K, 2, va), 0n);
  if (v.dsb1 !== false) t.dsb(0, v.dsb1 ?? 'ish');
  if (v.tlbi !== false) t.tlbi(v.tlbiCpu ?? 0, v.tlbiKind ?? 'vaae1is', tlbiVa);
  if (v.dsb2 !== false) t.dsb(v.dsb2Cpu ?? 0, v.dsb2 ?? 'ish');
  if (v.blankLines) t.blank();
  // make
  t.link(0, L2_4K, 2, va, 0x80003000n, { pxnTable: true });
  if (v.bad) t.expect(v.bad);
  t.dsb(0, 'ishst').isb(0);
  return t;
}

scenario(
  'good',
  'l0-bbm-split-pmd-block-4k',
  'Two BBM-level-0 CPUs. The full break-before-make split of a live 2 MiB block (§1.1 RDDMVT, §7.1 L0): PTE table built and `dsb ishst`; block -> invalid; `dsb ish`; `tlbi vaae1is`; `dsb ish`; table descriptor; `dsb ishst`; `isb`. The stale block is gone from every TLB before the pages become visible (B2).',
  () => l0BbmSplit4k(new Trace({ cpus: L0x2 })),
);

scenario(
  'good',
  'l2-abort-bbm-split-pmd-block-blank-lines-4k',
  'Two level-2 CPUs WITHOUT noabort (plain FEAT_BBML2: a conflict abort is still possible, so Linux does not split live). The split is done with full BBM (§7.1: `dsb ishst` after the break, last-level `vaale1is` is enough for a block leaf, decision 2). Blank lines separate the phases: they count as lines but not as events.',
  () =>
    l0BbmSplit4k(new Trace({ cpus: [cpu(0, 2, false), cpu(1, 2, false)] }), {
      blankLines: true,
      dsb1: 'ishst',
      tlbiKind: 'vaale1is',
    }),
);

scenario(
  'good',
  'l1-bbm-split-pmd-block-16k',
  '16K granule, two BBM-level-1 CPUs (no noabort). A level-1 CPU may not change the size live without the nT protocol (decision 6), so the 32 MiB block at L2[33] is split with full BBM: 2048 plain pages built, `dsb ishst`, block -> invalid, `dsb ishst`, `tlbi vaae1is`, `dsb ish`, table descriptor.',
  () => {
    const t = new Trace({ granule: '16K', cpus: [cpu(0, 1, false), cpu(1, 1, false)] });
    base16k(t, { blocks: 2 });
    const va = LM(blk16(1));
    t.alloc(0x8000c000n, 3);
    t.mapRange(0, 0x8000c000n, 3, va, blk16(1), 2048, KERNEL);
    t.dsb(0, 'ishst');
    t.write(0, t.ent(L2_16K, 2, va), 0n)
      .dsb(0, 'ishst')
      .tlbi(0, 'vaae1is', va)
      .dsb(0, 'ish');
    t.link(0, L2_16K, 2, va, 0x8000c000n, { pxnTable: true });
    t.dsb(0, 'ishst').isb(0);
    return t;
  },
);

/** A level-0 collapse of the PTE table at L2[1] (4K, 512 plain pages) into a 2 MiB block. */
function l0Collapse4k(t, flush, bad) {
  const va = LM(pmdPA(1));
  base4k(t, { blocks: 1, pte: { at: 1, table: 0x80003000n, n: 512 } });
  t.write(0, t.ent(L2_4K, 2, va), 0n).dsb(0, 'ishst');
  flush(t, va);
  t.dsb(0, 'ish');
  t.map(0, L2_4K, 2, va, pmdPA(1));
  if (bad) t.expect(bad);
  t.dsb(0, 'ishst').isb(0);
  t.free(0x80003000n);
  return t;
}

scenario(
  'good',
  'l0-bbm-collapse-pte-table-rvaae1is-free-4k',
  'Two level-0 CPUs. A PTE table (512 pages) is collapsed back into a 2 MiB block with BBM: table descriptor -> invalid, `dsb ishst`, `tlbi rvaae1is` over the whole 2 MiB (a non-last-level range TLBI: removes the 512 page entries and the walk-cache entry of the old table, T4), `dsb ish`, block, `dsb ishst`, then the old PTE table is freed (unlinked, no walk-cache entry left: T1).',
  () => l0Collapse4k(new Trace({ cpus: L0x2 }), (t, va) => t.tlbi(0, 'rvaae1is', va, 2n * MiB)),
);

/** ioremap/iounmap then a huge ioremap at the same VA: pmd_free_pte_page() (4K, vmalloc area). */
function vmapHuge4k(t, pgtableFlush, bad) {
  const L1v = 0x80001000n;
  const L2v = 0x80002000n;
  const pte = 0x80003000n;
  const mmio = 0x10000000n;
  t.alloc(L1v, 1).alloc(L2v, 2).alloc(pte, 3);
  t.link(0, ROOT, 0, VMALLOC, L1v);
  t.link(0, L1v, 1, VMALLOC, L2v);
  t.link(0, L2v, 2, VMALLOC, pte);
  // ioremap(0x10000000, 8K)
  t.mapRange(0, pte, 3, VMALLOC, mmio, 2, DEVICE);
  t.dsb(0, 'ishst').isb(0);
  // iounmap(): clear the PTEs, flush_tlb_kernel_range()
  t.write(0, t.ent(pte, 3, VMALLOC), 0n).write(0, t.ent(pte, 3, VMALLOC + 4n * KiB), 0n);
  t.dsb(0, 'ishst')
    .tlbi(0, 'vaale1is', VMALLOC)
    .tlbi(0, 'vaale1is', VMALLOC + 4n * KiB)
    .dsb(0, 'ish')
    .isb(0);
  // ioremap(0x10000000, 2M) -> vmap_try_huge_pmd() -> pmd_free_pte_page(): pmd_clear,
  // __flush_tlb_kernel_pgtable(), pte_free_kernel(); then pmd_set_huge()
  t.write(0, t.ent(L2v, 2, VMALLOC), 0n);
  pgtableFlush(t);
  t.free(pte);
  if (bad) {
    t.expect(bad);
    return t;
  }
  t.map(0, L2v, 2, VMALLOC, mmio, DEVICE);
  t.dsb(0, 'ishst').isb(0);
  return t;
}

scenario(
  'good',
  'l0-vmap-huge-pmd-free-pte-table-vaae1is-4k',
  'Two level-0 CPUs, vmalloc area. `ioremap()` of two device pages, `iounmap()` (clear, `vaale1is` per page, `dsb ish`), then a 2 MiB `ioremap()` at the same VA: `pmd_free_pte_page()` clears the PMD, `__flush_tlb_kernel_pgtable()` (`dsb ishst; tlbi vaae1is; dsb ish`: a non-last-level TLBI removes the walk-cache entry for the table), frees the PTE table (T1 satisfied), then `pmd_set_huge()` writes a device block (no stale entry left: B2).',
  () => vmapHuge4k(new Trace({ cpus: L0x2 }), (t) => t.dsb(0, 'ishst').tlbi(0, 'vaae1is', VMALLOC).dsb(0, 'ish')),
);

scenario(
  'good',
  'l0-free-never-linked-table-4k',
  'Two level-0 CPUs. A PTE table is allocated and partly filled for a split that is then abandoned (error path); it was never linked, so it can be freed at once (T1: "a never-linked table may be freed at once").',
  () => {
    const t = new Trace({ cpus: L0x2 });
    base4k(t, { blocks: 2 });
    t.alloc(0x80003000n, 3);
    t.mapRange(0, 0x80003000n, 3, LM(pmdPA(1)), pmdPA(1), 16, KERNEL);
    t.free(0x80003000n);
    return t;
  },
);

// 64K vmalloc-area mapping: root[32] (L1) -> L2 0x80010000, L2[4] -> L3 0x80020000.
function vmap64k(t) {
  t.alloc(L2_64K, 2).alloc(0x80020000n, 3);
  t.link(0, ROOT, 1, VMALLOC, L2_64K);
  t.link(0, L2_64K, 2, VMALLOC, 0x80020000n);
  t.mapRange(0, 0x80020000n, 3, VMALLOC, 0x48000000n, 4, KERNEL);
  t.dsb(0, 'ishst').isb(0);
  return t;
}

scenario(
  'good',
  'l0-bbm-remap-page-64k',
  '64K granule, two level-0 CPUs, a 4-page vmalloc-style mapping. Page 1 is moved to a new OA with BBM (the `clear_fixmap()`/`set_fixmap()` pattern): PTE -> invalid, `dsb ishst`, `tlbi vaale1is` (a leaf, so last-level is enough), `dsb ish`, new PTE, `dsb ishst`, `isb` (B2, RDDMVT).',
  () => {
    const t = vmap64k(new Trace({ granule: '64K', cpus: L0x2 }));
    const va = VMALLOC + 64n * KiB;
    t.write(0, t.ent(0x80020000n, 3, va), 0n)
      .dsb(0, 'ishst')
      .tlbi(0, 'vaale1is', va)
      .dsb(0, 'ish');
    t.map(0, 0x80020000n, 3, va, 0x50000000n);
    t.dsb(0, 'ishst').isb(0);
    return t;
  },
);

scenario(
  'good',
  'l0-bbm-remap-page-local-tlbi-single-cpu-4k',
  "A single level-0 CPU. A page is remapped with BBM using a LOCAL `tlbi vaale1` completed by `dsb nsh` (a local TLBI is complete after the issuer's DSB NSH, and with one CPU it reaches every TLB). The break is made visible with `dsb ishst` before the TLBI.",
  () => {
    const t = new Trace({ cpus: [cpu(0, 0, false)] });
    base4k(t, { blocks: 1, pte: { at: 1, table: 0x80003000n, n: 16 } });
    const va = LM(pmdPA(1)) + 0x2000n;
    t.write(0, t.ent(0x80003000n, 3, va), 0n)
      .dsb(0, 'ishst')
      .tlbi(0, 'vaale1', va)
      .dsb(0, 'nsh');
    t.map(0, 0x80003000n, 3, va, 0x60000000n);
    t.dsb(0, 'ishst').isb(0);
    return t;
  },
);

/** A 4K page mapping (PTE table at L2[1], 16 pages) with a page remapped through an AF=0 break. */
function af0Remap(t, withTlbi) {
  base4k(t, { blocks: 1, pte: { at: 1, table: 0x80003000n, n: 16 } });
  const va = LM(pmdPA(1)) + 0x3000n;
  t.map(0, 0x80003000n, 3, va, pmdPA(1) + 0x3000n, { af: false });
  t.dsb(0, 'ishst');
  if (withTlbi) t.tlbi(0, 'vaale1is', va).dsb(0, 'ish');
  t.map(0, 0x80003000n, 3, va, 0x60000000n);
  if (!withTlbi) t.expect('bbm-unclean');
  t.dsb(0, 'ishst').isb(0);
  return t;
}

scenario(
  'good',
  'l0-af0-break-remap-page-4k',
  'Two level-0 CPUs, hardware AF off. A page is remapped using AF=0 as the break (decision 12, herd7 `TLBUncacheableTTD`): the live PTE is rewritten with AF=0 (same OA, allowed live), `dsb ishst`, `tlbi vaale1is`, `dsb ish`, then the new OA with AF=1. An AF=0 entry is never cached, so the old translation is gone before the new one appears.',
  () => af0Remap(new Trace({ cpus: L0x2 }), true),
);

/** A 4K PTE table at L2[1] with 16 plain pages, plus `edit` on page 2 and a leaf flush. */
function livePageChange(t, newProt, bad, oldProt = KERNEL) {
  base4k(t, { blocks: 1, pte: { at: 1, table: 0x80003000n, n: 16, prot: oldProt } });
  const va = LM(pmdPA(1)) + 0x2000n;
  const pa = pmdPA(1) + 0x2000n;
  t.map(
    0,
    0x80003000n,
    3,
    va,
    typeof newProt === 'function' ? newProt(pa).pa : pa,
    typeof newProt === 'function' ? newProt(pa).o : newProt,
  );
  if (bad) t.expect(bad);
  flushKernelPage(t, 0, va);
  return t;
}

scenario(
  'good',
  'l0-perm-ro-page-flush-4k',
  'Two level-0 CPUs. `set_memory_ro()` of one page: AP[2] set and DBM cleared on the live PTE (a permission change, allowed valid->valid at every level, §1.3, §2.4), then `flush_tlb_kernel_range()` (make-then-flush, RGPPYH).',
  () => livePageChange(new Trace({ cpus: L0x2 }), KERNEL_RO),
);

scenario(
  'good',
  'l0-perm-set-rox-block-flush-4k',
  'Two level-0 CPUs. A whole 2 MiB block is made read-only and executable (`set_memory_rox()` on a fully covered block: AP[2]=1, DBM=0, PXN 1->0) in place, then `dsb ishst; tlbi vaale1is; dsb ish; isb`. Permissions only: no BBM needed (§1.3).',
  () => {
    const t = new Trace({ cpus: L0x2 });
    base4k(t, { blocks: 2 });
    t.map(0, L2_4K, 2, LM(pmdPA(1)), pmdPA(1), KERNEL_ROX);
    flushKernelPage(t, 0, LM(pmdPA(1)));
    return t;
  },
);

scenario(
  'good',
  'l0-mte-normal-to-tagged-4k',
  'Two level-0 CPUs. A live page goes from AttrIndx 0 (Normal) to 1 (Normal-Tagged) and is flushed. Decision 11: Normal <-> Normal-Tagged is a permission-like change, allowed live (as `pgattr_change_is_safe()` allows it).',
  () => livePageChange(new Trace({ cpus: L0x2 }), { attr: 1 }),
);

scenario(
  'good',
  'l0-ng-global-to-nonglobal-4k',
  'Two level-0 CPUs. A live global page is made non-global (nG 0->1), then flushed with `vaale1is` (all ASIDs). Only nG 1->0 needs BBM (RWHZWS item 4, §1.3, §2.4: "nG 0->1 live + later TLBI").',
  () => livePageChange(new Trace({ cpus: L0x2 }), { ng: true }),
);

scenario(
  'good',
  'l0-cont-full-group-repaint-ro-4k',
  'Two level-0 CPUs; a live PTE table whose first 16 pages form a CONT group. All 16 entries are rewritten read-only one by one with CONT unchanged (RJQQTC: the transient mix of permissions is benign, decision 5), then `dsb ishst; tlbi rvaale1is` over the 64 KiB group; `dsb ish`. At the completing DSB the group is uniform again (C3).',
  () => {
    const t = new Trace({ cpus: L0x2 });
    const pte = 0x80003000n;
    base4k(t, { blocks: 1, pte: { at: 1, table: pte, n: 32, cont: (i) => i < 16n } });
    t.mapRange(0, pte, 3, LM(pmdPA(1)), pmdPA(1), 16, { ...KERNEL_RO, cont: true });
    t.dsb(0, 'ishst')
      .tlbi(0, 'rvaale1is', LM(pmdPA(1)), 64n * KiB)
      .dsb(0, 'ish')
      .isb(0);
    return t;
  },
);

/** Memory hot-add (4K): PMD + PTE tables built offline, then linked at L1[4] (VA ...0100000000). */
function hotplugSubtree(t, withDsb) {
  base4k(t, { blocks: 2 });
  const hpa = 0x100000000n;
  const va = LM(hpa);
  t.alloc(0x80004000n, 2).alloc(0x80005000n, 3);
  t.mapRange(0, 0x80005000n, 3, va, hpa, 512, KERNEL);
  t.link(0, 0x80004000n, 2, va, 0x80005000n, { pxnTable: true });
  if (withDsb) t.dsb(0, 'ishst');
  t.link(0, L1_4K, 1, va, 0x80004000n);
  if (!withDsb) t.expect('table-linked-before-init');
  t.dsb(0, 'ishst').isb(0);
  return t;
}

scenario(
  'good',
  'l0-hotplug-subtree-dsb-then-link-4k',
  'Two level-0 CPUs. Memory hot-add at PA 4 GiB with PTE mappings (NO_BLOCK_MAPPINGS): a PMD table and a PTE table are built off-line (512 pages, then the PMD entry linking the PTE table, which is not yet reachable), `dsb ishst`, and only then the new PMD table is linked into the live L1 table (T2 for the whole subtree).',
  () => hotplugSubtree(new Trace({ cpus: L0x2 }), true),
);

/**
 * linear_map_split_to_ptes() on an asymmetric system (4K): CPU 0 noabort, CPU 1 level 0.
 * Map: L2[0], L2[1] blocks; L2[2] -> PTE table with a CONT group (pages 0..15) and 16 plain pages.
 * Variants: localFlush (the parked CPU's own vmalle1), flush(t) (CPU 0's flush before release).
 */
function repaint4k(t, { localFlush = true, flush = flushAll, bad } = {}) {
  const pte = 0x80003000n;
  base4k(t, { blocks: 2, pte: { at: 2, table: pte, n: 32, cont: (i) => i < 16n } });
  t.stop(0);
  parkSecondary(t, 1, { localFlush });
  // range_split_to_ptes(): split_pmd(to_cont = false) for both blocks, split_contpte for the group
  splitBlock(t, 0, { parent: L2_4K, level: 2, va: LM(pmdPA(0)), pa: pmdPA(0), table: 0x80004000n });
  splitBlock(t, 0, { parent: L2_4K, level: 2, va: LM(pmdPA(1)), pa: pmdPA(1), table: 0x80005000n });
  rewriteGroup(t, 0, { table: pte, level: 3, va: LM(pmdPA(2)), pa: pmdPA(2), cont: false });
  t.dsb(0, 'ishst').isb(0);
  if (flush) flush(t);
  t.unpark(1);
  if (bad) t.expect(bad);
  t.isb(1).resume(0);
  return t;
}

scenario(
  'good',
  'repaint-4k',
  'The asymmetric-system repaint (§5.2): CPU 0 noabort, CPU 1 level 0. `stop`; CPU 1 parks (reserved TTBR1, local `tlbi vmalle1`, `dsb nsh`, `isb`); CPU 0 splits two PMD blocks to plain PTEs (tables allocated inside stop_machine, allowed without PREEMPT_RT) and de-conts a CONT-PTE group, valid->valid size changes allowed because the only non-noabort CPU is parked; `flush_tlb_all()` (`vmalle1is`, `dsb ish`); CPU 1 unparks; `resume` (A1, B6).',
  () => repaint4k(new Trace({ cpus: ASYM })),
);

scenario(
  'good',
  'repaint-4k-no-park-flush-range-flush',
  'Repaint where CPU 1 parks WITHOUT its local `tlbi vmalle1`, so it keeps the old block and CONT entries while parked (a parked CPU fills nothing but keeps what it holds). CPU 0 flushes the whole changed range with one broadcast `tlbi rvaale1is` (6 MiB) + `dsb ish`; broadcast TLBIs reach parked CPUs, so CPU 1 holds nothing stale when it unparks.',
  () =>
    repaint4k(new Trace({ cpus: ASYM }), {
      localFlush: false,
      flush: (t) =>
        t
          .dsb(0, 'ishst')
          .tlbi(0, 'rvaale1is', LM(PA0), 6n * MiB)
          .dsb(0, 'ish')
          .isb(0),
    }),
);

scenario(
  'good',
  'repaint-4k-park-flush-only',
  'Repaint where CPU 1 empties its TLB at park (local `vmalle1` + `dsb nsh`) and CPU 0 never flushes. CPU 1 fills nothing while parked, so it unparks with no stale entry; CPU 0 keeps stale blocks, which are compatible for a noabort CPU (B7). No rule is broken (the kernel still flushes, for B8-style completion that the checker does not judge).',
  () => repaint4k(new Trace({ cpus: ASYM }), { flush: null }),
);

/** A one-block repaint used for the PREEMPT_RT allocation checks. */
function rtRepaint(t, { prealloc = false, bad } = {}) {
  base4k(t, { blocks: 2 });
  if (prealloc) t.alloc(0x80003000n, 3);
  t.stop(0);
  parkSecondary(t, 1);
  if (!prealloc) t.alloc(0x80003000n, 3);
  if (bad) t.expect(bad);
  splitBlock(t, 0, {
    parent: L2_4K,
    level: 2,
    va: LM(pmdPA(0)),
    pa: pmdPA(0),
    table: 0x80003000n,
    alloc: false,
  });
  t.dsb(0, 'ishst').isb(0);
  flushAll(t, 0);
  t.unpark(1).isb(1).resume(0);
  return t;
}

scenario(
  'good',
  'repaint-nonrt-alloc-inside-stop-4k',
  'One-block repaint (CPU 0 noabort, CPU 1 level 0 parked) whose PTE table is allocated inside `stop`/`resume` with GFP_ATOMIC, as upstream does. The header says `preempt_rt: false`, so allocating inside stop_machine() is fine (spec §5.4).',
  () => rtRepaint(new Trace({ cpus: ASYM })),
);

scenario(
  'good',
  'repaint-rt-prealloc-before-stop-4k',
  'The same one-block repaint on PREEMPT_RT (`preempt_rt: true`) with the proposed pre-allocation: the PTE table is allocated before `stop`, and only used inside (spec §5.4, decision 9 `prealloc`).',
  () => rtRepaint(new Trace({ cpus: ASYM, preempt_rt: true }), { prealloc: true }),
);

// =============================================================================================
// BAD
// =============================================================================================

/** The on-demand split of `l2-noabort-split-pmd-block-4k` with a given CPU set. */
function noabortSplit4k(t, v = {}) {
  base4k(t, { blocks: 2 });
  if (v.online) t.online(...v.online);
  splitBlock(t, 0, {
    parent: L2_4K,
    level: 2,
    va: LM(pmdPA(1)),
    pa: pmdPA(1),
    table: 0x80003000n,
    cont: v.cont ?? true,
    ...v.split,
  });
  t.expect(v.bad);
  t.dsb(0, 'ishst').isb(0);
  return t;
}

scenario(
  'bad',
  'l2-noabort-split-pmd-block-l0-running-4k',
  'The `split_pmd(to_cont=true)` of `l2-noabort-split-pmd-block-4k`, but CPU 1 is BBM level 0 and running (not parked). The table descriptor written over the live block is a live size change while a running CPU lacks noabort (B3/B6, RKFLJB).',
  () =>
    noabortSplit4k(new Trace({ cpus: ASYM }), {
      bad: 'size-change-without-bbml2',
    }),
);

scenario(
  'bad',
  'l2-noabort-split-pmd-block-l1-running-4k',
  'The same split with CPU 1 at BBM level 1 (no noabort) and running. Level 1 only allows a size change through the nT protocol, which the kernel never uses (decision 6), so the live block -> table write is flagged (B4/B6).',
  () => noabortSplit4k(new Trace({ cpus: [cpu(0, 2, true), cpu(1, 1, false)] }), { bad: 'size-change-without-bbml2' }),
);

scenario(
  'bad',
  'l2-noabort-split-pud-block-l2-abort-running-4k',
  '`split_pud(to_cont=true)` of a live 1 GiB block while CPU 1 is plain BBM level 2 WITHOUT noabort: level 2 allows the write architecturally but may raise a TLB conflict abort (IHYQMB), which Linux cannot handle (§3.1). Flagged at the PUD table descriptor.',
  () => {
    const t = new Trace({ cpus: [cpu(0, 2, true), cpu(1, 2, false)] });
    base4k(t, { pud: true });
    splitBlock(t, 0, { parent: L1_4K, level: 1, va: LM(PA0), pa: PA0, table: L2_4K, cont: true });
    t.expect('size-change-without-bbml2');
    t.dsb(0, 'ishst').isb(0);
    return t;
  },
);

scenario(
  'bad',
  'l2-noabort-split-contpte-l0-running-4k',
  '`split_contpte()` of a live CONT-PTE group while CPU 1 (BBM level 0) is running. Clearing the Contiguous bit of the first entry is a live Contiguous flip (RKHRBC needs level >= 1; RFCPSG: conflict abort possible without noabort; decision 5), flagged at the first rewrite.',
  () => {
    const t = new Trace({ cpus: ASYM });
    const pte = 0x80003000n;
    base4k(t, { blocks: 4, pte: { at: 4, table: pte, n: 512, cont: true } });
    const n = t.g.cont[3];
    for (let i = 0n; i < n; i++) {
      t.map(0, pte, 3, LM(pmdPA(4)) + i * 4n * KiB, pmdPA(4) + i * 4n * KiB, KERNEL);
      if (i === 0n) t.expect('size-change-without-bbml2');
    }
    t.dsb(0, 'ishst').isb(0);
    return t;
  },
);

scenario(
  'bad',
  'l2-noabort-split-contpte-l1-running-64k',
  '64K granule. `split_contpte()` of a live 32-page CONT group while CPU 1 (BBM level 1, no noabort) is running: the Contiguous flip is allowed by RKHRBC at level 1 but may abort (RFCPSG), and the model requires noabort of every running CPU (decision 5). Flagged at the first rewrite.',
  () => {
    const t = new Trace({ granule: '64K', cpus: [cpu(0, 2, true), cpu(1, 1, false)] });
    const pte = 0x80020000n;
    t.alloc(L2_64K, 2).alloc(pte, 3);
    t.link(0, ROOT, 1, LM(PA0), L2_64K);
    t.link(0, L2_64K, 2, LM(PA0), pte, { pxnTable: true });
    t.mapRange(0, pte, 3, LM(PA0), PA0, 64, { cont: true });
    t.dsb(0, 'ishst').isb(0);
    for (let i = 0n; i < 32n; i++) {
      t.map(0, pte, 3, LM(PA0) + i * 64n * KiB, PA0 + i * 64n * KiB, KERNEL);
      if (i === 0n) t.expect('size-change-without-bbml2');
    }
    t.dsb(0, 'ishst').isb(0);
    return t;
  },
);

scenario(
  'bad',
  'online-l0-cpu-then-split-pmd-4k',
  'One noabort CPU boots; a level-0 CPU without noabort comes `online` (the kernel refuses such a late CPU, §3.3, A1); CPU 0 then splits a live PMD block. The running level-0 CPU makes the table write a forbidden live size change.',
  () =>
    noabortSplit4k(new Trace({ cpus: [cpu(0, 2, true)] }), {
      online: [1, 0, false],
      bad: 'size-change-without-bbml2',
    }),
);

scenario(
  'bad',
  'l0-bbm-missing-tlbi-4k',
  'The level-0 BBM split of `l0-bbm-split-pmd-block-4k` with the TLBI left out (break, `dsb ish`, `dsb ish`, table). Both CPUs may still hold the 2 MiB block when the 4 KiB pages become visible: different sizes are incompatible without noabort (B2, RDDMVT). Flagged at the table descriptor.',
  () => l0BbmSplit4k(new Trace({ cpus: L0x2 }), { tlbi: false, bad: 'bbm-unclean' }),
);

scenario(
  'bad',
  'l0-bbm-missing-dsb-before-tlbi-4k',
  "The level-0 BBM split with the DSB between the break and the TLBI missing: the TLBI may run before the invalid entry is visible to walkers, so a walker may refill the block after it; the model only counts a TLBI issued after the breaking store was followed by the writer's DSB (B2). Flagged at the table descriptor.",
  () => l0BbmSplit4k(new Trace({ cpus: L0x2 }), { dsb1: false, bad: 'bbm-unclean' }),
);

scenario(
  'bad',
  'l0-bbm-missing-dsb-after-tlbi-4k',
  'The level-0 BBM split with the DSB after the TLBI missing: the TLBI is not complete (RDDMVT step 4) when the table is written, so the stale block may still be cached (B2).',
  () => l0BbmSplit4k(new Trace({ cpus: L0x2 }), { dsb2: false, bad: 'bbm-unclean' }),
);

scenario(
  'bad',
  'l0-bbm-local-tlbi-two-cpus-4k',
  'The level-0 BBM split with a LOCAL `tlbi vaae1` + `dsb nsh` on a two-CPU system: the TLBI does not reach CPU 1, which may still hold the block (RDDMVT requires a broadcast TLBI).',
  () => l0BbmSplit4k(new Trace({ cpus: L0x2 }), { tlbiKind: 'vaae1', dsb2: 'nsh', bad: 'bbm-unclean' }),
);

scenario(
  'bad',
  'l0-bbm-dsb-by-other-cpu-4k',
  'The level-0 BBM split where CPU 0 issues `tlbi vaae1is` but the completing `dsb ish` is executed by CPU 1: a TLBI is complete only after a DSB by the issuing PE (§5.4), so the block may still be cached.',
  () => l0BbmSplit4k(new Trace({ cpus: L0x2 }), { dsb2Cpu: 1, bad: 'bbm-unclean' }),
);

scenario(
  'bad',
  'l0-bbm-missing-tlbi-blank-lines-4k',
  'As `l0-bbm-missing-tlbi-4k`, with blank lines between the phases: the violation is the same event, but its line number is shifted by the three blank lines before it.',
  () => l0BbmSplit4k(new Trace({ cpus: L0x2 }), { tlbi: false, blankLines: true, bad: 'bbm-unclean' }),
);

scenario(
  'bad',
  'l0-bbm-tlbi-wrong-va-16k',
  '16K granule, two level-1 CPUs. BBM split of the 32 MiB block at L2[33], but the TLBI names an address in the neighbouring block L2[32]: the by-VA TLBI does not cover the stale block (scope, §5.3), so the new pages appear while it may be cached.',
  () => {
    const t = new Trace({ granule: '16K', cpus: [cpu(0, 1, false), cpu(1, 1, false)] });
    base16k(t, { blocks: 2 });
    const va = LM(blk16(1));
    t.alloc(0x8000c000n, 3);
    t.mapRange(0, 0x8000c000n, 3, va, blk16(1), 2048, KERNEL);
    t.dsb(0, 'ishst');
    t.write(0, t.ent(L2_16K, 2, va), 0n)
      .dsb(0, 'ishst')
      .tlbi(0, 'vaae1is', LM(blk16(0)))
      .dsb(0, 'ish');
    t.link(0, L2_16K, 2, va, 0x8000c000n, { pxnTable: true });
    t.expect('bbm-unclean');
    t.dsb(0, 'ishst').isb(0);
    return t;
  },
);

scenario(
  'bad',
  'l0-bbm-remap-page-missing-tlbi-64k',
  '64K granule. The page remap of `l0-bbm-remap-page-64k` without the TLBI and its `dsb ish` (break, `dsb ishst`, new OA): the old translation may still be cached on either CPU when the new OA appears (B2).',
  () => {
    const t = vmap64k(new Trace({ granule: '64K', cpus: L0x2 }));
    const va = VMALLOC + 64n * KiB;
    t.write(0, t.ent(0x80020000n, 3, va), 0n).dsb(0, 'ishst');
    t.map(0, 0x80020000n, 3, va, 0x50000000n).expect('bbm-unclean');
    t.dsb(0, 'ishst').isb(0);
    return t;
  },
);

scenario(
  'bad',
  'l0-bbm-collapse-pte-table-rvaale1is-4k',
  'The collapse of `l0-bbm-collapse-pte-table-rvaae1is-free-4k` flushed with the LAST-LEVEL range form `rvaale1is`: the 512 page entries go, but last-level TLBIs never remove walk-cache entries (decision 2), so a CPU may still hold the old table pointer for the 2 MiB when the block is written: the old entry was a table, so B2/T4 require a non-last-level TLBI. Flagged at the block write (the free after it would be T1).',
  () => l0Collapse4k(new Trace({ cpus: L0x2 }), (t, va) => t.tlbi(0, 'rvaale1is', va, 2n * MiB), 'bbm-unclean'),
);

scenario(
  'bad',
  'l0-bbm-collapse-pte-table-single-vaae1is-4k',
  'The same collapse flushed with ONE `tlbi vaae1is` at the first VA: it removes the walk-cache entry and the first page, but the other 511 page entries (spans that do not contain that VA) may stay cached, and a 4 KiB page is incompatible with the new 2 MiB block on a level-0 CPU. Flagged at the block write.',
  () => l0Collapse4k(new Trace({ cpus: L0x2 }), (t, va) => t.tlbi(0, 'vaae1is', va), 'bbm-unclean'),
);

scenario(
  'bad',
  'l0-af0-break-no-tlbi-4k',
  'The AF=0 break of `l0-af0-break-remap-page-4k` without the TLBI: writing AF=0 stops new fills, but a CPU may still hold the old AF=1 translation (decision 12 needs the TLBI + DSB) when the new OA appears.',
  () => af0Remap(new Trace({ cpus: L0x2 }), false),
);

/**
 * CPU 1 (level 0) parked WITHOUT a local flush; CPU 0 remaps a page to a new OA with BBM using
 * only LOCAL TLBIs; then, or not, a broadcast flush before CPU 1 resumes.
 */
function parkedRemap(t, { broadcastFlush }) {
  base4k(t, { blocks: 1, pte: { at: 1, table: 0x80003000n, n: 16 } });
  const va = LM(pmdPA(1)) + 0x4000n;
  t.stop(0);
  parkSecondary(t, 1, { localFlush: false });
  t.write(0, t.ent(0x80003000n, 3, va), 0n)
    .dsb(0, 'ishst')
    .tlbi(0, 'vaale1', va)
    .dsb(0, 'nsh');
  t.map(0, 0x80003000n, 3, va, 0x60000000n);
  t.dsb(0, 'ishst').isb(0);
  if (broadcastFlush) flushAll(t, 0);
  t.unpark(1);
  if (!broadcastFlush) t.expect('tlb-conflict');
  t.isb(1).resume(0);
  return t;
}

scenario(
  'good',
  'parked-cpu-remap-local-tlbi-then-broadcast-flush-4k',
  'CPU 0 noabort, CPU 1 level 0 parked inside `stop` WITHOUT a local flush, so it keeps the old translation of a page. CPU 0 remaps that page to a new OA with BBM using only a LOCAL `tlbi vaale1` + `dsb nsh` (enough for its own TLB; the parked CPU walks nothing), then `flush_tlb_all()` (`vmalle1is`, `dsb ish`) before CPU 1 unparks. A parked CPU is judged when it resumes, and by then the broadcast flush has removed its stale entry: clean.',
  () => parkedRemap(new Trace({ cpus: ASYM }), { broadcastFlush: true }),
);

scenario(
  'bad',
  'parked-cpu-remap-local-tlbi-no-flush-4k',
  'The same remap with no broadcast flush before `unpark`: CPU 0 relied on local TLBIs only, assuming the parked CPU does not matter. CPU 1 kept the old-OA translation while parked (a parked CPU keeps what it held) and resumes walking while holding it; an OA change is incompatible on every CPU (B6, IHYQMB). Flagged at `unpark`.',
  () => parkedRemap(new Trace({ cpus: ASYM }), { broadcastFlush: false }),
);

scenario(
  'bad',
  'l0-oa-change-valid-to-valid-4k',
  'Two level-0 CPUs. A live writable page is rewritten to a different OA in one store (no break): RWHZWS item 2 / B1, forbidden at every BBM level.',
  () => livePageChange(new Trace({ cpus: L0x2 }), (pa) => ({ pa: pa + 16n * MiB, o: KERNEL }), 'bbm-valid-to-valid'),
);

scenario(
  'bad',
  'l0-normal-to-device-valid-to-valid-4k',
  'Two noabort CPUs. A live Normal page becomes Device-nGnRE (AttrIndx 0 -> 4) in one store: a memory-type change needs BBM at every level, noabort included (RWHZWS item 1, B1; `TTD-MT-update`).',
  () => livePageChange(new Trace({ cpus: NOABORT2 }), DEVICE, 'bbm-valid-to-valid'),
);

scenario(
  'bad',
  'l0-normal-to-noncacheable-valid-to-valid-4k',
  'Two level-0 CPUs. A live Normal write-back page becomes Normal non-cacheable (AttrIndx 0 -> 2, e.g. a DMA-coherent remap done in place): a cacheability change needs BBM (RWHZWS item 1, decision 11).',
  () => livePageChange(new Trace({ cpus: L0x2 }), { attr: 2 }, 'bbm-valid-to-valid'),
);

scenario(
  'bad',
  'l0-ng-nonglobal-to-global-4k',
  'Two level-0 CPUs; the page table was built with nG=1 (KPTI). One live page is rewritten global (nG 1->0): creating a global entry that may overlap non-global TLB entries needs BBM (RWHZWS item 4, `pgattr_change_is_safe()` "Non-Global to Global").',
  () => livePageChange(new Trace({ cpus: L0x2 }), KERNEL, 'bbm-valid-to-valid', { ng: true }),
);

scenario(
  'bad',
  'l0-table-repoint-valid-to-valid-4k',
  'Two level-0 CPUs. A live table descriptor (L2[1] -> PTE table A) is rewritten in one store to point at a freshly built, DSB-published copy B: a valid->valid change of the next-table address (B1), which needs BBM even though B holds the same translations.',
  () => {
    const t = new Trace({ cpus: L0x2 });
    base4k(t, { blocks: 1, pte: { at: 1, table: 0x80003000n, n: 512 } });
    t.alloc(0x80004000n, 3);
    t.mapRange(0, 0x80004000n, 3, LM(pmdPA(1)), pmdPA(1), 512, KERNEL);
    t.dsb(0, 'ishst');
    t.link(0, L2_4K, 2, LM(pmdPA(1)), 0x80004000n, { pxnTable: true }).expect('bbm-valid-to-valid');
    t.dsb(0, 'ishst').isb(0);
    return t;
  },
);

/** A live, linked, empty PTE table at L2[2] (4K), into which a new CONT group is mapped. */
function contGroupNew(t, pageOf, bad, { prefixPlain = 0 } = {}) {
  base4k(t, { blocks: 2, pte: { at: 2, table: 0x80003000n, n: 0 } });
  const va0 = LM(pmdPA(2));
  for (let i = 0n; i < BigInt(prefixPlain); i++) t.map(0, 0x80003000n, 3, va0 + i * 4n * KiB, pmdPA(2) + i * 4n * KiB);
  if (prefixPlain) t.dsb(0, 'ishst');
  for (let i = BigInt(prefixPlain); i < 16n; i++) {
    const { pa, bad: here } = pageOf(i);
    t.map(0, 0x80003000n, 3, va0 + i * 4n * KiB, pa, { cont: true });
    if (here) t.expect(bad);
  }
  t.dsb(0, 'ishst').isb(0);
  return t;
}

scenario(
  'bad',
  'cont-pte-one-oa-wrong-4k',
  'Two noabort CPUs. A new CONT-PTE group is written into a live PTE table; entry 5 maps base + 0x15000 instead of base + 0x5000. Valid Contiguous entries of one group disagree on OA (C1, RNGLXZ), flagged when entry 5 is written.',
  () =>
    contGroupNew(
      new Trace({ cpus: NOABORT2 }),
      (i) => (i === 5n ? { pa: pmdPA(2) + 0x15000n, bad: true } : { pa: pmdPA(2) + i * 4n * KiB }),
      'cont-misprogrammed',
    ),
);

scenario(
  'bad',
  'cont-pte-misaligned-base-4k',
  'Two level-0 CPUs. A new CONT-PTE group whose OAs are consecutive but start at PA 0x40401000, not aligned to the 64 KiB group (C1: "entry i maps base + i x size, base aligned to the group"; `alloc_init_cont_pte()` only sets CONT when phys is aligned). Flagged at the first entry.',
  () =>
    contGroupNew(
      new Trace({ cpus: L0x2 }),
      (i) => ({ pa: pmdPA(2) + 0x1000n + i * 4n * KiB, bad: i === 0n }),
      'cont-misprogrammed',
    ),
);

scenario(
  'bad',
  'cont-pte-mixed-noncont-l0-4k',
  "Two level-0 CPUs. The first four pages of an aligned group are already mapped without CONT; a later mapping then writes pages 4..15 with CONT (what Ard Biesheuvel's `pte_range_has_valid_noncont()` check prevents). A valid non-Contiguous entry beside Contiguous ones while a running CPU lacks noabort (C1 at level 0, RNGLXZ), flagged at page 4.",
  () =>
    contGroupNew(
      new Trace({ cpus: L0x2 }),
      (i) => ({ pa: pmdPA(2) + i * 4n * KiB, bad: i === 4n }),
      'cont-misprogrammed',
      { prefixPlain: 4 },
    ),
);

scenario(
  'bad',
  'cont-pte-partial-repaint-flush-4k',
  'Two noabort CPUs; a live CONT-PTE group of 16 pages. Only pages 0..7 are made read-only (CONT kept), then `dsb ishst; tlbi rvaale1is` over them; the `dsb ish` that completes the TLBI finds permissions still differing inside the group: a partial repaint (C3, RJQQTC; the SUT must unfold first). Flagged at that DSB.',
  () => {
    const t = new Trace({ cpus: NOABORT2 });
    const pte = 0x80003000n;
    base4k(t, { blocks: 1, pte: { at: 1, table: pte, n: 32, cont: (i) => i < 16n } });
    t.mapRange(0, pte, 3, LM(pmdPA(1)), pmdPA(1), 8, { ...KERNEL_RO, cont: true });
    t.dsb(0, 'ishst')
      .tlbi(0, 'rvaale1is', LM(pmdPA(1)), 32n * KiB)
      .dsb(0, 'ish')
      .expect('cont-misprogrammed');
    t.isb(0);
    return t;
  },
);

scenario(
  'bad',
  'split-pmd-wrong-pfn-step-4k',
  'Two noabort CPUs. `split_pmd(to_cont=false)` whose child PTEs step the pfn by 2 (entry i maps block PA + i x 8 KiB): most VAs of the old block change OA, so the live size change is not identity-preserving (B5, RPVTFW). Flagged at the table descriptor.',
  () => noabortSplit4k(new Trace({ cpus: NOABORT2 }), { cont: false, split: { step: 2n }, bad: 'non-identity-split' }),
);

scenario(
  'bad',
  'split-pmd-missing-pxn-4k',
  'Two noabort CPUs. `split_pmd(to_cont=false)` of a PXN block where the child PTEs lose PXN and the table descriptor has no PXNTable (the mirror of `PMD_SECT_PXN` into `PMD_TABLE_PXN` forgotten): every VA becomes privileged-executable, a permission change during a size change (B5, decision 1).',
  () =>
    noabortSplit4k(new Trace({ cpus: NOABORT2 }), {
      cont: false,
      split: { child: (_i, o) => ({ ...o, pxn: false }), pxnTable: false },
      bad: 'non-identity-split',
    }),
);

scenario(
  'bad',
  'split-pmd-children-readonly-4k',
  'Two noabort CPUs. A split that also changes permissions: the child PTEs are written read-only (AP[2]=1, DBM=0) while the block was read-write. Under the strict default of decision 1 a split must keep permissions (B5).',
  () =>
    noabortSplit4k(new Trace({ cpus: NOABORT2 }), {
      cont: false,
      split: { child: (_i, o) => ({ ...o, ...KERNEL_RO }) },
      bad: 'non-identity-split',
    }),
);

scenario(
  'bad',
  'split-pmd-children-af0-4k',
  'Two noabort CPUs. `split_pmd(to_cont=false)` whose child PTEs have AF=0 (built from a prot without PTE_AF): accesses would now take Access-flag faults, so AF is not preserved (B5: "AF=1 must be kept on every new leaf").',
  () =>
    noabortSplit4k(new Trace({ cpus: NOABORT2 }), {
      cont: false,
      split: { child: (_i, o) => ({ ...o, af: false }) },
      bad: 'non-identity-split',
    }),
);

scenario(
  'bad',
  't2-split-pmd-missing-dsb-4k',
  'Two noabort CPUs. `split_pmd(to_cont=true)` without the `dsb(ishst)` between filling the PTE table and `__pmd_populate()`: the table is published while its 512 stores are not yet ordered (T2, §1.4).',
  () => noabortSplit4k(new Trace({ cpus: NOABORT2 }), { split: { dsb: false }, bad: 'table-linked-before-init' }),
);

scenario(
  'bad',
  't2-split-pmd-dsb-by-other-cpu-4k',
  "Two noabort CPUs. CPU 1 fills the new PTE table; CPU 0 executes the `dsb ishst` and writes the table descriptor. A DSB orders only its own CPU's stores, so CPU 1's stores are not yet made visible when the table is linked (T2).",
  () => noabortSplit4k(new Trace({ cpus: NOABORT2 }), { split: { writer: 1 }, bad: 'table-linked-before-init' }),
);

scenario(
  'bad',
  't2-hotplug-subtree-no-dsb-4k',
  'The hot-add of `l0-hotplug-subtree-dsb-then-link-4k` without the DSB before linking the new PMD table into the live L1 table: the linked subtree (PMD table and the PTE table under it) holds stores not yet followed by a DSB (T2).',
  () => hotplugSubtree(new Trace({ cpus: L0x2 }), false),
);

scenario(
  'bad',
  't2-split-pmd-publish-empty-table-4k',
  'Two noabort CPUs. A "split" that links the freshly allocated (zeroed) PTE table over the live 2M block first and fills it afterwards: the table is published before its entries are written, so every VA of the block faults or is refilled from nothing (T2, `split_pmd()` fills, then `dsb(ishst)`, then populates).',
  () => {
    const t = new Trace({ cpus: NOABORT2 });
    base4k(t, { blocks: 2 });
    t.alloc(0x80003000n, 3);
    t.dsb(0, 'ishst');
    t.link(0, L2_4K, 2, LM(pmdPA(1)), 0x80003000n, { pxnTable: true });
    t.expect('table-linked-before-init');
    return t;
  },
);

scenario(
  'bad',
  't1-free-linked-pte-table-4k',
  'Two level-0 CPUs. A PTE table that is still linked from L2[1] is freed (no unlink, no TLBI): it is reachable from the root (T1, Casemate "can\'t free location which is currently a PTE").',
  () => {
    const t = new Trace({ cpus: L0x2 });
    base4k(t, { blocks: 1, pte: { at: 1, table: 0x80003000n, n: 16 } });
    t.free(0x80003000n).expect('table-freed-while-reachable');
    return t;
  },
);

scenario(
  'bad',
  't1-vmap-huge-pmd-vaale1is-free-4k',
  '`pmd_free_pte_page()` of `l0-vmap-huge-pmd-free-pte-table-vaae1is-4k` with a LAST-LEVEL `tlbi vaale1is` in the page-table flush: last-level TLBIs never remove walk-cache entries (decision 2), so a CPU may still hold the pointer to the PTE table when it is freed (T1, RRVJDB).',
  () =>
    vmapHuge4k(
      new Trace({ cpus: L0x2 }),
      (t) => t.dsb(0, 'ishst').tlbi(0, 'vaale1is', VMALLOC).dsb(0, 'ish'),
      'table-freed-while-reachable',
    ),
);

scenario(
  'bad',
  't1-unlink-vaae1is-no-dsb-free-4k',
  'The same `pmd_free_pte_page()` with the right `tlbi vaae1is` but only `dsb ishst` after it: the TLBI is not complete (ST forms complete no TLBI), so the walk-cache entry may still be held when the table is freed (T1).',
  () =>
    vmapHuge4k(
      new Trace({ cpus: L0x2 }),
      (t) => t.dsb(0, 'ishst').tlbi(0, 'vaae1is', VMALLOC).dsb(0, 'ishst'),
      'table-freed-while-reachable',
    ),
);

scenario(
  'bad',
  'repaint-4k-no-flush',
  "The repaint of `repaint-4k` with no flush of CPU 1's TLB at all: no local `tlbi vmalle1` at park and no `flush_tlb_all()` before release. CPU 1 (level 0) kept the 2 MiB blocks and the CONT-PTE entries while parked and resumes walking a table of plain 4 KiB pages: flagged at `unpark` (B6/B7, IHYQMB).",
  () => repaint4k(new Trace({ cpus: ASYM }), { localFlush: false, flush: null, bad: 'tlb-conflict' }),
);

scenario(
  'bad',
  'repaint-4k-flush-dsb-ishst',
  "The repaint with CPU 1 parked without its local flush, and CPU 0's `tlbi vmalle1is` followed by `dsb ishst` instead of `dsb ish`: the ST form completes no TLBI, so CPU 1 may still hold the old entries at `unpark`.",
  () =>
    repaint4k(new Trace({ cpus: ASYM }), {
      localFlush: false,
      flush: (t) => t.dsb(0, 'ishst').tlbi(0, 'vmalle1is').dsb(0, 'ishst').isb(0),
      bad: 'tlb-conflict',
    }),
);

scenario(
  'bad',
  'repaint-4k-range-flush-misses-contpte',
  'The repaint with CPU 1 parked without its local flush and CPU 0 flushing with `tlbi rvaale1is` over only 4 MiB (the two split blocks): the de-conted CONT-PTE group at 0xffff000040400000 is outside the range, so CPU 1 may still hold its 64 KiB contiguous entry, incompatible with the plain pages for a level-0 CPU. Flagged at `unpark`.',
  () =>
    repaint4k(new Trace({ cpus: ASYM }), {
      localFlush: false,
      flush: (t) =>
        t
          .dsb(0, 'ishst')
          .tlbi(0, 'rvaale1is', LM(PA0), 4n * MiB)
          .dsb(0, 'ish')
          .isb(0),
      bad: 'tlb-conflict',
    }),
);

scenario(
  'bad',
  'repaint-rt-alloc-inside-stop-4k',
  "The one-block repaint of `repaint-nonrt-alloc-inside-stop-4k` with `preempt_rt: true`: upstream's GFP_ATOMIC allocation inside stop_machine() may sleep on PREEMPT_RT (spec §5.4). Flagged at the `alloc`.",
  () => rtRepaint(new Trace({ cpus: ASYM, preempt_rt: true }), { bad: 'alloc-while-stopped' }),
);

scenario(
  'bad',
  'write-to-freed-table-4k',
  'Two level-0 CPUs. A PTE table is built for a split that is abandoned and freed (legal: never linked), but the code then keeps writing through the stale pointer: a store to a page that is no longer a table page.',
  () => {
    const t = new Trace({ cpus: L0x2 });
    base4k(t, { blocks: 2 });
    t.alloc(0x80003000n, 3);
    t.mapRange(0, 0x80003000n, 3, LM(pmdPA(1)), pmdPA(1), 8, KERNEL);
    t.free(0x80003000n);
    t.map(0, 0x80003000n, 3, LM(pmdPA(1)) + 8n * 4n * KiB, pmdPA(1) + 8n * 4n * KiB).expect('write-to-non-table');
    return t;
  },
);

scenario(
  'bad',
  'write-to-data-page-4k',
  'Two level-0 CPUs. A descriptor store lands in ordinary memory (PA 0x40000010, inside the block-mapped data at PA 0x40000000, e.g. a PTE pointer computed from the wrong pfn): no allocated table page holds that PA.',
  () => {
    const t = new Trace({ cpus: L0x2 });
    base4k(t, { blocks: 2 });
    t.write(0, 0x40000010n, t.leaf(3, 0x40002000n)).expect('write-to-non-table');
    t.dsb(0, 'ishst');
    return t;
  },
);

scenario(
  'bad',
  'link-non-table-page-4k',
  'Two level-0 CPUs. A table descriptor at the empty L2[2] points at PA 0x80009000, which was never allocated as a table page (RRVJDB).',
  () => {
    const t = new Trace({ cpus: L0x2 });
    base4k(t, { blocks: 2 });
    t.link(0, L2_4K, 2, LM(pmdPA(2)), 0x80009000n, { pxnTable: true }).expect('bad-table-link');
    t.dsb(0, 'ishst');
    return t;
  },
);

scenario(
  'bad',
  'link-table-twice-4k',
  'Two level-0 CPUs. The PTE table already linked at L2[1] is also linked at the empty L2[2]: one table page used twice (Casemate "double-use pte").',
  () => {
    const t = new Trace({ cpus: L0x2 });
    base4k(t, { blocks: 1, pte: { at: 1, table: 0x80003000n, n: 16 } });
    t.link(0, L2_4K, 2, LM(pmdPA(2)), 0x80003000n, { pxnTable: true }).expect('bad-table-link');
    t.dsb(0, 'ishst');
    return t;
  },
);

scenario(
  'bad',
  'link-wrong-level-table-4k',
  'Two level-0 CPUs. A page allocated as a level-3 (PTE) table is linked from a level-1 entry, whose next level is 2: the walker would read PTEs as PMD entries.',
  () => {
    const t = new Trace({ cpus: L0x2 });
    base4k(t, { blocks: 2 });
    t.alloc(0x80003000n, 3);
    t.link(0, L1_4K, 1, LM(0x80000000n), 0x80003000n).expect('bad-table-link');
    t.dsb(0, 'ishst');
    return t;
  },
);

scenario(
  'bad',
  'link-freed-table-4k',
  'Two level-0 CPUs. A PTE table is built, freed (never linked: legal), and then linked anyway at L2[2]: the descriptor points at a page that is no longer a table page.',
  () => {
    const t = new Trace({ cpus: L0x2 });
    base4k(t, { blocks: 2 });
    t.alloc(0x80003000n, 3);
    t.mapRange(0, 0x80003000n, 3, LM(pmdPA(2)), pmdPA(2), 4, KERNEL);
    t.dsb(0, 'ishst');
    t.free(0x80003000n);
    t.link(0, L2_4K, 2, LM(pmdPA(2)), 0x80003000n, { pxnTable: true }).expect('bad-table-link');
    t.dsb(0, 'ishst');
    return t;
  },
);

// =============================================================================================
// INVALID (bad input: exit 2, `bbm-verify: line <L>: <reason>`)
// =============================================================================================

/** A short valid prefix: L1 table allocated and linked from the root (events 1-3). */
function invalidPrefix(t) {
  t.alloc(L1_4K, 1);
  t.link(0, ROOT, 0, LM(PA0), L1_4K);
  t.dsb(0, 'ishst');
  return t;
}
const L1ENT = 0x80001008n; // L1[1] for VA 0xffff000040000000
const GOODVAL = hex(encodeLeaf(false, PA0)); // a 1 GiB kernel block at PA 0x40000000
const hdr = (over) =>
  JSON.stringify({
    format: 'bbm-trace/1',
    granule: '4K',
    va_bits: 48,
    root: '0x80000000',
    preempt_rt: false,
    cpus: [cpu(0, 2, true), cpu(1, 0, false)],
    ...over,
  });

function invalid(name, desc, badLine, { header, before = true, blankBefore = 0 } = {}) {
  scenario('invalid', name, desc, () => {
    const t = new Trace({ cpus: [cpu(0, 2, true), cpu(1, 0, false)], header });
    if (header) {
      t.errorHere();
      invalidPrefix(t);
      return t;
    }
    if (before) invalidPrefix(t);
    for (let i = 0; i < blankBefore; i++) t.blank();
    t.raw(badLine).errorHere();
    t.dsb(0, 'ish');
    return t;
  });
}

invalid(
  'malformed-json',
  'Line 5 is a truncated JSON object (closing brace missing).',
  `{"op":"write","cpu":0,"pa":"${hex(L1ENT)}","val":"${GOODVAL}"`,
);
invalid(
  'unknown-op',
  'Line 6, after a blank line, has `"op":"flush"`, which is not an op of the format (the blank line counts).',
  '{"op":"flush","cpu":0}',
  { blankBefore: 1 },
);
invalid(
  'unknown-tlbi-kind',
  "A TLBI of kind `alle1is` (an EL2 operation, not in the format's list).",
  '{"op":"tlbi","cpu":0,"kind":"alle1is"}',
);
invalid(
  'unknown-dsb-domain',
  'A `dsb` with domain `osh`, which the format does not define.',
  '{"op":"dsb","cpu":0,"dom":"osh"}',
);
invalid(
  'hex-17-digits',
  'A descriptor value of 17 hex digits (0x10068000040000701, more than 64 bits).',
  `{"op":"write","cpu":0,"pa":"${hex(L1ENT)}","val":"0x1${GOODVAL.slice(2).padStart(16, '0')}"}`,
);
invalid(
  'hex-without-prefix',
  'A descriptor value written without the `0x` prefix.',
  `{"op":"write","cpu":0,"pa":"${hex(L1ENT)}","val":"${GOODVAL.slice(2)}"}`,
);
invalid(
  'unaligned-write-pa',
  'A `write` to PA 0x8000100c, not 8-byte aligned.',
  `{"op":"write","cpu":0,"pa":"0x8000100c","val":"${GOODVAL}"}`,
);
invalid(
  'unaligned-alloc-pa',
  'An `alloc` of PA 0x80002800, not aligned to the 4 KiB page.',
  '{"op":"alloc","pa":"0x80002800","level":2}',
);
invalid(
  'pa-above-48-bits',
  'A `write` to PA 0x1000080001008 (49 bits; PAs are below 2^48).',
  `{"op":"write","cpu":0,"pa":"0x1000080001008","val":"${GOODVAL}"}`,
);
invalid(
  'unknown-cpu',
  'A `dsb` executed by CPU 5, which is neither in the header nor brought `online`.',
  '{"op":"dsb","cpu":5,"dom":"ish"}',
);
invalid('missing-field', 'A `write` without its `val` field.', `{"op":"write","cpu":0,"pa":"${hex(L1ENT)}"}`);
invalid(
  'wrong-field-type',
  'A `write` whose `cpu` is the string "0" instead of a number.',
  `{"op":"write","cpu":"0","pa":"${hex(L1ENT)}","val":"${GOODVAL}"}`,
);
invalid(
  'range-tlbi-missing-size',
  'A range TLBI `rvaale1is` with a `va` but no `size`.',
  '{"op":"tlbi","cpu":0,"kind":"rvaale1is","va":"0xffff000040000000"}',
);
invalid(
  'va-not-ttbr1',
  'A `tlbi vaale1is` of VA 0x40000000, a TTBR0 (user) address: VAs must be 0xffff....',
  '{"op":"tlbi","cpu":0,"kind":"vaale1is","va":"0x40000000"}',
);
invalid(
  'alloc-existing-table',
  'An `alloc` of the root page, which is already a table page.',
  '{"op":"alloc","pa":"0x80000000","level":0}',
);
invalid(
  'free-non-table',
  'A `free` of PA 0x80005000, which was never allocated as a table page.',
  '{"op":"free","pa":"0x80005000"}',
);
invalid('unpark-running-cpu', 'An `unpark` of CPU 1, which is running (never parked).', '{"op":"unpark","cpu":1}');
invalid('bad-header-format', 'The header says `"format":"bbm-trace/2"`.', '', {
  header: hdr({ format: 'bbm-trace/2' }),
});
invalid('bad-header-granule', 'The header says `"granule":"8K"`.', '', { header: hdr({ granule: '8K' }) });
invalid('bad-header-va-bits', 'The header says `"va_bits":39`; the format is defined for 48-bit VAs only.', '', {
  header: hdr({ va_bits: 39 }),
});
invalid('bad-header-bbm-level', 'A CPU of the header has `"bbm":4`.', '', {
  header: hdr({ cpus: [cpu(0, 4, true), cpu(1, 0, false)] }),
});

// ---------------------------------------------------------------------------------------------
// Emit.
// ---------------------------------------------------------------------------------------------
const names = new Set();
for (const kind of ['good', 'bad', 'invalid']) rmSync(join(HERE, kind), { recursive: true, force: true });
const rows = { good: [], bad: [], invalid: [] };
for (const s of SCENARIOS) {
  if (names.has(s.name)) throw new Error(`duplicate ${s.name}`);
  names.add(s.name);
  const t = s.build();
  const exp = t.expected();
  if (s.kind === 'good' && t.mark) throw new Error(`${s.name}: good scenario with an expectation`);
  if (s.kind === 'bad' && (!t.mark || t.mark.error)) throw new Error(`${s.name}: bad scenario without a violation`);
  if (s.kind === 'invalid' && !t.mark?.error) throw new Error(`${s.name}: invalid scenario without an error line`);
  const dir = join(HERE, s.kind);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${s.name}.jsonl`), t.lines.join('\n') + '\n');
  writeFileSync(join(dir, `${s.name}.expected`), exp + '\n');
  rows[s.kind].push({ name: s.name, exp, desc: s.desc, events: t.events });
}

const cell = (s) => s.replace(/\|/g, '\\|');
/** A Markdown table padded the way Prettier pads it (so `prettier --check` passes unchanged). */
const table = (kind) => {
  const body = rows[kind].map((r) => {
    const short = r.exp.startsWith('! ')
      ? r.exp.replace(/^! (\S+) at event (\d+) \(line (\d+)\):.*$/, '`$1` at event $2 (line $3)')
      : `\`${r.exp}\``;
    return [`\`${r.name}\``, short, cell(r.desc)];
  });
  const head = ['scenario', 'expected', 'description'];
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const row = (cells) => `| ${cells.map((c, i) => c.padEnd(w[i])).join(' | ')} |`;
  return [row(head), `| ${w.map((n) => '-'.repeat(n)).join(' | ')} |`, ...body.map(row)].join('\n');
};

const readme = `# Golden scenarios for \`bbm-verify check-trace\`

Hand-written \`bbm-trace/1\` traces with their expected verdict, in the spirit of Casemate's
\`good_*\`/\`bad_*\` examples with golden logs. They were written from the documented rules
(\`model/trace/README.md\`, \`model/bbm/violations.ts\`, \`shared/spec/arm-bbm-rules.md\`,
\`shared/spec/README.md\` decisions 1-12, \`shared/spec/kernel-split-repaint.md\` §3-§5), not from
the model's code, so that they cross-check it.

- \`good/<name>.jsonl\`: \`check-trace\` must print \`ok: N events\` and exit 0.
- \`bad/<name>.jsonl\`: it must print \`! <code> at event <N> (line <L>): <message>\` (the first
  violation; events are numbered from 1, the header is line 1, blank lines count as lines only) and
  exit 1.
- \`invalid/<name>.jsonl\`: bad input; it must print \`bbm-verify: line <L>: <reason>\` and exit 2.
  \`.expected\` holds \`error at line <L>\`.
- \`<name>.expected\` holds exactly the expected first output line.

The traces are generated by \`build.mjs\` (plain Node, no dependencies), which encodes descriptors,
computes table indexes and numbers events and lines; the verdict of each scenario is written by
hand next to the event that must be reported. Regenerate with \`node model/scenarios/build.mjs\`
(it rewrites \`good/\`, \`bad/\`, \`invalid/\` and this file).

Conventions: kernel linear-map VAs (VA = 0xffff000000000000 + PA), memory at PA 0x40000000,
table pages from PA 0x80000000 (the root), vmalloc-area VAs at 0xffff800080000000. Leaves are
\`PAGE_KERNEL\`-like (valid, AttrIndx 0, SH=3, AF, DBM, PXN, UXN); table descriptors are
\`TYPE_TABLE | TABLE_UXN | TABLE_AF\` (+ \`TABLE_PXN\` when a split block had PXN), as the kernel
writes them. Each trace first allocates and links the tables below the root, writes the leaves
(invalid -> valid needs no BBM), issues \`dsb ishst; isb\`, then runs the operation under test.
CPU sets: "noabort" = \`{bbm: 2, noabort: true}\`; "level-0" = \`{bbm: 0, noabort: false}\`.

## Good (${rows.good.length})

${table('good')}

## Bad (${rows.bad.length})

${table('bad')}

## Invalid input (${rows.invalid.length})

${table('invalid')}

## How the rules were read where the contract is open

These are the readings the expectations above depend on; a disagreement with the model on one of
these scenarios is a question for the contract, not necessarily a model bug.

1. **Parked CPUs** (now stated by the trace README: "a parked CPU is judged when it resumes"):
   a parked non-noabort CPU that still holds a block while CPU 0 splits it, or an old OA while
   CPU 0 remaps the page, is not reported at the write but at its \`unpark\` (\`tlb-conflict\`),
   unless a completed broadcast TLBI removed the entry first (\`repaint-4k-no-flush\`,
   \`parked-cpu-remap-local-tlbi-no-flush-4k\` vs \`repaint-4k-no-park-flush-range-flush\`,
   \`parked-cpu-remap-local-tlbi-then-broadcast-flush-4k\`).
2. **Stale walk-cache entries** (also stated now: "an old table pointer beside a leaf at its level
   or above, only for a CPU without noabort"): after a table descriptor is replaced by a block
   with a last-level TLBI, the cached table pointer is still there when the block appears, so
   \`l0-bbm-collapse-pte-table-rvaale1is-4k\` is reported at the block write, before the free
   (which would be \`table-freed-while-reachable\`).
3. **nG 0->1** is allowed live (\`l0-ng-global-to-nonglobal-4k\` is good), following §1.3/§2.4 and
   the \`bbm-valid-to-valid\` row (only 1->0). The "compatible entries" paragraph of the trace
   README lists nG among the fields that must be equal, which read literally would make the stale
   global entry incompatible (\`bbm-unclean\`) at that write.
4. **AF=0 as the break** (decision 12): an AF=0 value counts as not cacheable, so AF=0 -> new OA
   with AF=1 is not a \`bbm-valid-to-valid\` (good after a completed TLBI; \`bbm-unclean\` without
   it).
5. **\`noabort\` alone decides** size changes and compatibility; \`bbm\` never changes a verdict
   (\`noabort-unadvertised-bbm0-split-pmd-4k\` is good, the level-1 and level-2-without-noabort
   CPUs are flagged like level 0). \`bbm: 3\` in the header is accepted as level 2 + noabort.
6. **Contiguous checks** apply to groups in reachable tables; the wrong-pfn split scenarios use
   plain (non-CONT) children so that they are decided by \`non-identity-split\` at the link and do
   not depend on whether an unlinked table's groups are checked at each store. A misaligned group
   base is reported at the first Contiguous entry.
7. **Hierarchical PXN**: a split whose children lack PXN but whose new table descriptor has
   PXNTable preserves the effective permission (good).
8. **A break makes the later write not "live"**: after block -> invalid, the table descriptor is an
   invalid -> valid write, so a missing TLBI or DSB in a level-0 BBM split is \`bbm-unclean\` at
   the table write, never \`size-change-without-bbml2\` or \`non-identity-split\`.
9. **Bad input beyond the README's list** (read from the format section): a PA of 2^48 or more, an
   \`alloc\` PA not aligned to the granule's page, an unknown TLBI kind or DSB domain, a header
   with \`va_bits\` other than 48 or \`bbm\` outside 0..3 are all exit 2 at their line. A
   17-digit hex value is chosen with a non-zero leading digit so that it is invalid both as "more
   than 16 digits" and as "not 64-bit".
`;
writeFileSync(join(HERE, 'README.md'), readme);

const total = SCENARIOS.length;
console.log(
  `wrote ${total} scenarios (${rows.good.length} good, ${rows.bad.length} bad, ${rows.invalid.length} invalid)`,
);
process.exitCode = 0;
