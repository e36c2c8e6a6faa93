// Progress of a long run: a bar on a terminal (drawn over itself), plain lines at a fixed rate
// elsewhere, nothing with `off`; the run's own lines go above the bar on a shared screen.
import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { makeProgress, progressMode } from './progress.ts';

/** A stream that records what is written, as a terminal or not. */
function sink(tty: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const s = new PassThrough();
  let text = '';
  s.on('data', (d: Buffer) => (text += d.toString()));
  const stream = Object.assign(s, {
    isTTY: tty,
    columns: 120,
    cursorTo: (x: number) => ((text += `<cursor ${x}>`), true),
    clearLine: () => true,
    moveCursor: () => true,
    clearScreenDown: () => true,
  }) as unknown as NodeJS.WriteStream;
  return { stream, text: () => text };
}

describe('verify progress', () => {
  it('takes auto, bar, plain or off', () => {
    expect(progressMode('plain', '--progress')).toBe('plain');
    expect(() => progressMode('fancy', '--progress')).toThrow(/--progress takes auto, bar, plain or off, got "fancy"/);
  });

  it('writes a plain line every 10 s where there is no terminal', () => {
    vi.useFakeTimers();
    try {
      const out = sink(false);
      const p = makeProgress('auto', out.stream, false);
      p.start(4, 'bbm.model-clean (seed 1)');
      p.done(true, 'perm.exact (seed 1)');
      // A short run prints nothing.
      vi.advanceTimersByTime(9_000);
      expect(out.text()).toBe('');
      vi.advanceTimersByTime(1_500);
      p.done(false, 'split.blocks-kept (seed 1)');
      vi.advanceTimersByTime(10_500);
      p.stop();
      const lines = out
        .text()
        .split('\n')
        .filter((l) => l.startsWith('verify:'));
      expect(lines.length).toBeGreaterThanOrEqual(2);
      expect(lines[0]).toMatch(/^verify: 1\/4 jobs done, 1 failed, .* running perm\.exact \(seed 1\)$/);
      expect(lines.some((l) => /^verify: 1\/4 jobs done, 1 failed, .* running perm\.exact \(seed 1\)$/.test(l))).toBe(
        true,
      );
      expect(lines.some((l) => /^verify: 2\/4 jobs done, 1 failed, .* running split\.blocks-kept/.test(l))).toBe(true);
      expect(out.text()).not.toContain('\u001b[');
    } finally {
      vi.useRealTimers();
    }
  });

  it('draws a bar on a terminal and prints the run’s lines above it', () => {
    const out = sink(true);
    const printed: string[] = [];
    const p = makeProgress('auto', out.stream, true);
    p.start(2, 'bbm.model-clean (seed 1)');
    p.print('pass  bbm.model-clean', (l) => printed.push(l));
    p.done(false, 'perm.exact (seed 1)');
    p.stop();
    expect(printed).toEqual([]);
    expect(out.text()).toContain('pass  bbm.model-clean\n');
    expect(out.text()).toMatch(/verify [█░]+ [01]\/2 jobs \| 0 failed/);
  });

  it('shows nothing when off, and prints the run’s lines as they are', () => {
    const out = sink(true);
    const printed: string[] = [];
    const p = makeProgress('off', out.stream, true);
    p.start(2, 'x');
    p.print('line', (l) => printed.push(l));
    p.done(true, '');
    p.stop();
    expect(out.text()).toBe('');
    expect(printed).toEqual(['line']);
  });
});
