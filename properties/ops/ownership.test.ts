// Why this test? The 200-seed sweep of issue 13 (sweeps/README.md) found ops.answers-exact failing
// on the faithful port at seed 1292577858: a bare split_kernel_leaf_mapping() of page 0 on cpu0
// interleaved with set_direct_map_valid_noflush(page 0, a whole 2M block, false) on cpu1, and the
// block left valid. The kernel does that too — update_range_prot()'s walk runs after
// pgtable_split_lock is dropped and split_pmd() publishes its table with a plain store over the
// block it read — but only for two callers of one page, which no kernel caller is: a split's
// caller owns the range it splits. The harness judged ownership by the VAs a call *changes*, and
// a bare split changes none. Now both CPUs' calls are judged by the pages their callers own
// (two calls under pgtable_split_lock alone still interleave: the lock orders them). The case is
// kept by value in shrinks/corpus/ops.answers-exact/port-split-shares-a-page.json (expect: pass).
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createPortSut } from '../../impl/sut.ts';
import { makeConfig, oneBank } from '../../impl/testing/setup.ts';
import { runCli } from '../../cli/main.ts';
import { bootCpu } from '../harness/boot.ts';
import { JudgedRun } from '../harness/judgedRun.ts';
import { LINEAR_END, LINEAR_START } from '../harness/leaves.ts';
import type { Intent } from './resolve.ts';
import { callersSerialise, ownedRanges, shareOwnedPage } from './ownership.ts';

const G = 1n << 30n;
const M2 = 2n << 20n;
const P = 4096n;

function booted(): { run: JudgedRun; va: bigint; pa: bigint } {
  const run = new JudgedRun(
    makeConfig('4K', { memblock: oneBank(2n * G, 0x60000000n), kfence: 'late' }),
    createPortSut,
  );
  bootCpu(run);
  const first = run.interp(LINEAR_START, LINEAR_END)[0];
  if (first === undefined) throw new Error('nothing mapped at boot');
  return { run, va: first.va, pa: first.pa };
}

describe('the pages a caller owns', () => {
  const { run, va, pa } = booted();
  const split = (start: bigint, pages: bigint): Intent => ({ kind: 'split', start, end: start + pages * P });
  const invalidBlock: Intent = { kind: 'direct_map', which: 'valid', pa, nr: Number(M2 / P), valid: false };

  it('a bare split owns its range: the sweep’s pair shares page 0 and runs one after the other', () => {
    expect(ownedRanges(run, split(va, 1n))).toEqual([{ start: va, end: va + P }]);
    expect(callersSerialise(run, split(va, 1n), invalidBlock)).toBe(true);
    expect(callersSerialise(run, split(va + M2 - P, 1n), invalidBlock)).toBe(true);
  });

  it('two calls under pgtable_split_lock alone interleave, whatever they own: the lock orders them', () => {
    expect(shareOwnedPage(run, split(va, 1n), split(va, 2n))).toBe(true);
    expect(callersSerialise(run, split(va, 1n), split(va, 2n))).toBe(false);
    expect(callersSerialise(run, { kind: 'kfence_late' }, split(va + (0x60000000n - pa), 1n))).toBe(false);
  });

  it('a split beside the block owns none of it: the pair interleaves', () => {
    expect(callersSerialise(run, split(va + M2, 1n), invalidBlock)).toBe(false);
    expect(callersSerialise(run, split(va - P, 1n), invalidBlock)).toBe(false);
  });

  it('a set_memory_*() caller owns the asked pages of its area and their linear aliases, not the rest', () => {
    const area: Intent = {
      kind: 'set_memory',
      which: 'ro',
      area: 0xffff800000000000n,
      pages: [pa, pa + P],
      from: 1,
      n: 1,
    };
    const valid = (at: bigint): Intent => ({ kind: 'set_memory_valid', addr: at, n: 1, enable: false, atomic: false });
    expect(shareOwnedPage(run, area, valid(va + P))).toBe(true);
    expect(shareOwnedPage(run, area, valid(va))).toBe(false);
    expect(shareOwnedPage(run, area, split(0xffff800000000000n + P, 1n))).toBe(true);
    expect(shareOwnedPage(run, area, split(0xffff800000000000n, 1n))).toBe(false);
  });

  it('a late KFENCE init owns its pool; a call that makes nothing owns nothing', () => {
    const poolVa = va + (0x60000000n - pa);
    expect(shareOwnedPage(run, { kind: 'kfence_late' }, split(poolVa + 3n * P, 1n))).toBe(true);
    expect(shareOwnedPage(run, { kind: 'kfence_late' }, split(poolVa - P, 1n))).toBe(false);
    expect(shareOwnedPage(run, { kind: 'none', why: 'no backing page' }, invalidBlock)).toBe(false);
  });

  it('the sweep’s counterexample, replayed by value from the corpus, holds on the port', async () => {
    const file = fileURLToPath(
      new URL('../../shrinks/corpus/ops.answers-exact/port-split-shares-a-page.json', import.meta.url),
    );
    const r = await runCli(['replay', file], Readable.from([]));
    expect(r.stdout.join('\n')).toMatch(/^pass {2}ops\.answers-exact\nas recorded: the case holds$/m);
    expect(r.code).toBe(0);
  });
});
