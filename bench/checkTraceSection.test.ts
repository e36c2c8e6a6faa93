// The benchmark runs check-trace with the node flags of bin/bbm-verify.mjs's shebang, as
// `npx bbm-verify` does (bench/checkTraceSection.ts).
import { describe, expect, it } from 'vitest';
import { shebangNodeFlags } from './checkTraceSection.ts';

describe('shebangNodeFlags', () => {
  it('reads the flags after `node` in bin/bbm-verify.mjs', () => {
    const flags = shebangNodeFlags();
    expect(flags).toContain('--max-semi-space-size=4');
    expect(flags.every((f) => f.startsWith('--'))).toBe(true);
  });
});
