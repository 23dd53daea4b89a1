import assert from "node:assert/strict";
import { test } from "node:test";
import { formatPublished, formatValue } from "./format.ts";

test("a published figure is shown to the places the DfE publishes it to: whole-number percentages and rates without a .0", () => {
  assert.equal(formatPublished(10, "percent", 0), "10%");
  assert.equal(formatPublished(67, "rate", 0), "67");
  assert.equal(formatPublished(22.6, "percent", 1), "22.6%");
  assert.equal(formatPublished(519.4, "rate", 1), "519.4");
  // Not known to be rounded: as any value.
  assert.equal(formatPublished(10, "percent", null), formatValue(10, "percent"));
  assert.equal(formatPublished(10, "percent", null), "10.0%");
  assert.equal(formatPublished(1234, "count", 0), "1,234");
});
