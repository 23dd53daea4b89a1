/**
 * @module
 * One rule for whether and how an indicator's monthly series goes on an XmR chart, shared by the
 * early-warning digest, the report's section charts and the web's tiles and indicator pages. Each
 * used to pick its own months and baseline, so one committee paper could give two means for one
 * indicator, or chart a percentage of a handful of children the digest had refused to judge.
 */

import { type Period, parsePeriod, previousPeriod } from "../calendar/periods.ts";
import type { IndicatorDef, IndicatorValue, Polarity } from "../kpi/types.ts";
import { type Goal, goalFor, type Target } from "./rag.ts";
import { type SpcResult, xmr } from "./spc.ts";

/** Months of history a chart looks back over. */
export const SPC_LOOKBACK = 36;

/** Monthly points an XmR chart needs before its limits mean anything. */
export const SPC_MIN_MONTHS = 12;

/** Percentages on fewer records than this in any of the last 12 months are not charted. */
export const SPC_MIN_DENOMINATOR = 20;

/**
 * Counts (and rates of counts) averaging fewer events a month than this over the last 12 are not
 * charted: months of 0, 1, 2 or 3 children starting care are lumpy, the moving ranges reflect the
 * lumps, and the limits they give flag an ordinary 0 as unusually low.
 */
export const SPC_MIN_MONTHLY_COUNT = 5;

/**
 * Why a series is not charted: a stock (a figure taken on each month's last day), too few months
 * (or too few since a recording change), or too few records a month.
 */
export type SpcRefusal = "stock" | "few_months" | "few_records";

/** A charted series, or why it is not charted. */
export type SpcChart = { readonly result: SpcResult; readonly reason?: undefined } | { readonly result?: undefined; readonly reason: SpcRefusal };

/**
 * Whether SPC judges an indicator at all: flow measures only. XmR charts assume roughly
 * independent points, and a stock taken at each month end (children on plans, looked after) moves
 * too slowly for its limits to mean anything. The one rule for the digest, the report and the web.
 */
export function spcJudges(def: Pick<IndicatorDef, "measure">): boolean {
  return def.measure === "flow";
}

/** What a reader is told when a series has no SPC chart (completes "There is no SPC chart: …"). */
export function spcRefusalText(reason: SpcRefusal, unit: IndicatorDef["unit"]): string {
  if (reason === "stock") return "it is a figure taken on each month's last day, which carries most of the month before, and process limits assume months that stand alone, so they would flag ordinary drift";
  if (reason === "few_months") return `fewer than ${SPC_MIN_MONTHS} monthly values, or fewer than 2 since the latest recording change`;
  return unit === "percent"
    ? `too few records a month for its limits to mean anything (under ${SPC_MIN_DENOMINATOR} in a month of the last year)`
    : `too few a month for its limits to mean anything (fewer than ${SPC_MIN_MONTHLY_COUNT} a month on average over the last year)`;
}

/**
 * The target a monthly chart is drawn and assured against, whatever period the page or paper
 * reports: the target for the month `period` ends in (for a count of events, the year's twelfth;
 * none for the share of children with an event at any time in the month, which no year's target
 * judges), and the polarity the chart reads by. The period's own target is a quarter's or a
 * year's share: set among monthly values it would read as "consistently passing" (or failing) a
 * target no month is measured against.
 */
export function monthlyTarget(targets: readonly Target[], def: Pick<IndicatorDef, "id" | "unit" | "measure" | "average" | "growsWithPeriod" | "polarity">, period: Pick<Period, "end">): Goal {
  return goalFor(targets, def, period.end.slice(0, 7));
}

/**
 * The XmR chart of `monthly` (an indicator's monthly values, oldest first, already cut to what the
 * viewer may see), for a flow measure (never a stock, see {@link SpcRefusal}): the last {@link SPC_LOOKBACK} valued months, rebased at each recording change
 * in `breaks` (ISO dates), with the mean and limits fixed on the months before the latest year
 * when there is no recording change (so a recent change is judged against how the service ran
 * before it rather than widening its own limits). Limits that fall outside what the unit can hold
 * (below 0; above 100 for a percentage) are drawn at that bound; no value can pass them, so no
 * signal changes.
 */
export function monthlySpc(
  def: Pick<IndicatorDef, "unit" | "polarity" | "average" | "measure">,
  monthly: readonly IndicatorValue[],
  opts: { readonly breaks?: readonly string[]; readonly target?: number | undefined; readonly polarity?: Polarity | undefined } = {},
): SpcChart {
  if (!spcJudges(def)) return { reason: "stock" };
  const all = monthly.filter((v) => v.value !== null);
  // A month without a value (no records that month, or none held) ends what came before: limits
  // drawn across a gap mean nothing, and the months either side are not neighbours.
  const gap = all.findLastIndex((v, i) => i > 0 && previousPeriod(parsePeriod(v.period)!).id !== all[i - 1]!.period);
  const valued = all.slice(Math.max(0, gap)).slice(-SPC_LOOKBACK);
  // A percentage's month without a value is a month without records: too few to chart, like one of 5.
  if (gap > 0 && def.unit === "percent" && all.length - gap < 12) return { reason: "few_records" };
  if (valued.length < SPC_MIN_MONTHS) return { reason: "few_months" };
  const recent = valued.slice(-12);
  // A percentage of a handful of children jumps too much for its limits to mean anything.
  if (def.unit === "percent" && recent.some((v) => (v.denominator ?? 0) < SPC_MIN_DENOMINATOR)) return { reason: "few_records" };
  if ((def.unit === "count" || def.unit === "rate") && !def.average && recent.reduce((a, v) => a + (v.numerator ?? 0), 0) < SPC_MIN_MONTHLY_COUNT * recent.length) {
    return { reason: "few_records" };
  }
  let series = valued.map((v) => ({ date: parsePeriod(v.period)!.end, value: v.value! }));
  let rebase = (opts.breaks ?? []).filter((d) => d > series[0]!.date && d <= series.at(-1)!.date).sort();
  // A recording change that leaves a single month before it (or between it and the next change)
  // leaves that month no limits of its own: the chart starts at the change instead.
  for (;;) {
    const starts = rebase.map((d) => series.findIndex((p) => p.date >= d));
    const short = starts.findLastIndex((at, i) => at - (i === 0 ? 0 : starts[i - 1]!) < 2);
    if (short < 0) break;
    series = series.slice(starts[short]);
    rebase = rebase.filter((d) => d > series[0]!.date);
  }
  if (series.length < SPC_MIN_MONTHS) return { reason: "few_months" };
  const fixAfter = rebase.length ? undefined : Math.max(SPC_MIN_MONTHS, series.length - 12);
  const polarity = opts.polarity ?? def.polarity;
  const improvement = polarity === "higher" ? "up" : polarity === "lower" ? "down" : "neutral";
  let result: SpcResult;
  try {
    result = xmr(series, {
      improvement,
      rebase,
      ...(fixAfter !== undefined && fixAfter < series.length ? { fixAfter } : {}),
      ...(opts.target !== undefined && improvement !== "neutral" ? { target: opts.target } : {}),
    });
  } catch {
    // A recording change too recent to leave two points after it.
    return { reason: "few_months" };
  }
  return { result: withinBounds(result, def.unit) };
}

/** The chart with its limits drawn no further than the unit's bounds (0, and 100 for a percentage). */
function withinBounds(r: SpcResult, unit: IndicatorDef["unit"]): SpcResult {
  const hi = unit === "percent" ? 100 : Number.POSITIVE_INFINITY;
  const clamp = (x: number) => Math.min(hi, Math.max(0, x));
  return {
    ...r,
    points: r.points.map((p) => ({ ...p, lpl: clamp(p.lpl), upl: clamp(p.upl), nlpl: clamp(p.nlpl), nupl: clamp(p.nupl) })),
    segments: r.segments.map((s) => ({ ...s, lpl: clamp(s.lpl), upl: clamp(s.upl), nlpl: clamp(s.nlpl), nupl: clamp(s.nupl) })),
  };
}

/** A month of a run chart: its last day, its label, and its value (null where not shown). */
export interface RunPoint {
  readonly date: string;
  readonly period: string;
  readonly value: number | null;
}

/**
 * The months of a run chart (the values alone, for a series SPC does not judge), shared by the
 * report and the indicator page: `months` (oldest first, ending with the period the page or paper
 * reports) from the first with a value to the last, a month the viewer may not see (`hidden`),
 * without a value or not held at all as a gap. The months at the end that nothing is held for
 * (figures loaded only to June, on a page for September) are gaps too, so the chart reaches the
 * period it is shown for and does not look up to date when it is not. Null with fewer than two
 * values to join.
 */
export function runPoints(months: readonly Period[], valueIn: (month: string) => IndicatorValue | undefined, hidden: (v: IndicatorValue) => boolean): RunPoint[] | null {
  const held = months.map((m) => ({ m, v: valueIn(m.id) }));
  const from = held.findIndex((x) => x.v !== undefined && x.v.value !== null);
  if (from < 0) return null;
  const points = held.slice(from).map(({ m, v }) => ({ date: m.end, period: m.label, value: v === undefined || v.value === null || hidden(v) ? null : v.value }));
  return points.filter((p) => p.value !== null).length >= 2 ? points : null;
}
