// The BBM properties against the bundled port (or BBM_SUT). Ids and claims: properties/README.md.
import { describe } from 'vitest';
import { propertyTest } from '../harness/propertyTest.ts';
import { modelClean, noConflictWithoutBbml2 } from './bbmProperties.ts';

describe('bbm', () => {
  propertyTest(modelClean);
  propertyTest(noConflictWithoutBbml2);
});
