/**
 * @module
 * Reading a number a person typed or a file holds. `Number()` takes far more than decimals:
 * `0x10` (16), `1e3`, `0b11`, `Infinity`, and a blank as 0, so a slip is saved as a different
 * figure without a word. Here only plain decimals are numbers: an optional sign, digits and at
 * most one decimal point (`85`, `-3`, `12.5`, `.5`, `7.`). No thousands separators, no exponent.
 */

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)$/;

/** The number a plain decimal (surrounding spaces ignored) stands for; undefined for anything else. */
export function parseDecimal(text: string): number | undefined {
  const t = text.trim();
  if (!DECIMAL.test(t)) return undefined;
  const n = Number(t);
  // Hundreds of digits overflow to Infinity; -0 is 0 (a sign on nothing is not a negative figure).
  if (!Number.isFinite(n)) return undefined;
  return n === 0 ? 0 : n;
}

/** What {@link parseDecimal} accepts, in words for an error message's "expected". */
export const DECIMAL_EXPECTED = "a number written with digits and at most one decimal point, such as 85 or 12.5";
