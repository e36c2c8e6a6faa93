/**
 * impl/ entry point: the SUT contract, the drivers, and the bundled port as the default plug-in
 * (`createSut`, also the default export).
 *
 * Layer: impl.
 */
import { createSut } from './sut.ts';

export * from './contract.ts';
export * from './sched.ts';
export { createPortSut, createSut } from './sut.ts';
export { PORT_FNS } from './sut.ts';
export type { SplitImpl } from './sut.ts';
export type { KernelFns } from './kernel.ts';
export default createSut;
