// Module hooks (node:module register) for SUT plug-ins, used by the verify child process:
// - `bbm-verify` and `bbm-verify/…` resolve to the running checkout through its package.json
//   `exports`, from any folder, installed or not — and always to the same copy as the harness, so
//   `instanceof KernelBug` and the contract types agree;
// - a .ts/.js module with `import`/`export` in a folder whose package.json has no "type" (or that
//   has no package.json at all) loads as an ES module, as Node's own syntax detection would load a
//   .js file, instead of tsx compiling it to CommonJS ("Cannot require() ES Module … in a cycle").
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout's package.json: bare `bbm-verify` specifiers resolve as self-references from it. */
const SELF = new URL('../package.json', import.meta.url).href;

/** `import`/`export` statements at the start of a line. */
const ESM_SYNTAX = /^\s*(?:import\s*(?:[\w*{'"]|type\b)|export\s)/m;

const typeOfScope = new Map();

/** The "type" of the package scope of a folder: 'module', 'commonjs' or undefined (none given). */
function scopeType(dir) {
  if (typeOfScope.has(dir)) return typeOfScope.get(dir);
  let type;
  const pkg = join(dir, 'package.json');
  if (existsSync(pkg)) {
    try {
      type = JSON.parse(readFileSync(pkg, 'utf8')).type;
    } catch {
      type = undefined;
    }
  } else if (dirname(dir) !== dir) type = scopeType(dirname(dir));
  typeOfScope.set(dir, type);
  return type;
}

export async function resolve(specifier, context, next) {
  if (specifier === 'bbm-verify' || specifier.startsWith('bbm-verify/'))
    return next(specifier, { ...context, parentURL: SELF });
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (url.startsWith('file:') && !url.includes('/node_modules/')) {
    const file = fileURLToPath(url.split('?')[0]);
    if (/\.(?:ts|tsx|js|jsx)$/.test(file) && scopeType(dirname(file)) === undefined && existsSync(file)) {
      if (ESM_SYNTAX.test(readFileSync(file, 'utf8'))) return next(url, { ...context, format: 'module' });
    }
  }
  return next(url, context);
}
