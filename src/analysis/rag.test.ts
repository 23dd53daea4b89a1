import assert from "node:assert/strict";
import { test } from "node:test";
import { direction, parseTargets, rag, targetFor, targetYear } from "./rag.ts";

test("RAG by polarity: green meets, amber within tolerance, red beyond", () => {
  const t = { target: 85, tolerance: 5 };
  assert.equal(rag(85, t, "higher"), "green");
  assert.equal(rag(80, t, "higher"), "amber", "exactly the tolerance short is amber");
  assert.equal(rag(79.9, t, "higher"), "red");
  assert.equal(rag(85, t, "lower"), "green");
  assert.equal(rag(90, t, "lower"), "amber");
  assert.equal(rag(90.1, t, "lower"), "red");
  assert.equal(rag(50, t, "none"), null);
});

test("direction of travel follows polarity", () => {
  assert.equal(direction(90, 85, "higher"), "improving");
  assert.equal(direction(90, 85, "lower"), "worsening");
  assert.equal(direction(90, 85, "none"), "up");
  assert.equal(direction(85, 85, "higher"), "no change");
  assert.equal(direction(85, null, "higher"), null);
});

test("targets.csv: read, located problems, matched to periods by financial year", () => {
  const known = (id: string) => ["assess_45wd_pct", "rereferral_pct", "ehcp_20wk_pct"].includes(id);
  const { targets, issues } = parseTargets(
    "indicator,year,target,tolerance,polarity\nassess_45wd_pct,2024-25,90,5,\nrereferral_pct,2024-25,20,2,\nehcp_20wk_pct,2024,60,10,\nnope,2024-25,1,1,\nassess_45wd_pct,2024-25,91,5,\nrereferral_pct,2025-26,x,1,sideways",
    "targets.csv",
    known,
  );
  assert.equal(targets.length, 3);
  assert.deepEqual(
    issues.map((i) => [i.row, i.column]),
    [
      [5, "indicator"],
      [6, "year"],
      [7, "target"],
      [7, "polarity"],
    ],
  );
  assert.equal(targetYear("2025-02"), "2024-25");
  assert.equal(targetYear("2024-25-Q3"), "2024-25");
  assert.equal(targetYear("12m-2025-03"), "2024-25");
  assert.equal(targetYear("2024"), "2024");
  assert.equal(targetFor(targets, "assess_45wd_pct", "2024-11")?.target, 90);
  assert.equal(targetFor(targets, "ehcp_20wk_pct", "2024")?.target, 60);
  assert.equal(targetFor(targets, "assess_45wd_pct", "2025-04"), undefined);
});

test("targets.csv meets the rules the browser form does: a real financial year, percentages within 0-100, nothing negative or absurd", () => {
  const units: Record<string, "percent" | "count"> = { assess_45wd_pct: "percent", referrals: "count" };
  const { targets, issues } = parseTargets(
    "indicator,year,target,tolerance\nassess_45wd_pct,2026-28,90,5\nassess_45wd_pct,2025-26,150,5\nreferrals,2025-26,-5,0\nreferrals,2024-25,1e21,0\nreferrals,2023-24,3000,100",
    "targets.csv",
    (id) => id in units,
    (id) => units[id],
  );
  assert.deepEqual(
    targets.map((t) => `${t.indicator} ${t.year}`),
    ["referrals 2023-24"],
  );
  assert.deepEqual(
    issues.map((i) => [i.code, i.file, i.row, i.column, i.value]),
    [
      ["TARGETS_VALUE_INVALID", "targets.csv", 2, "year", "2026-28"],
      ["TARGETS_VALUE_INVALID", "targets.csv", 3, "target", "150"],
      ["TARGETS_VALUE_INVALID", "targets.csv", 4, "target", "-5"],
      ["TARGETS_VALUE_INVALID", "targets.csv", 5, "target", "1e21"],
    ],
  );
  assert.match(issues[0]!.message, /its two years must follow each other, as in 2026-27/);
  assert.match(issues[1]!.message, /not a percentage from 0 to 100/);
});
