/**
 * Boot sequences for properties: the boot CPU maps the linear map, the page allocator comes up,
 * early secondaries come online, operations may run before finalisation, capabilities are
 * finalised (which may repaint, with stop_machine() interleaved by a drawn schedule), late CPUs
 * follow.
 *
 * Layer: properties/harness.
 */
import type { CpuId } from '../../impl/index.ts';
import type { JudgedRun } from './judgedRun.ts';

/** Optional parts of a boot. */
export interface BootOptions {
  /** Runs after the early secondaries are online, before setup_system_features(). */
  readonly preFinal?: (run: JudgedRun) => void;
  /** Choices for the CPUs inside stop_machine() during finalisation. */
  readonly finalSchedule?: readonly number[];
}

/**
 * Boots the machine of a judged run.
 * @param run - the run
 * @param late - CPUs of the configuration to bring up only after finalisation
 * @param opts - pre-finalisation operations and the finalisation schedule
 */
export function boot(run: JudgedRun, late: readonly CpuId[] = [], opts: BootOptions = {}): void {
  run.run('boot() → map_mem()', run.ops.boot());
  run.run('mem_init()', run.ops.mem_init());
  for (const c of run.config.cpus.slice(1)) {
    if (!late.includes(c.id))
      run.run(`secondary_start_kernel() [early cpu${c.id}]`, run.ops.secondary_start_kernel(), c.id);
  }
  opts.preFinal?.(run);
  const label = 'setup_system_features()';
  if (opts.finalSchedule === undefined) run.run(label, run.ops.setup_system_features());
  else run.interleave([{ cpu: 0, gen: run.ops.setup_system_features(), label }], opts.finalSchedule);
  for (const id of late) run.run(`secondary_start_kernel() [late cpu${id}]`, run.ops.secondary_start_kernel(), id);
}
