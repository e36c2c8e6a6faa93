/**
 * The domain shrinker: a property input arbitrary that, once its own shrinker (fast-check's,
 * with the generation context) finds nothing smaller that fails, also tries the one-step
 * reductions of shrinks/reductions.ts — one kernel operation fewer (below a generator's minimum
 * length too), one half of an interleaved pair, one secondary CPU fewer (of a kind another
 * CPU has), one burst fewer (one preemption fewer). Those are what the generic shrinkers
 * cannot do: fast-check's `chain` regenerates the operations whenever it shrinks the
 * configuration (so CPUs rarely go), and an array never shrinks below its `minLength`.
 *
 * The reductions are appended after the arbitrary's own candidates, so that the shrink paths
 * recorded before (`--path`, the corpus's `found.path`) still name the same inputs. A value
 * without context — a corpus value tried as an example, a value a reduction made — shrinks by the
 * reductions alone (`canShrinkWithoutContext`), so saved values shrink again.
 *
 * Last come the simpler neighbours of the input's configuration (properties/arbitraries/config.ts
 * `configNeighbours`: a smaller granule, one CPU fewer, a lower BBM level, fewer and smaller banks,
 * default knobs), everything else kept, whichever `oneof` alternative the configuration came from:
 * fast-check shrinks a configuration only inside its own alternative (and a `chain` regenerates
 * the operations when it does). A neighbour is tried only when the property's arbitrary admits the
 * input it makes (`canShrinkWithoutContext`: its configuration is one the generator draws, and
 * so is the rest), so a shrunk case never leaves the property's preconditions (a split property's
 * CPUs all keep BBML2-noabort, a `--granule 16K` run stays at 16K).
 *
 * Layer: shrinks.
 */
import fc from 'fast-check';
import type { SutConfig } from '../impl/index.ts';
import { configNeighbours } from '../properties/arbitraries/config.ts';
import { decodeValue, encodeValue } from './encoding.ts';
import { reductions } from './reductions.ts';

/** The context of a value the inner arbitrary made. */
class Inner {
  /** @param context - the inner arbitrary's context */
  constructor(readonly context: unknown) {}
}

/** See the module comment. */
class DomainShrinkArbitrary<T> extends fc.Arbitrary<T> {
  /** @param inner - the property's own input arbitrary */
  constructor(readonly inner: fc.Arbitrary<T>) {
    super();
  }

  /** @returns the inner arbitrary's value, its context kept */
  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<T> {
    const v = this.inner.generate(mrng, biasFactor);
    return new fc.Value(v.value_, new Inner(v.context));
  }

  /** @returns whether the value encodes (every property input does) */
  canShrinkWithoutContext(v: unknown): v is T {
    return typeof v === 'object' && v !== null;
  }

  /** @returns the inner candidates (with context), then the reductions */
  shrink(v: T, context: unknown): fc.Stream<fc.Value<T>> {
    const inner = this.inner;
    function* candidates(): Generator<fc.Value<T>> {
      if (context instanceof Inner)
        for (const s of inner.shrink(v, context.context)) yield new fc.Value(s.value_, new Inner(s.context));
      const seen = new Set<string>();
      for (const r of reductions(encodeValue(v))) {
        seen.add(JSON.stringify(r));
        yield new fc.Value(decodeValue(r) as T, undefined);
      }
      for (const c of withSimplerConfig(v)) {
        const key = JSON.stringify(encodeValue(c));
        if (seen.has(key) || !inner.canShrinkWithoutContext(c)) continue;
        seen.add(key);
        yield new fc.Value(c as T, undefined);
      }
    }
    return new fc.Stream(candidates());
  }
}

/**
 * The input with each simpler neighbour of its configuration in place of it (the input itself, or
 * its `config`); a neighbour with one CPU fewer drops its bit of `lateMask` (bit i is cpu i+1).
 * @param v - a property input
 * @returns the inputs, not yet checked against the property's arbitrary
 */
export function withSimplerConfig(v: unknown): unknown[] {
  if (typeof v !== 'object' || v === null) return [];
  const d = v as Record<string, unknown>;
  const own = 'granule' in d && 'memblock' in d;
  const cfg = (own ? d : d['config']) as SutConfig | undefined;
  if (typeof cfg !== 'object' || cfg === null || !('memblock' in cfg)) return [];
  return configNeighbours(cfg).map(({ config, droppedCpu }) => {
    if (own) return config;
    const mask = d['lateMask'];
    if (droppedCpu === undefined || typeof mask !== 'number') return { ...d, config };
    const low = mask & ((1 << (droppedCpu - 1)) - 1);
    const high = (mask >> droppedCpu) << (droppedCpu - 1);
    return { ...d, config, lateMask: low | high };
  });
}

/**
 * A property input arbitrary with the domain shrinker.
 * @param arb - the property's own arbitrary
 * @returns the same draws, shrunk further
 */
export function withDomainShrink<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return new DomainShrinkArbitrary(arb);
}

/**
 * The property's own arbitrary inside a domain-shrinking one (for tests of what it admits).
 * @param arb - an arbitrary, with the domain shrinker or not
 * @returns the arbitrary it wraps, or itself
 */
export function ownArbitrary<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return arb instanceof DomainShrinkArbitrary ? (arb.inner as fc.Arbitrary<T>) : arb;
}
