// The indicator page's parts that need no store: what a reader sees in the yearly averages.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { IndicatorValue } from "../../kpi/types.ts";
import { hidingOf, SHOW_ALL } from "../model.ts";
import { valuesTable, yearlyTable } from "./indicator.ts";

const cells = (h: string) => [...h.matchAll(/<td class="govuk-table__cell govuk-table__cell--numeric">([^<]*)<\/td>/g)].map((m) => m[1]);

test("a yearly average of counts groups its thousands as the counts beside it do, with one decimal place", () => {
  // Children with an EHC plan in the demo: counts of "3,191" above averages that read "3169.6".
  const h = String(yearlyTable([{ year: "2025-26", mean: 3169.625, months: 12, hidden: false }, { year: "2026-27", mean: 812, months: 6, hidden: false }], "count"));
  assert.deepEqual(cells(h), ["3,169.6", "12", "812.0", "6"]);
  assert.deepEqual(cells(String(yearlyTable([{ year: "2025-26", mean: 85.25, months: 12, hidden: false }], "percent"))), ["85.3%", "12"]);
  assert.deepEqual(cells(String(yearlyTable([{ year: "2025-26", mean: 1234.5, months: 12, hidden: true }], "count"))), ["c", "12"]);
});

test("a figure in the values table that could not be computed says why, each reason once under the table", () => {
  // The demo's care leavers in contact in the last 8 weeks: a column of "–" over 26 quarters, none saying why.
  const later = "cannot be known: the SSD holds only each care leaver's latest contact, and at least one in this cohort was last contacted after the period ended";
  const none = "no records in the denominator for this period";
  const v = (period: string, value: number | null, numerator: number | null, denominator: number | null, reason?: string): IndicatorValue => ({ indicator: "cl_contact_8wk_pct", authority: "X001", period, value, numerator, denominator, unit: "percent", snapshot: 1, ...(reason ? { reason } : {}) });
  const rows = [v("2023-24-Q1", null, 0, 0, none), v("2025-26-Q4", null, null, 30, later), v("2026-27-Q1", null, null, 37, later), v("2026-27-Q2", 90.9, 40, 44)];
  const h = String(valuesTable(rows, SHOW_ALL, "Care leavers in contact in the last 8 weeks by quarter", "values-table"));
  assert.deepEqual(cells(h).filter((_, i) => i % 3 === 0), ["90.9%", "– (see note 1)", "– (see note 1)", "– (see note 2)"]);
  assert.match(h, new RegExp(`</table></div>\\s*<p class="govuk-body-s">Why a figure is –:</p>\\s*<ol class="govuk-list govuk-list--number govuk-body-s"><li>${later.replace(/[()]/g, "\\$&").replace("'", "(?:'|&#39;|&#x27;)")}</li><li>${none}</li></ol>`));
  // A figure hidden from a member is c, with no note: it has a value.
  const hidden = String(valuesTable([v("2026-27-Q2", 90.9, 40, 44)], hidingOf(new Set(["cl_contact_8wk_pct|2026-27-Q2"])), "x", "values-table"));
  assert.doesNotMatch(hidden, /Why a figure is/);
  // With every figure computed there are no notes.
  assert.doesNotMatch(String(valuesTable([v("2026-27-Q2", 90.9, 40, 44)], SHOW_ALL, "x", "values-table")), /Why a figure is/);
});
