// Every seeded bug's counterexample can be handed on, three ways (issue 9, "Done when"), checked
// for each bug of impl/mutants/catalogue.ts from its corpus case, with one run of the SUT each:
// - by seed and path: the seed and path recorded with the case, replayed without the value
//   (what the `replay:` line runs), fail on the bug, and name exactly the saved value;
// - by value: that value, saved as a failure saves it (`.case.json`, the corpus format), reads
//   back as the same value (that it fails on the bug is corpus.replay.test.ts);
// - by trace: the failing run's primitive trace, read by check-trace alone, gets the verdict the
//   model gave during the run — the violation code the failure names, when it names one; a claim
//   the model does not judge (a split that leaves a block across its end) leaves a clean trace.
// A stale seed and path (a generator or shrinker changed) fails here: `npx bbm-verify mutants
// --only <bug> --save-corpus` saves the case again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MUTANTS } from '../impl/mutants/catalogue.ts';
import { checkTraceLines } from '../model/trace/checkTrace.ts';
import { JudgedRun } from '../properties/harness/judgedRun.ts';
import { verifyProperty } from '../properties/verify.ts';
import { entryProperty } from './corpusReplay.ts';
import { decodeValue, encodeValue } from './encoding.ts';
import { CORPUS_SCHEMA, CORPUS_DIR, entryText, loadCorpus, readEntry, writeAtomic } from './store.ts';

const work = mkdtempSync(join(tmpdir(), 'bbm-catalogue-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const corpus = loadCorpus(CORPUS_DIR);
const lines = async function* (text: string): AsyncIterable<string> {
  yield* text.split('\n').filter((l) => l !== '');
};

describe('every seeded bug: by seed and path, by value, by trace', () => {
  it.each(MUTANTS.map((m) => [m.id, m] as const))('%s', async (id, m) => {
    const stored = corpus.find((e) => e.entry.sut === `mutant:${id}`);
    expect(stored, `no corpus case for ${id}: npx bbm-verify mutants --only ${id} --save-corpus`).toBeDefined();
    if (stored === undefined) return;
    const { file, entry } = stored;
    const p = entryProperty(entry, file);

    // By seed and path, without the value.
    JudgedRun.latest = undefined;
    const { seed, path } = entry.found;
    const r = verifyProperty(p, m.createSut, { seed, path });
    expect(r.status, `${id}: seed ${seed} path ${path}: ${r.reason ?? ''} (stale? save the case again)`).toBe('fail');
    expect(encodeValue(r.counterexample)).toEqual(entry.input);

    // By value: saved as a failure saves it, it reads back as the same value.
    const caseFile = join(work, id, `${p.id}.case.json`);
    writeAtomic(caseFile, entryText({ ...entry, schema: CORPUS_SCHEMA }));
    expect(encodeValue(decodeValue(readEntry(caseFile).input))).toEqual(entry.input);

    // By trace: check-trace judges the failing run as the property did.
    const run = JudgedRun.latest as JudgedRun | undefined;
    expect(run, `${p.id} made no judged run`).toBeDefined();
    const verdict = await checkTraceLines(lines(run?.trace() ?? ''));
    // The model, reading the exported trace alone, gives the verdict it gave during the run, and
    // the code the failure names when it names one.
    const got = verdict.kind === 'violation' ? verdict.violation.code : verdict.kind;
    expect(got).toBe(run?.violation?.violation.code ?? 'ok');
    const named = /^\s*! (\S+) at /m.exec(r.failure ?? '')?.[1];
    if (named !== undefined) expect(got).toBe(named);
  });
});
