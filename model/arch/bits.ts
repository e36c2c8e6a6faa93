/**
 * Branded 64-bit quantities: virtual and physical addresses and descriptor values. They are
 * `bigint` at every API boundary so that no bit above 2^53 is ever lost; the hot paths inside the
 * model split descriptors into two exact 32-bit halves (see `descriptor.ts`).
 *
 * Layer: model/arch.
 */

/** A virtual address (kernel TTBR1 addresses are `0xffff…`). */
export type VA = bigint & { readonly __brand: 'VA' };
/** A physical address (below 2^48 in this model). */
export type PA = bigint & { readonly __brand: 'PA' };
/** A 64-bit VMSAv8-64 translation table descriptor value. */
export type Descriptor = bigint & { readonly __brand: 'Descriptor' };

/** Mask of the low 64 bits. */
export const MASK64 = (1n << 64n) - 1n;

/**
 * Brands a bigint as a VA.
 * @param value - the address, 0 ≤ value < 2^64
 * @returns the branded VA
 */
export const asVA = (value: bigint): VA => value as VA;
/**
 * Brands a bigint as a PA.
 * @param value - the address, 0 ≤ value < 2^48
 * @returns the branded PA
 */
export const asPA = (value: bigint): PA => value as PA;
/**
 * Brands a bigint as a descriptor.
 * @param value - the 64-bit descriptor value
 * @returns the branded descriptor
 */
export const asDescriptor = (value: bigint): Descriptor => value as Descriptor;

const HEX64 = /^0x[0-9a-fA-F]{1,16}$/;

/**
 * Parses a `"0x…"` string of at most 16 hex digits, as the trace format writes 64-bit values.
 * @param text - the string
 * @returns the value, or `undefined` when it is not a 64-bit hex string
 */
export function parseHex64(text: unknown): bigint | undefined {
  if (typeof text !== 'string' || !HEX64.test(text)) return undefined;
  return BigInt(text);
}

/**
 * Formats a value as `0x` and 16 hex digits, the way reports and traces print addresses.
 * @param value - a 64-bit value
 * @returns the zero-padded hex string
 */
export function hex64(value: bigint): string {
  return '0x' + (value & MASK64).toString(16).padStart(16, '0');
}

/**
 * Formats a value as `0x` and the shortest hex, for compact trace lines.
 * @param value - a 64-bit value
 * @returns the hex string
 */
export function hex(value: bigint): string {
  return '0x' + value.toString(16);
}
