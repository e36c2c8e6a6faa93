// The golden scenarios: every hand-written good/bad/invalid trace under model/scenarios must give
// exactly the first line recorded in its .expected file (Casemate's examples/expected habit).
import { describe, expect, it } from 'vitest';
import { SCENARIO_DIR, listScenarios, scenarioOutcome } from './scenarios.ts';

const scenarios = listScenarios(SCENARIO_DIR);

describe('golden scenarios', () => {
  it('exist in number, good, bad and invalid', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(40);
    for (const kind of ['good/', 'bad/', 'invalid/']) expect(scenarios.some((s) => s.name.startsWith(kind))).toBe(true);
  });
  it.each(scenarios.map((s) => [s.name, s] as const))('%s', async (_name, s) => {
    expect(await scenarioOutcome(s.trace)).toBe(s.expected);
  });
});
