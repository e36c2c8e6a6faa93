#!/usr/bin/env -S node --max-semi-space-size=4
// Entry point of the `bbm-verify` command.
//
// The young generation is capped at 2 × 4 MiB (V8's default lets it grow to 2 × 16 MiB, and it
// can only be set at process start, hence the shebang): check-trace's peak RSS on the remap
// workload falls from 94 to 73 MiB at 10^6 events and from ~120 to ~100 MiB at 10^7 at the same
// speed, and `verify` peaks ~90 MiB lower (bench/README.md). `node bin/bbm-verify.mjs` runs
// without it.
//
// `check-trace` runs from a cached plain-JavaScript bundle of its own code (bin/bundleCache.mjs;
// BBM_VERIFY_BUNDLE=off turns that off): without the TypeScript loader it starts ~4× sooner and
// peaks ~30 MiB lower. Every other verb, and check-trace when no bundle can be had, loads the
// TypeScript CLI through tsx.
import { pathToFileURL } from 'node:url';

let bundle;
if (process.argv[2] === 'check-trace' && process.env.BBM_VERIFY_BUNDLE !== 'off') {
  const { bundledEntry } = await import('./bundleCache.mjs');
  bundle = bundledEntry('cli/checkTraceMain.ts');
}
let ran = false;
if (bundle !== undefined) {
  try {
    await import(pathToFileURL(bundle).href);
    ran = true;
  } catch (e) {
    // Removed between the check and the load (another run rebuilding, a cache wiped): use tsx.
    if (e?.code !== 'ERR_MODULE_NOT_FOUND') throw e;
  }
}
if (!ran) {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/main.ts');
}
