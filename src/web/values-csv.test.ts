// The values CSV a reader downloads: every blank or c value says why, in a last column, `reason`.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { IndicatorValue } from "../kpi/types.ts";
import { hidingOf, SHOW_ALL } from "./model.ts";
import { SUPPRESSED_REASON, valuesCsv } from "./values-csv.ts";

const later = "cannot be known: the SSD holds only each care leaver's latest contact, and at least one in this cohort was last contacted after the period ended";
const v = (period: string, value: number | null, numerator: number | null, denominator: number | null, reason?: string): IndicatorValue => ({ indicator: "cl_contact_8wk_pct", authority: "X001", period, value, numerator, denominator, unit: "percent", snapshot: 3, ...(reason ? { reason } : {}) });
const rows = [v("2026-27-Q1", null, null, 37, later), v("2026-27-Q2", 90.9, 60, 66), v("2026-27-Q3", 80, 4, 5), v("2026-27-Q4", null, null, null)];

/** The CSV's cells, row by row (a quoted cell holding commas kept whole). */
function parse(csv: string): string[][] {
  return csv
    .trimEnd()
    .split("\n")
    .map((line) => {
      const cells: string[] = [];
      let cur = "";
      let quoted = false;
      for (let i = 0; i < line.length; i++) {
        const ch = line[i]!;
        if (quoted && ch === '"' && line[i + 1] === '"') {
          cur += '"';
          i++;
        } else if (ch === '"') quoted = !quoted;
        else if (ch === "," && !quoted) {
          cells.push(cur);
          cur = "";
        } else cur += ch;
      }
      return [...cells, cur];
    });
}

test("a value missing or shown as c comes with its reason, in a column added after the others", () => {
  const officer = parse(valuesCsv(rows, SHOW_ALL));
  assert.deepEqual(officer[0], ["authority", "indicator", "period", "value", "numerator", "denominator", "unit", "snapshot", "reason"]);
  assert.ok(officer.every((r) => r.length === 9), JSON.stringify(officer));
  const byPeriod = new Map(officer.slice(1).map((r) => [r[2], r]));
  assert.deepEqual(byPeriod.get("2026-27-Q1"), ["X001", "cl_contact_8wk_pct", "2026-27-Q1", "", "", "37", "percent", "3", later]);
  assert.deepEqual(byPeriod.get("2026-27-Q2"), ["X001", "cl_contact_8wk_pct", "2026-27-Q2", "90.9", "60", "66", "percent", "3", ""]);
  assert.deepEqual(byPeriod.get("2026-27-Q3"), ["X001", "cl_contact_8wk_pct", "2026-27-Q3", "80", "4", "5", "percent", "3", ""]);
  // A null stored with no reason is never a bare blank.
  assert.equal(byPeriod.get("2026-27-Q4")![8], "not computed");
  // A member: a hidden figure is c with why, as is one whose count and denominator differ by 1 to 5.
  const member = parse(valuesCsv(rows, hidingOf(new Set(["cl_contact_8wk_pct|2026-27-Q3"]))));
  const m = new Map(member.slice(1).map((r) => [r[2], r]));
  assert.deepEqual(m.get("2026-27-Q3"), ["X001", "cl_contact_8wk_pct", "2026-27-Q3", "c", "c", "c", "percent", "3", SUPPRESSED_REASON]);
  assert.equal(m.get("2026-27-Q1")![8], later);
  assert.equal(m.get("2026-27-Q2")![8], "");
  const close = parse(valuesCsv([v("2026-27-Q2", 90.9, 40, 44)], hidingOf(new Set())));
  assert.deepEqual(close[1]!.slice(3), ["c", "c", "c", "percent", "3", SUPPRESSED_REASON]);
});
