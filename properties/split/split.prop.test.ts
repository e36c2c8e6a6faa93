// The split properties against the bundled port (or BBM_SUT). Ids and claims: properties/README.md.
import { describe } from 'vitest';
import { propertyTest } from '../harness/propertyTest.ts';
import { atomicCallersLockless, hierarchicalPxn } from './kernelRuleProperties.ts';
import { blocksKept, boundariesExact, translationPreserved } from './splitProperties.ts';

describe('split', () => {
  propertyTest(boundariesExact);
  propertyTest(blocksKept);
  propertyTest(translationPreserved);
  propertyTest(hierarchicalPxn);
  propertyTest(atomicCallersLockless);
});
