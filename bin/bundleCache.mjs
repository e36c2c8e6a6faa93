// A cache of plain-JavaScript bundles of TypeScript entries, so that a command can run without
// the TypeScript loader (tsx costs ~40 MiB of RSS and ~0.25 s of start-up on its own; issue 14).
//
// A bundle is never stale: beside it sits a manifest of every input esbuild read (path, mtime,
// size; package-lock.json and the builder included), and a bundle is used only when every input
// still matches. Otherwise it is rebuilt by bin/buildBundle.mjs in a child process (esbuild's
// service stays out of this process's memory) and written atomically, so concurrent runs do not
// see half a file. Anything wrong (no esbuild, a read-only tree, a build error) returns
// `undefined` and the caller falls back to tsx, whose error messages are the usual ones.
//
// Layer: bin (plain JavaScript: it runs before any TypeScript can be loaded).
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (the folder above bin/). */
export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The builder, itself an input of every bundle. */
export const BUILDER = join(PACKAGE_ROOT, 'bin', 'buildBundle.mjs');

/**
 * Where the bundle of an entry and its manifest live.
 * @param {string} root - the project root the entry is relative to
 * @param {string} entry - the entry, relative to root (`cli/checkTraceMain.ts`)
 * @returns {{ bundle: string, manifest: string }} the two paths
 */
export function cachePaths(root, entry) {
  const name = entry.replace(/\.[cm]?ts$/, '').replace(/[\\/]/g, '-');
  const dir = join(root, 'node_modules', '.cache', 'bbm-verify');
  return { bundle: join(dir, `${name}.mjs`), manifest: join(dir, `${name}.json`) };
}

/**
 * Whether a bundle matches its sources.
 * @param {string} root - the project root
 * @param {string} entry - the entry, relative to root
 * @returns {boolean} true when the bundle exists and no input changed since it was built
 */
export function isFresh(root, entry) {
  const { bundle, manifest } = cachePaths(root, entry);
  let inputs;
  try {
    statSync(bundle);
    inputs = JSON.parse(readFileSync(manifest, 'utf8')).inputs;
  } catch {
    return false;
  }
  if (!Array.isArray(inputs) || inputs.length === 0) return false;
  for (const input of inputs) {
    if (typeof input?.path !== 'string') return false;
    try {
      const s = statSync(resolve(root, input.path));
      if (s.mtimeMs !== input.mtimeMs || s.size !== input.size) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * The bundle of an entry, built first when missing or stale.
 * @param {string} entry - the entry, relative to root
 * @param {string} [root] - the project root (the package root by default)
 * @returns {string | undefined} the bundle's path, or undefined when it cannot be had
 */
export function bundledEntry(entry, root = PACKAGE_ROOT) {
  if (isFresh(root, entry)) return cachePaths(root, entry).bundle;
  const r = spawnSync(process.execPath, [BUILDER, root, entry], { stdio: 'ignore', timeout: 60_000 });
  if (r.status !== 0) return undefined;
  return isFresh(root, entry) ? cachePaths(root, entry).bundle : undefined;
}
