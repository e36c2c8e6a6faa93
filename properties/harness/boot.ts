/**
 * Boot sequences for properties, in the kernel's order: the boot CPU maps the linear map
 * (`paging_init()` → `map_mem()`), `mem_init()` brings up the page allocator, the early
 * secondaries come online in CPU order (`smp_init()`), capabilities are finalised
 * (`smp_cpus_done()` → `setup_system_features()`, which may repaint, with stop_machine()
 * interleaved by a drawn schedule), late CPUs follow. Operations may run in the three early
 * windows the kernel has: before `mem_init()`, after it while the boot CPU is alone, and after the
 * secondaries are up but before finalisation. Each step updates the run's {@link BootPhase}.
 *
 * Layer: properties/harness.
 */
import type { CpuId } from '../../impl/index.ts';
import { kfenceEarlyInit } from '../kernel/gates.ts';
import type { JudgedRun } from './judgedRun.ts';

/** Optional parts of a boot. */
export interface BootOptions {
  /** Runs after map_mem(), before mem_init() (boot CPU alone, no page allocator). */
  readonly preMemInit?: (run: JudgedRun) => void;
  /** Runs after mem_init(), before the first secondary (boot CPU alone). */
  readonly alone?: (run: JudgedRun) => void;
  /** Runs after the early secondaries are online, before setup_system_features(). */
  readonly preFinal?: (run: JudgedRun) => void;
  /** Choices for the CPUs inside stop_machine() during finalisation. */
  readonly finalSchedule?: readonly number[];
  /** Runs just after setup_system_features(), before the late CPUs (explore/ checks the repaint here). */
  readonly postFinal?: (run: JudgedRun) => void;
}

/**
 * `boot()` on CPU 0: map_mem() and the boot CPU's capabilities.
 * @param run - the run
 */
export function bootCpu(run: JudgedRun): void {
  run.run('boot() → map_mem()', run.ops.boot());
  run.phase.booted = true;
  if (kfenceEarlyInit(run.config)) run.phase.kfence = 'early';
}

/**
 * `mem_init()`.
 * @param run - the run
 */
export function memInit(run: JudgedRun): void {
  run.run('mem_init()', run.ops.mem_init());
  run.phase.memInit = true;
}

/**
 * `secondary_start_kernel()` on `id`, early or late.
 * @param run - the run
 * @param id - the CPU
 * @param when - for the label
 * @returns whether it came online
 */
export function startSecondary(run: JudgedRun, id: CpuId, when: 'early' | 'late'): boolean {
  const spec = run.config.cpus.find((c) => c.id === id);
  if (spec === undefined) throw new Error(`no cpu${id} in the configuration`);
  const ok = run.run(`secondary_start_kernel() [${when} cpu${id}]`, run.ops.secondary_start_kernel(), id);
  if (ok) run.phase.online.push(spec);
  else run.phase.refused.push(spec);
  return ok;
}

/**
 * `setup_system_features()` on CPU 0 (stop_machine() interleaved by `schedule` when given).
 * @param run - the run
 * @param schedule - the CPUs' choices inside stop_machine()
 */
export function finalise(run: JudgedRun, schedule?: readonly number[]): void {
  const label = 'setup_system_features()';
  if (schedule === undefined) run.run(label, run.ops.setup_system_features());
  else run.interleave([{ cpu: 0, gen: run.ops.setup_system_features(), label }], schedule);
  run.phase.finalised = true;
  run.phase.early = [...run.phase.online];
}

/**
 * Boots the machine of a judged run.
 * @param run - the run
 * @param late - CPUs of the configuration to bring up only after finalisation
 * @param opts - operations in the early windows and the finalisation schedule
 */
export function boot(run: JudgedRun, late: readonly CpuId[] = [], opts: BootOptions = {}): void {
  bootCpu(run);
  opts.preMemInit?.(run);
  memInit(run);
  opts.alone?.(run);
  for (const c of run.config.cpus.slice(1)) if (!late.includes(c.id)) startSecondary(run, c.id, 'early');
  opts.preFinal?.(run);
  finalise(run, opts.finalSchedule);
  opts.postFinal?.(run);
  for (const id of late) startSecondary(run, id, 'late');
}
