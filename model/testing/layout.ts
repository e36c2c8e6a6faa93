/**
 * Builds simple page-table layouts as events, for any granule: the path of tables from the root
 * to a leaf, and the children that split a block. Test and scenario helper; it knows the
 * geometry but nothing of any implementation under test.
 *
 * Layer: model (helpers; no fast-check).
 */
import { GEOMETRIES } from '../arch/geometry.ts';
import type { Geometry } from '../arch/geometry.ts';
import type { GranuleName } from '../events.ts';
import type { LeafFields } from './descriptors.ts';
import { leafDescriptor, tableDescriptor } from './descriptors.ts';
import type { TraceBuilder } from './traceBuilder.ts';

const VA_TOP = 0xffff000000000000n;

/** Allocates table pages and remembers which table maps which VA prefix. */
export class LayoutBuilder {
  readonly geo: Geometry;
  private next: bigint;
  private readonly tables = new Map<string, bigint>();

  /**
   * @param b - the trace builder to append to
   * @param granule - the granule
   * @param firstTable - PA of the first table page after the root
   */
  constructor(
    readonly b: TraceBuilder,
    granule: GranuleName,
    firstTable: bigint,
  ) {
    this.geo = GEOMETRIES[granule];
    this.next = firstTable;
  }

  /** The span of one entry at `level`. */
  span(level: number): bigint {
    return BigInt(this.geo.entrySpan[level] ?? 0);
  }

  /** PA of the entry that maps `va` in the table at `tablePa` of `level`. */
  entryPa(tablePa: bigint, level: number, va: bigint): bigint {
    const index = ((va - VA_TOP) / this.span(level)) % BigInt(this.geo.entriesPerTable);
    return tablePa + 8n * index;
  }

  /** A fresh table page PA (allocation event appended). */
  newTable(level: number): bigint {
    const pa = this.next;
    this.next += BigInt(this.geo.pageSize);
    this.b.alloc(pa, level);
    return pa;
  }

  /**
   * The table at `level` on the path to `va`, creating (and publishing) the missing ones.
   * @returns PA of the table
   */
  tableFor(va: bigint, level: number, cpu = 0): bigint {
    let table = this.b.root;
    for (let l = this.geo.startLevel; l < level; l++) {
      const key = `${l + 1}:${(va - VA_TOP) / this.span(l)}`;
      let child = this.tables.get(key);
      if (child === undefined) {
        child = this.newTable(l + 1);
        this.b.dsb(cpu, 'ishst').write(cpu, this.entryPa(table, l, va), tableDescriptor(child));
        this.tables.set(key, child);
      }
      table = child;
    }
    return table;
  }

  /**
   * Maps one leaf (block or page) at `level` for `va` → `oa`, then `dsb ishst`.
   * @returns PA of the leaf entry
   */
  mapLeaf(va: bigint, oa: bigint, level: number, f: LeafFields = {}, cpu = 0): bigint {
    const entry = this.entryPa(this.tableFor(va, level, cpu), level, va);
    this.b.write(cpu, entry, leafDescriptor(oa, level === 3, f)).dsb(cpu, 'ishst');
    return entry;
  }

  /**
   * Builds, offline, the next-level table that splits a block mapping `oa` at `level`, as
   * `split_pmd()`/`split_pud()` do: every entry at its place, Contiguous on aligned groups when
   * `toCont`. Ends with `dsb ishst`; the table is not linked.
   * @returns PA of the new table
   */
  splitTable(oa: bigint, level: number, toCont: boolean, f: LeafFields = {}, cpu = 0): bigint {
    const table = this.newTable(level + 1);
    const child = this.span(level + 1);
    const hasCont = (this.geo.contEntries[level + 1] ?? 0) > 0;
    for (let i = 0n; i < BigInt(this.geo.entriesPerTable); i++) {
      this.b.write(
        cpu,
        table + 8n * i,
        leafDescriptor(oa + i * child, level + 1 === 3, { ...f, cont: toCont && hasCont }),
      );
    }
    this.b.dsb(cpu, 'ishst');
    return table;
  }
}
