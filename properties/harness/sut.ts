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
  return factory as SutFactory;
}

/** @returns the SUT named by `BBM_SUT`, or the bundled port */
export async function defaultSut(): Promise<SutFactory> {
  const path = process.env['BBM_SUT'];
  return path === undefined || path === '' ? createSut : loadSut(path);
}
