/**
 * Benchmark of the model: checked events per second on one core, for the kernel's own shapes
 * (boot mapping, noabort splits of 2M blocks, per-page permission changes with their flush) and
 * for the trace reader on top. Run with `npm run bench`; prints one line per case.
 *
 * Layer: bench (model only).
 */
import { performance } from 'node:perf_hooks';
import { GEOMETRIES } from '../model/arch/geometry.ts';
import { initialState, step } from '../model/step.ts';
import { leafDescriptor, tableDescriptor } from '../model/testing/descriptors.ts';
import { LayoutBuilder } from '../model/testing/layout.ts';
import { TraceBuilder } from '../model/testing/traceBuilder.ts';
import { checkTraceLines } from '../model/trace/checkTrace.ts';

const ROOT = 0x8000_0000n;
const VA_TOP = 0xffff000000000000n;
const BLOCKS = Number(process.env['BENCH_BLOCKS'] ?? 400);

/** Boot: BLOCKS 2M blocks; then split each with to_cont; then make 16 pages of each read-only and flush. */
function kernelShapes(): TraceBuilder {
  const b = new TraceBuilder('4K', ROOT, [
    { id: 0, bbm: 2, noabort: true },
    { id: 1, bbm: 2, noabort: true },
  ]);
  const layout = new LayoutBuilder(b, '4K', ROOT + 0x1000n);
  const size = BigInt(GEOMETRIES['4K'].entrySpan[2] ?? 0);
  const entries: bigint[] = [];
  for (let i = 0; i < BLOCKS; i++)
    entries.push(layout.mapLeaf(VA_TOP + 0x4000_0000n + BigInt(i) * size, 0x4000_0000n + BigInt(i) * size, 2));
  entries.forEach((entry, i) => {
    const oa = 0x4000_0000n + BigInt(i) * size;
    const table = layout.splitTable(oa, 2, true);
    b.write(0, entry, tableDescriptor(table));
    // split_contpte on the first group, then set_memory_ro on its 16 pages, then the flush.
    for (let p = 0n; p < 16n; p++) b.write(0, table + 8n * p, leafDescriptor(oa + p * 0x1000n, true));
    for (let p = 0n; p < 16n; p++)
      b.write(0, table + 8n * p, leafDescriptor(oa + p * 0x1000n, true, { readOnly: true }));
    b.dsb(0, 'ishst');
    for (let p = 0n; p < 16n; p++) b.tlbi(0, 'vaale1is', VA_TOP + 0x4000_0000n + BigInt(i) * size + p * 0x1000n);
    b.dsb(0, 'ish').isb(0);
  });
  return b;
}

function report(name: string, events: number, ms: number): void {
  const rate = events / (ms / 1000);
  console.log(
    `${name.padEnd(28)} ${String(events).padStart(9)} events  ${ms.toFixed(0).padStart(6)} ms  ${(rate / 1e6).toFixed(2)} M events/s`,
  );
}

async function main(): Promise<void> {
  const b = kernelShapes();
  for (let round = 0; round < 2; round++) {
    const state = initialState({ granule: '4K', root: ROOT, preemptRt: false, cpus: b.cpus });
    const t0 = performance.now();
    for (const e of b.events) {
      if (step(state, e) !== undefined) throw new Error('benchmark trace is not clean');
    }
    report(round === 0 ? 'step (warm-up)' : 'step', b.events.length, performance.now() - t0);
  }
  const lines = b.lines();
  const t1 = performance.now();
  const verdict = await checkTraceLines(lines);
  if (verdict.kind !== 'ok') throw new Error('benchmark trace is not clean');
  report('check-trace (parse + step)', verdict.events, performance.now() - t1);
}

await main();
