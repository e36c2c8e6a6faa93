// Loading a SUT module: every way a module can be unusable is one SutLoadError line naming the
// module and what is wrong (the command turns it into exit 2); a good module is loaded.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadSut, SutLoadError } from './sut.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'bbm-sut-'));
const file = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

describe('loadSut', () => {
  it.each([
    ['a missing file', join(dir, 'missing.ts'), /SUT module \S+missing\.ts does not exist$/],
    [
      'a folder',
      (mkdirSync(join(dir, 'impl')), join(dir, 'impl')),
      /SUT module \S+impl is a folder: name the module file/,
    ],
    [
      'no factory',
      file('answer.mjs', 'export const answer = 42;\n'),
      /exports no SutFactory \(createSut or default export\)/,
    ],
    [
      'an incomplete KernelOps',
      file('half.mjs', 'export const createSut = () => ({ name: "half", boot() {}, mem_init() {} });\n'),
      /: its KernelOps has no secondary_start_kernel\(\) \(see impl\/CONTRACT\.md\)$/,
    ],
    [
      'a factory that throws',
      file('throws.mjs', 'export default () => {\n  throw new Error("no machine for me");\n};\n'),
      /: its factory throws at 4K v7\.2-rc \(the default variant; --variant narrows the run\): no machine for me \(at \S+throws\.mjs:2:9\)$/,
    ],
    [
      'a throw on import',
      file('boom.mjs', 'const x = 1;\nthrow new Error("boom on import " + x);\n'),
      /does not load: boom on import 1 \(at \S+boom\.mjs:2:7\)$/,
    ],
  ])('rejects %s with one line', async (_what, path, message) => {
    const e: unknown = await loadSut(path).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SutLoadError);
    expect((e as Error).message).toMatch(message);
    expect((e as Error).message).not.toContain('\n');
  });

  // Why this test? The probe once built every plug-in at the default variant, so a SUT written for
  // one kernel (kernel/cSut.ts on a v6.18 tree) was refused by the very run narrowed to it
  // (`verify --variant v6.18`, which the child sees as BBM_VARIANTS; 596d7bb).
  it("probes a plug-in at the run's narrowed variant: a v6.18-only SUT loads under v6.18 and is refused with one line otherwise", async () => {
    const only = file(
      'v618-only.mjs',
      [
        `import { createPortSut } from ${JSON.stringify(join(ROOT, 'impl', 'sut.ts'))};`,
        'export const createSut = (hw, config) => {',
        "  if (config.variant !== 'v6.18') throw new Error(`built for v6.18 only, not ${config.variant}`);",
        '  return createPortSut(hw, config);',
        '};',
        '',
      ].join('\n'),
    );
    const before = process.env['BBM_VARIANTS'];
    try {
      for (const narrowed of ['v6.18', 'v6.18,prealloc', 'prealloc,v6.18']) {
        process.env['BBM_VARIANTS'] = narrowed;
        expect(typeof (await loadSut(only))).toBe('function');
      }
      for (const narrowed of [undefined, '', 'v7.1', 'v7.3,v6.18']) {
        if (narrowed === undefined) delete process.env['BBM_VARIANTS'];
        else process.env['BBM_VARIANTS'] = narrowed;
        const e: unknown = await loadSut(only).catch((x: unknown) => x);
        expect(e).toBeInstanceOf(SutLoadError);
        const probed = narrowed === undefined || narrowed === '' ? 'v7.2-rc' : narrowed.split(',')[0];
        expect((e as Error).message).toMatch(
          new RegExp(
            `^SUT module \\S+v618-only\\.mjs: its factory throws at 4K ${probed?.replace('.', '\\.') ?? ''}\\b.*: built for v6\\.18 only, not ${probed?.replace('.', '\\.') ?? ''} \\(at \\S+v618-only\\.mjs:3:\\d+\\)$`,
          ),
        );
        expect((e as Error).message).not.toContain('\n');
      }
    } finally {
      if (before === undefined) delete process.env['BBM_VARIANTS'];
      else process.env['BBM_VARIANTS'] = before;
    }
  });

  it('loads the second implementation', async () => {
    const f = await loadSut('impl/alt/minimal-split.ts');
    expect(typeof f).toBe('function');
  });
});
