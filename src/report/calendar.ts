/**
 * @module
 * The report calendar: when each committee report is due, what data it needs, and whether that
 * data has arrived. Members asked for performance information "within 6 weeks of the end of each
 * quarter", so a quarterly report is due six weeks after its quarter ends, and the annual report
 * six weeks after the financial year ends. A report's data has arrived when the latest snapshot's
 * complete months reach the end of the period and it holds every SSD table the indicators need.
 * Pure: today's date and what the latest snapshot holds in, the calendar out.
 */

import { dayNumber, isoDate } from "../calendar/dates.ts";
import { financialYearOf, type Period, quarterPeriod, yearPeriod } from "../calendar/periods.ts";

/** Weeks after a period ends that its report is due. */
export const DUE_WEEKS_AFTER = 6;

/** What the latest snapshot of the authority holds. */
export interface SnapshotHolding {
  readonly id: number;
  /** Last day of the complete months it covers. */
  readonly dataTo: string | null;
  /** The latest record's date. */
  readonly extractedTo: string | null;
  /** SSD tables it holds (without `ssd_`). */
  readonly tables: readonly string[];
}

export type ReportStatus = "ready" | "waiting for data" | "overdue";

/** One report in the calendar. */
export interface ScheduledReport {
  readonly period: string;
  readonly label: string;
  readonly kind: "quarter" | "year";
  readonly periodEnd: string;
  readonly due: string;
  /** Data it needs: activity up to this date, and these SSD tables. */
  readonly needs: { readonly dataTo: string; readonly tables: readonly string[] };
  readonly arrived: boolean;
  /** Tables the snapshot lacks, and whether its months reach the period's end. */
  readonly missingTables: readonly string[];
  readonly covered: boolean;
  readonly snapshot: number | null;
  readonly status: ReportStatus;
  /** Days until the due date (negative once past). */
  readonly daysToDue: number;
}

/** The reports whose periods end between `from` and `today` plus the next one, oldest first. */
export function reportCalendar(input: {
  readonly today: string;
  readonly snapshot: SnapshotHolding | null;
  /** SSD tables the report's indicators need. */
  readonly tables: readonly string[];
  /** How many quarters back to list (default 4). */
  readonly quartersBack?: number;
}): ScheduledReport[] {
  const today = dayNumber(input.today);
  const periods: { p: Period; kind: "quarter" | "year" }[] = [];
  const back = input.quartersBack ?? 4;
  // Quarters: from `back` quarters before the current one to the current one (due later).
  const fy = financialYearOf(input.today);
  const all: Period[] = [];
  for (let y = fy - 2; y <= fy; y++) for (let q = 1; q <= 4; q++) all.push(quarterPeriod(y, q));
  const current = all.findIndex((p) => p.start <= input.today && input.today <= p.end);
  for (const p of all.slice(Math.max(0, current - back), current + 1)) periods.push({ p, kind: "quarter" });
  for (const y of [fy - 1, fy]) {
    const p = yearPeriod(y);
    if (dayNumber(p.end) - today < 400) periods.push({ p, kind: "year" });
  }
  const needTables = [...new Set(input.tables)].sort();
  const out = periods.map(({ p, kind }) => {
    const due = isoDate(dayNumber(p.end) + DUE_WEEKS_AFTER * 7);
    const s = input.snapshot;
    const covered = !!s?.dataTo && s.dataTo >= p.end;
    const missingTables = s ? needTables.filter((t) => !s.tables.includes(t)) : needTables;
    const arrived = covered && missingTables.length === 0;
    const daysToDue = dayNumber(due) - today;
    const ended = dayNumber(p.end) < today;
    const status: ReportStatus = arrived ? "ready" : daysToDue < 0 && ended ? "overdue" : "waiting for data";
    return { period: p.id, label: p.label, kind, periodEnd: p.end, due, needs: { dataTo: p.end, tables: needTables }, arrived, missingTables, covered, snapshot: s?.id ?? null, status, daysToDue };
  });
  return out.sort((a, b) => a.due.localeCompare(b.due) || a.kind.localeCompare(b.kind));
}
