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
import type { ConfigData } from './configRanges.ts';
import { checkConfigRanges } from './configRanges.ts';
import { bigintData } from './schema.ts';

const int = z.number().int();
const nat = int.nonnegative();
/**
 * An integer in the range its generator draws from: beyond it a value means nothing to the
 * property (a per-mille position past the end of its run, a range long enough to leave the linear
 * map, a burst longer than any schedule), so it is refused as bad input.
 * @param lo - the least value
 * @param hi - the greatest value
 * @param from - the generator, for the message
 * @returns the schema
 */
const within = (lo: number, hi: number, from: string): z.ZodNumber =>
  int.min(lo, `must be ${lo}..${hi} (${from})`).max(hi, `must be ${lo}..${hi} (${from})`);
/** A position in a run, per mille (0..999). */
const perMille = within(0, 999, 'a position per mille');
/** An online-CPU number, taken modulo the online CPUs (0..3, properties/commands/commands.ts). */
const onlineCpu = within(0, 3, 'an online CPU number, taken modulo the online CPUs');
/** A buddy-page number (0..9999, taken modulo the free pages; properties/ops/ops.ts). */
const pick = within(0, 9999, 'a page number, taken modulo the free pages');
/** A leaf number (0..300, properties/answers/answersCase.ts). */
const leafNo = within(0, 300, 'a leaf number');

const physRange = z.strictObject({ base: bigintData, size: bigintData });

/** `SutConfig` (impl/contract.ts), encoded. */
const sutConfigShape = z.strictObject({
  granule: z.enum(['4K', '16K', '64K']),
  variant: z.enum(['v7.2-rc', 'v7.1', 'v7.3', 'v6.18', 'prealloc']),
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
    .array(
      z.strictObject({
        id: nat,
        bbm: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]),
        noabort: z.boolean(),
      }),
    )
    .min(1),
});

/**
 * `SutConfig` (impl/contract.ts), encoded: its shape, then a machine that can exist
 * (configRanges.ts; piped, so that the ranges are checked only on a value of the right shape).
 */
export const sutConfigData = sutConfigShape.pipe(
  z.custom<z.infer<typeof sutConfigShape>>().superRefine((cfg, ctx) => {
    for (const issue of checkConfigRanges(cfg as ConfigData).slice(0, 1))
      ctx.addIssue({ code: 'custom', path: [...issue.path], message: issue.message });
  }),
);

/** `Burst` (properties/arbitraries/schedule.ts). */
export const burstData = z.strictObject({
  pick: within(0, 3, 'a task number, taken modulo the live tasks'),
  // Free bursts run up to 3000 steps; the head start of a stop_machine() caller up to 20 000.
  steps: within(1, 20_000, 'steps of a burst'),
});

/** `Target` (properties/ops/ops.ts). */
export const targetData = z.strictObject({ leaf: leafNo, at: perMille, whole: z.boolean() });

/** `Op` (properties/ops/ops.ts), one schema per kind. */
export const opData = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('split'),
    run: nat,
    at: perMille,
    pages: within(1, 600, 'pages of a split'),
    target: targetData.optional(),
  }),
  z.strictObject({
    kind: z.literal('set_memory'),
    which: z.enum(['ro', 'rw', 'nx', 'x']),
    pages: z.array(pick).min(1).max(6),
    leaf: leafNo.optional(),
    from: within(0, 4, 'the first page of the sub-range').optional(),
    n: within(0, 5, 'pages of the sub-range').optional(),
    past: z.boolean().optional(),
  }),
  z.strictObject({
    kind: z.literal('set_memory_valid'),
    page: pick,
    n: within(1, 8, 'pages of set_memory_valid()'),
    enable: z.boolean(),
    target: targetData.optional(),
  }),
  z.strictObject({
    kind: z.literal('direct_map'),
    which: z.enum(['invalid', 'default', 'valid']),
    page: pick,
    target: targetData.optional(),
    nr: within(1, 16, 'pages of the folio').optional(),
    valid: z.boolean().optional(),
  }),
  z.strictObject({ kind: z.literal('kfence_late') }),
  z.strictObject({
    kind: z.literal('kfence_protect'),
    page: within(0, 511, 'a KFENCE pool page'),
    protect: z.boolean(),
  }),
]);

/** `CommandData` (properties/commands/systemModel.ts). */
export const commandData = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('op'), op: opData, cpu: onlineCpu }),
  z.strictObject({ kind: z.literal('pair'), a: opData, b: opData, schedule: z.array(burstData) }),
]);

/** A fast-check command sequence, encoded: `{"$commands": [{"$command": …}, …]}`. */
const commandsData = z.strictObject({ $commands: z.array(z.strictObject({ $command: commandData })) });

/** `Step` (properties/answers/answersCase.ts). */
const stepData = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('op'),
    op: opData,
    cpu: onlineCpu,
    fail: within(0, 2, 'the allocation made to fail').optional(),
  }),
  z.strictObject({ kind: z.literal('pair'), a: opData, b: opData, schedule: z.array(burstData) }),
]);

/** Where one split's range goes (properties/split/splitCase.ts `SplitAim`). */
const splitAim = {
  run: nat,
  at: perMille,
  pages: within(1, 600, 'pages of the split'),
  flavour: z.enum(['aligned', 'block', 'edge-page', 'unaligned', 'hole']),
  span: within(0, 7, 'a natural span'),
};

const splitInput = z.strictObject({
  config: sutConfigData,
  ...splitAim,
  // Absent in values saved before an input made several splits: one split.
  more: z.array(z.strictObject(splitAim)).max(11).optional(),
});

/** `lateMask`: which of the (at most two) secondaries come up late. */
const lateMask = within(0, 3, 'a mask of late secondaries');

const sequenceInput = z.strictObject({
  config: sutConfigData,
  lateMask,
  preMemInit: z.array(commandData).optional(),
  alone: z.array(commandData).optional(),
  preFinal: z.array(commandData),
  finalSchedule: z.array(burstData),
  steps: commandsData,
});

const answersInput = z.strictObject({
  config: sutConfigData,
  lateMask,
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
  'split.atomic-callers-lockless': z.strictObject({ config: sutConfigData, page: within(0, 63, 'a page') }),
  'bbm.model-clean': sequenceInput,
  'bbm.no-tlb-conflict-without-bbml2': sequenceInput,
  'repaint.all-ptes': sutConfigData,
  'repaint.prealloc-suffices': sutConfigData,
  'boot.linear-map-complete': sutConfigData,
  'perm.exact': z.strictObject({
    config: sutConfigData,
    which: z.enum(['ro', 'rw', 'nx', 'x']),
    pages: z.array(pick).min(1).max(4),
    roFirst: z.boolean(),
  }),
  'perm.valid-roundtrip': z.strictObject({
    config: sutConfigData,
    leaf: nat,
    whole: z.boolean(),
    pages: within(1, 8, 'pages given back'),
  }),
  'errors.no-damage': z.strictObject({
    config: sutConfigData,
    run: nat,
    at: perMille,
    pages: within(1, 64, 'pages of the split'),
    failAfterBoot: within(0, 3, 'the allocation made to fail'),
  }),
  'ops.answers-exact': answersInput,
  'ops.in-force-on-return': answersInput,
};
