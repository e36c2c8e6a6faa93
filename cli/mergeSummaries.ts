/**
 * `bbm-verify merge-summaries FILE...`: the JSON summaries of the N shards of one run
 * (`verify --shard I/N --json FILE`) merged into the summary of the whole run — results in the
 * unsharded run's order, totals, runs and counterexamples added up — written with `--json OUT`
 * (and `--junit OUT`), with the closing line and the exit status of the whole run. Every input is
 * checked (zod) against the documented shape, and the shards must be of one run: the same SUT
 * and seeds, one file per shard, none missing. A bad file is one line and exit 2.
 *
 * Layer: cli.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { CommandResult } from './checkTrace.ts';
import { parseVerb, verbHelp } from './options.ts';
import { UsageError } from './usage.ts';
import { MERGE_VERB } from './verbs.ts';
import type { Row } from './verifyReport.ts';
import { exitOf } from './verify.ts';
import { junitXml, reportFile, summaryLine } from './verifySummary.ts';
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

const resultSchema = z.looseObject({
  property: z.string(),
  seed: z.number(),
  status: z.enum(['pass', 'fail', 'skip', 'no-input', 'error']),
  runs: z.number(),
  ms: z.number(),
  message: z.string().optional(),
  replay: z.string().optional(),
});

/** The part of `bbm-verify-summary/1` a merge reads (other fields are kept as they are). */
const summarySchema = z.looseObject({
  format: z.literal('bbm-verify-summary/1'),
  sut: z.string(),
  seeds: z.array(z.number()),
  shard: z.strictObject({ index: z.number().int().positive(), count: z.number().int().positive() }).optional(),
  ms: z.number(),
  results: z.array(resultSchema),
  counterexamples: z.array(z.looseObject({ property: z.string(), seed: z.number() })),
});

/** A checked summary. */
export type Summary = z.infer<typeof summarySchema>;

/**
 * Reads and checks one summary.
 * @param file - the file
 * @returns the summary
 * @throws UsageError naming the file and the field
 */
export function readSummary(file: string): Summary {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`merge-summaries: ${file}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  const r = summarySchema.safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new UsageError(
      `merge-summaries: ${file}: ${issue?.path.join('.') || '(top)'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return r.data;
}

/**
 * Merges the shards of one run.
 * @param parts - the shards' summaries, with their files for messages
 * @returns the summary of the whole run
 * @throws UsageError when they are not the complete shards of one run
 */
export function mergeSummaries(parts: readonly { file: string; summary: Summary }[]): Summary {
  const first = parts[0];
  if (first === undefined) throw new UsageError('merge-summaries: give the JSON summaries of the shards');
  const count = first.summary.shard?.count ?? 1;
  const byIndex = new Map<number, Summary>();
  for (const { file, summary: s } of parts) {
    const shard = s.shard ?? { index: 1, count: 1 };
    if (shard.count !== count)
      throw new UsageError(`merge-summaries: ${file}: shard ${shard.index}/${shard.count} is not one of ${count}`);
    if (s.sut !== first.summary.sut || JSON.stringify(s.seeds) !== JSON.stringify(first.summary.seeds))
      throw new UsageError(`merge-summaries: ${file}: another run (SUT ${s.sut}, seeds ${s.seeds.join(',')})`);
    if (byIndex.has(shard.index))
      throw new UsageError(`merge-summaries: ${file}: shard ${shard.index}/${count} given twice`);
    byIndex.set(shard.index, s);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0)
    throw new UsageError(
      `merge-summaries: shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} missing`,
    );
  // Job k of the whole run is job ⌊k/N⌋ of shard (k mod N) + 1 (cli/shard.ts).
  const shards = Array.from({ length: count }, (_, i) => byIndex.get(i + 1)).filter(
    (s): s is Summary => s !== undefined,
  );
  const total = shards.reduce((a, s) => a + s.results.length, 0);
  const results: Summary['results'] = [];
  for (let k = 0; k < total; k++) {
    const r = shards[k % count]?.results[Math.floor(k / count)];
    if (r === undefined)
      throw new UsageError(
        `merge-summaries: shard ${(k % count) + 1}/${count} has fewer results than its deal (a run cut short?)`,
      );
    results.push(r);
  }
  const n = (st: string): number => results.filter((r) => r.status === st).length;
  const { shard: _shard, ...rest } = first.summary;
  return {
    ...rest,
    ms: Math.max(...shards.map((s) => s.ms)),
    runs: results.reduce((a, r) => a + r.runs, 0),
    totals: { pass: n('pass'), fail: n('fail'), skip: n('skip'), noInput: n('no-input'), error: n('error') },
    results,
    counterexamples: shards.flatMap((s) => s.counterexamples),
  };
}

/**
 * Runs the command.
 * @param args - files and options
 * @returns output and exit code
 */
export function runMergeSummaries(args: readonly string[]): CommandResult {
  const { values, positionals, help } = parseVerb(MERGE_VERB, args);
  if (help) return { stdout: [verbHelp(MERGE_VERB)], stderr: [], code: 0 };
  const json = typeof values['json'] === 'string' ? reportFile(values['json'], '--json') : undefined;
  const junit = typeof values['junit'] === 'string' ? reportFile(values['junit'], '--junit') : undefined;
  const merged = mergeSummaries(positionals.map((file) => ({ file, summary: readSummary(file) })));
  const rows: Row[] = merged.results.map((r) => ({
    property: r.property,
    seed: r.seed,
    status: r.status,
    runs: r.runs,
    ms: r.ms,
    ...(r.message === undefined ? {} : { message: r.message }),
    ...(r.replay === undefined ? {} : { replay: r.replay }),
  }));
  const stdout: string[] = [];
  const write = (file: string, text: string): void => {
    try {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
    } catch (e) {
      throw new UsageError(`merge-summaries: cannot write ${file}: ${e instanceof Error ? e.message : String(e)}`);
    }
    stdout.push(`wrote ${file}`);
  };
  if (json !== undefined) write(json, JSON.stringify(merged, null, 2) + '\n');
  if (junit !== undefined)
    write(junit, junitXml(rows, { json, junit, seeds: merged.seeds, ms: merged.ms, sut: merged.sut }));
  const seeds = merged.seeds.length > 1 ? merged.seeds : undefined;
  const verdict = exitOf(rows);
  return {
    stdout: [
      `${positionals.length} shard${positionals.length === 1 ? '' : 's'}: ${summaryLine(rows, seeds)}`,
      ...stdout,
    ],
    stderr: verdict.error === undefined ? [] : [`bbm-verify: merge-summaries: ${verdict.error}`],
    code: verdict.code,
  };
}
