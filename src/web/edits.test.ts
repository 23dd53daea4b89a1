import assert from "node:assert/strict";
import { test } from "node:test";
import { tempStore } from "../../test/fixtures.ts";
import { effectiveTargets, saveTarget, targetHistory } from "./edits.ts";

test("saveTarget takes the target as typed and refuses what could never apply or was not meant: a calendar year on a financial-year indicator, 0x10, a fractional count", async () => {
  const { store, dataDir, cleanup } = await tempStore();
  try {
    const by = "analyst";
    const refused: [Parameters<typeof saveTarget>[1], string, RegExp][] = [
      [{ indicator: "referral_to_assessment_pct", year: "2025", target: "90", tolerance: "2", by }, "year", /is measured by financial year/],
      [{ indicator: "referral_to_assessment_pct", year: "2026-27", target: "0x10", tolerance: "0", by }, "target", /"0x10" is not a plain number/],
      [{ indicator: "referral_to_assessment_pct", year: "2026-27", target: "1e3", tolerance: "0", by }, "target", /"1e3" is not a plain number/],
      [{ indicator: "contacts", year: "2026-27", target: "12.5", tolerance: "", by }, "target", /is not a whole number, and contacts is a count/],
      // A number read by the caller still meets the year and whole-number rules.
      [{ indicator: "contacts", year: "2026", target: 12, tolerance: 0, by }, "year", /is measured by financial year/],
    ];
    for (const [t, column, message] of refused) {
      await assert.rejects(saveTarget(store, t), (e: Error & { issues: { column?: string }[] }) => {
        assert.match(e.message, message, JSON.stringify(t));
        assert.equal(e.issues[0]?.column, column, JSON.stringify(t));
        return true;
      });
    }
    assert.deepEqual(await targetHistory(store), [], "nothing was saved");

    const saved = await saveTarget(store, { indicator: "ehcp_20wk_pct", year: " 2025 ", target: " 60.5 ", tolerance: "", by });
    assert.deepEqual([saved.year, saved.target, saved.tolerance], ["2025", 60.5, 0]);
    await saveTarget(store, { indicator: "contacts", year: "2026-27", target: "1200", tolerance: "50", by });
    assert.deepEqual(
      (await effectiveTargets(store, dataDir)).map((t) => [t.indicator, t.year, t.target, t.tolerance]),
      [
        ["contacts", "2026-27", 1200, 50],
        ["ehcp_20wk_pct", "2025", 60.5, 0],
      ],
    );
  } finally {
    await cleanup();
  }
});
