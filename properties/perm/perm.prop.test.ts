// The permission property against the bundled port (or BBM_SUT). Ids and claims: properties/README.md.
import { describe } from 'vitest';
import { propertyTest } from '../harness/propertyTest.ts';
import { permExact } from './permProperties.ts';
import { validRoundtrip } from './validRoundtrip.ts';

describe('perm', () => {
  propertyTest(permExact);
  propertyTest(validRoundtrip);
});
