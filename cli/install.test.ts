// `npm ci` prints nothing a newcomer has to wonder about: npm 11 warns about every dependency
// install script that package.json's `allowScripts` does not cover, and esbuild's postinstall is
// approved there (README). A new dependency with an install script fails here until it is
// reviewed (`npm install-scripts approve|deny <pkg>`), not at a newcomer's first `npm ci`.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function npm(args: readonly string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('npm', [...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } }, (e, stdout, stderr) =>
      resolve({ code: e === null ? 0 : typeof e.code === 'number' ? e.code : 1, out: stdout + stderr }),
    );
  });
}

it('leaves no dependency install script unreviewed (no npm ci warning)', async () => {
  const r = await npm(['install-scripts', 'ls']);
  expect(r.out.trim()).toBe('No packages with unreviewed install scripts.');
  expect(r.code).toBe(0);
});
