// The verify runner's clock (cli/childClock.ts): the child's wall time minus its waits for a CPU,
// with a stand-in wall clock and stand-in scheduler statistics; and, on Linux, the real reader on
// this process.
import { describe, expect, it } from 'vitest';
import { ChildClock, procWaits } from './childClock.ts';

/** A stand-in: the wall clock and the threads' cumulative waits (ns), both set by the test. */
function fake(): { wall: { ms: number }; waits: Map<string, bigint> | undefined; clock: ChildClock } {
  const state = { wall: { ms: 1000 }, waits: new Map<string, bigint>() as Map<string, bigint> | undefined };
  const clock = new ChildClock(
    42,
    () => state.waits,
    () => state.wall.ms,
  );
  return Object.assign(state, { clock });
}

const ms = (n: number): bigint => BigInt(n) * 1_000_000n;

describe('ChildClock', () => {
  it('is the wall clock when nothing waited', () => {
    const f = fake();
    f.wall.ms += 250;
    expect(f.clock.now()).toBe(250);
    expect(f.clock.measuresWaits).toBe(true);
  });

  it('does not count the time a starved child waited for a CPU', () => {
    const f = fake();
    f.wall.ms += 10_000;
    f.waits?.set('1', ms(9_000));
    expect(f.clock.now()).toBe(1_000);
    f.wall.ms += 5_000;
    f.waits?.set('1', ms(13_000));
    expect(f.clock.now()).toBe(2_000);
  });

  it('subtracts the longest wait of one thread per reading, never more than the wall time', () => {
    const f = fake();
    f.wall.ms += 1_000;
    // Two threads waited 800 ms each in the same second: 800 ms of it, not 1.6 s, were lost.
    f.waits?.set('1', ms(800));
    f.waits?.set('2', ms(800));
    expect(f.clock.now()).toBe(200);
    // A thread that ends and one that starts: the new one's waits count from its start.
    f.waits?.delete('2');
    f.waits?.set('3', ms(100));
    f.wall.ms += 1_000;
    expect(f.clock.now()).toBe(1_100);
  });

  it('never runs backwards', () => {
    const f = fake();
    f.wall.ms += 1_000;
    expect(f.clock.now()).toBe(1_000);
    f.waits?.set('1', ms(5_000)); // more than the wall time since the last reading
    f.wall.ms += 100;
    expect(f.clock.now()).toBe(1_000);
  });

  it('falls back to the wall clock when the statistics cannot be read', () => {
    const f = fake();
    f.waits = undefined;
    f.wall.ms += 700;
    expect(f.clock.now()).toBe(700);
    expect(f.clock.measuresWaits).toBe(false);
    const wallOnly = new ChildClock(undefined);
    expect(wallOnly.measuresWaits).toBe(false);
  });

  it.runIf(process.platform === 'linux')('reads this process’s threads from /proc', () => {
    const waits = procWaits(process.pid);
    // Schedstats may be compiled out of a kernel: then the reader says so (undefined).
    if (waits === undefined) return;
    expect(waits.has(String(process.pid))).toBe(true);
    for (const w of waits.values()) expect(w >= 0n).toBe(true);
  });
});
