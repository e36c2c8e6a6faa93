/**
 * A TLB entry that some CPUs may still hold although memory no longer holds it: the old value of
 * an overwritten descriptor, or an entry of a table that was unlinked. It stays until a TLBI that
 * covers it has completed on every CPU in `holders` (spec README decision 8).
 *
 * @see Arm ARM DDI 0487 M.b D8.16 "Translation Lookaside Buffers" (RRVJDB: walk caches are TLB entries)
 * Layer: model/tlb.
 */
import type { LeafEntry } from '../arch/walk.ts';

/** A stale leaf or walk-cache entry. */
export interface StaleEntry {
  /** `leaf`: a block/page/contiguous translation; `walk`: a cached table descriptor. */
  readonly kind: 'leaf' | 'walk';
  /** First VA[47:0] and size of the span the entry matches. */
  readonly spanVa: number;
  readonly span: number;
  /** Level of the descriptor the entry was built from. */
  readonly level: number;
  /** PA of that descriptor. */
  readonly origin: number;
  /** The translation, for leaf entries. */
  readonly leaf: LeafEntry | undefined;
  /** PA of the next-level table, for walk entries. */
  readonly tablePa: number;
  /** Slot of the CPU whose store made it stale. */
  readonly writer: number;
  /** Event index at which the entry went stale. */
  readonly createdAt: number;
  /** Mask of CPU slots that may still hold it. */
  holders: number;
  /**
   * Event index at which the store that made it stale became visible to other CPUs' walkers (the
   * writer's `DSB ISH/ISHST/SY`). Until then any running CPU may still fill it. Infinity until then.
   */
  visibleAt: number;
  /** Like `visibleAt`, for the writer's own walker: any DSB of the writer (SEMANTICS.md §1). */
  visibleLocallyAt: number;
  /**
   * Whether a store above the entry (the unlink of its table or an ancestor) made it stale, not a
   * store to its own descriptor: a walk through a walk-cache entry below that store can still
   * fill it until its own descriptor changes.
   */
  readonly byPath: boolean;
  /**
   * For `byPath` entries: when a later store to the entry's own descriptor, removing its value,
   * became visible to other walkers / to its writer's own (infinity until then; supersede.ts).
   */
  ownVisibleAt: number;
  ownVisibleLocallyAt: number;
  /**
   * For `byPath` entries: when a store to a table descriptor between the unlink and the entry
   * (on the path the unlink retired) became visible to every walker: from then on a walk from the
   * root that still sees the unlinked link cannot reach the entry (infinity until then;
   * supersede.ts). A walk-cache entry held below that descriptor still can.
   */
  pathCutAt: number;
}
