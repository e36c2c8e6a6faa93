// The test machine itself: allocator, failure injection, records, header.
import { describe, expect, it } from 'vitest';
import type { CpuId, KGen, SchedPoint } from '../contract.ts';
import { runToCompletion } from '../sched.ts';
import { defaultMidr, MemoryMachine } from './memory-machine.ts';

describe('MemoryMachine', () => {
  it('allocates zeroed table pages, fails the requested allocations, records gfp and context', () => {
    const m = new MemoryMachine({ granule: '16K', cpus: [{ id: 0, bbm: 2, noabort: true }], failAllocAt: [1] });
    const a = runToCompletion(m, 0, m.allocTable(3, 'GFP_PGTABLE_KERNEL', 'process'));
    const b = runToCompletion(m, 0, m.allocTable(2, 'GFP_ATOMIC', 'stopped'));
    expect(a).toBe(m.rootTable() + 0x4000n);
    expect(b).toBeNull();
    expect(m.peek((a ?? 0n) + 8n)).toBe(0n);
    expect(m.events).toEqual([{ op: 'alloc', pa: a, level: 3 }]);
    expect(m.records.map((r) => r.kind === 'alloc' && [r.gfp, r.context, r.pa])).toEqual([
      ['GFP_PGTABLE_KERNEL', 'process', a],
      ['GFP_ATOMIC', 'stopped', null],
    ]);
    runToCompletion(m, 0, m.freeTable(a ?? 0n));
    expect(runToCompletion(m, 0, m.allocTable(1, 'GFP_KERNEL', 'process'))).toBe(a);
  });

  it('records a read outside the tables, and passes a store there on to the judge instead of dropping it', () => {
    const m = new MemoryMachine({ granule: '4K', cpus: [{ id: 0, bbm: 0, noabort: false }] });
    expect(runToCompletion(m, 0, m.readDesc(0x1234000n))).toBe(0n);
    expect(m.records.map((r) => r.kind)).toEqual(['bad-access']);
    runToCompletion(m, 0, m.writeDesc(0x1234000n, 1n));
    expect(m.events).toEqual([{ op: 'write', cpu: 0, pa: 0x1234000n, val: 1n }]);
    expect(runToCompletion(m, 0, m.readDesc(0x1234000n))).toBe(1n);
  });

  it('reports MIDRs on and off the BBML2-noabort allow list', () => {
    expect(defaultMidr({ id: 0, bbm: 2, noabort: true }).toString(16)).toBe('410fd842');
    expect(defaultMidr({ id: 0, bbm: 2, noabort: false }).toString(16)).toBe('410fd840');
    expect(defaultMidr({ id: 0, bbm: 0, noabort: false }).toString(16)).toBe('414fd0b1');
  });

  it('puts the CPUs online at the start in the header; others arrive with online events', () => {
    const m = new MemoryMachine({
      granule: '64K',
      cpus: [
        { id: 0, bbm: 2, noabort: true },
        { id: 1, bbm: 1, noabort: false },
      ],
    });
    expect(m.header()).toMatchObject({ granule: '64K', cpus: [{ id: 0, bbm: 2, noabort: true }] });
    runToCompletion(m, 1, m.cpuOnline());
    expect(m.onlineCpus()).toEqual([0, 1]);
    expect(m.events).toEqual([{ op: 'online', cpu: 1, bbm: 1, noabort: false }]);
    expect(m.tables().get(m.rootTable())).toBe(1);
  });
  it('reads and writes every entry of a page by its offset', () => {
    const m = new MemoryMachine({ granule: '4K', cpus: [{ id: 0, bbm: 2, noabort: true }] });
    const root = m.rootTable();
    runToCompletion(m, 0, m.writeDesc(root + 0xff8n, 0x123n));
    runToCompletion(m, 0, m.writeDesc(root, 0x456n));
    expect(runToCompletion(m, 0, m.readDesc(root + 0xff8n))).toBe(0x123n);
    expect(m.peek(root)).toBe(0x456n);
    expect(m.peek(root + 8n)).toBe(0n);
    expect(m.records).toEqual([]);
  });

  it("stop_machine() passes each task's scheduling point on as it is, owning the machine", () => {
    const m = new MemoryMachine({
      granule: '4K',
      cpus: [
        { id: 0, bbm: 2, noabort: true },
        { id: 1, bbm: 0, noabort: false },
      ],
      online: [0, 1],
    });
    const root = m.rootTable();
    function* task(cpu: CpuId): KGen<number> {
      if (cpu === 0) yield* m.writeDesc(root, 3n);
      else yield* m.cpuRelax();
      return 0;
    }
    const points: SchedPoint[] = [];
    const gen = m.stopMachine(task);
    for (let r = gen.next(); r.done !== true; r = gen.next()) points.push(r.value);
    expect(points).toEqual([
      { cpu: 0, prim: 'stop', exclusive: true },
      { cpu: 0, prim: 'write', pa: root, exclusive: true },
      { cpu: 1, prim: 'relax', blocked: true, exclusive: true },
      { cpu: 0, prim: 'resume', exclusive: true },
    ]);
  });
});
