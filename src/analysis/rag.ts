/**
 * @module
 * Targets, RAG and direction of travel. Targets and tolerances are set per indicator and year in
 * a `targets.csv` (`indicator,year,target,tolerance[,polarity]`) kept in the data folder; green
 * meets the target, amber misses it by no more than the tolerance, red misses it by more. Which
 * side is "meeting" comes from the indicator's polarity, which a row may override. Pure: the
 * file's text in, checked targets (or located problems) out.
 */

import { parse } from "csv-parse/sync";
import { financialYearOf, parsePeriod } from "../calendar/periods.ts";
import { parseDecimal } from "../core/decimal.ts";
import { type DataIssue, isLanternError, LanternError } from "../core/errors.ts";
import { csvProblem, isBlankRow, RECORD_DELIMITERS, RecordLines } from "../formats/csv.ts";
import { formatValue, shownNumber } from "../kpi/format.ts";
import type { IndicatorDef, Polarity, Unit } from "../kpi/types.ts";

/** A target for one indicator and year. */
export interface Target {
  readonly indicator: string;
  /** Financial year `2024-25`, or calendar year `2024` for calendar-year indicators. */
  readonly year: string;
  readonly target: number;
  readonly tolerance: number;
  readonly polarity?: "higher" | "lower";
}

export type Rag = "green" | "amber" | "red";

/**
 * RAG of a value against a target, judged on the value as shown (one decimal place: 79.96% is
 * shown as 80.0% and meets a target of 80); null without a polarity to judge by. A shortfall of
 * exactly the tolerance is amber, whatever the binary arithmetic of the subtraction.
 */
export function rag(value: number, t: Pick<Target, "target" | "tolerance">, polarity: Polarity): Rag | null {
  if (polarity === "none") return null;
  const shown = shownNumber(value);
  const shortfall = polarity === "higher" ? t.target - shown : shown - t.target;
  const slack = 1e-9 * Math.max(1, Math.abs(t.target));
  if (shortfall <= slack) return "green";
  return shortfall <= t.tolerance + slack ? "amber" : "red";
}

/**
 * Direction of travel from an earlier value: better or worse by polarity, or up/down without one.
 * Values are compared as shown (one decimal place), so two figures a page shows alike are "no
 * change".
 */
export function direction(value: number, earlier: number | null | undefined, polarity: Polarity): "improving" | "worsening" | "no change" | "up" | "down" | null {
  if (earlier === null || earlier === undefined) return null;
  const now = shownNumber(value);
  const before = shownNumber(earlier);
  if (now === before) return "no change";
  const up = now > before;
  if (polarity === "none") return up ? "up" : "down";
  return up === (polarity === "higher") ? "improving" : "worsening";
}

/** A direction of travel, or "not comparable" across a recording change. */
export type Travel = NonNullable<ReturnType<typeof direction>> | "not comparable";

/**
 * {@link direction} from an earlier period's value to a later one's, or "not comparable" when a
 * recording change (`breaks`: the dates it took effect) falls after the earlier period began and
 * by the later one's end: figures either side of it are not measured alike (a police change in
 * how missing episodes are recorded, say), so no trend is read across it. A figure taken on a day
 * (`onDay`: a stock, on its period's last day) is measured on that day alone, so only a change
 * after the earlier day and by the later one parts the two.
 */
export function travel(
  value: number,
  earlier: number | null | undefined,
  polarity: Polarity,
  periods: { readonly later: { readonly end: string }; readonly earlier: { readonly start: string; readonly end: string } },
  breaks: readonly string[],
  onDay = false,
): Travel | null {
  if (earlier === null || earlier === undefined) return null;
  // Children in care on 30 June and on 30 September were both counted after a change of 1 May.
  const from = onDay ? periods.earlier.end : periods.earlier.start;
  if (breaks.some((d) => d > from && d <= periods.later.end)) return "not comparable";
  return direction(value, earlier, polarity);
}

/** The target year a period is judged against: its financial year, or its calendar year. */
export function targetYear(period: string): string | undefined {
  const p = parsePeriod(period);
  if (!p) return undefined;
  if (p.kind === "calendar") return p.id;
  const fy = financialYearOf(p.end);
  return `${fy}-${String((fy + 1) % 100).padStart(2, "0")}`;
}

/** The largest target or tolerance accepted: far above any real figure, and a double stores it exactly. */
export const MAX_TARGET = 1e9;

/** A refused target field: the error carries the field (as the issue's column) so the form can point at it. */
function badTarget(column: "year" | "target" | "tolerance", value: string, message: string, expected: string): LanternError {
  return new LanternError("LANTERN_BAD_OPTION", message, { hint: `Write ${expected}.`, issues: [{ code: `TARGET_${column.toUpperCase()}_INVALID`, severity: "error", column, value, expected, message }] });
}

/** What a target is checked against: the indicator's unit, and (when known) the kinds of period it has. */
export type TargetIndicator = Pick<IndicatorDef, "unit"> & Partial<Pick<IndicatorDef, "id" | "periods" | "average">>;

/** A target as typed or read from a file: the numbers as text (a blank tolerance is 0), or as numbers already read. */
export interface TargetInput {
  readonly year: string;
  readonly target: number | string;
  readonly tolerance: number | string;
}

/**
 * Check a target before it is saved, and return it read: a real financial year (two consecutive
 * years, 2025-26) or a calendar year (2025), and of a kind the indicator has values for (a
 * calendar-year target on an indicator measured only by financial year would be saved and never
 * judge anything, since {@link targetYear} maps every other period to its financial year); a
 * target and tolerance written as plain decimals (not `0x10` or `1e3`, which `Number()` reads as
 * 16 and 1000), finite, not negative and below {@link MAX_TARGET}; for a percentage, within 0 to
 * 100; for a count that is not an average, whole numbers. Without an indicator (or with a bare
 * unit) only what can be checked is.
 */
export function checkTarget(t: TargetInput, indicator?: Unit | TargetIndicator): { year: string; target: number; tolerance: number } {
  const def: TargetIndicator | undefined = typeof indicator === "string" ? { unit: indicator } : indicator;
  const unit = def?.unit;
  const year = t.year.trim();
  const fy = /^(\d{4})-(\d{2})$/.exec(year);
  const first = Number(fy?.[1] ?? year);
  const yearOk = fy ? (first + 1) % 100 === Number(fy[2]) : /^\d{4}$/.test(year);
  if (!yearOk || first < 1990 || first > 2099) {
    const why = fy && first >= 1990 && first <= 2099 ? `"${year}" is not a financial year: its two years must follow each other, as in ${first}-${String((first + 1) % 100).padStart(2, "0")}.` : `"${year}" is not a financial year or a calendar year.`;
    throw badTarget("year", year, why, "a financial year such as 2025-26, or a calendar year such as 2025");
  }
  if (def?.periods) {
    const name = def.id ?? "this indicator";
    const fyText = `${first}-${String((first + 1) % 100).padStart(2, "0")}`;
    if (!fy && !def.periods.includes("calendar")) {
      throw badTarget("year", year, `"${year}" is a calendar year, but ${name} is measured by financial year (April to March), so a target for ${year} would never apply.`, `a financial year such as ${fyText}`);
    }
    if (fy && !def.periods.some((k) => k !== "calendar")) {
      throw badTarget("year", year, `"${year}" is a financial year, but ${name} is measured by calendar year, so a target for ${year} would never apply.`, `a calendar year such as ${first + 1}`);
    }
  }
  const whole = unit === "count" && !def?.average;
  const expected = unit === "percent" ? "a percentage from 0 to 100, such as 85" : whole ? "a whole number of at least 0, such as 120" : "a number of at least 0, such as 120";
  const read = (column: "target" | "tolerance", raw: number | string, what: string): number => {
    // A blank tolerance means none; a blank target is no target.
    if (typeof raw === "string" && raw.trim() === "" && column === "tolerance") return 0;
    const x = typeof raw === "number" ? raw : (parseDecimal(raw) ?? Number.NaN);
    const shown = typeof raw === "string" ? raw.trim() : Number.isNaN(x) ? "" : String(x);
    if (typeof raw === "string" && Number.isNaN(x)) {
      throw badTarget(column, shown, shown === "" ? `The ${what} must be a number.` : `The ${what} "${shown}" is not a plain number: use only digits, with a decimal point if needed.`, expected);
    }
    if (!Number.isFinite(x)) throw badTarget(column, shown, `The ${what} must be a number.`, expected);
    if (unit === "percent" && (x < 0 || x > 100)) throw badTarget(column, shown, `The ${what} ${shown} is not a percentage from 0 to 100.`, expected);
    if (x < 0) throw badTarget(column, shown, `The ${what} cannot be negative: ${shown} is below 0.`, "a number of at least 0");
    if (x >= MAX_TARGET) throw badTarget(column, shown, `The ${what} ${shown} is too large: it must be below ${MAX_TARGET.toLocaleString("en-GB")}.`, `a number from 0 to ${MAX_TARGET.toLocaleString("en-GB")}`);
    if (whole && !Number.isInteger(x)) throw badTarget(column, shown, `The ${what} ${shown} is not a whole number, and ${def?.id ?? "this indicator"} is a count.`, expected);
    return x;
  };
  return { year, target: read("target", t.target, "target"), tolerance: read("tolerance", t.tolerance, "tolerance") };
}

/**
 * Read a targets file; every problem is located by row and column. `indicatorOf` gives what a
 * row's target is checked against: the indicator's definition (unit and period kinds), or only
 * its unit.
 */
export function parseTargets(
  text: string,
  fileName: string,
  knownIndicator: (id: string) => boolean,
  indicatorOf: (id: string) => Unit | TargetIndicator | undefined = () => undefined,
): { targets: Target[]; issues: DataIssue[] } {
  const issues: DataIssue[] = [];
  // Each row with the line it starts on, as every CSV reader numbers rows; blank rows are skipped.
  let records: { line: number; rec: string[] }[];
  // Kept record by record as the parser reads, so a line it names in an error is corrected too.
  const lines = new RecordLines();
  try {
    const parsed = parse(text, {
      bom: true,
      info: true,
      record_delimiter: RECORD_DELIMITERS,
      skip_empty_lines: true,
      on_record: (record, context) => {
        lines.read(record, context);
        return record;
      },
    }) as unknown as { record: string[]; line: number }[];
    records = parsed.map(({ record, line }) => ({ line, rec: record })).filter((r) => !isBlankRow(r.rec));
  } catch (e) {
    const err = lines.error(e);
    const why = typeof err.code === "string" ? `: ${csvProblem(err.code, err.message ?? "", err.lines, ",", typeof err.column === "number" ? err.column + 1 : undefined)}` : "";
    return { targets: [], issues: [{ code: "TARGETS_CSV_MALFORMED", severity: "error", file: fileName, row: err.lines, message: `${fileName} is not well-formed CSV${why}.`, expected: "indicator,year,target,tolerance[,polarity]" }] };
  }
  const header = (records[0]?.rec ?? []).map((h) => h.trim().toLowerCase());
  const col = (n: string) => header.indexOf(n);
  for (const n of ["indicator", "year", "target", "tolerance"]) {
    if (col(n) < 0) issues.push({ code: "TARGETS_COLUMN_MISSING", severity: "error", file: fileName, row: records[0]?.line ?? 1, column: n, message: `the column ${n} is missing.`, expected: "indicator,year,target,tolerance[,polarity]" });
  }
  if (issues.length) return { targets: [], issues };
  const targets: Target[] = [];
  // Each indicator and year, and the row its target is first on.
  const seen = new Map<string, number>();
  for (const { line: row, rec } of records.slice(1)) {
    const cell = (n: string) => (col(n) >= 0 ? (rec[col(n)] ?? "").trim() : "");
    const bad = (column: string, message: string, expected: string) => issues.push({ code: "TARGETS_VALUE_INVALID", severity: "error", file: fileName, row, column, value: cell(column), message, expected });
    const indicator = cell("indicator");
    if (!knownIndicator(indicator)) bad("indicator", `${indicator} is not an indicator id.`, "an id from `lantern indicators --list`");
    const year = cell("year");
    if (!/^\d{4}-\d{2}$/.test(year) && !/^\d{4}$/.test(year)) bad("year", `year "${year}" is not a financial year or a calendar year.`, "2024-25, or 2024 for calendar-year indicators");
    // Plain decimals only: Number() would read 0x10 as 16 and 1e3 as 1000.
    if (parseDecimal(cell("target")) === undefined) bad("target", `target "${cell("target")}" is not a number.`, "a number written with digits, such as 85 or 12.5");
    const tolerance = cell("tolerance") === "" ? 0 : parseDecimal(cell("tolerance"));
    if (tolerance === undefined || tolerance < 0) bad("tolerance", `tolerance "${cell("tolerance")}" is not a number of at least 0.`, "a number written with digits, such as 5, or blank for none");
    const pol = cell("polarity").toLowerCase();
    if (pol && pol !== "higher" && pol !== "lower") bad("polarity", `polarity "${pol}" is not higher or lower.`, "higher, lower or blank (use the indicator's own)");
    const key = `${indicator}|${year}`;
    const first = seen.get(key);
    if (first !== undefined) bad("year", `${indicator} already has a target for ${year}: first on row ${first}, again on row ${row}.`, `one target per indicator and year (${indicator} ${year} is already on row ${first}): keep one of the two rows`);
    else seen.set(key, row);
    // The rules a target typed in the browser meets (a real year, a percentage within 0-100, …).
    if (issues.some((x) => x.row === row)) continue;
    try {
      const t = checkTarget({ year, target: cell("target"), tolerance: cell("tolerance") }, indicatorOf(indicator));
      targets.push({ indicator, ...t, ...(pol ? { polarity: pol as "higher" | "lower" } : {}) });
    } catch (e) {
      if (!isLanternError(e)) throw e;
      for (const i of e.issues) issues.push({ ...i, code: "TARGETS_VALUE_INVALID", file: fileName, row, value: cell(i.column ?? "") || (i.value ?? "") });
    }
  }
  return { targets, issues };
}

/** What a target rule needs to know of the indicator. */
export type GoalIndicator = Pick<IndicatorDef, "unit" | "measure" | "average" | "growsWithPeriod">;

/**
 * The target for an indicator in the year a period falls in, as it applies to the period; see
 * {@link goalFor} for the rule. Undefined when no target is set, or when a year's target cannot
 * judge the period.
 */
export function targetFor(targets: readonly Target[], indicator: string, period: string, def?: GoalIndicator): Target | undefined {
  return applied(targets, indicator, period, def).target;
}

/** What a period's figure is judged against. */
export interface Goal {
  /** The target as it applies to the period, or undefined when none does. */
  readonly target: Target | undefined;
  /** Which way is better: the polarity the year's target row gives, else the indicator's own. */
  readonly polarity: Polarity;
  /**
   * Why the year's target does not judge this period (so there is no RAG), as a clause that
   * follows "no RAG: "; null when it does, or when no target is set.
   */
  readonly unjudged: string | null;
}

/**
 * The one rule for judging a period against targets, used by the dashboard, the indicator page,
 * `lantern indicators`, the digest and the report. A target is for a year (a financial year, or a
 * calendar year for calendar-year indicators):
 * - a figure on a day, a percentage of a stock, a median, an average and a percentage of events
 *   done on time are judged against it as set, whatever the period's length;
 * - a count of events (or a rate of them) over a month or a quarter is judged against the year's
 *   pro rata (a twelfth, a quarter), since 700 referrals a year is about 175 a quarter and judging
 *   a quarter's 175 against 700 would call it green when the year is on course for red;
 * - the share of children with at least one event at any time in the period (children looked
 *   after who went missing: {@link IndicatorDef.growsWithPeriod}) grows with the period's length
 *   by no fixed fraction (a child missing in May and again in June is one child in the year, one
 *   in each month), so a month's or a quarter's figure is not judged at all: a month's 3.6%
 *   against a year's 10% would read green for a year on course for 20%. Its RAG is null with the
 *   reason; the year and the rolling twelve months, which are a year long, are judged.
 */
export function goalFor(targets: readonly Target[], def: GoalIndicator & Pick<IndicatorDef, "id" | "polarity">, period: string): Goal {
  const { target, year } = applied(targets, def.id, period, def);
  const polarity: Polarity = year?.polarity ?? def.polarity;
  if (target || !year) return { target, polarity, unjudged: null };
  const kind = parsePeriod(period)?.kind === "quarter" ? "quarter" : "month";
  return {
    target: undefined,
    polarity,
    unjudged: `the target (${formatValue(year.target, def.unit)} for ${year.year}) is for a whole year: the share of children with an episode at any time in a ${kind} is smaller than a year's, by no fixed fraction, so only a whole year (${year.year}, or the twelve months to one of its months) is judged against it`,
  };
}

/** The year's target row (`year`), and the target it gives the period (undefined when it judges none). */
function applied(targets: readonly Target[], indicator: string, period: string, def?: GoalIndicator): { target: Target | undefined; year: Target | undefined } {
  const y = targetYear(period);
  const t = targets.find((x) => x.indicator === indicator && x.year === y);
  if (!t || !def) return { target: t, year: t };
  const kind = parsePeriod(period)?.kind;
  const part = kind === "month" || kind === "quarter";
  if (def.growsWithPeriod && part) return { target: undefined, year: t };
  if (def.measure !== "flow" || def.average || (def.unit !== "count" && def.unit !== "rate") || !part) return { target: t, year: t };
  const share = kind === "month" ? 1 / 12 : 1 / 4;
  return { target: { ...t, target: t.target * share, tolerance: t.tolerance * share }, year: t };
}
