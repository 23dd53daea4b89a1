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
import { type DataIssue, isLanternError, LanternError } from "../core/errors.ts";
import type { Polarity, Unit } from "../kpi/types.ts";

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

/** RAG of a value against a target; null without a polarity to judge by. */
export function rag(value: number, t: Pick<Target, "target" | "tolerance">, polarity: Polarity): Rag | null {
  if (polarity === "none") return null;
  const shortfall = polarity === "higher" ? t.target - value : value - t.target;
  if (shortfall <= 0) return "green";
  return shortfall <= t.tolerance ? "amber" : "red";
}

/** Direction of travel from an earlier value: better or worse by polarity, or up/down without one. */
export function direction(value: number, earlier: number | null | undefined, polarity: Polarity): "improving" | "worsening" | "no change" | "up" | "down" | null {
  if (earlier === null || earlier === undefined) return null;
  if (value === earlier) return "no change";
  const up = value > earlier;
  if (polarity === "none") return up ? "up" : "down";
  return up === (polarity === "higher") ? "improving" : "worsening";
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

/**
 * Check a target before it is saved: a real financial year (two consecutive years, 2025-26) or
 * a calendar year (2025); a target and tolerance that are finite numbers, not negative and below
 * {@link MAX_TARGET}; for a percentage, within 0 to 100.
 */
export function checkTarget(t: { year: string; target: number; tolerance: number }, unit: Unit = "count"): void {
  const fy = /^(\d{4})-(\d{2})$/.exec(t.year);
  const year = Number(fy?.[1] ?? t.year);
  const yearOk = fy ? (year + 1) % 100 === Number(fy[2]) : /^\d{4}$/.test(t.year);
  if (!yearOk || year < 1990 || year > 2099) {
    const why = fy && year >= 1990 && year <= 2099 ? `"${t.year}" is not a financial year: its two years must follow each other, as in ${year}-${String((year + 1) % 100).padStart(2, "0")}.` : `"${t.year}" is not a financial year or a calendar year.`;
    throw badTarget("year", t.year, why, "a financial year such as 2025-26, or a calendar year such as 2025");
  }
  const range = (column: "target" | "tolerance", x: number, what: string) => {
    const shown = Number.isNaN(x) ? "" : String(x);
    if (!Number.isFinite(x)) throw badTarget(column, shown, `The ${what} must be a number.`, unit === "percent" ? "a percentage from 0 to 100, such as 85" : "a number of at least 0, such as 120");
    if (unit === "percent" && (x < 0 || x > 100)) throw badTarget(column, shown, `The ${what} ${x} is not a percentage from 0 to 100.`, "a percentage from 0 to 100, such as 85");
    if (x < 0) throw badTarget(column, shown, `The ${what} cannot be negative: ${x} is below 0.`, "a number of at least 0");
    if (x >= MAX_TARGET) throw badTarget(column, shown, `The ${what} ${x} is too large: it must be below ${MAX_TARGET.toLocaleString("en-GB")}.`, `a number from 0 to ${MAX_TARGET.toLocaleString("en-GB")}`);
  };
  range("target", t.target, "target");
  range("tolerance", t.tolerance, "tolerance");
}

/** Read a targets file; every problem is located by row and column. */
export function parseTargets(text: string, fileName: string, knownIndicator: (id: string) => boolean, unitOf: (id: string) => Unit | undefined = () => undefined): { targets: Target[]; issues: DataIssue[] } {
  const issues: DataIssue[] = [];
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true }) as string[][];
  } catch (e) {
    return { targets: [], issues: [{ code: "TARGETS_CSV_MALFORMED", severity: "error", file: fileName, row: (e as { lines?: number }).lines, message: `${fileName} is not well-formed CSV.`, expected: "indicator,year,target,tolerance[,polarity]" }] };
  }
  const header = (records[0] ?? []).map((h) => h.trim().toLowerCase());
  const col = (n: string) => header.indexOf(n);
  for (const n of ["indicator", "year", "target", "tolerance"]) {
    if (col(n) < 0) issues.push({ code: "TARGETS_COLUMN_MISSING", severity: "error", file: fileName, row: 1, column: n, message: `the column ${n} is missing.`, expected: "indicator,year,target,tolerance[,polarity]" });
  }
  if (issues.length) return { targets: [], issues };
  const targets: Target[] = [];
  const seen = new Set<string>();
  records.slice(1).forEach((rec, i) => {
    const row = i + 2;
    const cell = (n: string) => (col(n) >= 0 ? (rec[col(n)] ?? "").trim() : "");
    const bad = (column: string, message: string, expected: string) => issues.push({ code: "TARGETS_VALUE_INVALID", severity: "error", file: fileName, row, column, value: cell(column), message, expected });
    const indicator = cell("indicator");
    if (!knownIndicator(indicator)) bad("indicator", `${indicator} is not an indicator id.`, "an id from `lantern indicators --list`");
    const year = cell("year");
    if (!/^\d{4}-\d{2}$/.test(year) && !/^\d{4}$/.test(year)) bad("year", `year "${year}" is not a financial year or a calendar year.`, "2024-25, or 2024 for calendar-year indicators");
    const target = Number(cell("target"));
    if (cell("target") === "" || !Number.isFinite(target)) bad("target", `target "${cell("target")}" is not a number.`, "a number such as 85");
    const tolerance = cell("tolerance") === "" ? 0 : Number(cell("tolerance"));
    if (!Number.isFinite(tolerance) || tolerance < 0) bad("tolerance", `tolerance "${cell("tolerance")}" is not a number of at least 0.`, "a number such as 5, or blank for none");
    const pol = cell("polarity").toLowerCase();
    if (pol && pol !== "higher" && pol !== "lower") bad("polarity", `polarity "${pol}" is not higher or lower.`, "higher, lower or blank (use the indicator's own)");
    const key = `${indicator}|${year}`;
    if (seen.has(key)) bad("year", `${indicator} already has a target for ${year}.`, "one target per indicator and year");
    seen.add(key);
    // The rules a target typed in the browser meets (a real year, a percentage within 0-100, …).
    if (!issues.some((x) => x.row === row)) {
      try {
        checkTarget({ year, target, tolerance }, unitOf(indicator));
      } catch (e) {
        if (!isLanternError(e)) throw e;
        for (const i of e.issues) issues.push({ ...i, code: "TARGETS_VALUE_INVALID", file: fileName, row, value: cell(i.column ?? "") || (i.value ?? "") });
      }
    }
    if (!issues.some((x) => x.row === row)) targets.push({ indicator, year, target, tolerance, ...(pol ? { polarity: pol as "higher" | "lower" } : {}) });
  });
  return { targets, issues };
}

/** The target for an indicator in the year a period falls in. */
export function targetFor(targets: readonly Target[], indicator: string, period: string): Target | undefined {
  const y = targetYear(period);
  return targets.find((t) => t.indicator === indicator && t.year === y);
}
