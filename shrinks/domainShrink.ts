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
 * Layer: shrinks.
 */
import fc from 'fast-check';
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
  constructor(private readonly inner: fc.Arbitrary<T>) {
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
      for (const r of reductions(encodeValue(v))) yield new fc.Value(decodeValue(r) as T, undefined);
    }
    return new fc.Stream(candidates());
  }
}

/**
 * A property input arbitrary with the domain shrinker.
 * @param arb - the property's own arbitrary
 * @returns the same draws, shrunk further
 */
export function withDomainShrink<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return new DomainShrinkArbitrary(arb);
}
