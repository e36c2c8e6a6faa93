/**
 * A map from non-negative integer keys (PAs, below 2^53) to values that never shrinks: its table
 * stays at the largest size it needed, so a map that fills between two barriers and empties at
 * the next does not reallocate its table every time, as a `Map` does (V8 shrinks a `Map` whose
 * deletes leave it under a quarter full, and grows it again on the next inserts; bench/README.md
 * "What outlives a scavenge"). Open addressing with linear probing and backward-shift deletion.
 * No iteration: use a `Map` where order matters.
 *
 * Layer: model/util.
 */

const EMPTY = -1;

/** An integer-keyed map that keeps its capacity. */
export class NumberMap<V> {
  private keys = new Float64Array(16).fill(EMPTY);
  private values: (V | undefined)[] = new Array<V | undefined>(16).fill(undefined);
  private mask = 15;
  /** 32 − log2(capacity). */
  private shift = 28;
  private count = 0;

  /** @returns the number of keys held */
  get size(): number {
    return this.count;
  }

  private slot(key: number): number {
    let i = this.home(key);
    while (this.keys[i] !== EMPTY && this.keys[i] !== key) i = (i + 1) & this.mask;
    return i;
  }

  /**
   * @param key - the key
   * @returns its value, or undefined
   */
  get(key: number): V | undefined {
    const i = this.slot(key);
    return this.keys[i] === key ? this.values[i] : undefined;
  }

  /**
   * @param key - the key
   * @returns whether it is held
   */
  has(key: number): boolean {
    return this.keys[this.slot(key)] === key;
  }

  /**
   * Sets a key's value.
   * @param key - the key (an integer ≥ 0)
   * @param value - its value
   */
  set(key: number, value: V): void {
    let i = this.slot(key);
    if (this.keys[i] !== key) {
      if ((this.count + 1) * 2 > this.mask + 1) {
        this.grow();
        i = this.slot(key);
      }
      this.keys[i] = key;
      this.count++;
    }
    this.values[i] = value;
  }

  /**
   * Removes a key (no-op when absent).
   * @param key - the key
   */
  delete(key: number): void {
    let i = this.slot(key);
    if (this.keys[i] !== key) return;
    this.count--;
    // Backward shift: move later members of the probe run into the hole.
    for (let j = (i + 1) & this.mask; this.keys[j] !== EMPTY; j = (j + 1) & this.mask) {
      const k = this.keys[j] as number;
      const home = this.home(k);
      if ((j - home) & this.mask) {
        if (((i - home) & this.mask) < ((j - home) & this.mask)) {
          this.keys[i] = k;
          this.values[i] = this.values[j];
          i = j;
        }
      }
    }
    this.keys[i] = EMPTY;
    this.values[i] = undefined;
  }

  /** Multiplicative (Fibonacci) hashing of both 32-bit halves; the top bits index the table. */
  private home(key: number): number {
    const h = Math.imul(key >>> 0, 0x9e3779b1) ^ Math.imul((key / 0x1_0000_0000) >>> 0, 0x85ebca6b);
    return (h >>> this.shift) & this.mask;
  }

  private grow(): void {
    const keys = this.keys;
    const values = this.values;
    const n = (this.mask + 1) * 2;
    this.keys = new Float64Array(n).fill(EMPTY);
    this.values = new Array<V | undefined>(n).fill(undefined);
    this.mask = n - 1;
    this.shift--;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as number;
      if (k === EMPTY) continue;
      const j = this.slot(k);
      this.keys[j] = k;
      this.values[j] = values[i];
    }
  }
}
