/**
 * The general rules every call obeys, checked after every step of wide, colliding, partly
 * failing operation sequences (`answersCase.ts`, `answersChecks.ts`), with what the kernel must
 * do taken from `properties/kernel/`.
 *
 * Layer: properties/answers.
 */
import type { PropertyDef } from '../registry.ts';
import type { AnswersInput } from './answersCase.ts';
import { answersInputArb, runAnswers } from './answersCase.ts';

/**
 * `ops.answers-exact`.
 *
 * Why this property? Bugs upstream shipped answered wrongly while keeping every table valid: a
 * split of a present-invalid block made all its pages valid (15bfba1ad77f), a permission change on
 * part of a vmalloc area changed the linear alias of every page of the area (37cb0aab9068), a late
 * KFENCE pool was left in blocks (ce2b3a50ad92), `force_pte_mapping()` answered for the wrong CPU
 * before finalisation (f12b435de2f2). None breaks break-before-make; each gives a wrong answer.
 *
 * Preconditions (kernel terms): any configuration; only reachable sequences (`opReachable()`);
 * concurrent callers own disjoint pages. Kills `split-pmd-validates-invalid`,
 * `alias-whole-area`, `kfence-pool-left-in-blocks`, `split-gate-force-pte`.
 */
export const answersExact: PropertyDef<AnswersInput> = {
  id: 'ops.answers-exact',
  claim:
    'every call answers as the kernel must (return value, kernel_page_present()) and changes exactly the VAs it was asked to, the linear alias only where the configuration makes it follow; a call whose allocation fails leaves each asked VA old or new and nothing else changed',
  invariants: 'kernel §3.1, §5.5, §6.2, §8 inv. 3, 13, 18, 19',
  arb: answersInputArb,
  numRuns: 40,
  check: (input, sut) => {
    runAnswers(input, sut, { answers: true, inForce: false, id: 'ops.answers-exact' });
  },
};

/**
 * `ops.in-force-on-return`.
 *
 * Preconditions (kernel terms): as `ops.answers-exact`; for `_noflush` APIs the caller's
 * documented `flush_tlb_kernel_range()` is issued first. Kills `flush-one-page-short`.
 */
export const inForceOnReturn: PropertyDef<AnswersInput> = {
  id: 'ops.in-force-on-return',
  claim:
    'once a call that removes or narrows access returns (invalid, read-only, non-executable), no CPU still holds an entry granting the old access, validity included',
  invariants: 'B8, C3; kernel §6.2',
  arb: answersInputArb,
  numRuns: 15,
  check: (input, sut) => {
    runAnswers(input, sut, { answers: false, inForce: true, id: 'ops.in-force-on-return' });
  },
};
