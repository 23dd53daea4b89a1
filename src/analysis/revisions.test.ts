import assert from "node:assert/strict";
import { test } from "node:test";
import type { IndicatorValue } from "../kpi/types.ts";
import { revisionsBetween } from "./revisions.ts";

const v = (indicator: string, period: string, value: number | null, snapshot: number, extra: Partial<IndicatorValue> = {}): IndicatorValue => ({
  indicator,
  authority: "X001",
  period,
  value,
  numerator: value,
  denominator: null,
  unit: "count",
  snapshot,
  ...extra,
});

test("revisions list exactly the headline figures whose value changed between two loads", () => {
  const before = [v("referrals", "2024-25", 768, 1), v("referrals", "2024-25-Q1", 200, 1), v("contacts", "2024-25", null, 1), v("cla_at_end", "2024-25", 406, 1), v("referrals", "2024-25", 5, 1, { breakdown: "source", category: "1A" })];
  const after = [
    v("referrals", "2024-25", 771, 2), // amended: three late-recorded referrals
    v("referrals", "2024-25-Q1", 200, 2), // unchanged
    v("contacts", "2024-25", 8401, 2), // could not be computed before
    v("cla_at_end", "2024-25", 406.0000000001, 2), // the same figure (floating point)
    v("referrals", "2024-25", 6, 2, { breakdown: "source", category: "1A" }), // breakdowns are not compared
    v("referrals", "2025-26", 10, 2), // a period the earlier load did not have
  ];
  assert.deepEqual(
    revisionsBetween(before, after).map((r) => [r.indicator, r.period, r.old_value, r.new_value, r.old_snapshot, r.new_snapshot]),
    [
      ["referrals", "2024-25", 768, 771, 1, 2],
      ["contacts", "2024-25", null, 8401, 1, 2],
    ],
  );
});
