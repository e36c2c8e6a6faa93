// A failing property's run is saved once, by one writer (failureContext.ts), when the property is
// done: `<BBM_TRACE_DIR>/<property>.jsonl` is the run its report describes. Before, the model-judged
// report wrote it at every failing run met while shrinking, and `verify` wrote it again from a
// replay of the saved value (shrinks/failureCase.ts): two writers of one file, the last one winning.
import * as fs from 'node:fs';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import type { KGen, Primitives, SutFactory } from '../../impl/index.ts';
import { createPortSut } from '../../impl/sut.ts';
import { saveFailureCase } from '../../shrinks/failureCase.ts';
import { PROPERTIES } from '../catalogue.ts';
import { verifyProperty } from '../verify.ts';

vi.mock('node:fs', async (original) => {
  const real = await original<typeof fs>();
  return { ...real, writeFileSync: vi.fn(real.writeFileSync) };
});

/** The port, except that split_kernel_leaf_mapping() first stores to a RAM page (not a table). */
const storesToRam: SutFactory = (hw: Primitives, config) => {
  const ops = createPortSut(hw, config);
  return {
    ...ops,
    *split_kernel_leaf_mapping(start: bigint, end: bigint): KGen<number> {
      yield* hw.writeDesc(0x40000010n, 0x40000000n | 0x703n);
      return yield* ops.split_kernel_leaf_mapping(start, end);
    },
  };
};

const saved = process.env['BBM_TRACE_DIR'];
afterEach(() => {
  if (saved === undefined) delete process.env['BBM_TRACE_DIR'];
  else process.env['BBM_TRACE_DIR'] = saved;
});

it('writes the trace of a failure once, the run the report describes, and the saved case writes none', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bbm-trace-once-'));
  process.env['BBM_TRACE_DIR'] = dir;
  const p = PROPERTIES.find((x) => x.id === 'errors.no-damage');
  if (p === undefined) throw new Error('no errors.no-damage');
  const writes = vi.mocked(fs.writeFileSync);
  writes.mockClear();
  const r = verifyProperty(p, storesToRam, { seed: 20261201, runs: 3 });
  expect(r.status).toBe('fail');
  saveFailureCase(dir, {
    property: p,
    sutName: 'module:storesToRam',
    sut: storesToRam,
    seed: 20261201,
    path: r.path ?? '',
    counterexample: r.counterexample,
    failure: r.failure ?? '',
  });
  const file = join(dir, `${p.id}.jsonl`);
  const toTrace = writes.mock.calls.filter(([f]) => String(f).endsWith('.jsonl'));
  expect(toTrace.map(([f]) => String(f))).toEqual([file]);
  expect(r.traceFile).toBe(file);
  expect(r.failure).toContain(`\n    whole run: ${file} (npx bbm-verify check-trace ${file})`);
  // The run the report describes: its failing store is in the trace.
  expect(r.failure).toMatch(/write-to-non-table/);
  expect(readFileSync(file, 'utf8')).toContain('{"op":"write","cpu":0,"pa":"0x40000010","val":"0x40000703"}');
});
