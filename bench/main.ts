/**
 * `npm run bench`: the five sections of issue 14 — check-trace end to end, checked throughput in
 * property runs, scaling with the linear map, time to detect each seeded bug, the gate — printed
 * as tables, written to bench/results.json and into bench/README.md. A few minutes by default;
 * `BENCH_LARGE=1` adds the big sizes (10^7 events, a 16 GiB repaint), `BENCH_GATE=1` measures
 * `npm run verify` and `npm test`, `BENCH_SECTIONS=1,3` runs only some sections (the others are
 * carried over from the committed results), `BENCH_REPEAT=N` sets the runs per median.
 *
 * Layer: bench.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { checkTraceSection } from './checkTraceSection.ts';
import { detectSection } from './detectSection.ts';
import { gateSection } from './gateSection.ts';
import { propertySection } from './propertySection.ts';
import { scalingSection } from './scalingSection.ts';
import { REPEAT, machine } from './stats.ts';
import type { BenchResults } from './table.ts';
import { formatTables } from './table.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const RESULTS = join(HERE, 'results.json');
const README = join(HERE, 'README.md');
const BEGIN = '<!-- bench:table -->';
const END = '<!-- /bench:table -->';

function previous(): Partial<BenchResults> {
  if (!existsSync(RESULTS)) return {};
  try {
    return JSON.parse(readFileSync(RESULTS, 'utf8')) as Partial<BenchResults>;
  } catch {
    return {};
  }
}

function sections(): Set<number> | string {
  const raw = process.env['BENCH_SECTIONS'];
  if (raw === undefined || raw === '') return new Set([1, 2, 3, 4, 5]);
  const picked = raw.split(',').map((x) => Number(x.trim()));
  if (picked.some((n) => !Number.isInteger(n) || n < 1 || n > 5))
    return `BENCH_SECTIONS must be numbers 1 to 5 separated by commas, got ${JSON.stringify(raw)}`;
  return new Set(picked);
}

async function main(): Promise<number> {
  const pick = sections();
  if (typeof pick === 'string') {
    console.error(`bench: ${pick}`);
    return 2;
  }
  const large = process.env['BENCH_LARGE'] === '1';
  const log = (l: string): void => console.error(l);
  const last = previous();
  const dir = mkdtempSync(join(tmpdir(), 'bbm-bench-'));
  const m = machine();
  log(`bench: ${m.cores} cores, Node ${m.node}, load ${m.load}; sections ${[...pick].join(',')}`);
  try {
    const results: BenchResults = {
      format: 'bbm-bench/1',
      date: new Date().toISOString().slice(0, 16).replace('T', ' '),
      machine: m,
      repeat: REPEAT,
      ...carry(1, pick, last.checkTrace, () => ({ checkTrace: checkTraceSection(dir, large, log) }), 'checkTrace'),
      ...carry(2, pick, last.property, () => ({ property: propertySection(log) }), 'property'),
      ...carry(3, pick, last.scaling, () => ({ scaling: scalingSection(large, log) }), 'scaling'),
      ...carry(4, pick, last.detect, () => ({ detect: detectSection(log) }), 'detect'),
      ...carry(5, pick, last.gate, () => ({ gate: gateSection(last.gate ?? [], log) }), 'gate'),
    };
    const lines = formatTables(results);
    console.log(lines.join('\n'));
    // Written as `npm run format` would write them, so that a run leaves the tree formatted.
    const options = (await resolveConfig(README)) ?? {};
    writeFileSync(RESULTS, await format(JSON.stringify(results), { ...options, parser: 'json' }));
    const readme = readFileSync(README, 'utf8');
    const from = readme.indexOf(BEGIN);
    const to = readme.indexOf(END);
    if (from >= 0 && to > from) {
      const text = `${readme.slice(0, from + BEGIN.length)}\n\n${lines.join('\n')}\n${readme.slice(to)}`;
      writeFileSync(README, await format(text, { ...options, parser: 'markdown' }));
    }
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A section measured now, or its last figures when it is not selected. */
function carry<K extends string, V>(
  n: number,
  pick: Set<number>,
  last: V | undefined,
  measure: () => Record<K, V>,
  key: K,
): Partial<Record<K, V>> {
  if (pick.has(n)) return measure();
  return last === undefined ? {} : ({ [key]: last } as Record<K, V>);
}

process.exitCode = await main();
