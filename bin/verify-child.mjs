#!/usr/bin/env node
// The child process of `bbm-verify verify` (cli/verifyRunner.ts): the SUT is loaded and the
// properties run here, where the parent's deadline can stop a SUT that loops, exits or crashes.
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

registerTsx();
register('./plugin-hooks.mjs', import.meta.url);
await import('../cli/verifyChild.ts');
