/**
 * Loads the implementation under test: a module path (`--sut`, `BBM_SUT`) that exports a
 * `SutFactory` as `createSut` or as its default export, or the bundled port.
 *
 * Layer: properties/harness.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SutFactory } from '../../impl/index.ts';
import { createSut } from '../../impl/index.ts';
import { MemoryMachine } from '../../impl/testing/memory-machine.ts';
import { makeConfig } from '../../impl/testing/setup.ts';

/** A SUT module that cannot be used. */
export class SutLoadError extends Error {
  /** @param message - one line naming what is wrong */
  constructor(message: string) {
    super(message);
    this.name = 'SutLoadError';
  }
}

/**
 * Loads a SUT module.
 * @param path - a file path
 * @returns its factory
 * @throws SutLoadError when the file is missing or exports no factory
 */
export async function loadSut(path: string): Promise<SutFactory> {
  const file = resolve(path);
  if (!existsSync(file)) throw new SutLoadError(`SUT module ${path} does not exist`);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (e) {
    throw new SutLoadError(
      `SUT module ${path} does not load: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
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
  const config = makeConfig('4K');
  let ops: unknown;
  try {
    ops = factory(new MemoryMachine({ granule: '4K', cpus: config.cpus }), config);
  } catch (e) {
    throw new SutLoadError(
      `SUT module ${path}: its factory throws: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
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
