import assert from "node:assert/strict";
import { test } from "node:test";
import type { IndicatorValue } from "../kpi/types.ts";
import { categoryKey, suppressedCategories } from "../analysis/suppression.ts";
import { isSuppressed } from "./access.ts";
import { breakdownShown, diffValues, hidingOf, SHOW_ALL, shown, shownCounts } from "./model.ts";

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
  const member = hidingOf(new Set());
  assert.equal(shown(v("referrals", "2025-01", 5), member).text, "c");
  assert.equal(shown(v("referrals", "2025-01", 5), SHOW_ALL).text, "5");
  assert.equal(shown(v("referrals", "2025-01", 0), member).text, "0");
  assert.equal(shown(v("referrals", "2025-01", 6), member).text, "6");
  // 3 of 40 children: the percentage rests on a small numerator.
  assert.equal(isSuppressed({ value: 7.5, numerator: 3, denominator: 40, unit: "percent" }), true);
  assert.equal(isSuppressed({ value: 50, numerator: 20, denominator: 40, unit: "percent" }), false);
  assert.equal(isSuppressed({ value: (100 * 11) / 12, numerator: 11, denominator: 12, unit: "percent" }), true, "the one care leaver not in touch");
  assert.equal(isSuppressed({ value: 12.1, numerator: 2, denominator: 16500, unit: "rate" }), true);
  assert.equal(isSuppressed({ value: 31, numerator: null, denominator: 4, unit: "days" }), true);
  const pct = (n: number, d: number) => v("assess_45wd_pct", "2025-01", (100 * n) / d, { unit: "percent", numerator: n, denominator: d });
  assert.deepEqual(shownCounts(pct(4, 1234), member), { numerator: "c", denominator: "c" }, "the percentage is hidden, so are both its counts");
  assert.deepEqual(shownCounts(pct(0, 4), member), { numerator: "c", denominator: "c" }, "0 out of c would still say 0%");
  assert.deepEqual(shownCounts(pct(600, 1234), member), { numerator: "600", denominator: "1,234" });
  assert.deepEqual(shownCounts(pct(4, 1234), SHOW_ALL), { numerator: "4", denominator: "1,234" });
});

test("members see c for a figure the rule hides across figures, with its counts; analysts see it", () => {
  // 20 of 40 beside 20 of 37: nothing small on its own, hidden because of the other.
  const eet = v("cl_eet_pct", "2025-01", 50, { unit: "percent", numerator: 20, denominator: 40 });
  const member = hidingOf(new Set(["cl_eet_pct|2025-01"]));
  assert.equal(isSuppressed(eet), false);
  assert.equal(shown(eet, member).text, "c");
  assert.deepEqual(shownCounts(eet, member), { numerator: "c", denominator: "c" });
  assert.equal(shown(eet, SHOW_ALL).text, "50.0%");
  assert.equal(shown({ ...eet, period: "2025-02" }, member).text, "50.0%", "only the figure named is hidden");
});

test("breakdowns for members: a small category and the next smallest are hidden, so neither can be worked out from the total", () => {
  const total = v("referrals", "2025-26", 33);
  const cats = [v("referrals", "2025-26", 10, { breakdown: "source", category: "police" }), v("referrals", "2025-26", 3, { breakdown: "source", category: "school" }), v("referrals", "2025-26", 20, { breakdown: "source", category: "health" })];
  const count = { unit: "count", measure: "flow" } as const;
  const hidden = suppressedCategories(count, cats, new Map([["2025-26", total]]), () => false);
  assert.deepEqual(
    breakdownShown(cats, hidden).map((r) => [r.category, r.value, r.numerator]),
    [
      ["police", "c", "c"],
      ["school", "c", "c"],
      ["health", "20", "20"],
    ],
  );
  // Analysts see every figure.
  assert.deepEqual(
    breakdownShown(cats, null).map((r) => r.value),
    ["10", "3", "20"],
  );
  // When the total is itself hidden, the categories would add up to it: the smallest goes.
  const big = [v("referrals", "2025-26", 10, { breakdown: "source", category: "police" }), v("referrals", "2025-26", 23, { breakdown: "source", category: "health" })];
  assert.deepEqual([...suppressedCategories(count, big, new Map([["2025-26", total]]), () => true)], [categoryKey("2025-26", "police")]);
  assert.deepEqual([...suppressedCategories(count, big, new Map([["2025-26", total]]), () => false)], []);
  // Percentages: a category resting on a small denominator is hidden with its numerator.
  const pct = (cat: string, n: number, d: number) => v("assess_45wd_pct", "2025-26", (100 * n) / d, { unit: "percent", numerator: n, denominator: d, breakdown: "sex", category: cat });
  const rows = [pct("F", 40, 50), pct("M", 30, 45), pct("U", 2, 4)];
  const headline = v("assess_45wd_pct", "2025-26", 72 / 0.99, { unit: "percent", numerator: 72, denominator: 99 });
  assert.deepEqual(
    breakdownShown(rows, suppressedCategories({ unit: "percent", measure: "flow" }, rows, new Map([["2025-26", headline]]), () => false)).map((r) => [r.category, r.value, r.numerator, r.denominator]),
    [
      ["F", "80.0%", "40", "50"],
      ["M", "c", "c", "c"],
      ["U", "c", "c", "c"],
    ],
  );
});
