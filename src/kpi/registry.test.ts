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
