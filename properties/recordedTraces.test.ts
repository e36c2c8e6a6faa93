// Issue #3's end-to-end check: a recorded run of the bundled port — boot (map_mem), an on-demand
// split while only the boot CPU is up, an early secondary without BBML2-noabort, the repaint —
// written as bbm-trace/1 and read back by check-trace's own reader, is clean for every granule
// and variant; with PREEMPT_RT, upstream (v7.1) is flagged alloc-while-stopped and prealloc is not.
import { describe, expect, it } from 'vitest';
import type { GranuleName, Variant } from '../impl/index.ts';
import { recordBootSplitRepaint } from '../impl/testing/record.ts';
import { checkTraceLines } from '../model/trace/checkTrace.ts';

const M = 1n << 20n;

async function verdict(granule: GranuleName, variant: Variant, preempt_rt = false): Promise<string> {
  const m = recordBootSplitRepaint({ granule, variant, preempt_rt, extraRam: 64n * M });
  const v = await checkTraceLines(m.toJsonl().split('\n'));
  if (v.kind === 'ok') return `ok: ${v.events} events`;
  if (v.kind === 'violation') return v.violation.code;
  return `bad input at line ${v.line}: ${v.reason}`;
}

describe('recorded traces of the port pass check-trace', () => {
  it.each([
    ['4K', 'v7.2-rc'],
    ['4K', 'prealloc'],
    ['4K', 'v6.18'],
    ['16K', 'v7.2-rc'],
    ['16K', 'prealloc'],
    ['64K', 'v7.2-rc'],
    ['64K', 'prealloc'],
  ] as const)('%s %s: boot + split + repaint is clean', async (granule, variant) => {
    expect(await verdict(granule, variant)).toMatch(/^ok: \d+ events$/);
  });

  it('PREEMPT_RT: upstream v7.1 allocates inside stop_machine, prealloc does not', async () => {
    expect(await verdict('4K', 'v7.2-rc', true)).toBe('alloc-while-stopped');
    expect(await verdict('4K', 'prealloc', true)).toMatch(/^ok: /);
  });
});
