/**
 * @module
 * Calendar dates as `YYYY-MM-DD` strings at every boundary and as whole day numbers (days since
 * 1970-01-01) inside arithmetic. Built on `Date.UTC` only, so no local time zone (and no British
 * Summer Time) can move a date. Deliberately no time-of-day anywhere.
 */

const MS_PER_DAY = 86_400_000;
const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day number of an ISO date; throws on anything that is not a real calendar date. */
export function dayNumber(iso: string): number {
  const m = ISO.exec(iso);
  if (!m) throw new RangeError(`not an ISO date: ${iso}`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    throw new RangeError(`not a calendar date: ${iso}`);
  }
  return t / MS_PER_DAY;
}

/** ISO date of a day number. */
export function isoDate(day: number): string {
  const d = new Date(day * MS_PER_DAY);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + 1;
  const dd = d.getUTCDate();
  return `${String(y).padStart(4, "0")}-${m < 10 ? "0" : ""}${m}-${dd < 10 ? "0" : ""}${dd}`;
}

/** Day of week of a day number: 0 = Sunday … 6 = Saturday. */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** Day number of y-m-d (month 1–12); the day may overflow as in `Date.UTC`. */
export function dayOf(y: number, m: number, d: number): number {
  return Date.UTC(y, m - 1, d) / MS_PER_DAY;
}

/** Year, month (1–12) and day of a day number. */
export function ymd(day: number): { y: number; m: number; d: number } {
  const dt = new Date(day * MS_PER_DAY);
  return { y: dt.getUTCFullYear(), m: dt.getUTCMonth() + 1, d: dt.getUTCDate() };
}

/** Add calendar months, clamping to the month's last day (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(day: number, months: number): number {
  const { y, m, d } = ymd(day);
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = (total % 12) + 1;
  const last = dayOf(ny, nm + 1, 0);
  return Math.min(dayOf(ny, nm, d), last);
}

/** Add calendar years (29 Feb + 1 year = 28 Feb). */
export function addYears(day: number, years: number): number {
  return addMonths(day, years * 12);
}

/** Whole years of age on `on` for someone born on `dob` (birthday counted on the day). */
export function ageOn(dob: number, on: number): number {
  const a = ymd(dob);
  const b = ymd(on);
  let age = b.y - a.y;
  if (b.m < a.m || (b.m === a.m && b.d < a.d)) age -= 1;
  return age;
}
