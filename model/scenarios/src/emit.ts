/**
 * Turns the registered scenarios into files: `<kind>/<name>.jsonl` (the trace),
 * `<kind>/<name>.expected` (the golden first line) and README.md, checking on the way that a
 * good scenario states no expectation, a bad one a violation, an invalid one a bad line.
 *
 * Layer: model/scenarios (generator only).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readmeRank } from './order.ts';
import { AWAITING_MODEL_FIX } from './pending.ts';
import type { Row } from './readme.ts';
import { renderReadme } from './readme.ts';
import type { Kind, ScenarioDef } from './registry.ts';

/** The kinds, as folder names. */
export const KINDS: readonly Kind[] = ['good', 'bad', 'invalid'];

/**
 * Builds every scenario but those awaiting a model fix (`pending.ts`).
 * @param scenarios - the registered scenarios
 * @param held - the names not to write (default `AWAITING_MODEL_FIX`)
 * @returns the files to write, by path relative to model/scenarios/
 */
export function renderAll(
  scenarios: readonly ScenarioDef[],
  held: ReadonlySet<string> = AWAITING_MODEL_FIX,
): Map<string, string> {
  const files = new Map<string, string>();
  const rows: (Row & { readonly rank: number })[] = [];
  scenarios.forEach((s, i) => {
    if (held.has(s.name)) return;
    const t = s.build();
    const exp = t.expected();
    if (s.kind === 'good' && t.mark) throw new Error(`${s.name}: good scenario with an expectation`);
    if (s.kind === 'bad' && t.mark?.kind !== 'violation' && t.mark?.kind !== 'end')
      throw new Error(`${s.name}: bad scenario without a violation`);
    if (s.kind === 'invalid' && t.mark?.kind !== 'error')
      throw new Error(`${s.name}: invalid scenario without an error`);
    files.set(`${s.kind}/${s.name}.jsonl`, t.lines.join('\n') + '\n');
    files.set(`${s.kind}/${s.name}.expected`, exp + '\n');
    rows.push({ kind: s.kind, name: s.name, expected: exp, desc: s.desc, rank: readmeRank(s.name, i) });
  });
  rows.sort((a, b) => a.rank - b.rank);
  files.set('README.md', renderReadme(rows));
  return files;
}

/**
 * Replaces `good/`, `bad/`, `invalid/` and README.md under `dir` by `files`.
 * @param dir - model/scenarios
 * @param files - from `renderAll`
 */
export function writeAll(dir: string, files: ReadonlyMap<string, string>): void {
  for (const kind of KINDS) rmSync(join(dir, kind), { recursive: true, force: true });
  for (const [rel, text] of files) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
}
