/**
 * @module
 * Trends as members ask for them: the yearly average (the mean of a financial year's monthly
 * values), change on the previous year and on N years ago, and highest or lowest on record over
 * the history held. Series breaks (a recording change) stop comparisons across them. Pure.
 */

import { financialYearOf, parsePeriod } from "../calendar/periods.ts";

/** One value of a series; `value` null when it could not be computed. */
export interface SeriesPoint {
  readonly period: string;
  readonly value: number | null;
  readonly numerator?: number | null;
  readonly denominator?: number | null;
}

/** A dated break in a series, such as a recording change. */
export interface SeriesBreak {
  readonly date: string;
  readonly note: string;
}

/** The yearly average of one financial year. */
export interface YearlyAverage {
  readonly year: string;
  readonly mean: number;
  /** Months with a value; a year with fewer than 12 is partial. */
  readonly months: number;
}

function fyLabel(startYear: number): string {
  return `${startYear}-${String((startYear + 1) % 100).padStart(2, "0")}`;
}

/** Mean of the monthly values (periods `YYYY-MM`) in each financial year, oldest first. */
export function yearlyAverages(monthly: readonly SeriesPoint[]): YearlyAverage[] {
  const by = new Map<number, number[]>();
  for (const p of monthly) {
    if (!/^\d{4}-\d{2}$/.test(p.period) || p.value === null) continue;
    const fy = financialYearOf(`${p.period}-01`);
    by.set(fy, [...(by.get(fy) ?? []), p.value]);
  }
  return [...by.entries()]
    .sort(([a], [b]) => a - b)
    .map(([fy, vs]) => ({ year: fyLabel(fy), mean: vs.reduce((s, v) => s + v, 0) / vs.length, months: vs.length }));
}

/**
 * {@link yearlyAverages}, each year marked `hidden` when any of its months is (`hidden(period)`):
 * a year's average times its months is its total, so with one of its months suppressed it would
 * give that month away, while a year whose months are all shown gives nothing more away.
 */
export function yearlyAveragesHiding(monthly: readonly SeriesPoint[], hidden: (period: string) => boolean): (YearlyAverage & { readonly hidden: boolean })[] {
  const off = new Set(monthly.filter((p) => /^\d{4}-\d{2}$/.test(p.period) && hidden(p.period)).map((p) => fyLabel(financialYearOf(`${p.period}-01`))));
  return yearlyAverages(monthly).map((y) => ({ ...y, hidden: off.has(y.year) }));
}

/**
 * The points of a series after the last one `hidden` from the viewer (all of them when none is).
 * An SPC chart for someone who may not see every figure is drawn on these alone: its mean and
 * limits then rest only on figures the viewer sees, so they give no hidden one away, where a chart
 * over the whole series (or one skipping the hidden months) would.
 */
export function sinceLastHidden<T>(points: readonly T[], hidden: (point: T) => boolean): T[] {
  for (let i = points.length - 1; i >= 0; i--) if (hidden(points[i]!)) return points.slice(i + 1);
  return [...points];
}

/** A change between two values. */
export interface Change {
  readonly from: string;
  readonly to: string;
  readonly before: number;
  readonly after: number;
  readonly difference: number;
  /** Relative change (0.58 = 58% more); null when `before` is 0. */
  readonly relative: number | null;
}

/** The change from `before` to `after`. */
export function change(before: SeriesPoint & { value: number }, after: SeriesPoint & { value: number }): Change {
  return {
    from: before.period,
    to: after.period,
    before: before.value,
    after: after.value,
    difference: after.value - before.value,
    relative: before.value === 0 ? null : (after.value - before.value) / before.value,
  };
}

/**
 * The points comparable with the last one: none from before the latest break that falls on or
 * before the end of the last period. A break inside the last period leaves it alone.
 */
export function comparable(series: readonly SeriesPoint[], breaks: readonly SeriesBreak[] = []): (SeriesPoint & { value: number })[] {
  const valued = series.filter((p): p is SeriesPoint & { value: number } => p.value !== null && parsePeriod(p.period) !== undefined);
  const last = valued.at(-1);
  if (!last) return [];
  const lastPeriod = parsePeriod(last.period)!;
  const cut = breaks
    .map((b) => b.date)
    .filter((d) => d <= lastPeriod.end)
    .sort()
    .at(-1);
  if (!cut) return valued;
  if (cut > lastPeriod.start) return [last];
  return valued.filter((p) => parsePeriod(p.period)!.start >= cut);
}
