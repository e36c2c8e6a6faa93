/**
 * Family "parked / asymmetric / repaint" (A1, B6/B7; IHYQMB, §3.3, `linear_map_split_to_ptes()`):
 * a parked CPU walks nothing, so a live size change is allowed while the only CPUs without
 * noabort are parked; it keeps what it held and is judged when it resumes (SEMANTICS.md
 * `unpark`/`online` `tlb-conflict`); a CPU that comes online is a running observer from then on.
 *
 * Layer: model/scenarios (generator only).
 */
import { cpu, Trace } from '../builder.ts';
import { LM, MiB } from '../geometry.ts';
import { flushAll, flushKernelPage, parkSecondary, splitBlock } from '../kernel.ts';
import { ASYM, L2_4K, PA0, base4k, pmdPA } from '../layouts.ts';
import { family, scenario } from '../registry.ts';
import { noabortSplit4k, repaint4k } from '../sequences.ts';

family('repaint');

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

/**
 * `flush_tlb_kernel_range()` of `[PA0, PA0 + size)` in the linear map with one range TLBI.
 * @param size - the range
 * @returns the flush
 */
const rangeFlush =
  (size: bigint) =>
  (t: Trace): void => {
    t.dsb(0, 'ishst').tlbi(0, 'rvaale1is', LM(PA0), size).dsb(0, 'ish').isb(0);
  };

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
  () => repaint4k(new Trace({ cpus: ASYM }), { localFlush: false, flush: rangeFlush(6n * MiB) }),
);

scenario(
  'good',
  'repaint-4k-park-flush-only',
  'Repaint where CPU 1 empties its TLB at park (local `vmalle1` + `dsb nsh`) and CPU 0 never flushes. CPU 1 fills nothing while parked, so it unparks with no stale entry; CPU 0 keeps stale blocks, which are compatible for a noabort CPU (B7). No rule is broken (the kernel still flushes, for B8-style completion that the checker does not judge).',
  () => repaint4k(new Trace({ cpus: ASYM }), { flush: null }),
);

/**
 * CPU 1 (level 0) parked WITHOUT a local flush; CPU 0 remaps a page to a new OA with BBM using
 * only LOCAL TLBIs; then, or not, a broadcast flush before CPU 1 resumes.
 * @param t - the trace
 * @param broadcastFlush - `flush_tlb_all()` before the `unpark`
 * @returns the trace
 */
function parkedRemap(t: Trace, broadcastFlush: boolean): Trace {
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
  'good',
  'parked-cpu-remap-local-tlbi-then-broadcast-flush-4k',
  'CPU 0 noabort, CPU 1 level 0 parked inside `stop` WITHOUT a local flush, so it keeps the old translation of a page. CPU 0 remaps that page to a new OA with BBM using only a LOCAL `tlbi vaale1` + `dsb nsh` (enough for its own TLB; the parked CPU walks nothing), then `flush_tlb_all()` (`vmalle1is`, `dsb ish`) before CPU 1 unparks. A parked CPU is judged when it resumes, and by then the broadcast flush has removed its stale entry: clean.',
  () => parkedRemap(new Trace({ cpus: ASYM }), true),
);

scenario(
  'bad',
  'parked-cpu-remap-local-tlbi-no-flush-4k',
  'The same remap with no broadcast flush before `unpark`: CPU 0 relied on local TLBIs only, assuming the parked CPU does not matter. CPU 1 kept the old-OA translation while parked (a parked CPU keeps what it held) and resumes walking while holding it; an OA change is incompatible on every CPU (B6, IHYQMB). Flagged at `unpark`.',
  () => parkedRemap(new Trace({ cpus: ASYM }), false),
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
  () => repaint4k(new Trace({ cpus: ASYM }), { localFlush: false, flush: rangeFlush(4n * MiB), bad: 'tlb-conflict' }),
);
