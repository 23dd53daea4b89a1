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
import { fileURLToPath } from "node:url";
import { dayNumber, weekday } from "./dates.ts";

/** The bank holidays file that ships with Lantern. */
export const BANK_HOLIDAYS_FILE = fileURLToPath(new URL("../../data/reference/bank-holidays.csv", import.meta.url));

/** Parse a `date,name` CSV of bank holidays into ISO dates (header row required). */
export function parseBankHolidays(text: string): string[] {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const out: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    const date = line.split(",")[0]!.trim();
    dayNumber(date);
    out.push(date);
  }
  return out;
}

/** The shipped bank holidays plus those in any extra files given. */
export function loadBankHolidays(extraFiles: readonly string[] = []): string[] {
  const all = new Set(parseBankHolidays(readFileSync(BANK_HOLIDAYS_FILE, "utf8")));
  for (const f of extraFiles) for (const d of parseBankHolidays(readFileSync(f, "utf8"))) all.add(d);
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
