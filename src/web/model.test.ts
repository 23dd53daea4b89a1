import assert from "node:assert/strict";
import { test } from "node:test";
import type { IndicatorValue } from "../kpi/types.ts";
import { isSuppressed } from "./access.ts";
import { breakdownShown, diffValues, shown, shownCount } from "./model.ts";

const v = (indicator: string, period: string, value: number | null, extra: Partial<IndicatorValue> = {}): IndicatorValue => ({
  indicator,
  authority: "X001",
  period,
  value,
  numerator: value,
  denominator: null,
  unit: "count",
  snapshot: 1,
  ...extra,
});

test("diffValues lists totals whose value changed between loads, ignoring breakdowns and new periods", () => {
  const before = [v("referrals", "2024-25", 100), v("contacts", "2024-25", 50), v("cla_rate", "2024-25", null), v("referrals", "2024-25", 3, { breakdown: "source", category: "police" })];
  const after = [v("referrals", "2024-25", 102), v("contacts", "2024-25", 50), v("cla_rate", "2024-25", 61.2), v("referrals", "2024-25", 4, { breakdown: "source", category: "police" }), v("referrals", "2025-26", 9)];
  assert.deepEqual(
    diffValues(before, after).map((r) => [r.indicator, r.period, r.before.value, r.after.value]),
    [
      ["referrals", "2024-25", 100, 102],
      ["cla_rate", "2024-25", null, 61.2],
    ],
  );
  // A figure loaded or dropped since, for a period both loads hold, is listed with the missing side as no value.
  const loaded = [...after, v("sw_caseload", "2024-25", 17)];
  assert.deepEqual(diffValues(after, loaded).map((r) => [r.indicator, r.before.value, r.after.value, r.before.reason ?? r.after.reason]), [["sw_caseload", null, 17, "not in the earlier load"]]);
  assert.deepEqual(diffValues(loaded, after).map((r) => [r.indicator, r.before.value, r.after.value, r.after.reason]), [["sw_caseload", 17, null, "not in the later load"]]);
});

test("members see c for counts of 1 to 5 and for figures resting on them; 0 and 6 are shown", () => {
  assert.equal(shown(v("referrals", "2025-01", 5), true).text, "c");
  assert.equal(shown(v("referrals", "2025-01", 5), false).text, "5");
  assert.equal(shown(v("referrals", "2025-01", 0), true).text, "0");
  assert.equal(shown(v("referrals", "2025-01", 6), true).text, "6");
  // 3 of 40 children: the percentage rests on a small numerator.
  assert.equal(isSuppressed({ value: 7.5, numerator: 3, denominator: 40, unit: "percent" }), true);
  assert.equal(isSuppressed({ value: 50, numerator: 20, denominator: 40, unit: "percent" }), false);
  assert.equal(isSuppressed({ value: (100 * 11) / 12, numerator: 11, denominator: 12, unit: "percent" }), true, "the one care leaver not in touch");
  assert.equal(isSuppressed({ value: 12.1, numerator: 2, denominator: 16500, unit: "rate" }), true);
  assert.equal(isSuppressed({ value: 31, numerator: null, denominator: 4, unit: "days" }), true);
  assert.equal(shownCount(4, true), "c");
  assert.equal(shownCount(1234, true), "1,234");
  assert.equal(shownCount(null, true), "");
});

test("breakdowns for members: a small category and the next smallest are hidden, so neither can be worked out from the total", () => {
  const total = v("referrals", "2025-26", 33);
  const cats = [v("referrals", "2025-26", 10, { breakdown: "source", category: "police" }), v("referrals", "2025-26", 3, { breakdown: "source", category: "school" }), v("referrals", "2025-26", 20, { breakdown: "source", category: "health" })];
  assert.deepEqual(
    breakdownShown(cats, total, true).map((r) => [r.category, r.value, r.numerator]),
    [
      ["police", "c", "c"],
      ["school", "c", "c"],
      ["health", "20", "20"],
    ],
  );
  // Analysts see every figure.
  assert.deepEqual(
    breakdownShown(cats, total, false).map((r) => r.value),
    ["10", "3", "20"],
  );
  // Percentages: a category resting on a small denominator is hidden with its numerator.
  const pct = (cat: string, n: number, d: number) => v("assess_45wd_pct", "2025-26", (100 * n) / d, { unit: "percent", numerator: n, denominator: d, breakdown: "sex", category: cat });
  const rows = breakdownShown([pct("F", 40, 50), pct("M", 30, 45), pct("U", 2, 4)], v("assess_45wd_pct", "2025-26", 72 / 0.99, { unit: "percent", numerator: 72, denominator: 99 }), true);
  assert.deepEqual(
    rows.map((r) => [r.category, r.value, r.numerator, r.denominator]),
    [
      ["F", "80.0%", "40", "50"],
      ["M", "c", "c", "c"],
      ["U", "c", "c", "c"],
    ],
  );
});
