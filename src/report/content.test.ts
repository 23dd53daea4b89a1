import assert from "node:assert/strict";
import { test } from "node:test";
import type { IndicatorDef, IndicatorValue, Unit } from "../kpi/types.ts";
import { suppressedKeys } from "./content.ts";

const def = (id: string, unit: Unit, measure: "flow" | "snapshot"): IndicatorDef => ({
  id,
  title: id,
  area: "front_door",
  unit,
  polarity: "none",
  measure,
  periods: ["month", "quarter", "year"],
  definition: "x".repeat(40),
  needs: [],
  sql: "",
});
const val = (indicator: string, period: string, value: number, numerator: number | null = null, denominator: number | null = null, unit: Unit = "count"): IndicatorValue => ({ indicator, authority: "X", period, value, numerator, denominator, unit, snapshot: 1 });

test("flow counts: a small month is protected by the next smallest in its quarter; quarters and the year stay", () => {
  // 2024-25: April 3, May 10, June 12, then 20 a month. Q1 = 25, Q2–Q4 = 60, the year 205.
  const months = ["2024-04", "2024-05", "2024-06", "2024-07", "2024-08", "2024-09", "2024-10", "2024-11", "2024-12", "2025-01", "2025-02", "2025-03"];
  const counts = [3, 10, 12, 20, 20, 20, 20, 20, 20, 20, 20, 20];
  const values = [
    ...months.map((m, i) => val("contacts", m, counts[i]!)),
    val("contacts", "2024-25-Q1", 25),
    val("contacts", "2024-25-Q2", 60),
    val("contacts", "2024-25-Q3", 60),
    val("contacts", "2024-25-Q4", 60),
    val("contacts", "2024-25", 205),
  ];
  // April alone could be worked out as Q1 − May − June, so May (the smaller of the two) goes too.
  assert.deepEqual([...suppressedKeys([def("contacts", "count", "flow")], values)].sort(), ["contacts|2024-04", "contacts|2024-05"]);
});

test("snapshot counts, percentages, rates and medians on small counts", () => {
  const defs = [def("cp_plans", "count", "snapshot"), def("pct", "percent", "flow"), def("rate", "rate", "snapshot"), def("days", "days", "flow")];
  const values = [
    val("cp_plans", "2024-05", 2),
    val("cp_plans", "2024-06", 6),
    val("pct", "2024-05", 75, 3, 4, "percent"),
    val("pct", "2024-06", 50, 10, 20, "percent"),
    val("pct", "2024-07", 0, 0, 30, "percent"),
    val("rate", "2024-05", 1.2, 5, 40000, "rate"),
    val("days", "2024-05", 31, null, 5, "days"),
    val("days", "2024-06", 31, null, 6, "days"),
  ];
  assert.deepEqual([...suppressedKeys(defs, values)].sort(), ["cp_plans|2024-05", "days|2024-05", "pct|2024-05", "rate|2024-05"]);
});

test("a percentage whose count and denominator differ by 1 to 5, or two of one area over the same records whose denominators do, are suppressed", () => {
  const eet = { ...def("cl_eet_pct", "percent", "flow"), area: "care_leavers" as const };
  const excl = { ...def("cl_eet_excl_unable_pct", "percent", "flow"), area: "care_leavers" as const };
  const other = def("referral_to_assessment_pct", "percent", "flow");
  const values = [
    // 11 of 12 in touch: the one not in touch is a count of 1.
    val("cl_eet_pct", "2024-05", (100 * 11) / 12, 11, 12, "percent"),
    // 20 of 40 beside 20 of 37: the 3 left out of the second are published by subtraction.
    val("cl_eet_pct", "2024-06", 50, 20, 40, "percent"),
    val("cl_eet_excl_unable_pct", "2024-06", (100 * 20) / 37, 20, 37, "percent"),
    // The same numbers in another area are not the same records: nothing to protect.
    val("referral_to_assessment_pct", "2024-06", (100 * 20) / 37, 20, 37, "percent"),
    val("cl_eet_pct", "2024-07", 50, 20, 40, "percent"),
    val("cl_eet_excl_unable_pct", "2024-07", (100 * 20) / 30, 20, 30, "percent"),
  ];
  assert.deepEqual([...suppressedKeys([eet, excl, other], values)].sort(), ["cl_eet_excl_unable_pct|2024-06", "cl_eet_pct|2024-05", "cl_eet_pct|2024-06"]);
});
