// The seeded bugs of kill shard 1 (properties/mutantKills.ts; why: mutants.test.ts).
import { describe } from 'vitest';
import { killTests } from './mutantKills.ts';

describe('seeded bugs are killed', () => killTests(1));
