// The general-rule properties against the bundled port (or BBM_SUT). Ids and claims: properties/README.md.
import { describe } from 'vitest';
import { propertyTest } from '../harness/propertyTest.ts';
import { answersExact, inForceOnReturn } from './answersProperties.ts';

describe('ops', () => {
  propertyTest(answersExact);
  propertyTest(inForceOnReturn);
});
