// check-trace from its cached bundle (bin/bundleCache.mjs) is the same command as through tsx:
// the same stdout, stderr and exit code on clean and broken scenario traces, on bad input and on
// bad usage (compared with runCli in this process, and once with BBM_VERIFY_BUNDLE=off as a
// process); and the cache never serves a bundle older than its sources.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from './main.ts';
// @ts-expect-error -- plain JavaScript without declarations (bin/ runs before TypeScript loads)
import { bundledEntry, cachePaths, isFresh } from '../bin/bundleCache.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'bin', 'bbm-verify.mjs');
const SCENARIOS = join(ROOT, 'model', 'scenarios');

interface Outcome {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
}

function run(args: readonly string[], bundle: 'on' | 'off', input?: string): Outcome {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    input: input ?? '',
    env: { ...process.env, BBM_VERIFY_BUNDLE: bundle },
  });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status };
}

/** The same command through tsx, in this process (cheaper than a second child per case). */
async function inProcess(args: readonly string[], input = ''): Promise<Outcome> {
  const r = await runCli(args, Readable.from(input === '' ? [] : [input]));
  const text = (lines: readonly string[]): string => lines.map((l) => l + '\n').join('');
  return { stdout: text(r.stdout), stderr: text(r.stderr), code: r.code };
}

const tmp = mkdtempSync(join(tmpdir(), 'bbm-bundle-'));
const garbled = join(tmp, 'garbled.jsonl');
writeFileSync(garbled, '{"format":"bbm-trace/1"\nnot json\n');

const scenario = (kind: 'good' | 'bad'): string[] =>
  readdirSync(join(SCENARIOS, kind))
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .slice(0, 3)
    .map((f) => join(SCENARIOS, kind, f));
const good = scenario('good');
const bad = scenario('bad');

describe('check-trace from its bundle', () => {
  it('is what bin/bbm-verify.mjs runs: a run without a manifest builds one', () => {
    const { manifest } = cachePaths(ROOT, 'cli/checkTraceMain.ts');
    rmSync(manifest, { force: true });
    expect(run(['check-trace', good[0] ?? ''], 'on').code).toBe(0);
    expect(isFresh(ROOT, 'cli/checkTraceMain.ts')).toBe(true);
  });

  it.each([
    ...good.map((t) => [t.slice(SCENARIOS.length + 1), 0, ['check-trace', t]] as const),
    ...bad.map((t) => [t.slice(SCENARIOS.length + 1), 1, ['check-trace', t]] as const),
    ['a garbled trace', 2, ['check-trace', garbled]] as const,
    ['a missing file', 2, ['check-trace', join(tmp, 'absent.jsonl')]] as const,
    ['a folder', 2, ['check-trace', tmp]] as const,
    ['no file', 2, ['check-trace']] as const,
    ['an unknown flag', 2, ['check-trace', '--frobnicate', garbled]] as const,
    ['--help', 0, ['check-trace', '--help']] as const,
  ])('%s: the same output as through tsx, exit %i', async (_name, code, args) => {
    const bundled = run(args, 'on');
    expect(bundled.code).toBe(code);
    expect(bundled).toEqual(await inProcess(args));
    expect(bundled.stderr).not.toMatch(/\n\s+at /);
  });

  it('reads stdin for - the same way', async () => {
    const text = readFileSync(good[0] ?? '', 'utf8');
    const bundled = run(['check-trace', '-'], 'on', text);
    expect(bundled.code).toBe(0);
    expect(bundled).toEqual(await inProcess(['check-trace', '-'], text));
  });

  it('BBM_VERIFY_BUNDLE=off runs the tsx path as a process, with the same output', () => {
    const args = ['check-trace', bad[0] ?? ''];
    expect(run(args, 'off')).toEqual(run(args, 'on'));
  });

  it('runs as an executable through its shebang (`env -S node` with flags), with the same output', () => {
    const args = ['check-trace', bad[0] ?? ''];
    // Without -S the shebang does not run the CLI at all (it hangs here): bounded, that fails.
    const direct = spawnSync(CLI, args, { cwd: ROOT, encoding: 'utf8', env: process.env, input: '', timeout: 60_000 });
    expect(direct.status).toBe(1);
    expect({ stdout: direct.stdout, stderr: direct.stderr, code: direct.status }).toEqual(run(args, 'on'));
  });
});

describe('bin/bundleCache.mjs', () => {
  const project = mkdtempSync(join(tmpdir(), 'bbm-bundle-project-'));
  mkdirSync(join(project, 'src'));
  const entry = 'src/entry.ts';
  const write = (path: string, text: string, mtime?: Date): void => {
    writeFileSync(join(project, path), text);
    if (mtime !== undefined) utimesSync(join(project, path), mtime, mtime);
  };
  const runBundle = (file: string): string => spawnSync(process.execPath, [file], { encoding: 'utf8' }).stdout.trim();
  write(entry, "import { word } from './word.ts';\nconsole.log(word satisfies string);\n");
  write('src/word.ts', "export const word: string = 'first';\n");

  it('builds a bundle that runs without tsx, and serves it while the sources are unchanged', () => {
    const file = bundledEntry(entry, project) as string | undefined;
    expect(file).toBe(cachePaths(project, entry).bundle);
    expect(runBundle(file ?? '')).toBe('first');
    expect(isFresh(project, entry)).toBe(true);
  });

  it('rebuilds when an imported file changes, even to the same size', () => {
    bundledEntry(entry, project);
    write('src/word.ts', "export const word: string = 'other';\n", new Date(Date.now() - 5_000));
    expect(isFresh(project, entry)).toBe(false);
    expect(runBundle(bundledEntry(entry, project) ?? '')).toBe('other');
  });

  it('rebuilds after a corrupt manifest, and gives up (undefined) on a source that does not build', () => {
    bundledEntry(entry, project);
    writeFileSync(cachePaths(project, entry).manifest, '{ not json');
    expect(isFresh(project, entry)).toBe(false);
    expect(runBundle(bundledEntry(entry, project) ?? '')).toBe('other');
    write('src/word.ts', 'export const word: string = ;\n');
    expect(bundledEntry(entry, project)).toBeUndefined();
  });
});
