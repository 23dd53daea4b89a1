/**
 * @module
 * Showing values as the DfE shows them: rates and percentages to one decimal place, counts as
 * whole numbers, and a reason instead of a number when a value cannot be computed (never 0).
 */

import type { IndicatorValue, Unit } from "./types.ts";

/** A value for a person to read. */
export function formatValue(value: number | null, unit: Unit): string {
  if (value === null) return "–";
  switch (unit) {
    case "percent":
      return `${value.toFixed(1)}%`;
    case "rate":
      return value.toFixed(1);
    case "days":
      return `${Number.isInteger(value) ? value : value.toFixed(1)} days`;
    default:
      return Number.isInteger(value) ? value.toLocaleString("en-GB") : value.toLocaleString("en-GB", { maximumFractionDigits: 1 });
  }
}

/**
 * An average of a figure's values (a yearly average): as {@link formatValue}, except that an
 * average of counts keeps one decimal place and groups its thousands as the counts beside it do
 * ("2,622.3" beside "2,512", not "2622.3").
 */
export function formatAverage(value: number, unit: Unit): string {
  return unit === "count" ? value.toLocaleString("en-GB", { minimumFractionDigits: 1, maximumFractionDigits: 1 }) : formatValue(value, unit);
}

/**
 * A published figure as the DfE gives it: a percentage or rate published in whole numbers
 * (`places` 0, see analysis/benchmarks.ts) as a whole number, "10%" not "10.0%", which would
 * claim a precision the source does not have; else as {@link formatValue}.
 */
export function formatPublished(value: number, unit: Unit, places: 0 | 1 | null): string {
  if (places === 0 && unit === "percent") return `${value.toFixed(0)}%`;
  if (places === 0 && unit === "rate") return value.toFixed(0);
  return formatValue(value, unit);
}

/**
 * A value as {@link formatValue} shows it, as a number: to one decimal place at most (counts are
 * whole already). Judgements a reader checks against the figures on the page (a RAG rating,
 * "improving", "the same as") are made on this, so no page says "improving" between two figures
 * it shows as 83.6% and 83.6%.
 */
export function shownNumber(value: number): number {
  return Number(value.toFixed(1));
}

/**
 * Reasons numbered once each, for a table whose "–" cells point to a note under it (the CLI's
 * tables and the indicator page's): `noteOf` gives a reason's number, adding it the first time.
 */
export function numberedNotes(): { readonly notes: readonly string[]; noteOf: (reason: string) => number } {
  const notes: string[] = [];
  return {
    notes,
    noteOf: (reason) => {
      const at = notes.indexOf(reason);
      return at >= 0 ? at + 1 : notes.push(reason);
    },
  };
}

/** The JSON shape scripts rely on. */
export function valueJson(v: IndicatorValue): Record<string, unknown> {
  return {
    indicator: v.indicator,
    authority: v.authority,
    period: v.period,
    value: v.value,
    numerator: v.numerator,
    denominator: v.denominator,
    unit: v.unit,
    ...(v.reason ? { reason: v.reason } : {}),
    ...(v.breakdown ? { breakdown: v.breakdown, category: v.category } : {}),
    snapshot: v.snapshot,
  };
}
