/**
 * @module
 * Trends as members ask for them: the yearly average (the mean of a financial year's monthly, or
 * quarterly, values: the same kind of figure as the one it sits beside), change on the previous
 * year and on N years ago, and highest or lowest on record over the history held. Series breaks
 * (a recording change) stop comparisons across them. Pure.
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
  /** Months (or quarters, or years) with a value; a year with fewer than 12 months (4 quarters) is partial. */
  readonly months: number;
}

/** The kinds of period a yearly average is taken over. */
export type AveragedKind = "month" | "quarter" | "year";

/** The financial year (its first year) of a period of `kind`, or null for a period of another kind. */
function yearOfKind(period: string, kind: AveragedKind): number | null {
  const p = parsePeriod(period);
  return p && p.kind === kind ? financialYearOf(p.start) : null;
}

function fyLabel(startYear: number): string {
  return `${startYear}-${String((startYear + 1) % 100).padStart(2, "0")}`;
}

/**
 * Mean of the monthly values (periods `YYYY-MM`) in each financial year, oldest first; with `kind`
 * "quarter", of the quarterly values (`2024-25-Q1` …), so a quarter's figure is set beside the
 * average quarter of each year, measured the same way (the children who went missing in a
 * quarter beside the monthly average would compare unlike things); with "year", each year's own.
 */
export function yearlyAverages(points: readonly SeriesPoint[], kind: AveragedKind = "month"): YearlyAverage[] {
  const by = new Map<number, number[]>();
  for (const p of points) {
    const fy = p.value === null ? null : yearOfKind(p.period, kind);
    if (fy === null) continue;
    by.set(fy, [...(by.get(fy) ?? []), p.value!]);
  }
  return [...by.entries()]
    .sort(([a], [b]) => a - b)
    .map(([fy, vs]) => ({ year: fyLabel(fy), mean: vs.reduce((s, v) => s + v, 0) / vs.length, months: vs.length }));
}

/**
 * {@link yearlyAverages}, each year marked `hidden` when any of its periods is (`hidden(period)`):
 * a year's average times its months is its total, so with one of its months suppressed it would
 * give that month away, while a year whose months are all shown gives nothing more away.
 */
export function yearlyAveragesHiding(points: readonly SeriesPoint[], hidden: (period: string) => boolean, kind: AveragedKind = "month"): (YearlyAverage & { readonly hidden: boolean })[] {
  const off = new Set(
    points.flatMap((p) => {
      const fy = yearOfKind(p.period, kind);
      return fy !== null && hidden(p.period) ? [fyLabel(fy)] : [];
    }),
  );
  return yearlyAverages(points, kind).map((y) => ({ ...y, hidden: off.has(y.year) }));
}

/**
 * What a reader of yearly averages must be told of the recording changes among them: one sentence
 * for each change after the first year shown (`years`, oldest first) began and on or before
 * `through` (the last day averaged), saying (of the `what`: averages, or each year's own figures) that the years before it are not comparable with those
 * after, and naming the year whose average mixes figures recorded both ways when the change fell
 * after that year's first day. The averages themselves are left as they are: the figures are what
 * was recorded. Null when no change falls among them.
 */
export function yearlyBreakNote(years: readonly string[], breaks: readonly SeriesBreak[], through: string, what: "averages" | "figures" = "averages"): string | null {
  const first = years[0];
  if (first === undefined) return null;
  const start = `${first.slice(0, 4)}-04-01`;
  const within = breaks.filter((b) => b.date > start && b.date <= through).sort((a, b) => a.date.localeCompare(b.date));
  if (!within.length) return null;
  return within
    .map((b) => {
      const fy = fyLabel(financialYearOf(b.date));
      const mixes = !b.date.endsWith("-04-01") && years.includes(fy);
      return `A recording change on ${b.date} (${b.note.replace(/\.$/, "")}) breaks this series: the ${what} of years before it are not comparable with those after it${mixes ? `, and ${fy}'s mixes figures recorded before and after it` : ""}.`;
    })
    .join(" ");
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
