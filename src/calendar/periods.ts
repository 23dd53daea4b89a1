/**
 * @module
 * Reporting periods and their ids, which users type and scripts store: month `2025-01`,
 * financial quarter `2024-25-Q3` (Q1 = April to June), financial year `2024-25`, rolling twelve
 * months ending a month `12m-2025-01`, and calendar year `2024` (EHC plans). Flow measures count
 * events from `start` to `end` inclusive; snapshot measures are taken on `end`. Pure: no clock.
 */

import { addMonths, dayOf, isoDate, ymd } from "./dates.ts";

export type PeriodKind = "month" | "quarter" | "year" | "rolling" | "calendar";

/** Every kind, in the order pickers list them. */
export const PERIOD_KINDS: readonly PeriodKind[] = ["month", "quarter", "year", "rolling", "calendar"];

/** A reporting period. Dates are ISO `YYYY-MM-DD`, both inclusive. */
export interface Period {
  readonly id: string;
  readonly kind: PeriodKind;
  readonly start: string;
  readonly end: string;
  /** How a person reads it: "January 2025", "Q3 2024-25", "12 months to January 2025". */
  readonly label: string;
}

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** The name of the month an ISO date falls in ("September"). */
export function monthName(iso: string): string {
  return MONTHS[Number(iso.slice(5, 7)) - 1]!;
}

/** A day as a person writes it ("31 March 2026"). */
export function dayLabel(iso: string): string {
  return `${Number(iso.slice(8, 10))} ${monthName(iso)} ${iso.slice(0, 4)}`;
}

function fyLabel(startYear: number): string {
  return `${startYear}-${String((startYear + 1) % 100).padStart(2, "0")}`;
}

function make(id: string, kind: PeriodKind, startDay: number, endDay: number, label: string): Period {
  return { id, kind, start: isoDate(startDay), end: isoDate(endDay), label };
}

/** The month `y-m` (m 1–12). */
export function monthPeriod(y: number, m: number): Period {
  return make(`${y}-${String(m).padStart(2, "0")}`, "month", dayOf(y, m, 1), dayOf(y, m + 1, 0), `${MONTHS[m - 1]} ${y}`);
}

/** Financial quarter q (1–4) of the financial year starting in April of `fyStart`. */
export function quarterPeriod(fyStart: number, q: number): Period {
  const startMonth = 4 + (q - 1) * 3;
  const s = dayOf(fyStart, startMonth, 1);
  const e = dayOf(fyStart, startMonth + 3, 0);
  return make(`${fyLabel(fyStart)}-Q${q}`, "quarter", s, e, `Q${q} ${fyLabel(fyStart)}`);
}

/** The financial year starting 1 April `fyStart`. */
export function yearPeriod(fyStart: number): Period {
  return make(fyLabel(fyStart), "year", dayOf(fyStart, 4, 1), dayOf(fyStart + 1, 4, 0), fyLabel(fyStart));
}

/** Twelve months ending with month `y-m`. */
export function rollingPeriod(y: number, m: number): Period {
  const end = dayOf(y, m + 1, 0);
  const start = addMonths(dayOf(y, m, 1), -11);
  return make(`12m-${y}-${String(m).padStart(2, "0")}`, "rolling", start, end, `12 months to ${MONTHS[m - 1]} ${y}`);
}

/** The calendar year `y`. */
export function calendarPeriod(y: number): Period {
  return make(String(y), "calendar", dayOf(y, 1, 1), dayOf(y, 12, 31), String(y));
}

/**
 * Parse a period id; undefined for anything else. `YYYY-MM` with MM from 01 to 12 is a month;
 * otherwise, when MM is the next year's last two digits, a financial year (`2024-25`). Financial
 * years 2000-01 to 2011-12 would read as months, which no data Lantern handles reaches.
 */
export function parsePeriod(id: string): Period | undefined {
  let m = /^(\d{4})-(\d{2})$/.exec(id);
  if (m) {
    const y = Number(m[1]);
    const mm = Number(m[2]);
    if (mm >= 1 && mm <= 12) return monthPeriod(y, mm);
    return (y + 1) % 100 === mm ? yearPeriod(y) : undefined;
  }
  m = /^(\d{4})-(\d{2})-Q([1-4])$/.exec(id);
  if (m) return (Number(m[1]) + 1) % 100 === Number(m[2]) ? quarterPeriod(Number(m[1]), Number(m[3])) : undefined;
  m = /^12m-(\d{4})-(\d{2})$/.exec(id);
  if (m) return Number(m[2]) >= 1 && Number(m[2]) <= 12 ? rollingPeriod(Number(m[1]), Number(m[2])) : undefined;
  m = /^(\d{4})$/.exec(id);
  if (m) return calendarPeriod(Number(m[1]));
  return undefined;
}

/** Financial year (its starting calendar year) that contains an ISO date. */
export function financialYearOf(iso: string): number {
  const y = Number(iso.slice(0, 4));
  const m = Number(iso.slice(5, 7));
  return m >= 4 ? y : y - 1;
}

/**
 * The mid-year population estimate a rate for this period uses: the financial year containing
 * the period's end (rate for 2024-25 uses mid-2024), or the year before a calendar year.
 */
export function populationYear(p: Period): number {
  return p.kind === "calendar" ? Number(p.id) - 1 : financialYearOf(p.end);
}

/** Every complete period of the given kinds that lies within [from, to] (ISO dates), in order. */
export function periodsWithin(from: string, to: string, kinds: readonly PeriodKind[] = PERIOD_KINDS): Period[] {
  const out: Period[] = [];
  const a = ymd(dayOf(Number(from.slice(0, 4)), Number(from.slice(5, 7)), 1));
  const last = to;
  for (const kind of kinds) {
    if (kind === "month" || kind === "rolling") {
      for (let y = a.y, m = a.m; ; m++) {
        if (m > 12) {
          m = 1;
          y++;
        }
        const p = kind === "month" ? monthPeriod(y, m) : rollingPeriod(y, m);
        if (p.end > last) break;
        if (p.start >= from) out.push(p);
      }
    } else if (kind === "quarter" || kind === "year") {
      for (let fy = financialYearOf(from); ; fy++) {
        const ps = kind === "year" ? [yearPeriod(fy)] : [1, 2, 3, 4].map((q) => quarterPeriod(fy, q));
        if (ps[0]!.start > last) break;
        for (const p of ps) if (p.start >= from && p.end <= last) out.push(p);
      }
    } else {
      for (let y = Number(from.slice(0, 4)); y <= Number(last.slice(0, 4)); y++) {
        const p = calendarPeriod(y);
        if (p.start >= from && p.end <= last) out.push(p);
      }
    }
  }
  return out;
}

/** The `n` months ending with the month `p` ends in, oldest first (the months a chart of `p` looks back over). */
export function monthsEndingWith(p: Pick<Period, "end">, n: number): Period[] {
  const out: Period[] = [];
  let m = parsePeriod(p.end.slice(0, 7))!;
  for (let i = 0; i < n; i++) {
    out.unshift(m);
    m = previousPeriod(m);
  }
  return out;
}

/** The period of the same kind just before this one. */
export function previousPeriod(p: Period): Period {
  const s = ymd(dayOf(Number(p.start.slice(0, 4)), Number(p.start.slice(5, 7)), 1));
  const e = ymd(dayOf(Number(p.end.slice(0, 4)), Number(p.end.slice(5, 7)), 1));
  switch (p.kind) {
    case "month": {
      const d = ymd(addMonths(dayOf(s.y, s.m, 1), -1));
      return monthPeriod(d.y, d.m);
    }
    case "rolling": {
      const d = ymd(addMonths(dayOf(e.y, e.m, 1), -1));
      return rollingPeriod(d.y, d.m);
    }
    case "quarter": {
      const fy = financialYearOf(p.start);
      const q = Number(p.id.slice(-1));
      return q === 1 ? quarterPeriod(fy - 1, 4) : quarterPeriod(fy, q - 1);
    }
    case "year":
      return yearPeriod(financialYearOf(p.start) - 1);
    case "calendar":
      return calendarPeriod(Number(p.id) - 1);
  }
}

/** The same period a year earlier (for a year or calendar year, the previous one). */
export function samePeriodLastYear(p: Period): Period {
  switch (p.kind) {
    case "month":
      return monthPeriod(Number(p.id.slice(0, 4)) - 1, Number(p.id.slice(5, 7)));
    case "rolling":
      return rollingPeriod(Number(p.id.slice(4, 8)) - 1, Number(p.id.slice(9, 11)));
    case "quarter":
      return quarterPeriod(financialYearOf(p.start) - 1, Number(p.id.slice(-1)));
    default:
      return previousPeriod(p);
  }
}

/**
 * The period id a period written as people write it stands for, to name in a refusal: a financial
 * year `2024/25`, `2024-2025` or `FY 2024/25` is 2024-25; a quarter `Q3 2024-25`, `2024/25 Q3` or
 * `2024-25-q3` is 2024-25-Q3; a month `Jan 2025`, `January 2025`, `2025-1` or `01/2025` is
 * 2025-01. Undefined for anything else, and for an id already well written. Said, not taken: a
 * period id is a key that targets, commentary and reports refer to, so one spelling is kept.
 */
export function periodAsWritten(text: string): string | undefined {
  const t = text.trim().replace(/\s+/g, " ");
  const found = ((): string | undefined => {
    let m = /^(?:FY ?)?(?:Q([1-4]) )?(\d{4}) ?[-/] ?(\d{2}|\d{4})(?: ?-? ?Q([1-4]))?$/i.exec(t);
    if (m && !(m[1] && m[4])) {
      const y = Number(m[2]);
      const next = Number(m[3]!.length === 4 ? m[3] : `${String(y + 1).slice(0, 2)}${m[3]}`);
      const quarter = m[1] ?? m[4];
      if (next === y + 1) return `${y}-${String(next % 100).padStart(2, "0")}${quarter ? `-Q${quarter}` : ""}`;
      if (!quarter && m[3]!.length === 2) return `${y}-${m[3]}`;
      return undefined;
    }
    m = /^(\d{4})[-/](\d{1,2})$/.exec(t) ?? /^()(\d{1,2})[-/](\d{4})$/.exec(t);
    if (m) {
      const [y, mm] = m[1] ? [m[1], m[2]!] : [m[3]!, m[2]!];
      return `${y}-${mm.padStart(2, "0")}`;
    }
    m = /^([a-z]{3,9})\.?[ -]?(\d{4})$/i.exec(t);
    if (m) {
      const word = m[1]!.toLowerCase();
      const at = MONTHS.findIndex((n) => n.toLowerCase().startsWith(word));
      return at < 0 ? undefined : `${m[2]}-${String(at + 1).padStart(2, "0")}`;
    }
    m = /^12m[-/ ](\d{4})[-/](\d{1,2})$/i.exec(t);
    if (m) return `12m-${m[1]}-${m[2]!.padStart(2, "0")}`;
    return undefined;
  })();
  return found !== undefined && found !== text && parsePeriod(found) ? found : undefined;
}

/**
 * "`said` is not a period", naming the period as Lantern writes it when `text` is one written as
 * people write it (`--period 2024/25 is not a period: Lantern writes that period 2024-25.`).
 */
export function notAPeriod(said: string, text: string): string {
  const meant = periodAsWritten(text);
  return `${said} is not a period${meant ? `: Lantern writes that period ${meant}` : ""}.`;
}
