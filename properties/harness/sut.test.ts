// Loading a SUT module: every way a module can be unusable is one SutLoadError line naming the
// module and what is wrong (the command turns it into exit 2); a good module is loaded.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSut, SutLoadError } from './sut.ts';

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
      /: its factory throws: no machine for me \(at \S+throws\.mjs:2:9\)$/,
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

  it('loads the second implementation', async () => {
    const f = await loadSut('impl/alt/minimal-split.ts');
    expect(typeof f).toBe('function');
  });
});
