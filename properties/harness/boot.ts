/**
 * Boot sequences for properties: the boot CPU maps the linear map, the page allocator comes up,
 * early secondaries come online, capabilities are finalised (which may repaint), late CPUs follow.
 *
 * Layer: properties/harness.
 */
import type { CpuId } from '../../impl/index.ts';
import type { JudgedRun } from './judgedRun.ts';

/**
 * Boots the machine of a judged run.
 * @param run - the run
 * @param late - CPUs of the configuration to bring up only after finalisation
 */
export function boot(run: JudgedRun, late: readonly CpuId[] = []): void {
  run.run('boot() → map_mem()', run.ops.boot());
  run.run('mem_init()', run.ops.mem_init());
  for (const c of run.config.cpus.slice(1)) {
    if (!late.includes(c.id))
      run.run(`secondary_start_kernel() [early cpu${c.id}]`, run.ops.secondary_start_kernel(), c.id);
  }
  run.run('setup_system_features()', run.ops.setup_system_features());
  for (const id of late) run.run(`secondary_start_kernel() [late cpu${id}]`, run.ops.secondary_start_kernel(), id);
}
