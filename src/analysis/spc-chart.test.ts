// The one rule for charting a monthly series: what is refused, the months and baseline used, and
// limits drawn within what the unit can hold. The digest, report and web all call it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parsePeriod, periodsWithin } from "../calendar/periods.ts";
import type { IndicatorDef, IndicatorValue } from "../kpi/types.ts";
import { monthlySpc, monthlyTarget, runPoints, spcRefusalText } from "./spc-chart.ts";

const def = (unit: IndicatorDef["unit"], extra: Partial<IndicatorDef> = {}) => ({ unit, polarity: "lower", measure: "flow", ...extra }) as IndicatorDef;

/** `values` as consecutive months from April 2020 (numerator = value; denominator as given). */
function months(values: readonly number[], denominator: number | null = null): IndicatorValue[] {
  return periodsWithin("2020-04-01", "2030-03-31", ["month"])
    .slice(0, values.length)
    .map((p, i) => ({ indicator: "x", authority: "X", period: p.id, value: values[i]!, numerator: values[i]!, denominator, unit: "count", snapshot: 1 }));
}

test("the last 36 months are charted, limits fixed on the 24 before the latest year", () => {
  // 48 months: the first 12 at 500 (left out), then 24 alternating 100/104, then 12 at 102.
  const vals = [...Array(12).fill(500), ...Array.from({ length: 24 }, (_, i) => (i % 2 ? 104 : 100)), ...Array(12).fill(102)];
  const c = monthlySpc(def("count"), months(vals));
  assert.ok(c.result);
  assert.equal(c.result.points.length, 36);
  assert.equal(c.result.points[0]!.date, "2021-04-30");
  const seg = c.result.segments[0]!;
  assert.equal(seg.baselineN, 24);
  // Mean 102 and MR̄ 4 from the 24 months only: limits 102 ± 2.66 × 4.
  assert.equal(seg.mean, 102);
  assert.ok(Math.abs(seg.upl - (102 + 2.66 * 4)) < 1e-9, String(seg.upl));
  // Were the latest year in the baseline, MR̄ would fall (23 ranges of 4 and 12 of 0 over 35).
});

test("a recording change rebases instead of fixing the limits; one in the last month leaves too few points", () => {
  const vals = Array.from({ length: 30 }, (_, i) => (i < 20 ? 100 + (i % 3) : 200 + (i % 3)));
  const at = months(vals);
  const c = monthlySpc(def("count"), at, { breaks: [at[20]!.period + "-01"] });
  assert.ok(c.result);
  assert.equal(c.result.segments.length, 2);
  assert.equal(c.result.segments[1]!.fixed, false);
  assert.equal(c.result.points.at(-1)!.type, "common_cause", "the new level is judged on its own limits");
  assert.deepEqual(monthlySpc(def("count"), at, { breaks: ["2022-09-01"] }), { reason: "few_months" });
});

test("refused: fewer than 12 months; a percentage of under 20 records in a month of the last year; a count averaging under 5", () => {
  assert.deepEqual(monthlySpc(def("count"), months(Array(11).fill(50))), { reason: "few_months" });
  // A stock (children looked after at each month's end) is never charted, however many months.
  assert.deepEqual(monthlySpc(def("count", { measure: "snapshot" }), months(Array(36).fill(50))), { reason: "stock" });
  assert.ok(monthlySpc(def("count"), months(Array(12).fill(50))).result);
  const pct = months(Array(24).fill(50), 40);
  assert.ok(monthlySpc(def("percent"), pct).result);
  const oneSmall = pct.map((v, i) => (i === 20 ? { ...v, denominator: 19 } : v));
  assert.deepEqual(monthlySpc(def("percent"), oneSmall), { reason: "few_records" });
  // An older small month (before the last 12) does not refuse the chart.
  assert.ok(monthlySpc(def("percent"), pct.map((v, i) => (i === 5 ? { ...v, denominator: 3 } : v))).result);
  assert.deepEqual(monthlySpc(def("count"), months(Array(24).fill(4.9))), { reason: "few_records" });
  assert.ok(monthlySpc(def("count"), months(Array(24).fill(5))).result);
  assert.ok(monthlySpc(def("count", { average: true }), months(Array(24).fill(2))).result, "an average caseload is not a count of events");
  assert.match(spcRefusalText("few_records", "percent"), /under 20 in a month of the last year/);
  assert.match(spcRefusalText("few_records", "count"), /fewer than 5 a month on average/);
});

test("limits are drawn no further than the unit allows; the signals are unchanged", () => {
  // A percentage swinging between 2% and 98%: its raw limits fall outside 0–100.
  const vals = Array.from({ length: 24 }, (_, i) => (i % 2 ? 98 : 2));
  const c = monthlySpc(def("percent"), months(vals, 50));
  assert.ok(c.result);
  for (const p of c.result.points) {
    assert.ok(p.lpl >= 0 && p.upl <= 100 && p.nlpl >= 0 && p.nupl <= 100, JSON.stringify(p));
    assert.equal(p.type === "common_cause" || p.rule !== "astronomical", true, "no value passes a bound");
  }
  assert.equal(c.result.segments[0]!.lpl, 0);
  assert.equal(c.result.segments[0]!.upl, 100);
  // A count's lower limit stops at 0; its upper limit is not bounded.
  const low = monthlySpc(def("count"), months(Array.from({ length: 24 }, (_, i) => (i % 2 ? 40 : 6))));
  assert.ok(low.result);
  assert.equal(low.result.segments[0]!.lpl, 0);
  assert.ok(low.result.segments[0]!.upl > 40);
});

test("runPoints: from the first month with a value to the last month asked for, a hidden, valueless or unheld month a gap, nothing with under two values", () => {
  const span = periodsWithin("2020-04-01", "2020-12-31", ["month"]);
  // Held: June (null), July 5, August 6 (hidden), September null, October 7; nothing from November.
  const held = new Map<string, IndicatorValue>(
    [["2020-06", null], ["2020-07", 5], ["2020-08", 6], ["2020-09", null], ["2020-10", 7]].map(([p, v]) => [p as string, { indicator: "x", authority: "X", period: p as string, value: v as number | null, numerator: null, denominator: null, unit: "count", snapshot: 1 }]),
  );
  const pts = runPoints(span, (m) => held.get(m), (v) => v.period === "2020-08");
  // November and December, asked for but not held, are gaps at the end: a chart of a period ending
  // in December must not stop at October as if it were up to date.
  assert.deepEqual(pts, [
    { date: "2020-07-31", period: "July 2020", value: 5 },
    { date: "2020-08-31", period: "August 2020", value: null },
    { date: "2020-09-30", period: "September 2020", value: null },
    { date: "2020-10-31", period: "October 2020", value: 7 },
    { date: "2020-11-30", period: "November 2020", value: null },
    { date: "2020-12-31", period: "December 2020", value: null },
  ]);
  // With August shown it is a value; with October hidden too, one value is left: no chart.
  assert.equal(runPoints(span, (m) => held.get(m), () => false)![1]!.value, 6);
  assert.equal(runPoints(span, (m) => held.get(m), (v) => v.period === "2020-08" || v.period === "2020-10"), null);
  assert.equal(runPoints(span, () => undefined, () => false), null);
});

test("a month without a value ends the months before it: no limits across the gap; a percentage's empty month in the last year is too few records", () => {
  const vals = Array.from({ length: 36 }, (_, i) => 100 + (i % 4));
  const all = months(vals, 200).map((v) => ({ ...v, unit: "percent" as const, value: 50 + (v.value! % 4) }));
  // The values reach monthlySpc with the empty month left out, as every caller filters them.
  const gapRecent = all.filter((_, i) => i !== 30);
  assert.equal(monthlySpc(def("percent"), gapRecent).reason, "few_records");
  assert.equal(monthlySpc(def("percent"), all.map((v, i) => (i === 30 ? { ...v, value: null } : v))).reason, "few_records", "a null month counts the same");
  const counts = months(vals);
  assert.equal(monthlySpc(def("count"), counts.filter((_, i) => i !== 30)).reason, "few_months", "5 months after the gap");
  const early = monthlySpc(def("count"), counts.filter((_, i) => i !== 10));
  assert.ok(early.result);
  assert.equal(early.result.points.length, 25, "the chart starts the month after the gap");
  assert.equal(early.result.points[0]!.date, parsePeriod(counts[11]!.period)!.end);
  assert.equal(monthlySpc(def("count"), counts).result?.points.length, 36);
});

test("a recording change leaving one month before it starts the chart at the change, rather than leaving the indicator unjudged", () => {
  // 36 months, a change in the second month, and the last month far above the rest.
  const vals = Array.from({ length: 36 }, (_, i) => (i === 35 ? 400 : 100 + (i % 3) * 2));
  const at = months(vals);
  const c = monthlySpc(def("count", { polarity: "none" }), at, { breaks: [`${at[1]!.period}-10`] });
  assert.ok(c.result, String(c.reason));
  assert.equal(c.result.points.length, 35);
  assert.equal(c.result.segments.length, 1);
  assert.equal(c.result.variation, "special_cause_neutral_high");
  // Two changes a few days apart leave no month between them: the chart starts at the later one.
  const two = monthlySpc(def("count", { polarity: "none" }), at, { breaks: [`${at[10]!.period}-10`, `${at[10]!.period}-20`] });
  assert.equal(two.result?.points.length, 26, "February 2021 to March 2023");
});

test("a target's polarity judges the chart as it judges the RAG rating: an indicator with none reads as improvement or concern", () => {
  const vals = Array.from({ length: 36 }, (_, i) => (i === 35 ? 400 : 100 + (i % 3) * 2));
  const at = months(vals);
  assert.equal(monthlySpc(def("count", { polarity: "none" }), at).result?.variation, "special_cause_neutral_high");
  assert.equal(monthlySpc(def("count", { polarity: "none" }), at, { polarity: "higher" }).result?.variation, "special_cause_improvement");
  assert.equal(monthlySpc(def("count", { polarity: "none" }), at, { polarity: "lower" }).result?.variation, "special_cause_concern");
});

test("a monthly chart's target is the month's, whatever period is reported: a count's twelfth, a percentage as set, none for a share that grows with the period", () => {
  const targets = [
    { indicator: "referrals", year: "2025-26", target: 1200, tolerance: 120, polarity: "lower" as const },
    { indicator: "pct", year: "2025-26", target: 90, tolerance: 5 },
    { indicator: "missing", year: "2025-26", target: 10, tolerance: 2, polarity: "lower" as const },
  ];
  const flow = { id: "referrals", unit: "count", measure: "flow", polarity: "none" } as const;
  for (const id of ["2025-09", "2025-26-Q2", "2025-26", "12m-2025-09"]) {
    const t = monthlyTarget(targets, flow, parsePeriod(id)!);
    assert.equal(t.target?.target, 100, id);
    assert.equal(t.target?.tolerance, 10, id);
    assert.equal(t.polarity, "lower", id);
  }
  assert.equal(monthlyTarget(targets, { id: "pct", unit: "percent", measure: "flow", polarity: "higher" }, parsePeriod("2025-26-Q2")!).target?.target, 90);
  // A year's chart ends in March: that month's financial year.
  assert.equal(monthlyTarget(targets, flow, parsePeriod("2024-25")!).target, undefined);
  // No month is judged against a year's target for the share who went missing, but the row's polarity still reads the chart.
  const missing = monthlyTarget(targets, { id: "missing", unit: "percent", measure: "flow", polarity: "none", growsWithPeriod: true }, parsePeriod("2025-26")!);
  assert.equal(missing.target, undefined);
  assert.equal(missing.polarity, "lower");
});
