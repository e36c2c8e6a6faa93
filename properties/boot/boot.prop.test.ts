// The boot property against the bundled port (or BBM_SUT). Ids and claims: properties/README.md.
import { describe } from 'vitest';
import { propertyTest } from '../harness/propertyTest.ts';
import { linearMapComplete } from './bootProperties.ts';

describe('boot', () => {
  propertyTest(linearMapComplete);
});
