/**
 * Family "contiguous, member attributes" (C1; RNGLXZ; issue 7 families 1 and 3): every valid
 * member of a group holding a Contiguous leaf — plain members included — must map
 * `base + i × size` and have the same AttrIndx (exactly: Normal and Normal-Tagged differ, decision
 * 11), SH, NS and nG (SEMANTICS.md W7), whichever member is written first.
 *
 * Layer: model/scenarios (generator only).
 */
import { Trace } from '../builder.ts';
import { KERNEL } from '../descriptors.ts';
import { ptePrefix } from '../anygranule.ts';
import { GRANULES } from '../geometry.ts';
import { members, writeMembers } from '../groups.ts';
import { NOABORT2 } from '../layouts.ts';
import { family, scenario } from '../registry.ts';

family('cont-attrs');

const CONT = { cont: true } as const;
const TAGGED_CONT = { cont: true, attr: 1 } as const;

for (const granule of GRANULES) {
  const g = granule.toLowerCase();
  scenario(
    'bad',
    `cont-attr-tagged-member-noabort-${g}`,
    `${granule} granule, two noabort CPUs. A new contiguous group whose member 5 is Normal-Tagged (AttrIndx 1) while the others are Normal: Normal and Normal-Tagged are one memory type for B1 only (decision 11); a group needs the same AttrIndx on every valid member (C1, SEMANTICS.md W7, family 3). Flagged at member 5.`,
    () =>
      writeMembers(
        new Trace({ granule, cpus: NOABORT2 }),
        (_m, n) => members(0n, n, (i) => ({ o: i === 5n ? TAGGED_CONT : CONT, bad: i === 5n })),
        'cont-misprogrammed',
      ),
  );
  scenario(
    'bad',
    `cont-attr-plain-wrong-oa-after-cont-noabort-${g}`,
    `${granule} granule, two noabort CPUs. A new group: members 0..N-2 Contiguous at their OAs, then the last member written WITHOUT the Contiguous bit and mapping the group's first OA. A plain member beside Contiguous ones is allowed under noabort, but it is still a member: it must map base + (N-1) × size (SEMANTICS.md W7 "every valid member", family 1). Flagged at the plain store.`,
    () =>
      writeMembers(
        new Trace({ granule, cpus: NOABORT2 }),
        (m, n) => [...members(0n, n - 1n, () => ({ o: CONT })), { i: n - 1n, o: KERNEL, pa: m.pa, bad: true }],
        'cont-misprogrammed',
      ),
  );
}

scenario(
  'bad',
  'cont-attr-tagged-first-member-noabort-4k',
  'Two noabort CPUs. The member order of `cont-attr-tagged-member-noabort-4k` reversed: member 0 is written Normal-Tagged and Contiguous first, then member 1 Normal and Contiguous. The group is inconsistent as soon as it holds both (SEMANTICS.md W7, whatever member was written first): flagged at member 1.',
  () =>
    writeMembers(
      new Trace({ cpus: NOABORT2 }),
      (_m, n) => members(0n, n, (i) => ({ o: i === 0n ? TAGGED_CONT : CONT, bad: i === 1n })),
      'cont-misprogrammed',
    ),
);

scenario(
  'bad',
  'cont-attr-plain-tagged-member-noabort-4k',
  'Two noabort CPUs. A new group: members 0..14 Contiguous Normal, then member 15 plain (allowed under noabort) but Normal-Tagged. A plain member must have the same AttrIndx as the Contiguous ones (SEMANTICS.md W7; decision 11: a group needs the same AttrIndx). Flagged at member 15.',
  () =>
    writeMembers(
      new Trace({ cpus: NOABORT2 }),
      (_m, n) => [...members(0n, n - 1n, () => ({ o: CONT })), { i: n - 1n, o: { attr: 1 }, bad: true }],
      'cont-misprogrammed',
    ),
);

scenario(
  'bad',
  'cont-attr-plain-wrong-oa-then-cont-noabort-4k',
  'Two noabort CPUs. Member 15 of a future group is mapped first, plain, at the OA of member 0 (no group yet: nothing to judge); then members 0..14 are written Contiguous at their OAs. The first Contiguous store makes a group whose plain member 15 does not map base + 15 × size (SEMANTICS.md W7: plain members are checked against the group, family 1): flagged at member 0.',
  () =>
    writeMembers(
      new Trace({ cpus: NOABORT2 }),
      (m, n) => [{ i: n - 1n, o: KERNEL, pa: m.pa }, ...members(0n, n - 1n, (i) => ({ o: CONT, bad: i === 0n }))],
      'cont-misprogrammed',
    ),
);

scenario(
  'bad',
  'cont-attr-retag-live-group-noabort-4k',
  'Two noabort CPUs; a live, well-programmed Contiguous group. MTE is enabled on it by rewriting its members Normal-Tagged one by one, CONT kept. Each store alone is allowed by B1 (decision 11, same shape), but the group is not: C1 needs the same AttrIndx on every member and, unlike permissions (C3, RJQQTC), an AttrIndx mix is no transient repaint (SEMANTICS.md W7). Flagged at the first rewrite.',
  () => {
    const t = new Trace({ cpus: NOABORT2 });
    const m = ptePrefix(t, { count: 32n, page: (i) => (i < 16n ? CONT : KERNEL) });
    const sz = t.size(3);
    for (let i = 0n; i < 16n; i++) {
      t.map(0, m.pte, 3, m.va + i * sz, m.pa + i * sz, TAGGED_CONT);
      if (i === 0n) t.expect('cont-misprogrammed');
    }
    t.dsb(0, 'ishst').isb(0);
    return t;
  },
);
