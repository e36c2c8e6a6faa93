// Golden test of the VA layout a reader sees under a violation: a partly repainted contiguous
// group (8 pages made read-only, 8 left writable) in the 2M window of the offending entry.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { checkTraceLines } from '../model/trace/checkTrace.ts';
import { vaLayoutLines } from './vaLayout.ts';

describe('vaLayoutLines', () => {
  it('draws the window of a partly repainted contiguous group', async () => {
    const lines = createInterface({
      input: createReadStream('model/scenarios/bad/cont-pte-partial-repaint-flush-4k.jsonl'),
    });
    const v = await checkTraceLines(lines);
    if (v.kind !== 'violation' || v.violation.va === undefined) throw new Error('expected a violation with a VA');
    expect(vaLayoutLines(v.state, v.violation.va)).toEqual([
      '    VA layout around 0xffff000040200000 (2M window, after the event):',
      '      0xffff000040200000..0xffff000040208000  8 × 4K page (Contiguous, 64K groups)  → 0x40200000  RO PXN  ◀',
      '      0xffff000040208000..0xffff000040210000  8 × 4K page (Contiguous, 64K groups)  → 0x40208000  RW PXN',
      '      0xffff000040210000..0xffff000040220000  16 × 4K page  → 0x40210000  RW PXN',
      '      0xffff000040220000..0xffff000040400000  unmapped',
    ]);
  });
});
