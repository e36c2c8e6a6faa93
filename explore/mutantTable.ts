/**
 * The seeded-bug table of explore/README.md: each seeded bug (impl/mutants) searched in the named
 * scopes where it can show, with the size of the counterexample found (operations, CPUs,
 * preemptions, as shrinks/reductions.ts `caseSize` measures any case) next to the size of the
 * shrunk random one (its corpus case in shrinks/corpus/), and what the domain shrinker's greedy
 * descent (shrinks/quality.ts `searchSmaller()`) still takes from explore's case ("1-minimal":
 * nothing). Prints markdown rows as it goes:
 *
 *   npx tsx explore/mutantTable.ts [MUTANT_ID…]        # BBM_EXPLORE_TIME=60s per search by default
 *
 * Layer: explore (a measuring tool, not run by npm test).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MUTANTS } from '../impl/mutants/catalogue.ts';
import { saveCounterexample } from './counterexample.ts';
import { encodeValue } from '../shrinks/encoding.ts';
import { caseSize } from '../shrinks/reductions.ts';
import { searchSmaller } from '../shrinks/quality.ts';
import { PROPERTIES } from '../properties/catalogue.ts';
import { CORPUS_DIR, loadCorpus } from '../shrinks/store.ts';
import { namedScope } from './namedScopes.ts';
import { initialSearch, search } from './search.ts';
import { replayNode } from './world.ts';

/** Where each seeded bug can show: the scopes whose world reaches the code it changes. */
const WHERE: Readonly<Record<string, readonly string[]>> = {
  // The boot claims (explore/bootChecks.ts): a NOMAP page; the prealloc variant, a PUD block.
  'map-mem-maps-nomap': ['boot-nomap'],
  'prealloc-gfp-atomic-in-stop': ['prealloc', 'prealloc-pud'],
  'prealloc-forgets-pud-pmd-tables': ['prealloc-pud'],
  'split-pud-pfn-step': ['split-pud'],
  'repaint-no-wait': ['repaint-2cpu'],
  'repaint-early-release': ['repaint-2cpu'],
  'repaint-to-cont': ['repaint-2cpu'],
  'split-pmd-keeps-cont': ['repaint-2cpu'],
  'split-without-capability': ['repaint-2cpu'],
  'pageattr-skips-invalid-block': ['pageattr-race'],
  'alias-whole-area': ['pageattr-race'],
  'flush-one-page-short': ['pageattr-race'],
  'split-pmd-validates-invalid': ['pageattr-race'],
  // The split-only claims (explore/splitClaims.ts): the leaf shapes their bugs need.
  'split-whole-range': ['split-shapes'],
  'split-skips-end': ['split-shapes'],
  'pmd-aligned-before-contpmd': ['split-shapes', 'split-pud'],
  'contpte-decont-all-but-one': ['split-shapes', 'tiny'],
  'contpte-misaligned-start': ['split-shapes', 'tiny'],
  'contpmd-forgets-entry': ['split-shapes'],
  'split-pmd-drop-pxn': ['split-shapes', 'tiny'],
  'split-pmd-drop-table-pxn': ['split-shapes', 'tiny'],
  // What a small scope can hold: an allocation failure, the v7.1 gate, a late KFENCE pool.
  'split-pmd-break-before-alloc': ['split-shapes'],
  'split-gate-force-pte': ['split-gate'],
  'kfence-pool-left-in-blocks': ['kfence-late'],
  'mutex-in-atomic': ['kfence-early', 'kfence-late'],
};
const DEFAULT = ['tiny'];

const limit = (() => {
  const v = process.env['BBM_EXPLORE_TIME'] ?? '60s';
  const m = /^(\d+)(s|m)?$/.exec(v);
  return m === null ? 60_000 : Number(m[1]) * (m[2] === 'm' ? 60_000 : 1000);
})();
const only = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), 'explore-table-'));
const corpus = loadCorpus(CORPUS_DIR);
const sizeOf = caseSize;
const size = (s: { ops: number; cpus: number; preemptions: number }): string =>
  `${s.ops} / ${s.cpus} / ${s.preemptions}`;

console.log(
  '| seeded bug | scope | found | explore: ops / CPUs / preemptions | depth | states | random, shrunk (corpus) | not longer | domain shrinker |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const m of MUTANTS) {
  if (only.length > 0 && !only.includes(m.id)) continue;
  const stored = corpus.find((e) => e.entry.sut === `mutant:${m.id}`);
  const random = stored === undefined ? undefined : sizeOf(stored.entry.property, stored.entry.input);
  for (const name of WHERE[m.id] ?? DEFAULT) {
    const scope = namedScope(name);
    if (scope === undefined) throw new Error(`no scope ${name}`);
    const r = await search(
      scope,
      initialSearch(scope),
      (ns) => Promise.resolve(ns.map((n) => replayNode(scope, m.createSut, n))),
      {
        timeMs: limit,
      },
    );
    const randomText = random === undefined ? '(no case)' : `${size(random)} (${stored?.entry.property ?? ''})`;
    if (r.kind !== 'failed') {
      const how =
        r.kind === 'exhausted' ? `no: exhausted clean` : `no: stopped after ${Math.round(r.stats.elapsedMs / 1000)} s`;
      console.log(`| ${m.id} | ${name} | ${how} | | | ${r.stats.generated} | ${randomText} | | |`);
      continue;
    }
    const saved = saveCounterexample(dir, `mutant:${m.id}`, m.createSut, r.input, r.message, r.property, r.split);
    const property = saved.property;
    const found = sizeOf(property, encodeValue(saved.value));
    const shorter =
      random === undefined ? '' : found.ops <= random.ops && found.preemptions <= random.preemptions ? 'yes' : 'NO';
    // The domain shrinker's greedy descent from explore's case (shrinks/quality.ts): what it still
    // takes away (the scopes' second CPU, mostly), or "1-minimal".
    const p = PROPERTIES.find((x) => x.id === property);
    const less =
      p === undefined || saved.note !== undefined
        ? undefined
        : searchSmaller(p, encodeValue(saved.value), m.createSut, 100);
    const shrunk =
      less === undefined
        ? ''
        : JSON.stringify(less.found) === JSON.stringify(less.saved)
          ? '1-minimal'
          : `→ ${size(less.found)}`;
    console.log(
      `| ${m.id} | ${name} | yes (${property}${saved.note === undefined ? '' : `; ${saved.note}`}) | ${size(found)} | ${r.depth} | ${r.stats.generated} | ${randomText} | ${shorter} | ${shrunk} |`,
    );
  }
}
