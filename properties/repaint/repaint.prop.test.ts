// The repaint properties against the bundled port (or BBM_SUT). Ids and claims: properties/README.md.
import { describe } from 'vitest';
import { propertyTest } from '../harness/propertyTest.ts';
import { allPtes, preallocSuffices } from './repaintProperties.ts';

describe('repaint', () => {
  propertyTest(allPtes);
  propertyTest(preallocSuffices);
});
