// Why this test? A secondary CPU walks the kernel tables from the moment its MMU is on
// (head.S __secondary_switched: TTBR1 = swapper_pg_dir; its task struct, stack and per-CPU data
// are in the linear map), well before secondary_start_kernel() marks it online. f12b435de2f2
// refuses live splits before finalisation only when `num_online_cpus() > 1`; while the *first*
// secondary is between MMU-on and set_cpu_online() that count is still 1, and a split on the boot
// CPU (another task, while the bring-up task sleeps in __cpu_up() waiting for cpu_running) goes
// ahead as on a single-CPU system. If that secondary lacks BBML2-noabort, the split is a live
// block → table change under a walker that may raise a TLB conflict abort. The same holds after
// finalisation for a late CPU without the capability on a BBML2 system: it walks until it is
// refused (cpu_die_early()), and live splits are allowed all along.
//
// The port models the walks (`mmuOn()` in secondary_start_kernel()); these tests are the
// deterministic schedules, with the first one's whole run kept as a bbm-trace/1 file that
// `npx bbm-verify check-trace properties/bbm/witness/secondary-bringup-split.jsonl` replays.
// The write-up is properties/bbm/secondaryBringupRace.md.
//
//   cpu1  ──mmuOn (walks)──────────────────────────── caps ── set_cpu_online ──
//   cpu0        ── split_kernel_leaf_mapping(): num_online_cpus() == 1 → live split ──
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SutConfig } from '../../impl/index.ts';
import { createSut } from '../../impl/index.ts';
import { makeConfig, NOABORT, oneBank, PLAIN } from '../../impl/testing/setup.ts';
import { checkTraceLines } from '../../model/trace/checkTrace.ts';
import { bootCpu, finalise, memInit } from '../harness/boot.ts';
import { JudgedRun } from '../harness/judgedRun.ts';

const M = 1n << 20n;
const TRACE = new URL('./witness/secondary-bringup-split.jsonl', import.meta.url);
/** One page inside the second 2M block of the linear map. */
const ADDR = 0xffff000000205000n;

/** cpu1 runs to its MMU-on (two steps), then cpu0 splits to completion, then cpu1 finishes. */
const RACE = [0, 0, ...Array<number>(20000).fill(1)];
/** cpu0 splits first, then cpu1 starts. */
const BEFORE = Array<number>(20000).fill(1);
/** cpu1 comes online first, then cpu0 splits. */
const AFTER = [...Array<number>(50).fill(0), ...Array<number>(20000).fill(1)];

function config(): SutConfig {
  return makeConfig('4K', { cpus: [NOABORT(0), PLAIN(1)], memblock: oneBank(256n * M) });
}

/** Boot CPU alone after mem_init(); then cpu1's bring-up and a one-page split on cpu0, interleaved. */
function bringup(schedule: readonly number[], afterFinalisation = false): { run: JudgedRun; ret: unknown } {
  const run = new JudgedRun(config(), createSut);
  bootCpu(run);
  memInit(run);
  if (afterFinalisation) finalise(run);
  const r = run.interleave(
    [
      { cpu: 1, gen: run.ops.secondary_start_kernel(), label: 'secondary_start_kernel() [cpu1]' },
      {
        cpu: 0,
        gen: run.ops.split_kernel_leaf_mapping(ADDR, ADDR + 0x1000n),
        label: 'split_kernel_leaf_mapping() [cpu0]',
      },
    ],
    schedule,
  );
  const o = r.outcomes[1];
  return { run, ret: o?.status === 'done' ? o.value : o?.status };
}

describe('a starting secondary walks before it is online (f12b435de2f2 window)', () => {
  it('a split between its MMU-on and set_cpu_online() is live under a CPU without BBML2-noabort', async () => {
    const { run, ret } = bringup(RACE);
    expect(ret).toBe(0); // num_online_cpus() == 1: the kernel lets the split through
    expect(run.violation?.violation.code).toBe('size-change-without-bbml2');
    expect(run.violation?.during).toContain('split_kernel_leaf_mapping');
    // The kept trace is this run, and check-trace finds the same violation in it.
    if (process.env['BBM_WRITE_WITNESS'] === '1') writeFileSync(TRACE, run.trace());
    const kept = readFileSync(TRACE, 'utf8');
    expect(kept, 'regenerate with BBM_WRITE_WITNESS=1').toBe(run.trace());
    const v = await checkTraceLines(kept.split('\n'));
    expect(v.kind === 'violation' ? v.violation.code : v.kind).toBe('size-change-without-bbml2');
  });

  it('the same split before the secondary starts, or once it is online (-EBUSY), is safe', () => {
    const before = bringup(BEFORE);
    expect(before.ret).toBe(0);
    expect(before.run.violation).toBeUndefined();
    const after = bringup(AFTER);
    expect(after.ret).toBe(-16);
    expect(after.run.violation).toBeUndefined();
  });

  it('after finalisation: a late CPU without the capability walks until it is refused, and splits are live', () => {
    const cfg = config();
    expect(cfg.cpus.map((c) => c.noabort)).toEqual([true, false]);
    const { run, ret } = bringup(RACE, true);
    expect(ret).toBe(0);
    expect(run.ops.inspect().refused_cpus).toEqual([1]);
    expect(run.violation?.violation.code).toBe('size-change-without-bbml2');
  });
});
