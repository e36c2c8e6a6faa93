/**
 * STUBBED kernel services, reduced to what the ported code observes: mutexes become machine
 * locks, WARN/BUG/panic are recorded by the machine (never a crash of the harness).
 *
 * Layer: impl/shims.
 */
import type { KGen } from '../contract.ts';
import type { Kern } from '../kernel.ts';

/**
 * `mutex_lock(&name)`.
 * @param k - kernel context
 * @param name - the lock's C name
 */
export function* mutex_lock(k: Kern, name: string): KGen<void> {
  yield* k.hw.lock(name);
}

/**
 * `mutex_unlock(&name)`.
 * @param k - kernel context
 * @param name - the lock's C name
 */
export function* mutex_unlock(k: Kern, name: string): KGen<void> {
  yield* k.hw.unlock(name);
}

/**
 * `WARN_ON(cond)`.
 * @param k - kernel context
 * @param cond - the condition
 * @param what - the message recorded
 * @returns cond
 */
export function WARN_ON(k: Kern, cond: boolean, what: string): boolean {
  if (cond) k.hw.warn(what);
  return cond;
}

/**
 * `WARN_ON_ONCE(cond)`: records the first time a call site fires. DEVIATION: "once" per call-site
 * string and per SUT instance.
 * @param k - kernel context
 * @param cond - the condition
 * @param site - the call site (function name and condition)
 * @returns cond
 */
export function WARN_ON_ONCE(k: Kern, cond: boolean, site: string): boolean {
  if (cond && !k.s.warned.has(site)) {
    k.s.warned.add(site);
    k.hw.warn(site);
  }
  return cond;
}

/**
 * `BUG_ON(cond)`: records and ends the task when cond holds.
 * @param k - kernel context
 * @param cond - the condition
 * @param what - the message recorded
 */
export function BUG_ON(k: Kern, cond: boolean, what: string): void {
  if (cond) k.hw.bug(what);
}

/**
 * `panic(msg)`: records and halts the machine.
 * @param k - kernel context
 * @param msg - the message
 * @returns never
 */
export function panic(k: Kern, msg: string): never {
  return k.hw.panic(msg);
}
