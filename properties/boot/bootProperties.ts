/**
 * `boot.linear-map-complete` (kernel-split-repaint.md §2): after `map_mem()` every RAM page outside
 * the firmware's NOMAP regions is mapped at its linear-map VA — one offset for all banks, inside
 * `[PAGE_OFFSET, PAGE_END)` — with the attributes the kernel intends (`PAGE_KERNEL`, tagged or not:
 * Normal memory, inner shareable, global, AF set, read-write, never executable), nothing else is
 * mapped in TTBR1, and no WARN or BUG was recorded. Where the kernel forbids large leaves
 * (`force_pte_mapping()` at boot, the early KFENCE pool) every leaf is a plain PTE — except the
 * kernel alias of v6.18 and v7.1, mapped alone with NO_CONT_MAPPINGS only (blocks, never cont:
 * {@link aliasMappedAlone}).
 *
 * Why this property? Every other property starts from the boot map and compares against it; a map
 * that misses a bank, maps a NOMAP region (firmware memory mapped cacheable behind the firmware's
 * back), or maps with the wrong attributes would be compared with itself and pass.
 *
 * Preconditions (kernel terms): any configuration; NOMAP regions inside the banks, clear of the
 * kernel image and the KFENCE pool. Kills `map-mem-maps-nomap`.
 *
 * Layer: properties/boot.
 */
import fc from 'fast-check';
import type { PhysRange, SutConfig } from '../../impl/index.ts';
import { PERM } from '../../model/arch/descriptor.ts';
import { describeShape } from '../../model/bbm/change.ts';
import { configArb, describeConfig } from '../arbitraries/config.ts';
import { admitting } from '../arbitraries/configSpace.ts';
import { bootCpu } from '../harness/boot.ts';
import { JudgedRun } from '../harness/judgedRun.ts';
import { LINEAR_END, LINEAR_START, leavesIn, vaHex } from '../harness/leaves.ts';
import { violationReport } from '../harness/violationReport.ts';
import { KFENCE_POOL_PAGES, aliasMappedAlone, kfenceEarlyInit, ptesAtBoot } from '../kernel/gates.ts';
import { piecesOf } from '../oracle/pieces.ts';
import type { PropertyDef } from '../registry.ts';
import { PropertyFailure } from '../registry.ts';

const PAGES: Record<SutConfig['granule'], bigint> = { '4K': 0x1000n, '16K': 0x4000n, '64K': 0x10000n };

/** Up to two NOMAP regions inside the banks, clear of the kernel image and the KFENCE pool. */
function withNomap(cfg: SutConfig): fc.Arbitrary<SutConfig> {
  const page = PAGES[cfg.granule];
  const region = fc.record({
    bank: fc.nat(),
    at: fc.integer({ min: 0, max: 999 }),
    pages: fc.integer({ min: 1, max: 64 }),
  });
  return fc.array(region, { maxLength: 2 }).map((rs) => {
    const { kernel, kfence_pool } = cfg.memblock;
    const busy: [bigint, bigint][] = [[kernel.text, kernel.end]];
    if (kfence_pool !== undefined) busy.push([kfence_pool, kfence_pool + KFENCE_POOL_PAGES * page]);
    const nomap: PhysRange[] = [];
    for (const r of rs) {
      const b = cfg.memblock.banks[r.bank % cfg.memblock.banks.length];
      if (b === undefined) continue;
      const base = ((b.base + (b.size * BigInt(r.at)) / 1000n + page - 1n) / page) * page;
      const size = BigInt(r.pages) * page;
      if (base + size > b.base + b.size || busy.some(([x, y]) => base < y && base + size > x)) continue;
      busy.push([base, base + size]);
      nomap.push({ base, size });
    }
    return nomap.length === 0 ? cfg : { ...cfg, memblock: { ...cfg.memblock, nomap } };
  });
}

/**
 * Whether a configuration's NOMAP regions are ones {@link withNomap} could have placed on it (its
 * preconditions): at most two, each 1..64 pages, page aligned, inside a bank, clear of the kernel
 * image, the KFENCE pool and one another. The domain shrinker keeps the regions of a case when it
 * tries a simpler configuration, and tries it only where they still fit.
 * @param cfg - the configuration
 * @returns whether they fit
 */
function nomapFits(cfg: SutConfig): boolean {
  const page = PAGES[cfg.granule];
  const { kernel, kfence_pool, banks, nomap = [] } = cfg.memblock;
  const busy: [bigint, bigint][] = [[kernel.text, kernel.end]];
  if (kfence_pool !== undefined && cfg.kfence !== 'off')
    busy.push([kfence_pool, kfence_pool + KFENCE_POOL_PAGES * page]);
  if (nomap.length > 2) return false;
  for (const r of nomap) {
    const end = r.base + r.size;
    if (r.base % page !== 0n || r.size % page !== 0n || r.size < page || r.size > 64n * page) return false;
    if (!banks.some((b) => r.base >= b.base && end <= b.base + b.size)) return false;
    if (busy.some(([x, y]) => r.base < y && end > x)) return false;
    busy.push([r.base, end]);
  }
  return true;
}

/** The configurations, before NOMAP regions are placed. */
const bootConfigArb = configArb({ maxCpus: 1 });

/** RAM to be mapped: the banks minus the NOMAP regions, sorted. */
function expectedRam(cfg: SutConfig): PhysRange[] {
  const out: PhysRange[] = [];
  const holes = [...(cfg.memblock.nomap ?? [])].sort((a, b) => (a.base < b.base ? -1 : 1));
  for (const b of cfg.memblock.banks) {
    let start = b.base;
    const end = b.base + b.size;
    for (const h of holes) {
      if (h.base + h.size <= start || h.base >= end) continue;
      if (h.base > start) out.push({ base: start, size: h.base - start });
      start = h.base + h.size;
    }
    if (start < end) out.push({ base: start, size: end - start });
  }
  return out;
}

/**
 * Whether a configuration is one the property admits: its NOMAP regions are ones the generator
 * could have placed (see nomapFits). explore/ checks the claim only on such configurations.
 * @param cfg - the configuration
 * @returns whether `boot.linear-map-complete` speaks of it
 */
export function linearMapAdmits(cfg: SutConfig): boolean {
  return nomapFits(cfg);
}

/**
 * The claim of `boot.linear-map-complete` on a run just after `map_mem()` (`bootCpu()`), as the
 * property checks it; explore/ calls it on its own boot at the same point.
 * @param run - the run, the boot CPU's map_mem() done and nothing after it
 * @throws PropertyFailure naming the first thing wrong
 */
export function checkLinearMap(run: JudgedRun): void {
  const cfg = run.config;
  const head = `map_mem() on ${describeConfig(cfg)}${cfg.memblock.nomap === undefined ? '' : ` nomap=[${cfg.memblock.nomap.map((r) => `0x${r.base.toString(16)}+0x${r.size.toString(16)}`).join(',')}]`}`;
  if (run.violation !== undefined) throw new PropertyFailure(`${head}${violationReport(run)}`);
  const bad = run.records.find((r) => r.kind === 'warn' || r.kind === 'bug' || r.kind === 'bad-access');
  if (bad !== undefined && 'message' in bad)
    throw new PropertyFailure(`${head}\nmap_mem() recorded ${bad.kind}: ${bad.message}`);
  const got = piecesOf(run.interp(LINEAR_START, 0xffffffffffff0000n));
  const ram = expectedRam(cfg);
  const first = got[0];
  const offset = first === undefined ? 0n : first.va - first.pa;
  // The same linear offset for every bank; compare run by run (pieces merge across equal attributes).
  let i = 0;
  const want = ram.map((r) => ({ va: r.base + offset, pa: r.base, size: r.size }));
  for (const p of got) {
    const describe = `VA 0x${p.va.toString(16)}+0x${p.size.toString(16)} → PA 0x${p.pa.toString(16)}`;
    if (p.va < LINEAR_START || p.va + p.size > LINEAR_END)
      throw new PropertyFailure(`${head}\n${describe} lies outside the linear map [PAGE_OFFSET, PAGE_END)`);
    if (p.va - p.pa !== offset)
      throw new PropertyFailure(
        `${head}\n${describe} is not at the linear offset of the first bank (0x${offset.toString(16)})`,
      );
    if (
      p.perms !== (PERM.PXN | PERM.UXN) ||
      (p.memKey & 7) !== 0 ||
      ((p.memKey >> 3) & 3) !== 3 ||
      p.nG !== 0 ||
      p.af !== 1
    )
      throw new PropertyFailure(
        `${head}\n${describe} has perms ${p.perms}, memory key ${p.memKey}, nG ${p.nG}, AF ${p.af}; PAGE_KERNEL is RW, PXN, UXN, Normal inner-shareable, global, AF`,
      );
    // Walk the expected RAM ranges this piece covers.
    let va = p.va;
    while (va < p.va + p.size) {
      const w = want[i];
      if (w === undefined || va < w.va)
        throw new PropertyFailure(
          `${head}\nPA 0x${(va - offset).toString(16)} is mapped but is not RAM the kernel maps (a hole or a NOMAP region)`,
        );
      if (va >= w.va + w.size) {
        i++;
        continue;
      }
      const end = w.va + w.size < p.va + p.size ? w.va + w.size : p.va + p.size;
      va = end;
      if (end === w.va + w.size) i++;
    }
  }
  // Every expected range was met in full: the pieces cover them in order, so compare totals.
  const mapped = got.reduce((n, p) => n + p.size, 0n);
  const total = ram.reduce((n, r) => n + r.size, 0n);
  if (mapped !== total)
    throw new PropertyFailure(
      `${head}\n0x${mapped.toString(16)} bytes are mapped, 0x${total.toString(16)} bytes of RAM (banks minus NOMAP) should be`,
    );
  const page = PAGES[cfg.granule];
  const plain: [bigint, bigint, string][] = [];
  const { text, init_begin } = cfg.memblock.kernel;
  if (ptesAtBoot(cfg) && aliasMappedAlone(cfg)) {
    // v6.18/v7.1 map the kernel alias on its own with NO_CONT_MAPPINGS only: blocks, never cont.
    plain.push([LINEAR_START, text + offset, 'force_pte_mapping() at boot']);
    plain.push([init_begin + offset, LINEAR_END, 'force_pte_mapping() at boot']);
    for (const l of leavesIn(run.model, text + offset, init_begin + offset))
      if (l.contiguous === 1)
        throw new PropertyFailure(
          `${head}\nthe ${describeShape(l)} at ${vaHex(l.spanVa)} in the kernel alias is contiguous where NO_CONT_MAPPINGS forbids it`,
        );
  } else if (ptesAtBoot(cfg)) plain.push([LINEAR_START, LINEAR_END, 'force_pte_mapping() at boot']);
  const pool = cfg.memblock.kfence_pool;
  if (kfenceEarlyInit(cfg) && pool !== undefined)
    plain.push([
      pool + offset,
      pool + offset + KFENCE_POOL_PAGES * page,
      'the early KFENCE pool (NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS)',
    ]);
  for (const [a, b, why] of plain)
    for (const l of leavesIn(run.model, a, b))
      if (l.level !== 3 || l.contiguous === 1)
        throw new PropertyFailure(
          `${head}\nthe ${describeShape(l)} at ${vaHex(l.spanVa)} is a large leaf where ${why} forbids one`,
        );
}

/** `boot.linear-map-complete`. */
export const linearMapComplete: PropertyDef<SutConfig> = {
  id: 'boot.linear-map-complete',
  claim:
    'after map_mem() every RAM page outside NOMAP is mapped at its linear VA with PAGE_KERNEL attributes, nothing else is mapped, no WARN was recorded, and forbidden large leaves are absent',
  invariants: 'kernel §2.1–§2.3',
  arb: admitting(
    bootConfigArb.chain(withNomap),
    (v) => bootConfigArb.canShrinkWithoutContext(v) && nomapFits(v as SutConfig),
  ),
  numRuns: 20,
  check: (cfg, sut) => {
    const run = new JudgedRun(cfg, sut);
    bootCpu(run);
    checkLinearMap(run);
  },
};
