/**
 * The property catalogue: one definition per stable id, shared by the vitest suites
 * (`*.prop.test.ts`) and by `bbm-verify verify`, so that both run exactly the same claims.
 *
 * Layer: properties.
 */
import type fc from 'fast-check';
import type { SutFactory } from '../impl/index.ts';

/** A failed claim: thrown by a property's check with a readable, multi-line explanation. */
export class PropertyFailure extends Error {
  /** @param message - what went wrong, first line a summary */
  constructor(message: string) {
    super(message);
    this.name = 'PropertyFailure';
  }
}

/** One property of the catalogue. */
export interface PropertyDef<T> {
  /** Stable kebab id `<area>.<claim>`: test title, corpus folder and report header. */
  readonly id: string;
  /** The claim in one sentence. */
  readonly claim: string;
  /** The spec invariants it checks (arm-bbm-rules.md §7, kernel-split-repaint.md §8). */
  readonly invariants: string;
  /** Inputs. */
  readonly arb: fc.Arbitrary<T>;
  /** Runs the SUT on one input and throws `PropertyFailure` when the claim fails. */
  readonly check: (input: T, sut: SutFactory) => void;
  /** Default number of runs on a 2-core CI machine. */
  readonly numRuns: number;
}

/** A property of any input type, for catalogues. */
export type AnyProperty = PropertyDef<never>;
