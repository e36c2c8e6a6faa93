/**
 * The example failure reports of docs/examples/ and the golden reports of reports/golden/: each
 * a seeded bug's shrunk counterexample, kept beside its report as a case file (`<name>.case.json`,
 * the corpus format, copied once from shrinks/corpus/), replayed on the mutant and drawn as text
 * (and, for the examples, HTML). `npm run examples` writes them; cli/reportExamples.test.ts checks
 * that they are current. `npm run examples -- --from-corpus` first copies the cases again from
 * the corpus (after the generators or the corpus changed).
 *
 * Layer: cli.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MUTANTS } from '../impl/mutants/catalogue.ts';
import { analyseFailure } from '../reports/analyse.ts';
import type { FailureAnalysis } from '../reports/analyse.ts';
import type { ReportInput } from '../reports/input.ts';
import { htmlReport } from '../reports/htmlReport.ts';
import { textReport } from '../reports/textReport.ts';
import { entryProperty, replayEntry } from '../shrinks/corpusReplay.ts';
import { readEntry } from '../shrinks/store.ts';
import { reportInputOf } from './failureReport.ts';

/** One example: a seeded bug and the corpus case of it. */
export interface ReportExample {
  /** The seeded bug (impl/mutants) and the file stem. */
  readonly mutant: string;
  /** The property that kills it (the corpus folder). */
  readonly property: string;
  /** Where its files go. */
  readonly dir: string;
  /** Whether an HTML report is kept too. */
  readonly html: boolean;
}

/** The three examples of docs/examples/ (three kinds of failure), then the goldens. */
export const REPORT_EXAMPLES: readonly ReportExample[] = [
  // A model verdict on a store: T2, split_pmd() without its dsb(ishst).
  { mutant: 'split-pmd-no-dsb', property: 'bbm.model-clean', dir: 'docs/examples', html: true },
  // A model verdict B1: a valid-to-valid change of an invalid-made-valid entry.
  { mutant: 'split-pmd-validates-invalid', property: 'ops.answers-exact', dir: 'docs/examples', html: true },
  // A failed claim with the model's stale TLB entries as the evidence: B8, a flush one page short.
  { mutant: 'flush-one-page-short', property: 'perm.exact', dir: 'docs/examples', html: true },
  { mutant: 'split-pud-pfn-step', property: 'split.translation-preserved', dir: 'reports/golden', html: false },
  { mutant: 'split-pmd-drop-pxn', property: 'split.hierarchical-pxn', dir: 'reports/golden', html: false },
  { mutant: 'contpte-decont-all-but-one', property: 'split.boundaries-exact', dir: 'reports/golden', html: false },
  { mutant: 'split-pmd-break-before-alloc', property: 'errors.no-damage', dir: 'reports/golden', html: false },
  {
    mutant: 'split-without-capability',
    property: 'bbm.no-tlb-conflict-without-bbml2',
    dir: 'reports/golden',
    html: false,
  },
];

/** The case file of an example. */
export const caseFile = (e: ReportExample): string => join(e.dir, `${e.mutant}.case.json`);

/**
 * The report input of an example, from its case file.
 * @param e - the example
 * @returns the input, with both replay commands
 * @throws Error when the case no longer fails or makes no judged run
 */
export function exampleInput(e: ReportExample): ReportInput {
  const file = caseFile(e);
  const entry = readEntry(file);
  const r = replayEntry(entry, file);
  if (!r.failed || r.run === undefined) throw new Error(`${file}: the case does not fail with a judged run any more`);
  const mutant = MUTANTS.find((m) => `mutant:${m.id}` === entry.sut);
  const bySeed = [
    'npx bbm-verify verify',
    `--only ${entry.property}`,
    `--seed ${entry.found.seed}`,
    `--path ${entry.found.path}`,
    ...(mutant === undefined ? [] : [`--sut impl/mutants/${mutant.id}.ts`]),
  ].join(' ');
  return reportInputOf(
    {
      property: entryProperty(entry, file),
      sut: entry.sut,
      message: r.report,
      seed: entry.found.seed,
      path: entry.found.path,
      replays: [
        { how: 'by value', command: `npx bbm-verify replay ${file}` },
        { how: 'by seed and path', command: bySeed },
      ],
    },
    r.run,
  );
}

/** The files of an example and their contents. */
export function renderExample(e: ReportExample): { file: string; text: string }[] {
  const a: FailureAnalysis = analyseFailure(exampleInput(e));
  return [
    { file: join(e.dir, `${e.mutant}.txt`), text: textReport(a) + '\n' },
    ...(e.html
      ? [{ file: join(e.dir, `${e.mutant}.html`), text: htmlReport([a], { title: `bbm-verify: ${e.mutant}` }) }]
      : []),
  ];
}

/** Writes every example (copying the cases from the corpus first with `--from-corpus`). */
function main(args: readonly string[]): void {
  for (const e of REPORT_EXAMPLES) {
    mkdirSync(e.dir, { recursive: true });
    if (args.includes('--from-corpus'))
      copyFileSync(join('shrinks/corpus', e.property, `${e.mutant}.json`), caseFile(e));
    for (const f of renderExample(e)) {
      const old = (() => {
        try {
          return readFileSync(f.file, 'utf8');
        } catch {
          return undefined;
        }
      })();
      if (old !== f.text) writeFileSync(f.file, f.text);
      console.log(`${old === f.text ? 'kept ' : 'wrote'} ${f.file}`);
    }
  }
}

if (process.argv[1] !== undefined && /reportExamples\.ts$/.test(process.argv[1])) main(process.argv.slice(2));
