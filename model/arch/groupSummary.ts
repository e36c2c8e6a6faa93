/**
 * Per contiguous group of a table page, counts kept up to date at every store, so that judging a
 * group (model/bbm/contiguous.ts) costs a few reads when its members agree instead of a scan of
 * its N entries (N = 128 for 16K PTEs): valid leaves with and without the Contiguous bit, table
 * descriptors, and how many valid leaves agree with one reference placement (the group base their
 * OA implies), memory attributes and permissions. The reference is the value of some member; the
 * counts say exactly how many members share it, so "all agree" is `match === leaves`, "some
 * disagree" is `0 < match < leaves`, and only `match === 0` needs the members read again
 * ({@link GroupSummary.rebase}).
 *
 * @see Arm ARM DDI 0487 M.b D8.7.1 "The Contiguous bit" (RNGLXZ)
 * Layer: model/arch.
 */
import {
  DescriptorType,
  contiguousBit,
  decodeDescriptorType,
  groupAttributeKey,
  leafOutputAddress,
  leafPermissions,
} from './descriptor.ts';
import type { Geometry } from './geometry.ts';

/** The counts of every contiguous group of one table page. */
export class GroupSummary {
  /** Entries per group. */
  readonly n: number;
  /** Valid leaves with the Contiguous bit, valid leaves without it, table descriptors. */
  readonly cont: Uint16Array;
  readonly plain: Uint16Array;
  readonly tables: Uint16Array;
  /** The reference: group base (OA of entry 0 implied), attribute key, permissions. */
  readonly refBase: Float64Array;
  readonly refKey: Int32Array;
  readonly refPerms: Int32Array;
  /** Valid leaves whose base and attribute key are the reference's; whose permissions are. */
  readonly placeMatch: Uint16Array;
  readonly permMatch: Uint16Array;
  private readonly size: number;

  /**
   * @param geo - granule geometry
   * @param level - the level of the page's entries
   * @param entries - entries in the page
   */
  constructor(
    private readonly geo: Geometry,
    private readonly level: number,
    entries: number,
  ) {
    this.n = geo.contEntries[level] ?? 0;
    this.size = geo.entrySpan[level] ?? 0;
    const groups = this.n > 0 ? entries / this.n : 0;
    this.cont = new Uint16Array(groups);
    this.plain = new Uint16Array(groups);
    this.tables = new Uint16Array(groups);
    this.refBase = new Float64Array(groups);
    this.refKey = new Int32Array(groups);
    this.refPerms = new Int32Array(groups);
    this.placeMatch = new Uint16Array(groups);
    this.permMatch = new Uint16Array(groups);
  }

  /**
   * Valid leaves of a group.
   * @param g - the group number (entry index / n)
   * @returns cont + plain
   */
  leaves(g: number): number {
    return (this.cont[g] ?? 0) + (this.plain[g] ?? 0);
  }

  /**
   * Follows a store: `page[index]` goes from `(oldLo, oldHi)` to `(lo, hi)`.
   * @param index - the entry
   * @param oldLo - its old bits[31:0]
   * @param oldHi - its old bits[63:32]
   * @param lo - the new bits[31:0]
   * @param hi - the new bits[63:32]
   */
  store(index: number, oldLo: number, oldHi: number, lo: number, hi: number): void {
    if (this.n === 0) return;
    this.count(index, oldLo, oldHi, -1);
    this.count(index, lo, hi, 1);
  }

  /**
   * Makes the first valid leaf of a group (in entry order) the reference and counts again.
   * @param g - the group number
   * @param lo - the page's bits[31:0]
   * @param hi - the page's bits[63:32]
   */
  rebase(g: number, lo: Uint32Array, hi: Uint32Array): void {
    const start = g * this.n;
    let first = true;
    this.placeMatch[g] = 0;
    this.permMatch[g] = 0;
    for (let i = start; i < start + this.n; i++) {
      const l = lo[i] ?? 0;
      if (decodeDescriptorType(this.geo, l, this.level) !== DescriptorType.Leaf) continue;
      const h = hi[i] ?? 0;
      if (first) {
        this.refBase[g] = this.base(i, l, h);
        this.refKey[g] = groupAttributeKey(l);
        this.refPerms[g] = leafPermissions(l, h);
        first = false;
      }
      this.match(g, i, l, h, 1);
    }
  }

  private base(index: number, lo: number, hi: number): number {
    return leafOutputAddress(this.geo, lo, hi, this.level) - (index % this.n) * this.size;
  }

  private match(g: number, index: number, lo: number, hi: number, d: number): void {
    if (this.base(index, lo, hi) === this.refBase[g] && groupAttributeKey(lo) === this.refKey[g])
      this.placeMatch[g] = (this.placeMatch[g] ?? 0) + d;
    if (leafPermissions(lo, hi) === this.refPerms[g]) this.permMatch[g] = (this.permMatch[g] ?? 0) + d;
  }

  private count(index: number, lo: number, hi: number, d: number): void {
    const type = decodeDescriptorType(this.geo, lo, this.level);
    if (type === DescriptorType.Invalid) return;
    const g = Math.floor(index / this.n);
    if (type === DescriptorType.Table) {
      this.tables[g] = (this.tables[g] ?? 0) + d;
      return;
    }
    if (d > 0 && this.leaves(g) === 0) {
      // The first valid leaf of an empty group is the reference.
      this.refBase[g] = this.base(index, lo, hi);
      this.refKey[g] = groupAttributeKey(lo);
      this.refPerms[g] = leafPermissions(lo, hi);
    }
    if (contiguousBit(hi) === 1) this.cont[g] = (this.cont[g] ?? 0) + d;
    else this.plain[g] = (this.plain[g] ?? 0) + d;
    this.match(g, index, lo, hi, d);
  }
}
