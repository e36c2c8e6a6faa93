/**
 * Where the KFENCE pool is, as `is_kfence_address()` sees it: `__kfence_pool` is set by the early
 * pool's mapping in `map_mem()`, or by `kfence_init_late()` just before `arch_kfence_init_pool()`,
 * and cleared again when the late initialisation fails. The pool is `KFENCE_POOL_SIZE` =
 * `(CONFIG_KFENCE_NUM_OBJECTS + 1) * 2` pages (512 with the default 255 objects); its linear VA is
 * read off the model's tables, not from the SUT.
 *
 * Layer: properties/kernel.
 */
import type { JudgedRun } from '../harness/judgedRun.ts';
import { linearVa } from '../ops/targets.ts';
import { KFENCE_POOL_PAGES } from './gates.ts';

export { KFENCE_POOL_PAGES } from './gates.ts';

/**
 * The pool's linear-map VA range while `__kfence_pool` is set, else undefined.
 * @see include/linux/kfence.h: is_kfence_address(); mm/kfence/core.c: kfence_init_late()
 * @param run - the judged run
 * @returns `[start, end)` or undefined
 */
export function kfencePoolRange(run: JudgedRun): { start: bigint; end: bigint } | undefined {
  const pa = run.config.memblock.kfence_pool;
  if (pa === undefined || (run.phase.kfence !== 'early' && run.phase.kfence !== 'late')) return undefined;
  const start = linearVa(run, pa);
  return { start, end: start + KFENCE_POOL_PAGES * BigInt(run.model.geo.pageSize) };
}

/**
 * `is_kfence_address(va)`.
 * @param run - the judged run
 * @param va - a VA
 * @returns whether it lies in the pool
 */
export function inKfencePool(run: JudgedRun, va: bigint): boolean {
  const r = kfencePoolRange(run);
  return r !== undefined && va >= r.start && va < r.end;
}
