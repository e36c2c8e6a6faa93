// The error-path property against the bundled port (or BBM_SUT). Ids and claims: properties/README.md.
import { describe } from 'vitest';
import { propertyTest } from '../harness/propertyTest.ts';
import { noDamage } from './errorsProperties.ts';

describe('errors', () => {
  propertyTest(noDamage);
});
