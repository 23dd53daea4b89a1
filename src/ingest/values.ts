/**
 * @module
 * Turning one text cell of an export into a stored value, by the column's kind. Pure and fast:
 * it runs once per cell of every load. A cell that cannot be read returns a {@link CellProblem}
 * saying what was expected, never a guess: a date that could be 3 February or 2 March is refused
 * unless it is in one of the two accepted shapes.
 */

import { dayOf } from "../calendar/dates.ts";
import type { ColumnKind } from "../store/ssd-schema.ts";

/** Why a cell could not be read. */
export interface CellProblem {
  readonly problem: string;
  readonly expected: string;
  /** For a date that looks like an Excel serial number: the day it would be as one (for messages). */
  readonly serialDay?: number;
}

/** A stored value: text, a day number for dates, a number, or null for blank. */
export type CellValue = string | number | null;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const UK_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/;
const INT = /^[+-]?\d+$/;
const EXCEL_SERIAL = /^\d{5}(?:\.\d+)?$/;
/** A date with its month in words, as Excel shows one formatted so: "19 Mar 2024", "19-Mar-24", "March 19, 2024". */
const WORDS_DATE = /^(?:\d{1,2}(?:st|nd|rd|th)?[ -/]+[A-Za-z]{3,9}\.?[ -/,]+\d{2,4}|[A-Za-z]{3,9}\.? \d{1,2}(?:st|nd|rd|th)?,? \d{2,4})$/;

const DATE_EXPECTED = "a date as YYYY-MM-DD or DD/MM/YYYY (a time after the date is allowed and ignored)";

/** The years a date may fall in. */
const FIRST_YEAR = 1900;
const LAST_YEAR = 2100;

/**
 * The day of a year, month and day written in a date's shape, or why it is not one: a year out of
 * range (9999-12-31, the "no end" some systems write for an open episode) is said as such.
 */
function realDay(y: number, m: number, d: number): number | CellProblem {
  if (m < 1 || m > 12 || d < 1 || d > 31) return { problem: "is not a real calendar date", expected: DATE_EXPECTED };
  if (y < FIRST_YEAR || y > LAST_YEAR) {
    return {
      problem: `has the year ${y}, outside the years Lantern reads (${FIRST_YEAR} to ${LAST_YEAR}): a date not yet known, such as the end of an episode still open, is left blank rather than written as a far-off date`,
      expected: `${DATE_EXPECTED}, in ${FIRST_YEAR} to ${LAST_YEAR}; blank for an end not yet reached`,
    };
  }
  const day = dayOf(y, m, d);
  // Overflowing days (31 April) land in the next month: refuse them.
  return dayOf(y, m + 1, 0) >= day ? day : { problem: "is not a real calendar date", expected: DATE_EXPECTED };
}

/** Parse a date cell to a day number. */
export function parseDate(text: string): number | CellProblem {
  let m = ISO_DATE.exec(text);
  if (m) return realDay(Number(m[1]), Number(m[2]), Number(m[3]));
  m = UK_DATE.exec(text);
  if (m) return realDay(Number(m[3]), Number(m[2]), Number(m[1]));
  if (EXCEL_SERIAL.test(text)) {
    const serialDay = excelSerialDay(Number(text));
    return { problem: "looks like an Excel serial date number", expected: `${DATE_EXPECTED}; format the column as a date before saving the CSV`, ...(serialDay === undefined ? {} : { serialDay }) };
  }
  if (WORDS_DATE.test(text)) {
    return { problem: "is a date written with the month in words", expected: `${DATE_EXPECTED}; format the column as a date in one of those shapes before saving the CSV` };
  }
  return { problem: "is not a date Lantern can read", expected: DATE_EXPECTED };
}

/** The day an Excel serial day number stands for (Excel's day 1 is 1900-01-01; serial 60 is its phantom 29 Feb 1900), or undefined out of range. */
export function excelSerialDay(serial: number): number | undefined {
  const n = Math.floor(serial);
  return n < 1 || n > 2958465 ? undefined : dayOf(1899, 12, 30) + n;
}

/** The largest whole number an int column holds (a 32-bit integer in both stores). */
const MAX_INT = 2_147_483_647;

const YES = new Set(["Y", "YES", "TRUE", "1"]);
const NO = new Set(["N", "NO", "FALSE", "0"]);

/**
 * Read one cell by its column kind. Blank (after trimming) is null, and so is `NULL`, the marker
 * SQL Server's exports write for a missing value. In free text only that exact spelling is: a
 * child or carer may really be called "Null", and the name must survive a load and an export.
 */
export function parseCell(kind: ColumnKind, raw: string, codes?: readonly string[]): CellValue | CellProblem {
  const text = raw.trim();
  if (text === "" || text === "NULL" || (kind !== "text" && text.toUpperCase() === "NULL")) return null;
  switch (kind) {
    case "date":
      return parseDate(text);
    case "int":
      if (INT.test(text)) {
        const n = Number(text);
        if (Math.abs(n) <= MAX_INT) return n;
        const limit = MAX_INT.toLocaleString("en-GB");
        return { problem: n > 0 ? `is too large: a whole number here is at most ${limit}` : `is too small: a whole number here is at least -${limit}`, expected: `a whole number from -${limit} to ${limit}` };
      }
      return { problem: "is not a whole number", expected: "a whole number such as 12" };
    case "float": {
      const n = Number(text);
      if (text !== "" && Number.isFinite(n)) return n;
      return { problem: "is not a number", expected: "a number such as 3.5" };
    }
    case "flag": {
      const up = text.toUpperCase();
      if (codes && codes.length === 2 && codes[0] === "Y" && codes[1] === "N") {
        if (YES.has(up)) return "Y";
        if (NO.has(up)) return "N";
        return { problem: "is not a Y/N flag", expected: "Y or N" };
      }
      if (!codes || codes.includes(up)) return up;
      return { problem: "is not one of the allowed codes", expected: `one of ${codes.join(", ")}` };
    }
    default:
      if (codes && !codes.includes(text)) return { problem: "is not one of the allowed codes", expected: `one of ${codes.join(", ")}` };
      return text;
  }
}

/** True when a parse result is a problem rather than a value. */
export function isProblem(v: CellValue | CellProblem): v is CellProblem {
  return v !== null && typeof v === "object";
}

/** How Excel shows a long number it has read from a CSV: "1.23457E+11" (six significant digits). */
const EXCEL_SCIENTIFIC = /^[0-9](?:\.[0-9]+)?E\+[0-9]+$/i;

/**
 * Whether an id is one Excel has rewritten in scientific notation (an export opened and saved in
 * Excel: its digits after the first few are lost, so it matches no record, or another child's),
 * and the words and expectation for the issue that refuses it.
 */
export function excelMangledId(column: string, value: string): { message: string; expected: string } | undefined {
  if (!EXCEL_SCIENTIFIC.test(value.trim())) return undefined;
  return {
    message: `${column} ${value.trim()} is an id Excel has turned into a number in scientific notation: its digits after the first few are lost, so it no longer matches its record.`,
    expected: "the id as exported: open the export without Excel, or format the column as Text before saving",
  };
}

/** The beginnings of a date in either accepted shape, a time after it included, that are not yet a whole date: "2024-0", "05/03/20", "2024-05-10 14:3". */
const DATE_BEGUN = /^(?:\d{1,4}|\d{4}-\d{0,2}|\d{4}-\d{2}-\d|\d{4}-\d{2}-\d{2}[T ][\d:.]*|\d{1,2}\/(?:\d{1,2}(?:\/\d{0,3})?)?|\d{1,2}\/\d{1,2}\/\d{4} [\d:.]*)$/;

/**
 * Whether a value the column refused could be the start of one it takes, cut off: a date's first
 * characters ("2024-0"), a code's ("WB" for WBRI). A file that ends straight after such a value,
 * with no line break, was cut off part-way through it (an export or copy that did not finish),
 * which is said as such rather than as a bad value. A number cut short is still a number, and
 * free text anything, so neither is ever taken for one.
 */
export function looksCutShort(kind: ColumnKind, raw: string, codes?: readonly string[]): boolean {
  const text = raw.trim();
  if (text === "") return false;
  if (kind === "date") return DATE_BEGUN.test(text);
  if (kind === "int" || kind === "float" || !codes) return false;
  const up = kind === "flag" ? text.toUpperCase() : text;
  const yn = kind === "flag" && codes.length === 2 && codes[0] === "Y" && codes[1] === "N";
  const taken = yn ? [...YES, ...NO] : kind === "flag" ? codes.map((c) => c.toUpperCase()) : codes;
  return taken.some((c) => c.length > up.length && c.startsWith(up));
}
