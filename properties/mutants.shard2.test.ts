// The seeded bugs of kill shard 2 (properties/mutantKills.ts; why: mutants.test.ts).
import { describe } from 'vitest';
import { killTests } from './mutantKills.ts';

describe('seeded bugs are killed', () => killTests(2));
