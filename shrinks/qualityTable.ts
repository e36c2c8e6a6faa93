/**
 * Prints the shrink-quality table of shrinks/README.md: for every seeded bug, the size of its
 * corpus case (what the shrinker saved) against the smallest case a greedy search over one-step
 * reductions finds from it (shrinks/quality.ts). Run: `npx tsx shrinks/qualityTable.ts`.
 *
 * Layer: shrinks.
 */
import { MUTANTS } from '../impl/mutants/catalogue.ts';
import { entryProperty } from './corpusReplay.ts';
import type { CaseSize } from './reductions.ts';
import { searchSmaller } from './quality.ts';
import { CORPUS_DIR, loadCorpus } from './store.ts';

const corpus = loadCorpus(CORPUS_DIR);
const cell = (s: CaseSize, m: CaseSize, k: keyof CaseSize): string => (s[k] === m[k] ? `${s[k]}` : `${s[k]} → ${m[k]}`);
const rows: string[] = [
  '| seeded bug | property | operations | CPUs | preemptions | minimal |',
  '| --- | --- | --- | --- | --- | --- |',
];
let equal = 0;
let n = 0;
for (const m of MUTANTS) {
  const stored = corpus.find((e) => e.entry.sut === `mutant:${m.id}`);
  if (stored === undefined) {
    rows.push(`| ${m.id} | (no corpus case) | | | | |`);
    continue;
  }
  const p = entryProperty(stored.entry, stored.file);
  const r = searchSmaller(p, stored.entry.input, m.createSut);
  const same =
    r.saved.ops === r.found.ops && r.saved.cpus === r.found.cpus && r.saved.preemptions === r.found.preemptions;
  n++;
  if (same) equal++;
  rows.push(
    `| ${m.id} | ${p.id} | ${cell(r.saved, r.found, 'ops')} | ${cell(r.saved, r.found, 'cpus')} | ${cell(r.saved, r.found, 'preemptions')} | ${same ? 'yes' : 'no'} |`,
  );
}
rows.push(
  '',
  `${equal} of ${n} seeded bugs shrunk to the minimum found (${Math.round((100 * equal) / Math.max(1, n))} %).`,
);
process.stdout.write(rows.join('\n') + '\n');
