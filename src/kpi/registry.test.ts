import assert from "node:assert/strict";
import { test } from "node:test";
import { indicatorLibrary } from "./library/index.ts";
import { IndicatorRegistry } from "./registry.ts";
import type { IndicatorDef } from "./types.ts";

const figure: IndicatorDef = {
  id: "test_figure",
  title: "A figure",
  area: "workforce",
  unit: "count",
  polarity: "none",
  measure: "snapshot",
  periods: ["month"],
  definition: "A figure loaded from measures.csv, defined at enough length for a reader.",
  needs: [],
  source: "measures",
  sql: "",
};

test("registry: only a count can be an average, and a plausibility ceiling is above 0", () => {
  assert.doesNotThrow(() => new IndicatorRegistry().add({ ...figure, average: true, plausibleBelow: 1000 }));
  assert.throws(() => new IndicatorRegistry().add({ ...figure, unit: "percent", average: true }), /only a count can be an average/);
  assert.throws(() => new IndicatorRegistry().add({ ...figure, plausibleBelow: 0 }), /plausibleBelow must be above 0/);
  const caseload = indicatorLibrary().get("sw_caseload")!;
  assert.deepEqual([caseload.unit, caseload.average, caseload.plausibleBelow], ["count", true, 1000]);
});

test("every indicator's title is a complete phrase, not one cut off", () => {
  // QA: "Care leavers in education, employment or training, excluding those unable to be".
  const dangling = /\b(a|an|the|of|to|be|and|or|for|in|on|by|from|those|unable|excluding|within|than|at)$/i;
  const cut = indicatorLibrary()
    .list()
    .filter((d) => dangling.test(d.title.trim()))
    .map((d) => `${d.id}: ${d.title}`);
  assert.deepEqual(cut, []);
  assert.equal(indicatorLibrary().get("cl_eet_excl_unable_pct")?.title, "Care leavers in education, employment or training, excluding those unable to take part");
});
