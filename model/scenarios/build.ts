/**
 * Builds the golden scenario traces under model/scenarios/{good,bad,invalid}/ and their README
 * table. Every expectation comes from the documented rules (model/SEMANTICS.md,
 * shared/spec/arm-bbm-rules.md, the decisions of shared/spec/README.md), never from running the
 * model. Run from the repository root:
 *
 *   npx tsx model/scenarios/build.ts
 *
 * Layer: model/scenarios (generator only).
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderAll, writeAll } from './src/emit.ts';
import { allScenarios } from './src/families/index.ts';

const files = renderAll(allScenarios());
writeAll(dirname(fileURLToPath(import.meta.url)), files);
const n = (kind: string): number => [...files.keys()].filter((k) => k.startsWith(`${kind}/`)).length / 2;
console.log(
  `wrote ${n('good') + n('bad') + n('invalid')} scenarios (${n('good')} good, ${n('bad')} bad, ${n('invalid')} invalid)`,
);
