/**
 * Family "TLBI timing" (§5.4, RDDMVT; issue 7 family 6): a TLBI removes only entries its targets
 * filled before its issue (SEMANTICS.md §3), so a TLBI issued while a CPU still runs does not
 * count as a flush since that CPU parked, even if it completes later; a local TLBI on another CPU
 * removes nothing that CPU can refill because the writer made its store visible with `DSB NSH`
 * only (§1); and a parked CPU fills nothing, so its own flush is good whatever the writer's DSBs.
 *
 * Layer: model/scenarios (generator only).
 */
import { Trace } from '../builder.ts';
import { LM } from '../geometry.ts';
import { splitBlock } from '../kernel.ts';
import { ASYM, L0x2, L2_4K, base4k, pmdPA } from '../layouts.ts';
import { family, scenario } from '../registry.ts';
import { repaint4k } from '../sequences.ts';

family('tlbi-timing');

scenario(
  'bad',
  'tlbi-local-flush-issued-before-park-4k',
  'The repaint of `repaint-4k-park-flush-only` (CPU 1 level 0 flushes only its own TLB, CPU 0 never flushes), but CPU 1 issues its `tlbi vmalle1` BEFORE it parks and completes it (`dsb nsh`) after. CPU 1 was running at and after the issue, so it may have refilled the blocks and the Contiguous entries then; the TLBI removes only entries filled before its issue (SEMANTICS.md §3, family 6). At `unpark` it holds them beside the new pages: `tlb-conflict`.',
  () =>
    repaint4k(new Trace({ cpus: ASYM }), {
      park: (t) => void t.tlbi(1, 'vmalle1').park(1).dsb(1, 'nsh').isb(1),
      flush: null,
      bad: 'tlb-conflict',
    }),
);

scenario(
  'bad',
  'tlbi-broadcast-issued-before-park-4k',
  "The same repaint where the only flush is CPU 0's broadcast `tlbi vmalle1is`, issued after `stop` but before CPU 1 parks, and completed by CPU 0's `dsb ish` after the park. It targets CPU 1, but CPU 1 could fill entries at and after its issue while still running (SEMANTICS.md §3: an entry filled at or after the issue stays): CPU 1 unparks holding the old blocks. `tlb-conflict` at `unpark`.",
  () =>
    repaint4k(new Trace({ cpus: ASYM }), {
      park: (t) => void t.dsb(0, 'ishst').tlbi(0, 'vmalle1is').park(1).dsb(0, 'ish'),
      flush: null,
      bad: 'tlb-conflict',
    }),
);

/**
 * Two level-0 CPUs, a page remapped with BBM using a LOCAL `tlbi vaale1` + `dsb nsh` on each CPU
 * instead of a broadcast; the writer makes its break visible with `dsb <dom>` first.
 * @param dom - the writer's DSB after the break
 * @returns the trace
 */
function localFlushes(dom: 'nsh' | 'ish'): Trace {
  const t = new Trace({ cpus: L0x2 });
  base4k(t, { blocks: 1, pte: { at: 1, table: 0x80003000n, n: 16 } });
  const va = LM(pmdPA(1)) + 0x5000n;
  t.write(0, t.ent(0x80003000n, 3, va), 0n).dsb(0, dom);
  t.tlbi(0, 'vaale1', va).dsb(0, 'nsh');
  t.tlbi(1, 'vaale1', va).dsb(1, 'nsh');
  t.map(0, 0x80003000n, 3, va, 0x60000000n);
  if (dom === 'nsh') t.expect('bbm-unclean');
  return t.dsb(0, 'ishst').isb(0);
}

scenario(
  'bad',
  'tlbi-local-each-cpu-writer-dsb-nsh-4k',
  "Two level-0 CPUs. A page is remapped with break-before-make where every CPU invalidates its own TLB (`tlbi vaale1` + `dsb nsh` on CPU 0, then on CPU 1) instead of a broadcast, and the writer followed its break with `dsb nsh` only. A `DSB NSH` makes the store visible to the writer's own walker, not to CPU 1's (SEMANTICS.md §1, family 6): CPU 1 can refill the old OA after its local TLBI, which then removes nothing. `bbm-unclean` at the new OA.",
  () => localFlushes('nsh'),
);

scenario(
  'good',
  'tlbi-local-each-cpu-writer-dsb-ish-4k',
  'The local-TLBI remap of `tlbi-local-each-cpu-writer-dsb-nsh-4k` with the writer\'s break followed by `dsb ish`: the invalid entry is visible to every walker before either local TLBI is issued, so each CPU\'s own `tlbi vaale1` + `dsb nsh` removes its old entry for good (SEMANTICS.md §1, §3; the judgement call "local TLBIs on every CPU instead of a broadcast" of model/README.md).',
  () => localFlushes('ish'),
);

scenario(
  'good',
  'tlbi-parked-own-flush-before-writer-dsb-4k',
  "CPU 0 noabort, CPU 1 level 0 parked inside `stop` WITHOUT flushing at park. CPU 0 splits a 2 MiB block (table filled, `dsb ishst`, table descriptor) and, before CPU 0 executes any DSB after the table descriptor, CPU 1 flushes its own TLB (`tlbi vmalle1`, `dsb nsh`). A parked CPU walks nothing and refills nothing (SEMANTICS.md §2), so its flush removes everything it held whatever the writer's DSB state (family 6, the converse); CPU 0 then publishes (`dsb ish`) and CPU 1 unparks seeing only the new table.",
  () => {
    const t = new Trace({ cpus: ASYM });
    base4k(t, { blocks: 2 });
    t.stop(0).park(1);
    splitBlock(t, 0, { parent: L2_4K, level: 2, va: LM(pmdPA(1)), pa: pmdPA(1), table: 0x80003000n });
    t.tlbi(1, 'vmalle1').dsb(1, 'nsh').isb(1);
    t.dsb(0, 'ish').isb(0);
    return t.unpark(1).isb(1).resume(0);
  },
);
