/**
 * The clock the verify runner's deadlines are measured on: a child process's own time — the wall
 * time since it was spawned minus the time its threads spent waiting for a CPU. A child that
 * loops or blocks advances it at the wall clock's rate; a child that is only starved by a loaded
 * machine (other test runs, a sweep at `nice 10`) advances it hardly at all, so a slow start or a
 * slow run on a busy machine is not taken for a hung SUT.
 *
 * The waits are read from Linux's per-thread scheduler statistics, `/proc/<pid>/task/<tid>/schedstat`
 * (second field: nanoseconds spent on a runqueue, waiting to run; Documentation/scheduler/sched-stats.rst).
 * Where they cannot be read (another OS, schedstats not built in, the child gone) the clock is
 * the wall clock, as before.
 *
 * Layer: cli.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Reads every live thread's cumulative runqueue wait in ns, by thread id; undefined when unreadable. */
export type WaitReader = (pid: number) => ReadonlyMap<string, bigint> | undefined;

/**
 * The runqueue waits of a process's threads from `/proc`.
 * @param pid - the process
 * @returns the waits by thread id, or undefined when /proc does not tell
 */
export const procWaits: WaitReader = (pid) => {
  try {
    const out = new Map<string, bigint>();
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      let text: string;
      try {
        text = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8');
      } catch {
        continue; // the thread ended between the listing and the read
      }
      const wait = text.trim().split(/\s+/)[1];
      if (wait === undefined || !/^\d+$/.test(wait)) return undefined;
      out.set(tid, BigInt(wait));
    }
    return out.size > 0 ? out : undefined;
  } catch {
    return undefined;
  }
};

/** How often the statistics are read, at most. */
const READ_EVERY_MS = 50;

/** A child's own time, in ms since it was spawned (see the module comment). */
export class ChildClock {
  private readonly t0: number;
  private readonly last = new Map<string, bigint>();
  private waitedNs = 0n;
  private wallOnly = false;
  private latest = 0;
  private lastRead: number | undefined;

  /**
   * @param pid - the child (undefined: the wall clock)
   * @param read - where the waits come from (tests give a stand-in)
   * @param wall - the wall clock in ms (tests give a stand-in)
   */
  constructor(
    private readonly pid: number | undefined,
    private readonly read: WaitReader = procWaits,
    private readonly wall: () => number = () => performance.now(),
  ) {
    this.t0 = wall();
    if (pid === undefined) this.wallOnly = true;
  }

  /**
   * The child's own time now. Each call subtracts the longest wait of any one thread since the
   * previous call (a thread seen for the first time: all it waited, it started after the spawn):
   * never more than the wall time that passed, so the clock never runs backwards, and a
   * thread that loops while another waits is not hidden by the other's wait.
   * @returns ms since the spawn, minus the waits for a CPU
   */
  now(): number {
    const wallNow = this.wall();
    const elapsed = wallNow - this.t0;
    // Read the statistics at most every READ_EVERY_MS (the runner asks on every message of the
    // child, hundreds a second while it shrinks); in between the waits counted so far stand.
    if (
      !this.wallOnly &&
      this.pid !== undefined &&
      (this.lastRead === undefined || wallNow - this.lastRead >= READ_EVERY_MS)
    ) {
      this.lastRead = wallNow;
      const waits = this.read(this.pid);
      if (waits === undefined) {
        // Nothing to read: on the first read, never (the wall clock); later, the child is gone.
        if (this.last.size === 0) this.wallOnly = true;
      } else {
        let longest = 0n;
        for (const [tid, w] of waits) {
          const before = this.last.get(tid) ?? 0n;
          if (w - before > longest) longest = w - before;
          this.last.set(tid, w);
        }
        this.waitedNs += longest;
      }
    }
    const own = Math.max(0, elapsed - Number(this.waitedNs / 1_000_000n));
    this.latest = Math.max(this.latest, own);
    return this.latest;
  }

  /** @returns whether the waits are being subtracted (false: the wall clock) */
  get measuresWaits(): boolean {
    return !this.wallOnly;
  }
}
