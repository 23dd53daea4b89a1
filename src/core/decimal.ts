/**
 * @module
 * Reading a number a person typed or a file holds. `Number()` takes far more than decimals:
 * `0x10` (16), `1e3`, `0b11`, `Infinity`, and a blank as 0, so a slip is saved as a different
 * figure without a word. Here only plain decimals are numbers: an optional sign, digits and at
 * most one decimal point (`85`, `-3`, `12.5`, `.5`, `7.`). No thousands separators, no exponent.
 *
 * A figure copied from a spreadsheet is often grouped in thousands ("1,234", quoted in a CSV, as
 * Excel saves a formatted count): {@link parseGroupedDecimal} takes those too, for the files of
 * counts (measures.csv, population.csv), and is the one place that says what a grouping is, so
 * the files read numbers alike. A comma that is not between groups of three ("1,23", "1,5" for
 * 1.5) is not a grouping: it is refused, never guessed at.
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

/**
 * Digits grouped in thousands by commas: one to three digits, the first not 0, then groups of
 * exactly three, then any decimal part. "0,125" is no grouping (a thousands grouping never starts
 * with 0): it is 0.125 written with a decimal comma, and read as 125 it would be a figure a
 * thousand times too big.
 */
const GROUPED = /^([+-]?)([1-9]\d{0,2}(?:,\d{3})+)(\.\d*)?$/;

/**
 * The number a plain decimal or a thousands-grouped one stands for ("1,234", "12,345.6",
 * "-1,000"); undefined for anything else, a malformed grouping ("1,23", "1234,567") among them.
 */
export function parseGroupedDecimal(text: string): number | undefined {
  const t = text.trim();
  const g = GROUPED.exec(t);
  return parseDecimal(g ? `${g[1]}${g[2]!.replaceAll(",", "")}${g[3] ?? ""}` : t);
}

/**
 * Whether a value is digits with commas that are not a thousands grouping ("1,23", "1234,567",
 * "1,5" written for 1.5): said as such in a refusal rather than as "not a number".
 */
export function isMisgrouped(text: string): boolean {
  const t = text.trim();
  return /^[+-]?[\d,]*\d[\d,]*(?:\.\d*)?$/.test(t) && t.includes(",") && !GROUPED.test(t);
}

/** What {@link parseGroupedDecimal} accepts, in words for an error message's "expected". */
export const GROUPED_DECIMAL_EXPECTED = "a number written with digits and at most one decimal point, with commas (if any) only between groups of three digits, such as 85, 12.5, 1,234 or 12,345.6";
