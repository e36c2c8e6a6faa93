/**
 * The summary of a `bbm-verify verify` run: the closing line, and the machine-readable forms a CI
 * gates on — the JSON summary (`--json FILE`, shape `bbm-verify-summary/1`, documented in
 * cli/README.md) and JUnit XML (`--junit FILE`: one `<testsuite>` per seed, one `<testcase>` per
 * property, `<failure>` for a finding, `<error>` for an internal error or a run that checked
 * nothing, `<skipped>` for a property whose configurations miss the narrowing).
 *
 * Layer: cli.
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from './usage.ts';
import { ruleOf } from '../reports/rules.ts';
import type { Shard } from './shard.ts';
import type { Row } from './verifyReport.ts';

/**
 * Checks, before a run, that a report file can be written where asked.
 * @param file - the path
 * @param flag - the flag, for the message
 * @returns the path
 */
export function reportFile(file: string, flag: string): string {
  let isDir = false;
  try {
    isDir = statSync(file).isDirectory();
  } catch {
    // Absent: it will be created.
  }
  if (file === '' || isDir) throw new UsageError(`verify: ${flag} needs a file name, got ${JSON.stringify(file)}`);
  return file;
}

/**
 * The closing line.
 * @param rows - the rows
 * @param seeds - the seeds of a multi-seed run (adds which seeds failed)
 * @returns e.g. `11 passed, 1 failed, 0 skipped`
 */
export function summaryLine(rows: readonly Row[], seeds?: readonly number[]): string {
  const n = (s: Row['status']): number => rows.filter((r) => r.status === s).length;
  const parts = [`${n('pass')} passed`, `${n('fail')} failed`];
  if (n('skip') > 0) parts.push(`${n('skip')} skipped`);
  if (n('no-input') > 0) parts.push(`${n('no-input')} checked nothing`);
  if (n('error') > 0) parts.push(`${n('error')} internal errors`);
  let line = parts.join(', ');
  if (seeds !== undefined) {
    const bad = seeds.filter((s) => rows.some((r) => r.seed === s && (r.status === 'fail' || r.status === 'error')));
    line += bad.length === 0 ? '; every seed holds' : `; failing seeds: ${bad.join(', ')}`;
  }
  return line;
}

/** What the reports say about the run as a whole. */
export interface RunInfo {
  readonly json: string | undefined;
  readonly junit: string | undefined;
  readonly seeds: readonly number[];
  readonly ms: number;
  readonly sut: string | undefined;
  /** The shard this run is (`--shard I/N`), when it is one. */
  readonly shard?: Shard;
}

/**
 * The JSON summary.
 * @param rows - the rows
 * @param info - the run
 * @returns the document
 */
export function jsonSummary(rows: readonly Row[], info: RunInfo): unknown {
  const n = (s: Row['status']): number => rows.filter((r) => r.status === s).length;
  return {
    format: 'bbm-verify-summary/1',
    sut: info.sut ?? 'port',
    seeds: info.seeds,
    ...(info.shard === undefined ? {} : { shard: info.shard }),
    ms: Math.round(info.ms),
    runs: rows.reduce((a, r) => a + r.runs, 0),
    totals: { pass: n('pass'), fail: n('fail'), skip: n('skip'), noInput: n('no-input'), error: n('error') },
    results: rows.map((r) => ({
      property: r.property,
      seed: r.seed,
      status: r.status,
      runs: r.runs,
      ...(r.examples === undefined ? {} : { examples: r.examples }),
      ms: Math.round(r.ms),
      ...(r.message === undefined ? {} : { message: r.message }),
      ...(r.replay === undefined ? {} : { replay: r.replay }),
    })),
    counterexamples: rows
      .filter((r) => r.status === 'fail')
      .map((r) => ({
        property: r.property,
        seed: r.seed,
        ...(r.path === undefined ? {} : { path: r.path }),
        replay: r.replay ?? '',
        ...(r.replayCase === undefined ? {} : { replayCase: r.replayCase }),
        ...(r.exampleFile === undefined && r.corpusFile === undefined
          ? {}
          : { corpusEntry: r.exampleFile ?? r.corpusFile }),
        replays: r.report?.failure.replays ?? [
          ...(r.replay === undefined ? [] : [{ how: 'by seed and path', command: r.replay }]),
          ...(r.replayCase === undefined || r.replayCase === r.replay
            ? []
            : [{ how: 'by value', command: r.replayCase }]),
        ],
        summary: (r.message ?? '').split('\n')[0] ?? '',
        ...(r.report === undefined
          ? {}
          : {
              verdict: r.report.violation?.code ?? 'claim',
              rule: ruleOf(r.report.violation?.code, r.property, r.report.failure.invariants, r.report.failure.claim)
                .rule,
            }),
        ...(r.counterexample === undefined ? {} : { input: r.counterexample }),
      })),
  };
}

const xml = (s: string): string =>
  s
    // Characters XML 1.0 cannot hold at all.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

const secs = (ms: number): string => (ms / 1000).toFixed(3);

/**
 * The JUnit XML report.
 * @param rows - the rows
 * @param info - the run
 * @returns the document
 */
export function junitXml(rows: readonly Row[], info: RunInfo): string {
  const count = (rs: readonly Row[], ...s: Row['status'][]): number => rs.filter((r) => s.includes(r.status)).length;
  const total = (rs: readonly Row[]): number => rs.reduce((a, r) => a + r.ms, 0);
  const suites = info.seeds.map((seed) => {
    const rs = rows.filter((r) => r.seed === seed);
    const cases = rs.map((r) => {
      const open = `    <testcase classname="bbm-verify.${xml(r.property.split('.')[0] ?? '')}" name="${xml(r.property)}" time="${secs(r.ms)}"`;
      const first = xml((r.message ?? '').split('\n')[0] ?? '');
      const body = xml([r.message ?? '', ...(r.replay === undefined ? [] : [`replay: ${r.replay}`])].join('\n'));
      switch (r.status) {
        case 'pass':
          return `${open}/>`;
        case 'skip':
          return `${open}>\n      <skipped message="${first}"/>\n    </testcase>`;
        case 'fail':
          return `${open}>\n      <failure message="${first}" type="counterexample">${body}</failure>\n    </testcase>`;
        case 'no-input':
        case 'error':
          return `${open}>\n      <error message="${first}" type="${r.status}">${body}</error>\n    </testcase>`;
      }
    });
    return [
      `  <testsuite name="bbm-verify seed ${seed}" tests="${rs.length}" failures="${count(rs, 'fail')}" errors="${count(rs, 'error', 'no-input')}" skipped="${count(rs, 'skip')}" time="${secs(total(rs))}">`,
      `    <properties>\n      <property name="seed" value="${seed}"/>\n      <property name="sut" value="${xml(info.sut ?? 'port')}"/>\n    </properties>`,
      ...cases,
      '  </testsuite>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="bbm-verify" tests="${rows.length}" failures="${count(rows, 'fail')}" errors="${count(rows, 'error', 'no-input')}" skipped="${count(rows, 'skip')}" time="${secs(info.ms)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

/**
 * Writes the reports asked for.
 * @param rows - the rows
 * @param info - the run and the files
 * @returns the files written
 */
export function writeReports(rows: readonly Row[], info: RunInfo): string[] {
  const out: string[] = [];
  const write = (file: string, text: string): void => {
    try {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
    } catch (e) {
      throw new UsageError(`verify: cannot write ${file}: ${e instanceof Error ? e.message : String(e)}`);
    }
    out.push(file);
  };
  if (info.json !== undefined) write(info.json, JSON.stringify(jsonSummary(rows, info), null, 2) + '\n');
  if (info.junit !== undefined) write(info.junit, junitXml(rows, info));
  return out;
}
