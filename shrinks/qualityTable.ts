/**
 * Prints the shrink-quality table of shrinks/README.md: for every seeded bug, the size of the
 * counterexample the shrinkers give (operations, CPUs, preemptions, and the configuration) against
 * the smallest case by hand ({@link HAND_MINIMUM}) and against the smallest a greedy search over
 * the domain shrinker's moves finds from it (shrinks/quality.ts).
 *
 * Run: `npm run quality` (= `tsx shrinks/qualityTable.ts`): each bug is killed again at the pinned
 * seed and shrunk, from generation, without the corpus (what `bbm-verify mutants --save-corpus`
 * would save); `--corpus` measures the saved corpus cases instead; `--seed N` another seed.
 *
 * Layer: shrinks.
 */
import { parseArgs } from 'node:util';
import type { SutConfig } from '../impl/index.ts';
import { MUTANTS } from '../impl/mutants/catalogue.ts';
import { PROPERTIES } from '../properties/catalogue.ts';
import { killMatrix } from '../properties/killMatrix.ts';
import { decodeValue, encodeValue } from './encoding.ts';
import { entryProperty } from './corpusReplay.ts';
import type { CaseSize } from './reductions.ts';
import { searchSmaller } from './quality.ts';
import { CORPUS_DIR, loadCorpus } from './store.ts';

/**
 * The smallest case of each seeded bug, by hand, with why. Operations: none for a bug of the boot
 * map or of the repaint (the repaint itself is broken), two for an entry made invalid then valid
 * again, one otherwise. CPUs: two where the bug needs a CPU without BBML2-noabort (a repaint, a
 * split on a system without the capability, a late CPU meeting the gate), one otherwise.
 * Preemptions: none (the model judges what a TLB _may_ hold: no bug here needs an interleaving).
 */
export const HAND_MINIMUM: Readonly<Record<string, CaseSize>> = {
  'map-mem-maps-nomap': { ops: 0, cpus: 1, preemptions: 0 },
  'split-whole-range': { ops: 1, cpus: 1, preemptions: 0 },
  'single-page-more-aligned': { ops: 1, cpus: 1, preemptions: 0 },
  'split-skips-end': { ops: 1, cpus: 1, preemptions: 0 },
  'split-without-capability': { ops: 1, cpus: 2, preemptions: 0 },
  'split-gate-force-pte': { ops: 1, cpus: 2, preemptions: 0 },
  'mutex-in-atomic': { ops: 1, cpus: 1, preemptions: 0 },
  'pmd-aligned-before-contpmd': { ops: 1, cpus: 1, preemptions: 0 },
  'contpte-decont-all-but-one': { ops: 1, cpus: 1, preemptions: 0 },
  'contpte-misaligned-start': { ops: 1, cpus: 1, preemptions: 0 },
  'split-pmd-drop-pxn': { ops: 1, cpus: 1, preemptions: 0 },
  'split-pmd-drop-table-pxn': { ops: 1, cpus: 1, preemptions: 0 },
  'split-pmd-break-before-alloc': { ops: 1, cpus: 1, preemptions: 0 },
  'split-pmd-no-dsb': { ops: 1, cpus: 1, preemptions: 0 },
  'split-pmd-validates-invalid': { ops: 2, cpus: 1, preemptions: 0 },
  'split-pmd-keeps-cont': { ops: 0, cpus: 2, preemptions: 0 },
  'contpmd-forgets-entry': { ops: 1, cpus: 1, preemptions: 0 },
  'split-pud-pfn-step': { ops: 1, cpus: 1, preemptions: 0 },
  'repaint-no-wait': { ops: 0, cpus: 2, preemptions: 0 },
  'repaint-early-release': { ops: 0, cpus: 2, preemptions: 0 },
  'repaint-to-cont': { ops: 0, cpus: 2, preemptions: 0 },
  'kfence-pool-left-in-blocks': { ops: 1, cpus: 1, preemptions: 0 },
  'prealloc-gfp-atomic-in-stop': { ops: 0, cpus: 2, preemptions: 0 },
  'prealloc-forgets-pud-pmd-tables': { ops: 0, cpus: 2, preemptions: 0 },
  'pageattr-skips-invalid-block': { ops: 2, cpus: 1, preemptions: 0 },
  'alias-whole-area': { ops: 1, cpus: 1, preemptions: 0 },
  'flush-one-page-short': { ops: 1, cpus: 1, preemptions: 0 },
};

const { values: flags } = parseArgs({
  options: { corpus: { type: 'boolean', default: false }, seed: { type: 'string', default: '20261125' } },
});
const seed = Number(flags.seed);
if (!Number.isSafeInteger(seed)) {
  process.stderr.write(`qualityTable: --seed ${flags.seed}: not an integer\n`);
  process.exit(2);
}
const corpus = flags.corpus === true ? loadCorpus(CORPUS_DIR) : [];
const same = (a: CaseSize, b: CaseSize): boolean =>
  a.ops === b.ops && a.cpus === b.cpus && a.preemptions === b.preemptions;
const triple = (s: CaseSize): string => `${s.ops} / ${s.cpus} / ${s.preemptions}`;
/** The configuration in a few words: granule, variant, banks, what is not the default. */
const shortConfig = (c: SutConfig): string =>
  [
    c.granule,
    c.variant,
    `${c.memblock.banks.length} bank${c.memblock.banks.length === 1 ? '' : 's'}`,
    ...(c.kfence === 'off' ? [] : [`kfence=${c.kfence}`]),
    ...(c.rodata === 'full' ? [] : [`rodata=${c.rodata}`]),
    ...(c.debug_pagealloc ? ['debug_pagealloc'] : []),
    ...(c.realm ? ['realm'] : []),
    ...(c.preempt_rt ? ['PREEMPT_RT'] : []),
  ].join(' ');

const rows: string[] = [
  '| seeded bug | property | operations | CPUs | preemptions | smallest by hand | equal | configuration | 1-minimal |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
];
let equal = 0;
let minimal = 0;
let n = 0;
for (const m of MUTANTS) {
  let property: (typeof PROPERTIES)[number] | undefined;
  let input: unknown;
  if (flags.corpus === true) {
    const stored = corpus.find((e) => e.entry.sut === `mutant:${m.id}`);
    if (stored !== undefined) {
      property = entryProperty(stored.entry, stored.file);
      input = stored.entry.input;
    }
  } else {
    const kill = killMatrix([m], PROPERTIES, { seed }, true)[0]?.results.find((r) => r.status === 'fail');
    property = PROPERTIES.find((p) => p.id === kill?.id);
    input = kill === undefined ? undefined : encodeValue(kill.counterexample);
  }
  if (property === undefined || input === undefined) {
    rows.push(`| ${m.id} | (${flags.corpus === true ? 'no corpus case' : 'survived'}) | | | | | no | | |`);
    n++;
    continue;
  }
  const r = searchSmaller(property, input, m.createSut);
  const hand = HAND_MINIMUM[m.id];
  const isEqual = hand !== undefined && same(r.saved, hand);
  const isMinimal = same(r.saved, r.found);
  n++;
  if (isEqual) equal++;
  if (isMinimal) minimal++;
  const value = decodeValue(input) as { config?: SutConfig };
  const config = value.config ?? (value as SutConfig);
  rows.push(
    `| ${m.id} | ${property.id} | ${r.saved.ops} | ${r.saved.cpus} | ${r.saved.preemptions} | ${hand === undefined ? '?' : triple(hand)} | ${isEqual ? 'yes' : 'no'} | ${shortConfig(config)} | ${isMinimal ? 'yes' : `no: ${triple(r.found)}`} |`,
  );
}
const pc = (k: number): number => Math.round((100 * k) / Math.max(1, n));
rows.push(
  '',
  `Seed ${seed}, ${flags.corpus === true ? 'the corpus cases' : 'shrunk from generation, without the corpus'}. ` +
    `Equal to the smallest case by hand: ${equal} of ${n} seeded bugs (${pc(equal)} %); ` +
    `1-minimal under the search: ${minimal} of ${n} (${pc(minimal)} %).`,
);
process.stdout.write(rows.join('\n') + '\n');
