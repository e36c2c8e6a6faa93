/**
 * Family "contiguous, member order" (C1; RNGLXZ; issue 7 family 1): a group is judged on the
 * whole set after every store to any member, whatever the member's old and new bits
 * (SEMANTICS.md W7). Without noabort, a valid plain member — or a table — beside Contiguous ones
 * is misprogrammed whichever is written first; with noabort the mix is allowed.
 *
 * Layer: model/scenarios (generator only).
 */
import { Trace } from '../builder.ts';
import { KERNEL } from '../descriptors.ts';
import { GRANULES, KiB, LM } from '../geometry.ts';
import { members, writeMembers } from '../groups.ts';
import { L0x2, L1_4K, L2_4K, NOABORT2, ROOT, PA0, pmdPA } from '../layouts.ts';
import { family, scenario } from '../registry.ts';

family('cont-order');

const CONT = { cont: true } as const;

for (const granule of GRANULES) {
  scenario(
    'bad',
    `cont-order-plain-after-cont-l0-${granule.toLowerCase()}`,
    `${granule} granule, two level-0 CPUs. A new contiguous group is written into a live, empty PTE table with its Contiguous members first (entries 0..N-5, correct OAs) and its last four members after them WITHOUT the Contiguous bit: the mirror of \`cont-pte-mixed-noncont-l0-4k\`. The group is judged after every store to any member (SEMANTICS.md W7, family 1): a valid plain member beside Contiguous ones while an observer lacks noabort is \`cont-misprogrammed\`, flagged at the first plain store (entry N-4).`,
    () =>
      writeMembers(
        new Trace({ granule, cpus: L0x2 }),
        (_m, n) => [
          ...members(0n, n - 4n, () => ({ o: CONT })),
          ...members(n - 4n, n, (i) => ({ o: KERNEL, bad: i === n - 4n })),
        ],
        'cont-misprogrammed',
      ),
  );
}

scenario(
  'bad',
  'cont-order-interleaved-l0-4k',
  'Two level-0 CPUs. A new group written alternately: entry 0 with the Contiguous bit, entry 1 without, and so on. The group holds a valid Contiguous leaf and a valid plain member as soon as entry 1 is written (SEMANTICS.md W7: judged after a store to any member, whatever its bits): `cont-misprogrammed` at entry 1.',
  () =>
    writeMembers(
      new Trace({ cpus: L0x2 }),
      (_m, n) => members(0n, n, (i) => ({ o: i % 2n === 0n ? CONT : KERNEL, bad: i === 1n })),
      'cont-misprogrammed',
    ),
);

scenario(
  'good',
  'cont-order-cont-then-plain-noabort-4k',
  'Two noabort CPUs. A new group written with entries 0..7 Contiguous and 8..15 plain (correct OAs), then 8..15 rewritten with the Contiguous bit (a live fold, B5 identity kept) and the group flushed. A plain member beside Contiguous ones is allowed when every observer has noabort (SEMANTICS.md W7, decision 5), in whichever order the members are written.',
  () => {
    const t = writeMembers(new Trace({ cpus: NOABORT2 }), (_m, n) => [
      ...members(0n, n / 2n, () => ({ o: CONT })),
      ...members(n / 2n, n, () => ({ o: KERNEL })),
      ...members(n / 2n, n, () => ({ o: CONT })),
    ]);
    return t
      .tlbi(0, 'rvaale1is', LM(PA0), 64n * KiB)
      .dsb(0, 'ish')
      .isb(0);
  },
);

/** Where the table member of the CONT-PMD group goes, and its PTE table. */
const MEMBER = 15;
const MEMBER_PTE = 0x80003000n;

/**
 * A 4K CONT-PMD group at L2[0..15] (32 MiB from PA0) whose member 15 is a PTE table instead of
 * a block; `tableFirst` links the table before the Contiguous blocks are written.
 * @param noabort - the CPU set is noabort (else level 0)
 * @param tableFirst - link the table member first
 * @returns the trace
 */
function tableMember(noabort: boolean, tableFirst: boolean): Trace {
  const t = new Trace({ cpus: noabort ? NOABORT2 : L0x2 });
  t.alloc(L1_4K, 1).alloc(L2_4K, 2);
  t.link(0, ROOT, 0, LM(PA0), L1_4K);
  t.link(0, L1_4K, 1, LM(PA0), L2_4K);
  t.alloc(MEMBER_PTE, 3);
  t.mapRange(0, MEMBER_PTE, 3, LM(pmdPA(MEMBER)), pmdPA(MEMBER), 512, KERNEL);
  t.dsb(0, 'ishst');
  const link = (): void => {
    t.link(0, L2_4K, 2, LM(pmdPA(MEMBER)), MEMBER_PTE, { pxnTable: true });
    if (!noabort && !tableFirst) t.expect('cont-misprogrammed');
  };
  if (tableFirst) link();
  for (let k = 0; k < MEMBER; k++) {
    t.map(0, L2_4K, 2, LM(pmdPA(k)), pmdPA(k), CONT);
    if (!noabort && tableFirst && k === 0) t.expect('cont-misprogrammed');
  }
  if (!tableFirst) {
    t.dsb(0, 'ishst');
    link();
  }
  t.dsb(0, 'ishst').isb(0);
  return t;
}

scenario(
  'bad',
  'cont-order-table-member-then-cont-blocks-l0-4k',
  'Two level-0 CPUs. In the 16-entry level-2 group at L2[0..15], entry 15 is linked to a (published) PTE table first; then entries 0..14 are written as Contiguous 2 MiB blocks. A table beside Contiguous members while an observer lacks noabort is misprogrammed (SEMANTICS.md W7 "or a table", family 1): flagged at the first Contiguous block.',
  () => tableMember(false, true),
);

scenario(
  'bad',
  'cont-order-cont-blocks-then-table-member-l0-4k',
  'The group of `cont-order-table-member-then-cont-blocks-l0-4k` written in the other order: Contiguous blocks 0..14 first, then the table descriptor at the empty entry 15. The group is judged after the table store too (W7 runs for the group of the written entry whatever its bits): `cont-misprogrammed` at the table descriptor.',
  () => tableMember(false, false),
);

scenario(
  'good',
  'cont-order-table-member-noabort-4k',
  'The order of `cont-order-cont-blocks-then-table-member-l0-4k` with two noabort CPUs: a table beside Contiguous members is allowed when every observer has noabort (SEMANTICS.md W7), and its pages map exactly what the group span maps there (StageOA of the blocks), so no entry it makes fillable needs BBM against the group.',
  () => tableMember(true, false),
);
