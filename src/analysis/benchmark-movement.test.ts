// Benchmark movements in the digest, on the DfE's published re-referral figures (England 22.4% in
// 2023-24, 22.6% in 2024-25; ReReferral, lower is better) with a synthetic authority compared like
// Camden (202), whose own values are chosen to sit in band A and then band D.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parsePeriod } from "../calendar/periods.ts";
import { indicatorLibrary } from "../kpi/library/index.ts";
import type { IndicatorValue } from "../kpi/types.ts";
import { benchmarkData } from "./benchmark-data.ts";
import { benchmarkMovements, benchmarkPeriodIds } from "./benchmark-movement.ts";
import { buildDigest } from "./digest.ts";

const data = benchmarkData();
const rereferral = indicatorLibrary().get("rereferral_pct")!;
const value = (period: string, v: number): IndicatorValue => ({ indicator: "rereferral_pct", authority: "X001", period, value: v, numerator: v, denominator: 100, unit: "percent", snapshot: 1 });

test("a move from band A to band D and from better than England to worse is a signal to watch, in words", () => {
  const own = new Map([
    ["2023-24", 15],
    ["2024-25", 30],
  ]);
  const period = parsePeriod("2025-06")!;
  assert.ok(benchmarkPeriodIds(period, [rereferral], data).includes("2024-25"));
  assert.ok(benchmarkPeriodIds(period, [rereferral], data).includes("2023-24"));
  const moved = benchmarkMovements({ authority: "X001", period, indicators: [rereferral], own: (_i, p) => own.get(p), options: { data, like: "202" } });
  assert.deepEqual(
    moved.map((s) => [s.kind, s.severity, s.label, s.text]),
    [
      [
        "benchmark",
        2,
        "benchmark: from quartile band A to D; from better than England to worse",
        "Re-referrals within 12 months moved from quartile band A to D among English councils (A is the best quarter) and from better than England to worse: 30.0% in 2024-25 (year to 31 March 2025) (England 22.6%), against 15.0% in 2023-24 (year to 31 March 2024) (England 22.4%).",
      ],
    ],
  );
  // The other way is an improvement.
  const back = benchmarkMovements({ authority: "X001", period, indicators: [rereferral], own: (_i, p) => (p === "2023-24" ? 30 : 15), options: { data, like: "202" } });
  assert.deepEqual(
    back.map((s) => [s.severity, s.label]),
    [[1, "benchmark: from quartile band D to A; from worse than England to better"]],
  );
  // No change of band or side: nothing. A figure the viewer may not see: nothing.
  assert.deepEqual(benchmarkMovements({ authority: "X001", period, indicators: [rereferral], own: (_i, p) => (p === "2023-24" ? 15 : 16), options: { data, like: "202" } }), []);
  assert.deepEqual(
    benchmarkMovements({ authority: "X001", period, indicators: [rereferral], own: (_i, p) => own.get(p), options: { data, like: "202" }, hidden: (_i, p) => p === "2024-25" }),
    [],
  );
  // Before 2024-25 has ended, its figures are not compared: the years are 2022-23 and 2023-24.
  assert.ok(!benchmarkPeriodIds(parsePeriod("2025-02")!, [rereferral], data).includes("2024-25"));
});

test("the digest lists benchmark movements beside SPC and RAG signals, in the indicator's group", () => {
  const d = buildDigest({ authority: "X001", period: "2025-06", indicators: [rereferral], values: [value("2023-24", 15), value("2024-25", 30), value("2025-06", 20)], benchmark: { data, like: "202" } });
  const demand = d.groups.find((g) => g.id === "demand")!;
  assert.deepEqual(
    demand.signals.map((s) => [s.indicator, s.kind, s.severity]),
    [["rereferral_pct", "benchmark", 2]],
  );
  // Without the published figures, no movement is looked for.
  assert.deepEqual(buildDigest({ authority: "X001", period: "2025-06", indicators: [rereferral], values: [value("2023-24", 15), value("2024-25", 30)] }).groups.flatMap((g) => g.signals), []);
});

test("a figure published in whole numbers is compared as one: 10.6% then 10.4% against England's 11 then 10 never changed side", () => {
  // Children with 3 or more placements (lower is better), a synthetic authority like Shropshire
  // (893). At the DfE's whole numbers its figures are 11 and 10, level with England both years.
  const three = indicatorLibrary().get("cla_3plus_placements_pct")!;
  const own = (_i: string, p: string) => (p === "2023-24" ? 10.6 : p === "2024-25" ? 10.4 : undefined);
  const moved = benchmarkMovements({ authority: "X001", period: parsePeriod("2025-06")!, indicators: [three], own, options: { data, like: "893" } });
  assert.ok(moved.every((s) => !/England/.test(s.label)), JSON.stringify(moved));
});

test("a movement of a measure published in whole numbers is said in whole numbers, with the authority's own figures beside it", () => {
  // A review found "11.0% against 9.0%" in the key messages while the section's table said 11.3%.
  const three = indicatorLibrary().get("cla_3plus_placements_pct")!;
  const own = (_i: string, p: string) => (p === "2023-24" ? 8.6 : p === "2024-25" ? 11.3 : undefined);
  const [moved] = benchmarkMovements({ authority: "X001", period: parsePeriod("2025-06")!, indicators: [three], own, options: { data, like: "893" } });
  assert.ok(moved);
  assert.match(moved.text, /: 11% in 2024-25 \(year to 31 March 2025\) \(England 10%\), against 9% in 2023-24 \(year to 31 March 2024\) \(England 11%\)\. Compared in whole numbers, as the DfE publishes this measure; this authority's own figures before rounding: 11\.3% \(2024-25\) and 8\.6% \(2023-24\)\.$/);
  assert.doesNotMatch(moved.text, /\d\.0%/);
});
