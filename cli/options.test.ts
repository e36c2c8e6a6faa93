// The option tables: one parser (node:util parseArgs) and one generated --help per verb, so that
// every verb takes --flag=value as well as --flag value, rejects what it does not know, and says
// what it does; --version and the top-level help come from the same tables.
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli, usage, version } from './main.ts';
import { parseVerb } from './options.ts';
import { VERBS, VERIFY_VERB } from './verbs.ts';

const noStdin = Readable.from([]);

describe('bbm-verify options', () => {
  it('reads --flag=value and --flag value alike, repeated lists joined, environment as fallback', () => {
    const a = parseVerb(VERIFY_VERB, ['--runs=5', '--granule', '4K', '--granule=16K'], {});
    const b = parseVerb(VERIFY_VERB, ['--runs', '5', '--granule', '4K', '--granule', '16K'], {});
    expect(a.values).toEqual(b.values);
    expect(a.values['granule']).toEqual(['4K', '16K']);
    const env = parseVerb(VERIFY_VERB, [], { BBM_SEED: '7', BBM_GRANULES: '64K' });
    expect(env.values['seed']).toBe('7');
    expect(env.source['seed']).toBe('BBM_SEED');
    expect(parseVerb(VERIFY_VERB, ['--seed', '8'], { BBM_SEED: '7' }).values['seed']).toBe('8');
  });

  it('rejects a value given to a flag that takes none', async () => {
    const r = await runCli(['mutants', '--full=yes'], noStdin);
    expect(r).toEqual({ stdout: [], stderr: ['bbm-verify: mutants: --full takes no value'], code: 2 });
  });

  it.each(VERBS.map((v) => [v.name, v] as const))(
    'prints the help of %s, every option and exit code in it',
    async (_n, verb) => {
      const r = await runCli([verb.name, '--help'], noStdin);
      expect(r.code).toBe(0);
      const text = r.stdout.join('\n');
      expect(text.split('\n')[0]).toBe(
        `usage: bbm-verify ${verb.name}${verb.positionals === undefined ? '' : ` ${verb.positionals}`}${verb.options.length > 0 ? ' [options]' : ''}`,
      );
      for (const o of verb.options) expect(text).toContain(`--${o.name}`);
      for (const x of verb.exits) expect(text).toContain(x);
      expect((await runCli([verb.name, '-h'], noStdin)).stdout).toEqual(r.stdout);
    },
  );

  it('prints the version of package.json and a top-level help naming every verb', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(version()).toBe(pkg.version);
    expect(await runCli(['--version'], noStdin)).toEqual({
      stdout: [`bbm-verify ${pkg.version}`],
      stderr: [],
      code: 0,
    });
    for (const v of VERBS) expect(usage()).toContain(`  ${v.name}`);
    expect((await runCli(['help'], noStdin)).stdout).toEqual([usage()]);
    expect((await runCli([], noStdin)).code).toBe(2);
  });
});
