/**
 * Loads the implementation under test: a module path (`--sut`, `BBM_SUT`) that exports a
 * `SutFactory` as `createSut` or as its default export, or the bundled port.
 *
 * Every way a module can be unusable is one {@link SutLoadError} line: missing, a folder, a syntax
 * error (with `file:line:col`), a throw while importing (with the throwing frame), no factory, a
 * factory that throws or returns an incomplete `KernelOps`. `bbm-verify verify` loads SUTs in a
 * child process (cli/verifyChild.ts), where bin/plugin-hooks.mjs lets a module outside the
 * checkout import `bbm-verify/…` and load as an ES module without a package.json.
 *
 * Layer: properties/harness.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { transformSync } from 'esbuild';
import type { SutFactory } from '../../impl/index.ts';
import { createSut } from '../../impl/index.ts';
import { MemoryMachine } from '../../impl/testing/memory-machine.ts';
import { makeConfig } from '../../impl/testing/setup.ts';
import { ALL_VARIANTS } from '../arbitraries/config.ts';

/** A SUT module that cannot be used. */
export class SutLoadError extends Error {
  /** @param message - one line naming what is wrong */
  constructor(message: string) {
    super(message);
    this.name = 'SutLoadError';
  }
}

/**
 * The location of a syntax error: esbuild's own message (tsx, `.ts` files) or, for a module
 * node parsed itself (whose SyntaxError carries no location), esbuild parsing the file again.
 * @param file - the module
 * @param e - the error
 * @returns `file:line:col: message`, or undefined when it is not a syntax error
 */
function syntaxErrorAt(file: string, e: unknown): string | undefined {
  const msg = e instanceof Error ? e.message : String(e);
  // esbuild (tsx) prints 0-based columns; editors and compilers count from 1.
  const esb = /^(.+?):(\d+):(\d+): ERROR: (.*)$/m.exec(msg);
  if (esb !== null) return `${esb[1] ?? ''}:${esb[2] ?? ''}:${Number(esb[3]) + 1}: ${esb[4] ?? ''}`;
  if (!(e instanceof SyntaxError)) return undefined;
  try {
    const loader = /\.[cm]?tsx?$/.test(file) ? 'ts' : 'js';
    transformSync(readFileSync(file, 'utf8'), { loader, format: 'esm', sourcefile: file });
  } catch (again) {
    const loc = (again as { errors?: { text: string; location?: { line: number; column: number } }[] }).errors?.[0];
    if (loc?.location !== undefined) return `${file}:${loc.location.line}:${loc.location.column + 1}: ${loc.text}`;
  }
  return `${file}: ${msg}`;
}

/** The first stack frame of an error that is not node's or a dependency's. */
function thrownAt(e: unknown): string {
  const frames = (e instanceof Error ? (e.stack ?? '') : '').split('\n').slice(1);
  const own = frames.find((f) => /^\s*at /.test(f) && !f.includes('node:') && !f.includes('/node_modules/'));
  if (own === undefined) return '';
  const frame = own.trim().replace(/^at /, '');
  return ` (at ${/\((.*)\)$/.exec(frame)?.[1] ?? frame})`;
}

const firstLine = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';

/**
 * Loads a SUT module.
 * @param path - a file path
 * @returns its factory
 * @throws SutLoadError when the module cannot be used (see the module comment)
 */
export async function loadSut(path: string): Promise<SutFactory> {
  const file = resolve(path);
  let isDir: boolean;
  try {
    isDir = statSync(file).isDirectory();
  } catch {
    throw new SutLoadError(`SUT module ${path} does not exist`);
  }
  if (isDir) throw new SutLoadError(`SUT module ${path} is a folder: name the module file (e.g. ${path}/index.ts)`);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (e) {
    const syntax = syntaxErrorAt(file, e);
    throw new SutLoadError(
      syntax === undefined
        ? `SUT module ${path} does not load: ${firstLine(e)}${thrownAt(e)}`
        : `SUT module ${path} has a syntax error: ${syntax}`,
    );
  }
  const factory = mod['createSut'] ?? mod['default'];
  if (typeof factory !== 'function') {
    throw new SutLoadError(
      `SUT module ${path} exports no SutFactory (createSut or default export): see impl/CONTRACT.md`,
    );
  }
  checkContract(path, factory as SutFactory);
  return factory as SutFactory;
}

/**
 * The plug-in's `replayEnv` (impl/CONTRACT.md §1): the environment variables that choose what it
 * checks, with their values in this process (unset and empty ones left out), for the replay
 * commands.
 * @param path - the module, already loaded by `loadSut`
 * @returns the variables and values, in the module's order
 * @throws SutLoadError when `replayEnv` is not an array of variable names
 */
export async function replayEnvOf(path: string, env: NodeJS.ProcessEnv = process.env): Promise<Record<string, string>> {
  const mod = (await import(pathToFileURL(resolve(path)).href)) as Record<string, unknown>;
  const names = mod['replayEnv'];
  if (names === undefined) return {};
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(n)))
    throw new SutLoadError(`SUT module ${path} exports a replayEnv that is not an array of environment variable names`);
  const out: Record<string, string> = {};
  for (const n of names as string[]) {
    const v = env[n];
    if (v !== undefined && v !== '') out[n] = v;
  }
  return out;
}

/** Every operation a `KernelOps` must provide (impl/contract.ts). */
const KERNEL_OPS = [
  'boot',
  'mem_init',
  'secondary_start_kernel',
  'setup_system_features',
  'split_kernel_leaf_mapping',
  'vmalloc',
  'set_memory_ro',
  'set_memory_rw',
  'set_memory_nx',
  'set_memory_x',
  'set_memory_valid',
  'set_direct_map_invalid_noflush',
  'set_direct_map_default_noflush',
  'set_direct_map_valid_noflush',
  'arch_kfence_init_pool',
  'kernel_page_present',
  'inspect',
] as const;

/**
 * Builds the SUT once on a small test machine and checks that it returns every kernel operation.
 * @param path - the module, for the message
 * @param factory - its factory
 * @throws SutLoadError naming the first thing missing
 */
function checkContract(path: string, factory: SutFactory): void {
  // Probed at the run's first narrowed variant (`verify --variant` / BBM_VARIANTS), so that a SUT
  // implementing only some variants (kernel/cSut.ts on a v6.18 tree) loads for the run it serves.
  const narrowed = (process.env['BBM_VARIANTS'] ?? '').split(',');
  const variant = ALL_VARIANTS.find((v) => narrowed.includes(v));
  const config = makeConfig('4K', variant === undefined ? {} : { variant });
  let ops: unknown;
  try {
    ops = factory(new MemoryMachine({ granule: '4K', cpus: config.cpus }), config);
  } catch (e) {
    throw new SutLoadError(
      `SUT module ${path}: its factory throws at ${config.granule} ${config.variant}${variant === undefined ? ' (the default variant; --variant narrows the run)' : ''}: ${firstLine(e)}${thrownAt(e)}`,
    );
  }
  if (typeof ops !== 'object' || ops === null)
    throw new SutLoadError(`SUT module ${path}: its factory returns no KernelOps object`);
  const missing = KERNEL_OPS.find((name) => typeof (ops as Record<string, unknown>)[name] !== 'function');
  if (missing !== undefined)
    throw new SutLoadError(`SUT module ${path}: its KernelOps has no ${missing}() (see impl/CONTRACT.md)`);
}

/** @returns the SUT named by `BBM_SUT`, or the bundled port */
export async function defaultSut(): Promise<SutFactory> {
  const path = process.env['BBM_SUT'];
  return path === undefined || path === '' ? createSut : loadSut(path);
}
