/**
 * The machine a saved configuration describes must be one that can exist at `map_mem()` time: a
 * corpus value of the right shape but out of range (a bank past the end of the linear map, a CPU
 * id that is not one of the machine's CPUs, an unaligned or overlapping bank, a kernel image or a
 * KFENCE pool outside RAM) is bad input — exit 2, one line naming the field — never a run whose
 * verdict means nothing. `inputSchemas.ts` applies {@link checkConfigRanges} to every encoded
 * `SutConfig` after its shape is checked; `inputSchemas.test.ts` checks that every generated
 * configuration passes.
 *
 * The rules (each one the generator, properties/arbitraries/config.ts, keeps by construction):
 * - CPUs: `cpus[i].id` is `i` (boot CPU first, cpu0; `MemoryMachine` and the reports name CPUs by
 *   these ids); `noabort` (on the BBML2_NOABORT MIDR allow list, cpufeature.c
 *   `supports_bbml2_noabort_list`) only with `bbm: 2`: the list names BBML2 implementations — or
 *   with `bbm: 3`, which implies it (FEAT_BBML3 never raises a TLB conflict abort; impl/CONTRACT.md)
 *   and which the generator always draws with it.
 * - Banks (memblock.memory, impl/contract.ts `MemblockLayout`): non-empty, page aligned, sorted,
 *   not overlapping; all inside the linear map — `arm64_memblock_init()` (arch/arm64/mm/init.c)
 *   removes memory beyond `memstart_addr + linear_region_size` before `map_mem()`, so memblock
 *   never holds a PA whose linear VA (`__phys_to_virt()`) is past `PAGE_OFFSET + 2^47` (VA_BITS 48);
 *   and below the test machine's table pool (impl/testing/memory-machine.ts `TABLE_POOL_BASE`).
 * - NOMAP regions: non-empty, page aligned, inside a bank (`memblock_mark_nomap()` flags memory),
 *   clear of the kernel image (firmware never reserves the loaded Image as NOMAP).
 * - Kernel image: `_text ≤ _stext ≤ __init_begin ≤ __init_end ≤ _end`, all inside one bank, `_text`
 *   2 MiB aligned (Documentation/arch/arm64/booting.rst: the Image at a 2 MiB-aligned base), the
 *   rest page aligned.
 * - KFENCE pool (ignored with KFENCE off): page aligned, its `KFENCE_POOL_SIZE` inside a bank and clear
 *   of the kernel image (`arm64_kfence_alloc_pool()` takes it from free memblock memory).
 *
 * Layer: shrinks.
 */
import { PAGE_OFFSET, arm64_geometry } from '../impl/shims/dup.ts';
import { TABLE_POOL_BASE } from '../impl/testing/memory-machine.ts';
import { KFENCE_POOL_PAGES } from '../properties/kernel/gates.ts';

/** The size of the linear map with 48-bit VAs: `[PAGE_OFFSET, PAGE_OFFSET + 2^47)`. */
export const LINEAR_REGION_SIZE = 1n << 47n;

const MIN_KIMG_ALIGN = 2n << 20n;

/** An encoded bigint (`{"$bigint": "0x…"}`), as the shape check left it. */
interface Big {
  readonly $bigint: string;
}
interface RangeData {
  readonly base: Big;
  readonly size: Big;
}
/** An encoded `SutConfig` whose shape has been checked (only the fields ranges are checked on). */
export interface ConfigData {
  readonly granule: '4K' | '16K' | '64K';
  readonly memblock: {
    readonly banks: readonly RangeData[];
    readonly nomap?: readonly RangeData[] | undefined;
    readonly kernel: Readonly<Record<'text' | 'stext' | 'init_begin' | 'init_end' | 'end', Big>>;
    readonly kfence_pool?: Big | undefined;
  };
  readonly cpus: readonly { readonly id: number; readonly bbm: number; readonly noabort: boolean }[];
}

/** One out-of-range field: its path below the configuration and what is wrong. */
export interface RangeIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

const big = (b: Big): bigint => (b.$bigint.startsWith('-') ? -BigInt(b.$bigint.slice(1)) : BigInt(b.$bigint));
const hex = (v: bigint): string => (v < 0n ? '-0x' : '0x') + (v < 0n ? -v : v).toString(16);

/**
 * The out-of-range fields of an encoded configuration (the first few; the first is reported).
 * @param cfg - the configuration, its shape already checked
 * @returns the issues, none when the machine can exist
 */
export function checkConfigRanges(cfg: ConfigData): RangeIssue[] {
  const out: RangeIssue[] = [];
  const bad = (path: readonly (string | number)[], message: string): void => void out.push({ path, message });
  const g = arm64_geometry(cfg.granule);
  const page = g.PAGE_SIZE;
  const n = cfg.cpus.length;
  cfg.cpus.forEach((c, i) => {
    if (c.id !== i)
      bad(
        ['cpus', i, 'id'],
        `${c.id} is not a CPU of this machine as entry ${i}: its ${n} CPUs are numbered 0..${n - 1} in order, boot CPU first`,
      );
    if (c.noabort && c.bbm !== 2 && c.bbm !== 3)
      bad(
        ['cpus', i, 'noabort'],
        `true needs bbm 2 (BBML2_NOABORT CPUs implement FEAT_BBM level 2) or 3 (FEAT_BBML3), not ${c.bbm}`,
      );
    if (c.bbm === 3 && !c.noabort)
      bad(['cpus', i, 'noabort'], 'false with bbm 3: FEAT_BBML3 implies noabort (impl/CONTRACT.md)');
  });

  const banks = cfg.memblock.banks.map((b) => ({ base: big(b.base), size: big(b.size) }));
  const first = banks[0]?.base ?? 0n;
  const physOffset = first >= 0n ? first & ~(g.ARM64_MEMSTART_ALIGN - 1n) : 0n;
  const linearEnd = physOffset + LINEAR_REGION_SIZE;
  banks.forEach((b, i) => {
    const at = ['memblock', 'banks', i];
    const end = b.base + b.size;
    if (b.base < 0n) bad([...at, 'base'], `${hex(b.base)} is not a physical address`);
    else if (b.size <= 0n) bad([...at, 'size'], `${hex(b.size)}: a bank is not empty`);
    else if (b.base % page !== 0n || b.size % page !== 0n)
      bad(
        [...at, b.base % page !== 0n ? 'base' : 'size'],
        `not a multiple of the ${cfg.granule} page size (${hex(page)})`,
      );
    else if (i > 0 && b.base < (banks[i - 1]?.base ?? 0n) + (banks[i - 1]?.size ?? 0n))
      bad([...at, 'base'], `${hex(b.base)} overlaps or precedes bank ${i - 1}: banks are sorted and do not overlap`);
    else if (end > linearEnd)
      bad(
        at,
        `${hex(b.base)}+${hex(b.size)} ends past the linear map (its linear VAs would pass 0x${(PAGE_OFFSET + LINEAR_REGION_SIZE).toString(16)}: RAM ends by PHYS_OFFSET ${hex(physOffset)} + 2^47 = ${hex(linearEnd)}; arm64_memblock_init() removes the rest)`,
      );
    else if (end > TABLE_POOL_BASE)
      bad(at, `${hex(b.base)}+${hex(b.size)} reaches the test machine's table pool at ${hex(TABLE_POOL_BASE)}`);
  });
  if (out.length > 0) return out;
  const bankOf = (from: bigint, to: bigint): number => banks.findIndex((b) => from >= b.base && to <= b.base + b.size);

  (cfg.memblock.nomap ?? []).forEach((r, i) => {
    const base = big(r.base);
    const size = big(r.size);
    const at = ['memblock', 'nomap', i];
    if (size <= 0n || base % page !== 0n || size % page !== 0n)
      bad(at, `${hex(base)}+${hex(size)} is not a non-empty run of ${cfg.granule} pages`);
    else if (bankOf(base, base + size) < 0) bad(at, `${hex(base)}+${hex(size)} is not inside a RAM bank`);
    else if (base < big(cfg.memblock.kernel.end) && base + size > big(cfg.memblock.kernel.text))
      bad(at, `${hex(base)}+${hex(size)} overlaps the kernel image`);
  });

  const k = cfg.memblock.kernel;
  const order = ['text', 'stext', 'init_begin', 'init_end', 'end'] as const;
  const pa = order.map((f) => big(k[f]));
  order.forEach((f, i) => {
    const v = pa[i] ?? 0n;
    const align = f === 'text' ? MIN_KIMG_ALIGN : page;
    if (v % align !== 0n) bad(['memblock', 'kernel', f], `${hex(v)} is not ${hex(align)} aligned`);
    else if (i > 0 && v < (pa[i - 1] ?? 0n)) bad(['memblock', 'kernel', f], `${hex(v)} is below ${order[i - 1]}`);
  });
  const text = pa[0] ?? 0n;
  const kend = pa[4] ?? 0n;
  if (out.length === 0 && bankOf(text, kend) < 0)
    bad(['memblock', 'kernel'], `the image ${hex(text)}..${hex(kend)} is not inside one RAM bank`);

  const poolData = cfg.memblock.kfence_pool;
  if (poolData !== undefined) {
    const pool = big(poolData);
    const end = pool + KFENCE_POOL_PAGES * page;
    const at = ['memblock', 'kfence_pool'];
    if (pool % page !== 0n) bad(at, `${hex(pool)} is not ${cfg.granule} page aligned`);
    else if (bankOf(pool, end) < 0)
      bad(
        at,
        `the pool ${hex(pool)}..${hex(end)} (KFENCE_POOL_SIZE, ${KFENCE_POOL_PAGES} pages) is not inside one RAM bank`,
      );
    else if (pool < kend && end > text) bad(at, `the pool ${hex(pool)}..${hex(end)} overlaps the kernel image`);
  }
  return out;
}
