// Builds the bundle of one TypeScript entry for bin/bundleCache.mjs: `node bin/buildBundle.mjs
// ROOT ENTRY`. Run as a child so that esbuild's service never sits in the command's own process.
// Writes the bundle, then its manifest (every input with its mtime and size), each to a temporary
// name renamed into place; an input that changes while it builds leaves no manifest, so the next
// run builds again. Exit 0 when both are in place, 1 otherwise (nothing printed: the caller falls
// back to tsx, which reports a broken source the usual way).
//
// Layer: bin.
import { mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { cachePaths } from './bundleCache.mjs';

const [root, entry] = process.argv.slice(2);
if (root === undefined || entry === undefined) process.exit(1);
const started = Date.now();
const { bundle, manifest } = cachePaths(root, entry);
try {
  const out = await build({
    absWorkingDir: resolve(root),
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    metafile: true,
    write: false,
    logLevel: 'silent',
  });
  const text = out.outputFiles[0]?.text;
  if (text === undefined) process.exit(1);
  const builder = fileURLToPath(import.meta.url);
  const paths = [
    ...Object.keys(out.metafile.inputs),
    relative(resolve(root), resolve(root, 'package-lock.json')),
    relative(resolve(root), builder),
  ];
  const inputs = [];
  for (const path of paths) {
    let s;
    try {
      s = statSync(resolve(root, path));
    } catch {
      if (path === 'package-lock.json') continue;
      process.exit(1);
    }
    if (s.mtimeMs > started) process.exit(1);
    inputs.push({ path, mtimeMs: s.mtimeMs, size: s.size });
  }
  mkdirSync(dirname(bundle), { recursive: true });
  const tmp = `.${process.pid}.tmp`;
  writeFileSync(bundle + tmp, text);
  renameSync(bundle + tmp, bundle);
  writeFileSync(manifest + tmp, JSON.stringify({ entry, inputs }, null, 1) + '\n');
  renameSync(manifest + tmp, manifest);
} catch {
  process.exit(1);
}
