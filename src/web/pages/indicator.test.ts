// The indicator page's parts that need no store: what a reader sees in the yearly averages.
import assert from "node:assert/strict";
import { test } from "node:test";
import { yearlyTable } from "./indicator.ts";

const cells = (h: string) => [...h.matchAll(/<td class="govuk-table__cell govuk-table__cell--numeric">([^<]*)<\/td>/g)].map((m) => m[1]);

test("a yearly average of counts groups its thousands as the counts beside it do, with one decimal place", () => {
  // Children with an EHC plan in the demo: counts of "3,191" above averages that read "3169.6".
  const h = String(yearlyTable([{ year: "2025-26", mean: 3169.625, months: 12, hidden: false }, { year: "2026-27", mean: 812, months: 6, hidden: false }], "count"));
  assert.deepEqual(cells(h), ["3,169.6", "12", "812.0", "6"]);
  assert.deepEqual(cells(String(yearlyTable([{ year: "2025-26", mean: 85.25, months: 12, hidden: false }], "percent"))), ["85.3%", "12"]);
  assert.deepEqual(cells(String(yearlyTable([{ year: "2025-26", mean: 1234.5, months: 12, hidden: true }], "count"))), ["c", "12"]);
});
