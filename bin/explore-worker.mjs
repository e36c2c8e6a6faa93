#!/usr/bin/env node
// A worker process of `bbm-verify explore --workers N` (explore/pool.ts): replays nodes of the
// search sent by the parent; plug-in SUT modules load as in `verify`'s children.
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

registerTsx();
register('./plugin-hooks.mjs', import.meta.url);
await import('../explore/worker.ts');
