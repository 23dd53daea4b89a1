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
    revisionsBetween(before, after).map((r) => [r.indicator, r.period, r.old_value, r.new_value, r.old_snapshot, r.new_snapshot, r.change]),
    [
      ["referrals", "2024-25", 768, 771, 1, 2, "amended"],
      ["contacts", "2024-25", null, 8401, 1, 2, "new"],
    ],
  );
});

test("a figure that appears or disappears between loads is a revision, labelled, with the reason it has no value", () => {
  const before = [
    v("referrals", "2026-08", 230, 1),
    v("referrals", "2026-09", 240, 1),
    v("cl_in_touch_pct", "2026-09", 91.7, 1, { unit: "percent" }),
    v("sw_caseload", "2026-08", 18, 1), // a measure the new load no longer has
    v("cl_eet_pct", "2026-09", null, 1, { unit: "percent", reason: "no records in the denominator for this period" }),
    v("referrals", "2020-04", 200, 1), // a month the new (rolling) extract no longer reaches
    v("sw_caseload", "2026-08", 3, 1, { breakdown: "team", category: "A" }),
  ];
  const after = [
    v("referrals", "2026-08", 230, 3),
    v("referrals", "2026-09", 240, 3),
    v("cl_in_touch_pct", "2026-09", null, 3, { unit: "percent", reason: "ssd_care_leavers is not loaded" }),
    v("cl_eet_pct", "2026-09", 55, 3, { unit: "percent" }),
    v("sw_vacancy_rate", "2026-09", 15, 3, { unit: "percent" }), // a measure the old load did not have
    v("referrals", "2026-10", 250, 3), // a month the old extract did not reach
  ];
  assert.deepEqual(
    revisionsBetween(before, after).map((r) => [r.indicator, r.period, r.old_value, r.new_value, r.old_snapshot, r.new_snapshot, r.change, r.old_reason, r.new_reason]),
    [
      ["cl_in_touch_pct", "2026-09", 91.7, null, 1, 3, "no_longer_computed", undefined, "ssd_care_leavers is not loaded"],
      ["cl_eet_pct", "2026-09", null, 55, 1, 3, "new", "no records in the denominator for this period", undefined],
      ["sw_vacancy_rate", "2026-09", null, 15, 1, 3, "new", "no such figure in snapshot 1", undefined],
      ["sw_caseload", "2026-08", 18, null, 1, 3, "no_longer_computed", undefined, "no such figure in snapshot 3"],
    ],
  );
  // Nothing changed, nothing listed; and the reverse comparison swaps new and no longer computed.
  assert.deepEqual(revisionsBetween(after, after), []);
  assert.deepEqual(
    revisionsBetween(after, before).map((r) => [r.indicator, r.change]),
    [
      ["cl_in_touch_pct", "new"],
      ["sw_caseload", "new"],
      ["cl_eet_pct", "no_longer_computed"],
      ["sw_vacancy_rate", "no_longer_computed"],
    ],
  );
});
