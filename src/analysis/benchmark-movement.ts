/**
 * @module
 * Benchmark movements for the early-warning digest: where an authority's place among English
 * councils changed between the two latest published years up to a period — its quartile band (A
 * is the best quarter, by the measure's polarity) or its side of the England figure. A committee
 * asks "compared with whom, and is it getting worse?"; a move from band B to C answers the second
 * half before anyone reads a table. Pure: the published figures and, for an authority the DfE
 * does not publish (a synthetic or new one, compared "like" a real one), its own yearly values are
 * given.
 */

import { parsePeriod, type Period } from "../calendar/periods.ts";
import { formatValue } from "../kpi/format.ts";
import type { IndicatorDef } from "../kpi/types.ts";
import { type BenchmarkData, type BenchmarkResult, BenchmarkProblem, benchmark, lanternPeriodFor, numberOf, resolveIndicator, yearPhrase } from "./benchmarks.ts";
import type { Signal } from "./digest.ts";

/** How to benchmark the authority: its code, and the real authority it is compared like, if any. */
export interface MovementOptions {
  readonly data: BenchmarkData;
  readonly like?: string;
}

/** The two latest published years of a measure whose figures are for a period ending by `end`, oldest first. */
function yearsUpTo(def: IndicatorDef, data: BenchmarkData, end: string): { measure: { yearType: string }; years: number[] } | null {
  const ind = resolveIndicator(def.id, data);
  if (ind.kind !== "ok") return null;
  const series = data.series.get(ind.measure.short);
  if (!series) return null;
  const years = [...series.keys()]
    .filter((y) => {
      const p = parsePeriod(lanternPeriodFor(y, ind.measure.yearType));
      return !!p && p.end <= end;
    })
    .sort((a, b) => a - b)
    .slice(-2);
  return { measure: ind.measure, years };
}

/**
 * The periods whose computed values an authority the DfE does not publish needs for its movements
 * up to `period` (a financial or calendar year per benchmarked indicator), so a caller can read them.
 */
export function benchmarkPeriodIds(period: Period, indicators: readonly IndicatorDef[], data: BenchmarkData): string[] {
  const ids = new Set<string>();
  for (const def of indicators) {
    const y = yearsUpTo(def, data, period.end);
    for (const year of y?.years ?? []) ids.add(lanternPeriodFor(year, y!.measure.yearType));
  }
  return [...ids];
}

/**
 * A signal for each benchmarked indicator whose quartile band or side of England changed between
 * its two latest published years up to `period`. `own` gives the authority's computed value for a
 * period (used when the DfE does not publish the authority); `hidden` says a figure may not be
 * shown to the viewer, and an indicator with either year's figure hidden gives no signal.
 */
export function benchmarkMovements(input: {
  readonly authority: string;
  readonly period: Period;
  readonly indicators: readonly IndicatorDef[];
  readonly own: (indicator: string, period: string) => number | null | undefined;
  readonly options: MovementOptions;
  readonly hidden?: (indicator: string, period: string) => boolean;
}): Signal[] {
  const out: Signal[] = [];
  for (const def of input.indicators) {
    const y = yearsUpTo(def, input.options.data, input.period.end);
    if (!y || y.years.length < 2) continue;
    const results: BenchmarkResult[] = [];
    for (const year of y.years) {
      const at = lanternPeriodFor(year, y.measure.yearType);
      const own = input.own(def.id, at);
      try {
        results.push(benchmark({ authority: input.authority, indicator: def.id, year, ...(input.options.like ? { like: input.options.like } : {}), ...(own !== undefined && own !== null ? { ownValue: own } : {}) }, input.options.data));
      } catch (e) {
        if (!(e instanceof BenchmarkProblem)) throw e;
      }
    }
    if (results.length < 2) continue;
    const [before, now] = results as [BenchmarkResult, BenchmarkResult];
    if (now.polarity === "-") continue;
    if (input.hidden && [before, now].some((r) => input.hidden!(def.id, r.year.lanternPeriod))) continue;
    // Each side of England is judged on the figure as the DfE publishes it (`own.compared`).
    const v0 = before.own.compared;
    const v1 = now.own.compared;
    const e0 = numberOf(before.england);
    const e1 = numberOf(now.england);
    if (v0 === null || v1 === null) continue;
    const moves: string[] = [];
    let worse = false;
    let better = false;
    const b0 = before.quartileBand;
    const b1 = now.quartileBand;
    if (b0 && b1 && b0 !== b1) {
      moves.push(`from quartile band ${b0} to ${b1} among English councils (A is the best quarter)`);
      if (b1 > b0) worse = true;
      else better = true;
    }
    if (e0 !== null && e1 !== null && v0 !== e0 && v1 !== e1) {
      const betterThan = (v: number, e: number) => (now.polarity === "High" ? v > e : v < e);
      const was = betterThan(v0, e0);
      const is = betterThan(v1, e1);
      if (was !== is) {
        moves.push(is ? "from worse than England to better" : "from better than England to worse");
        if (is) better = true;
        else worse = true;
      }
    }
    if (!moves.length) continue;
    // Said at the precision compared: a measure the DfE publishes in whole numbers reads "11%
    // against 9%", never "11.0% against 9.0%" (which the section's 11.3% would contradict), with
    // Lantern's own unrounded figures beside it when they were rounded to be compared.
    const whole = now.places === 0 && before.places === 0;
    const f = (v: number) => (whole ? atWholeNumbers(v, def.unit) : formatValue(v, def.unit));
    const said = (r: BenchmarkResult, v: number, e: number | null) => `${f(v)} ${yearPhrase(r.year.lait, r.year.yearType)}${e !== null ? ` (England ${f(e)})` : ""}`;
    const unrounded = [now, before].map((r) => (r.own.from === "lantern" && "value" in r.own.value ? r.own.value.value : null));
    const ownNote = unrounded.some((v, i) => v !== null && v !== [v1, v0][i]) ? `; this authority's own figures before rounding: ${unrounded.map((v, i) => `${v === null ? "–" : formatValue(v, def.unit)} (${[now, before][i]!.year.lanternPeriod})`).join(" and ")}` : "";
    const precision = whole ? ` Compared in whole numbers, as the DfE publishes this measure${ownNote}.` : "";
    out.push({
      indicator: def.id,
      title: def.title,
      kind: "benchmark",
      // Worse on either count is one to watch; a move only for the better is an improvement.
      severity: worse ? 2 : better ? 1 : 0,
      label: `benchmark: ${moves.map((m) => m.replace(" among English councils (A is the best quarter)", "")).join("; ")}`,
      text: `${def.title} moved ${moves.join(" and ")}: ${said(now, v1, e1)}, against ${said(before, v0, e0)}.${precision}`,
      brief: `${def.title} moved ${moves.join(" and ")}: ${f(v1)} in ${now.year.lanternPeriod} against ${f(v0)} in ${before.year.lanternPeriod}.`,
    });
  }
  return out;
}

/** A value rounded to a whole number, written in its unit's form ("11%", "9", "32 days"). */
function atWholeNumbers(v: number, unit: IndicatorDef["unit"]): string {
  const n = Math.round(v);
  if (unit === "percent") return `${n}%`;
  if (unit === "days") return `${n} days`;
  return n.toLocaleString("en-GB");
}
