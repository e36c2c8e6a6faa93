/**
 * An integer-keyed map that iterates in insertion order, as a `Map` does, but keeps its capacity:
 * a {@link NumberMap} from key to a node of a doubly linked list in insertion order. A `Map` that
 * gains and loses keys all the time (a stale-entry bucket between a TLBI and the next) rehashes
 * its table every few hundred operations, and the tables that lived across scavenges die in the
 * old space (bench/README.md "What outlives a scavenge"); this one allocates one node per key
 * added and nothing else.
 *
 * Same order as a `Map`: a new key goes last, setting a key already held keeps its place, a key
 * deleted and added again goes last.
 *
 * Layer: model/util.
 */
import { NumberMap } from './numberMap.ts';

/** One key of an {@link OrderedNumberMap}, in its insertion-order list. */
export interface OrderedNode<V> {
  readonly key: number;
  value: V;
  /** The next key in insertion order (undefined at the end). */
  next: OrderedNode<V> | undefined;
  prev: OrderedNode<V> | undefined;
}

/** An insertion-ordered integer-keyed map that keeps its capacity. */
export class OrderedNumberMap<V> {
  private readonly index = new NumberMap<OrderedNode<V>>();
  /** The first key in insertion order; walk `next` from here (do not add or delete meanwhile). */
  first: OrderedNode<V> | undefined;
  private last: OrderedNode<V> | undefined;

  /** @returns the number of keys held */
  get size(): number {
    return this.index.size;
  }

  /**
   * @param key - the key
   * @returns its value, or undefined
   */
  get(key: number): V | undefined {
    return this.index.get(key)?.value;
  }

  /**
   * Sets a key's value; a new key goes last.
   * @param key - the key (an integer ≥ 0)
   * @param value - its value
   */
  set(key: number, value: V): void {
    const held = this.index.get(key);
    if (held !== undefined) {
      held.value = value;
      return;
    }
    const node: OrderedNode<V> = { key, value, next: undefined, prev: this.last };
    if (this.last === undefined) this.first = node;
    else this.last.next = node;
    this.last = node;
    this.index.set(key, node);
  }

  /**
   * Removes a key (no-op when absent).
   * @param key - the key
   */
  delete(key: number): void {
    const node = this.index.get(key);
    if (node === undefined) return;
    this.index.delete(key);
    if (node.prev === undefined) this.first = node.next;
    else node.prev.next = node.next;
    if (node.next === undefined) this.last = node.prev;
    else node.next.prev = node.prev;
  }

  /** @returns the nodes in insertion order, as a new array (safe to add and delete while walking it) */
  nodes(): OrderedNode<V>[] {
    const out: OrderedNode<V>[] = [];
    for (let n = this.first; n !== undefined; n = n.next) out.push(n);
    return out;
  }
}
