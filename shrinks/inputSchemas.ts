/**
 * The input of every property of the catalogue as a zod schema over its encoded form
 * (`shrinks/encoding.ts`): a corpus value of the wrong shape or type is bad input (exit 2, one
 * line naming the field), never a "changed" verdict. The schemas follow the input types of
 * properties/ (`SplitInput`, `SequenceInput`, `AnswersInput`, …) and `SutConfig` (impl/contract.ts);
 * `inputSchemas.test.ts` checks them against values drawn from each property's own arbitrary, so
 * a generator that changes its input without its schema fails there, not in a user's corpus.
 *
 * Layer: shrinks.
 */
import { z } from 'zod';
import { bigintData } from './schema.ts';

const int = z.number().int();
const nat = int.nonnegative();

const physRange = z.strictObject({ base: bigintData, size: bigintData });

/** `SutConfig` (impl/contract.ts), encoded. */
export const sutConfigData = z.strictObject({
  granule: z.enum(['4K', '16K', '64K']),
  variant: z.enum(['v7.1', 'v6.18', 'prealloc']),
  preempt_rt: z.boolean(),
  rodata: z.enum(['full', 'on', 'noalias', 'off']),
  debug_pagealloc: z.boolean(),
  kfence: z.enum(['early', 'late', 'off']),
  realm: z.boolean(),
  memblock: z.strictObject({
    banks: z.array(physRange).min(1),
    nomap: z.array(physRange).optional(),
    kernel: z.strictObject({
      text: bigintData,
      stext: bigintData,
      init_begin: bigintData,
      init_end: bigintData,
      end: bigintData,
    }),
    kfence_pool: bigintData.optional(),
  }),
  cpus: z
    .array(z.strictObject({ id: nat, bbm: z.union([z.literal(0), z.literal(1), z.literal(2)]), noabort: z.boolean() }))
    .min(1),
});

/** `Burst` (properties/arbitraries/schedule.ts). */
export const burstData = z.strictObject({ pick: nat, steps: nat });

/** `Target` (properties/ops/ops.ts). */
export const targetData = z.strictObject({ leaf: nat, at: nat, whole: z.boolean() });

/** `Op` (properties/ops/ops.ts), one schema per kind. */
export const opData = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('split'), run: nat, at: nat, pages: nat, target: targetData.optional() }),
  z.strictObject({
    kind: z.literal('set_memory'),
    which: z.enum(['ro', 'rw', 'nx', 'x']),
    pages: z.array(nat),
    leaf: nat.optional(),
    from: nat.optional(),
    n: int.optional(),
    past: z.boolean().optional(),
  }),
  z.strictObject({
    kind: z.literal('set_memory_valid'),
    page: nat,
    n: nat,
    enable: z.boolean(),
    target: targetData.optional(),
  }),
  z.strictObject({
    kind: z.literal('direct_map'),
    which: z.enum(['invalid', 'default', 'valid']),
    page: nat,
    target: targetData.optional(),
    nr: nat.optional(),
    valid: z.boolean().optional(),
  }),
  z.strictObject({ kind: z.literal('kfence_late') }),
  z.strictObject({ kind: z.literal('kfence_protect'), page: nat, protect: z.boolean() }),
]);

/** `CommandData` (properties/commands/systemModel.ts). */
export const commandData = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('op'), op: opData, cpu: nat }),
  z.strictObject({ kind: z.literal('pair'), a: opData, b: opData, schedule: z.array(burstData) }),
]);

/** A fast-check command sequence, encoded: `{"$commands": [{"$command": …}, …]}`. */
const commandsData = z.strictObject({ $commands: z.array(z.strictObject({ $command: commandData })) });

/** `Step` (properties/answers/answersCase.ts). */
const stepData = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('op'), op: opData, cpu: nat, fail: nat.optional() }),
  z.strictObject({ kind: z.literal('pair'), a: opData, b: opData, schedule: z.array(burstData) }),
]);

const splitInput = z.strictObject({
  config: sutConfigData,
  run: nat,
  at: nat,
  pages: nat,
  flavour: z.enum(['aligned', 'block', 'unaligned', 'hole']),
  span: nat,
});

const sequenceInput = z.strictObject({
  config: sutConfigData,
  lateMask: nat,
  preMemInit: z.array(commandData).optional(),
  alone: z.array(commandData).optional(),
  preFinal: z.array(commandData),
  finalSchedule: z.array(burstData),
  steps: commandsData,
});

const answersInput = z.strictObject({
  config: sutConfigData,
  lateMask: nat,
  preMemInit: z.array(stepData),
  alone: z.array(stepData),
  preFinal: z.array(stepData),
  finalSchedule: z.array(burstData),
  steps: z.array(stepData),
});

/** The input schema of each property id. */
export const INPUT_SCHEMAS: Readonly<Record<string, z.ZodType>> = {
  'split.boundaries-exact': splitInput,
  'split.blocks-kept': splitInput,
  'split.translation-preserved': splitInput,
  'split.hierarchical-pxn': splitInput,
  'split.atomic-callers-lockless': z.strictObject({ config: sutConfigData, page: nat }),
  'bbm.model-clean': sequenceInput,
  'bbm.no-tlb-conflict-without-bbml2': sequenceInput,
  'repaint.all-ptes': sutConfigData,
  'repaint.prealloc-suffices': sutConfigData,
  'boot.linear-map-complete': sutConfigData,
  'perm.exact': z.strictObject({
    config: sutConfigData,
    which: z.enum(['ro', 'rw', 'nx', 'x']),
    pages: z.array(nat).min(1),
    roFirst: z.boolean(),
  }),
  'perm.valid-roundtrip': z.strictObject({ config: sutConfigData, leaf: nat, whole: z.boolean(), pages: nat }),
  'errors.no-damage': z.strictObject({ config: sutConfigData, run: nat, at: nat, pages: nat, failAfterBoot: nat }),
  'ops.answers-exact': answersInput,
  'ops.in-force-on-return': answersInput,
};
