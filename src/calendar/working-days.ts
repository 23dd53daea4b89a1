/**
 * @module
 * Working days in England and Wales: Monday to Friday less the bank holidays, counted from the
 * day after the start up to and including the end (same day = 0; "within 45" = at most 45), as
 * `../shared/design/definitions.md` settles. The bank holidays ship as product data
 * (`data/reference/bank-holidays.csv`, from GOV.UK's feed, OGL v3.0) and a user may add more
 * in a file of the same shape without a code change. The SQL calendar table mirrors this module;
 * this one is the reference the tests hold it to.
 */

import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import { type DataIssue, LanternError } from "../core/errors.ts";
import { decodeBuffer } from "../formats/text.ts";
import { dayNumber, weekday } from "./dates.ts";

/** The bank holidays file that ships with Lantern. */
export const BANK_HOLIDAYS_FILE = fileURLToPath(new URL("../../data/reference/bank-holidays.csv", import.meta.url));

const UK_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
/** A time after a date (`2028-01-03T00:00:00`, `03/01/2028 00:00`, as Excel or Power Query writes a date-time): ignored, as every reader ignores it. */
const TIME_AFTER = /(?<=\d)(?:T| +)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;
const USER_EXPECTED = "a date as YYYY-MM-DD or DD/MM/YYYY in the first column, such as 2028-01-03 or 03/01/2028";

/**
 * A bank holidays file (`date,name`: the one Lantern ships, or a user's `DATA/bank-holidays.csv`)
 * as a person keeps it: dates in ISO or UK (DD/MM/YYYY, as Excel saves a UK date) form, the header
 * optional, quoted or not. A line that is not a date is refused with its row and value rather than
 * guessed at or skipped: a holiday left out would move every working-day deadline across it.
 */
export function parseBankHolidays(text: string, file: string): string[] {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const out: string[] = [];
  const issues: DataIssue[] = [];
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (!line) continue;
    const cell = line.split(/[,\t;]/)[0]!.trim().replace(/^"(.*)"$/, "$1").trim().replace(TIME_AFTER, "");
    const uk = UK_DATE.exec(cell);
    const iso = uk ? `${uk[3]}-${uk[2]!.padStart(2, "0")}-${uk[1]!.padStart(2, "0")}` : cell;
    let ok = true;
    try {
      dayNumber(iso);
    } catch {
      ok = false;
    }
    if (ok) out.push(iso);
    else if (i === 0 && !/\d/.test(cell)) continue; // the header
    else {
      const serial = /^\d{5}$/.test(cell) ? " (it looks like an Excel date number: format the column as a date before saving)" : "";
      issues.push({ code: "BANK_HOLIDAY_DATE_INVALID", severity: "error", file, row: i + 1, column: "date", value: cell, expected: USER_EXPECTED, message: `"${cell}" is not a date Lantern can read${serial}.` });
    }
  }
  if (issues.length) {
    const where = issues.slice(0, 3).map((i) => `row ${i.row}: "${i.value}"`).join("; ") + (issues.length > 3 ? "; …" : "");
    throw new LanternError("LANTERN_DATA_REJECTED", `${file} has ${issues.length === 1 ? "a line" : `${issues.length} lines`} whose date Lantern cannot read (${where}), so working days cannot be counted. Nothing was computed and no stored figure changed.`, {
      issues,
      hint: `Correct ${file} (one bank holiday a line: date,name, the date as YYYY-MM-DD or DD/MM/YYYY), or move it out of the data folder to use the bank holidays Lantern ships, then run lantern compute.`,
    });
  }
  return out;
}

/**
 * The shipped bank holidays plus those in any extra files given, each decoded as every CSV is
 * (UTF-8, Excel's UTF-16 "Unicode text" or Windows-1252 "CSV").
 */
export function loadBankHolidays(extraFiles: readonly string[] = []): string[] {
  const all = new Set<string>();
  for (const f of [BANK_HOLIDAYS_FILE, ...extraFiles]) for (const d of parseBankHolidays(decodeBuffer(readFileSync(f), basename(f)).text, basename(f))) all.add(d);
  return [...all].sort();
}

/**
 * A working-day calendar over a fixed span of day numbers. `index(day)` is the running count of
 * working days up to and including `day`, so a duration is a subtraction (as in SQL).
 */
export class WorkingDayCalendar {
  readonly #first: number;
  readonly #index: Int32Array;
  readonly holidays: ReadonlySet<string>;

  constructor(holidays: readonly string[], firstIso = "1990-01-01", lastIso = "2060-12-31") {
    this.holidays = new Set(holidays);
    const hol = new Set(holidays.map(dayNumber));
    this.#first = dayNumber(firstIso);
    const n = dayNumber(lastIso) - this.#first + 1;
    this.#index = new Int32Array(n);
    let running = 0;
    for (let i = 0; i < n; i++) {
      const day = this.#first + i;
      const wd = weekday(day);
      if (wd !== 0 && wd !== 6 && !hol.has(day)) running++;
      this.#index[i] = running;
    }
  }

  #at(day: number): number {
    const i = day - this.#first;
    if (i < 0 || i >= this.#index.length) throw new RangeError(`date outside the calendar: day ${day}`);
    return this.#index[i]!;
  }

  /** True for Monday–Friday that is not a bank holiday. */
  isWorkingDay(day: number): boolean {
    const i = day - this.#first;
    return i > 0 ? this.#at(day) !== this.#at(day - 1) : this.#at(day) === 1;
  }

  /** Working days after `start` up to and including `end` (negative when end is before start). */
  between(start: number, end: number): number {
    return this.#at(end) - this.#at(start);
  }

  /** The day that is `n` working days after `start` (n ≥ 1 lands on a working day). */
  add(start: number, n: number): number {
    if (n <= 0) return start;
    const target = this.#at(start) + n;
    let lo = start + 1;
    let hi = start + n * 2 + 30;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#at(mid) < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

let shared: WorkingDayCalendar | undefined;

/** The calendar built from the shipped bank holidays (built once). */
export function defaultCalendar(): WorkingDayCalendar {
  shared ??= new WorkingDayCalendar(loadBankHolidays());
  return shared;
}
