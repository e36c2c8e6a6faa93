/**
 * The SUT of a search from its name, the same in the CLI and in a worker process: `port`,
 * `mutant:<id>` (impl/mutants/catalogue.ts), or a module path (impl/CONTRACT.md, loaded as
 * `verify --sut` loads one).
 *
 * Layer: explore.
 */
import type { SutFactory } from '../impl/index.ts';
import { createSut } from '../impl/index.ts';
import { MUTANTS } from '../impl/mutants/catalogue.ts';
import { loadSut, SutLoadError } from '../properties/harness/sut.ts';

/** A SUT name that names nothing usable: one line. */
export class SutSpecError extends Error {
  /** @param message - the line */
  constructor(message: string) {
    super(message);
    this.name = 'SutSpecError';
  }
}

/**
 * Resolves a SUT name.
 * @param spec - `port`, `mutant:<id>` or a module path (undefined or empty: the port)
 * @returns the name the corpus records (`port`, `mutant:<id>`, `module:<path>`) and the factory
 * @throws SutSpecError for an unknown seeded bug or a module that cannot be used
 */
export async function resolveSut(spec: string | undefined): Promise<{ name: string; sut: SutFactory }> {
  if (spec === undefined || spec === '' || spec === 'port') return { name: 'port', sut: createSut };
  if (spec.startsWith('mutant:')) {
    const m = MUTANTS.find((x) => x.id === spec.slice('mutant:'.length));
    if (m === undefined) throw new SutSpecError(`no seeded bug ${JSON.stringify(spec)} (impl/mutants/README.md)`);
    return { name: spec, sut: m.createSut };
  }
  const path = spec.startsWith('module:') ? spec.slice('module:'.length) : spec;
  try {
    return { name: `module:${path}`, sut: await loadSut(path) };
  } catch (e) {
    if (e instanceof SutLoadError) throw new SutSpecError(e.message);
    throw e;
  }
}
