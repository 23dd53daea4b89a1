import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import type { IndicatorDef, IndicatorValue, Unit } from "../kpi/types.ts";
import { indicatorLibrary } from "../kpi/library/index.ts";
import { type CountTable, categoryKey, isSmallCount, SUPPRESSED, showCount, suppressedCategories, suppressedKeys, suppressedKeysEveryPeriod, suppressList, suppressRatio, suppressTable } from "./suppression.ts";

test("counts of 1 to 5 are suppressed; 0 and 6 are not", () => {
  assert.deepEqual([0, 1, 5, 6].map(isSmallCount), [false, true, true, false]);
  assert.equal(showCount(3, true), SUPPRESSED);
  assert.equal(showCount(1234, false), "1,234");
});

test("a breakdown with its total: the next smallest cell is suppressed too", () => {
  // 3 alone could be worked out as 25 − 10 − 12, so 10 (the next smallest) goes too.
  assert.deepEqual(suppressList([3, 10, 12], 25), { counts: [true, true, false], total: false });
  // Without a published total nothing can be subtracted.
  assert.deepEqual(suppressList([3, 10, 12]), { counts: [true, false, false], total: false });
  // Two small cells protect each other.
  assert.deepEqual(suppressList([3, 4, 12], 19), { counts: [true, true, false], total: false });
  // Zeros are published and never chosen to protect a cell.
  assert.deepEqual(suppressList([0, 2, 0, 9], 11), { counts: [false, true, false, true], total: false });
});

test("a table with totals: a single small cell needs a rectangle of four", () => {
  const t: CountTable = {
    cells: [
      [2, 20, 30],
      [15, 40, 50],
      [25, 60, 70],
    ],
    rowTotals: [52, 105, 155],
    colTotals: [42, 120, 150],
    grandTotal: 312,
  };
  const s = suppressTable(t);
  // 2 is primary; 20 (smallest in its row) and 15 (smallest in its column) protect it, and 40
  // closes the rectangle so that neither 20 nor 15 can be worked out.
  assert.deepEqual(s.cells, [
    [true, true, false],
    [true, true, false],
    [false, false, false],
  ]);
  assert.deepEqual([s.primary, s.secondary], [1, 3]);
  assert.deepEqual(s.rowTotals, [false, false, false]);
});

test("percentages and rates on a small count are suppressed", () => {
  assert.equal(suppressRatio(3, 40), true);
  assert.equal(suppressRatio(30, 4), true);
  assert.equal(suppressRatio(30, 40), false);
  // The records not counted are published by subtraction: 11 of 12, 95 of 100.
  assert.equal(suppressRatio(11, 12), true);
  assert.equal(suppressRatio(95, 100), true);
  assert.equal(suppressRatio(94, 100), false);
  assert.equal(suppressRatio(40, 40), false, "none left out: nothing to protect");
  assert.equal(suppressRatio(30, 40, true), true);
  assert.equal(suppressRatio(0, 40), false);
});

/**
 * An independent check, by linear algebra rather than the graph: write the table's equations
 * (each row and column adds up to its total), put in every published number, and reduce the
 * system over the hidden numbers (suppressed or unpublished) to row echelon form. A hidden number
 * can be worked out exactly when its unit vector lies in the row space — when it is a pivot whose
 * reduced row has no free variable in it. Hidden numbers that are 0 are treated as known (as an
 * intruder who guessed them would), which only makes the check stricter.
 */
function recoverable(t: CountTable, s: ReturnType<typeof suppressTable>): string[] {
  const R = t.cells.length;
  const C = t.cells[0]!.length;
  const rowT = t.cells.map((r) => r.reduce((a, b) => a + b, 0));
  const colT = Array.from({ length: C }, (_, j) => t.cells.reduce((a, r) => a + r[j]!, 0));
  const grand = rowT.reduce((a, b) => a + b, 0);
  type V = { key: string; value: number; hidden: boolean };
  const v = (r: number, c: number): V => {
    if (r < R && c < C) return { key: `cell ${r},${c}`, value: t.cells[r]![c]!, hidden: s.cells[r]![c]! };
    if (r < R) return { key: `row total ${r}`, value: rowT[r]!, hidden: !t.rowTotals || s.rowTotals[r]! };
    if (c < C) return { key: `column total ${c}`, value: colT[c]!, hidden: !t.colTotals || s.colTotals[c]! };
    return { key: "grand total", value: grand, hidden: t.grandTotal === undefined || s.grandTotal };
  };
  const unknowns: string[] = [];
  const index = new Map<string, number>();
  for (let r = 0; r <= R; r++) {
    for (let c = 0; c <= C; c++) {
      const x = v(r, c);
      if (x.hidden && x.value !== 0) index.set(x.key, unknowns.push(x.key) - 1);
    }
  }
  const n = unknowns.length;
  const rows: number[][] = [];
  const line = (cells: [number, number][], total: [number, number]) => {
    const coef = new Array<number>(n).fill(0);
    for (const [r, c] of cells) {
      const i = index.get(v(r, c).key);
      if (i !== undefined) coef[i]! += 1;
    }
    const i = index.get(v(...total).key);
    if (i !== undefined) coef[i]! -= 1;
    if (coef.some((x) => x !== 0)) rows.push(coef);
  };
  for (let r = 0; r <= R; r++) line(Array.from({ length: C }, (_, c) => [r, c] as [number, number]), [r, C]);
  for (let c = 0; c <= C; c++) line(Array.from({ length: R }, (_, r) => [r, c] as [number, number]), [R, c]);
  // Reduced row echelon form.
  const pivots: number[] = [];
  let pr = 0;
  for (let col = 0; col < n && pr < rows.length; col++) {
    const p = rows.findIndex((row, i) => i >= pr && Math.abs(row[col]!) > 1e-9);
    if (p < 0) continue;
    [rows[pr], rows[p]] = [rows[p]!, rows[pr]!];
    const piv = rows[pr]![col]!;
    rows[pr] = rows[pr]!.map((x) => x / piv);
    for (let i = 0; i < rows.length; i++) {
      if (i === pr) continue;
      const f = rows[i]![col]!;
      if (Math.abs(f) > 1e-12) rows[i] = rows[i]!.map((x, j) => x - f * rows[pr]![j]!);
    }
    pivots.push(col);
    pr++;
  }
  const determined: string[] = [];
  pivots.forEach((col, i) => {
    if (rows[i]!.every((x, j) => j === col || Math.abs(x) < 1e-9)) determined.push(unknowns[col]!);
  });
  // Only suppressed numbers matter: an unpublished total that can be worked out was never secret.
  return determined.filter((k) => {
    const [kind] = k.split(" ");
    if (kind === "cell") {
      const [r, c] = k.slice(5).split(",").map(Number) as [number, number];
      return s.cells[r]![c]!;
    }
    if (k.startsWith("row total")) return s.rowTotals[Number(k.slice(10))]!;
    if (k.startsWith("column total")) return s.colTotals[Number(k.slice(13))]!;
    return s.grandTotal;
  });
}

const tables = fc
  .record({
    rows: fc.integer({ min: 1, max: 5 }),
    cols: fc.integer({ min: 1, max: 5 }),
    seed: fc.array(fc.oneof(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 60 })), { minLength: 25, maxLength: 25 }),
    totals: fc.constantFrom("all", "rows", "cols", "none"),
  })
  .map(({ rows, cols, seed, totals }): CountTable => {
    const cells = Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => seed[r * 5 + c]!));
    const rowTotals = cells.map((r) => r.reduce((a, b) => a + b, 0));
    const colTotals = Array.from({ length: cols }, (_, j) => cells.reduce((a, r) => a + r[j]!, 0));
    const grandTotal = rowTotals.reduce((a, b) => a + b, 0);
    if (totals === "all") return { cells, rowTotals, colTotals, grandTotal };
    if (totals === "rows") return { cells, rowTotals, grandTotal };
    if (totals === "cols") return { cells, colTotals };
    return { cells };
  });

test("property: no suppressed number can be worked out from the published ones", () => {
  fc.assert(
    fc.property(tables, (t) => {
      const s = suppressTable(t);
      // Every count of 1 to 5 is suppressed; zeros are never suppressed.
      for (const [r, row] of t.cells.entries()) {
        for (const [c, x] of row.entries()) {
          if (isSmallCount(x)) assert.ok(s.cells[r]![c], `cell ${r},${c} = ${x} is shown`);
          if (x === 0) assert.ok(!s.cells[r]![c], `zero at ${r},${c} was suppressed`);
        }
      }
      assert.deepEqual(recoverable(t, s), [], JSON.stringify({ t, s }));
      // Every line with a suppressed number has at least two hidden numbers (DfE's rule of thumb).
      const R = t.cells.length;
      for (let r = 0; r < R; r++) {
        const hiddenCount = s.cells[r]!.filter(Boolean).length + (t.rowTotals ? (s.rowTotals[r] ? 1 : 0) : 1);
        if (s.cells[r]!.some(Boolean)) assert.ok(hiddenCount >= 2, `row ${r} has a lone suppressed cell`);
      }
    }),
    { numRuns: 400, seed: 20250401 },
  );
});

test("the independent check does catch a recoverable cell", () => {
  // Suppress only the primary cell: 3 = 25 − 10 − 12 is recoverable, and the check says so.
  const t: CountTable = { cells: [[3, 10, 12]], rowTotals: [25] };
  const naive = { cells: [[true, false, false]], rowTotals: [false], colTotals: [false, false, false], grandTotal: false, primary: 1, secondary: 0 };
  assert.deepEqual(recoverable(t, naive), ["cell 0,0"]);
  // A "dumbbell": every row and column has two suppressed numbers, yet the cell joining two
  // rectangles is recoverable — the rule of thumb alone is not enough, the graph check is.
  const d: CountTable = {
    cells: [
      [9, 9, 0, 0],
      [9, 9, 9, 0],
      [0, 9, 9, 9],
      [0, 0, 9, 9],
    ],
    rowTotals: [18, 27, 27, 18],
    colTotals: [18, 27, 27, 18],
    grandTotal: 90,
  };
  const h = (m: number[][]) => m.map((r) => r.map(Boolean));
  const dumbbell = { cells: h([[1, 1, 0, 0], [1, 1, 1, 0], [0, 1, 1, 1], [0, 0, 1, 1]]), rowTotals: [false, false, false, false], colTotals: [false, false, false, false], grandTotal: false, primary: 0, secondary: 0 };
  // With (1,2) and (2,1) both hidden the two squares are joined by a cycle: nothing is recoverable.
  assert.deepEqual(recoverable(d, dumbbell), []);
  // With only (1,2) joining them, it is recoverable although its row and column hide three each.
  const bridged = { ...dumbbell, cells: h([[1, 1, 0, 0], [1, 1, 1, 0], [0, 0, 1, 1], [0, 0, 1, 1]]) };
  assert.deepEqual(recoverable(d, bridged), ["cell 1,2"]);
  // And the real suppression never leaves such a bridge.
  const small: CountTable = { ...d, cells: d.cells.map((r) => r.map((x) => (x === 9 ? 3 : x))), rowTotals: [6, 9, 9, 6], colTotals: [6, 9, 9, 6], grandTotal: 30 };
  assert.deepEqual(recoverable(small, suppressTable(small)), []);
});

test("numbers already hidden for another reason are protected as small ones are", () => {
  // A hidden total (a headline shown as c) would be given away by its categories adding up to it.
  assert.deepEqual(suppressList([10, 20, 30], 60, { total: true }), { counts: [true, false, false], total: true });
  // A category hidden for another reason, beside a published total: the next smallest goes too.
  assert.deepEqual(suppressList([10, 20, 30], 60, { counts: [false, false, true] }), { counts: [true, false, true], total: false });
  // Only the total could protect it: the caller is told (and hides the categories instead).
  assert.deepEqual(suppressList([10, 0, 0], 10, { counts: [true, false, false] }), { counts: [true, false, false], total: true });
  // A hidden zero that only zeros could protect is left as it is rather than failing: the zeros say what it is.
  assert.deepEqual(suppressList([0, 0, 0], 0, { counts: [true, false, false] }), { counts: [true, false, false], total: false });
  // Without anything given, nothing changes.
  assert.deepEqual(suppressList([3, 10, 12], 25, {}), suppressList([3, 10, 12], 25));
});

test("property: numbers already hidden are never given away either", () => {
  fc.assert(
    fc.property(tables, fc.array(fc.boolean(), { minLength: 25, maxLength: 25 }), (t, mask) => {
      const forced = { cells: t.cells.map((row, r) => row.map((_, c) => mask[r * 5 + c]!)) };
      const s = suppressTable(t, forced);
      for (const [r, row] of forced.cells.entries()) for (const [c, f] of row.entries()) if (f) assert.ok(s.cells[r]![c], `forced cell ${r},${c} is shown`);
      // The check counts hidden zeros as known, which a forced zero is not to anyone without
      // the figures: it is checked with the forced numbers all non-zero.
      if (t.cells.some((row, r) => row.some((x, c) => x === 0 && forced.cells[r]![c]))) return;
      assert.deepEqual(recoverable(t, s), [], JSON.stringify({ t, forced, s }));
    }),
    { numRuns: 400, seed: 20250402 },
  );
});

const def = (id: string, unit: Unit, measure: "flow" | "snapshot" = "flow", area: IndicatorDef["area"] = "front_door"): IndicatorDef => ({
  id,
  title: id,
  area,
  unit,
  polarity: "none",
  measure,
  periods: ["month", "quarter", "year", "rolling"],
  definition: "x".repeat(40),
  needs: [],
  sql: "",
});
const val = (indicator: string, period: string, value: number | null, numerator: number | null = value, denominator: number | null = null, unit: Unit = "count"): IndicatorValue => ({ indicator, authority: "X", period, value, numerator, denominator, unit, snapshot: 1 });
const FY = ["2024-04", "2024-05", "2024-06", "2024-07", "2024-08", "2024-09", "2024-10", "2024-11", "2024-12", "2025-01", "2025-02", "2025-03"];

test("every period shown with its counts: everything the report hides is hidden, and the counts under percentages are protected over time", () => {
  const pct = def("assess_45wd_pct", "percent");
  // 11 of 12 in April (the one left out is a count of 1); 40 of 60 every other month.
  const values = FY.map((m, i) => (i === 0 ? val(pct.id, m, (100 * 11) / 12, 11, 12, "percent") : val(pct.id, m, (100 * 40) / 60, 40, 60, "percent")));
  values.push(val(pct.id, "2024-25-Q1", (100 * 91) / 132, 91, 132, "percent"));
  const report = suppressedKeys([pct], values);
  const every = suppressedKeysEveryPeriod([pct], values);
  assert.deepEqual([...report], ["assess_45wd_pct|2024-04"]);
  for (const k of report) assert.ok(every.has(k));
  // With April's counts hidden and Q1's shown, April would be Q1 less May and June: May goes too.
  assert.ok(every.has("assess_45wd_pct|2024-05"), [...every].join(" "));
  assert.ok(!every.has("assess_45wd_pct|2024-06") && !every.has("assess_45wd_pct|2024-25-Q1"));
});

test("every period shown: a rolling or calendar year holding a hidden month is hidden; the others are shown", () => {
  const c = def("referrals", "count");
  const months = [...FY, "2025-04", "2025-05"];
  const values = months.map((m) => val(c.id, m, m === "2024-05" ? 3 : 20));
  const rolling = ["12m-2025-03", "12m-2025-04", "12m-2025-05"];
  for (const r of rolling) values.push(val(c.id, r, r === "12m-2025-05" ? 240 : 223));
  values.push(val(c.id, "2024", 163));
  const every = suppressedKeysEveryPeriod([c], values);
  // The twelve months to April 2025 less those to May 2025 is May 2024 less May 2025.
  assert.ok(every.has("referrals|12m-2025-03") && every.has("referrals|12m-2025-04"));
  assert.ok(!every.has("referrals|12m-2025-05"), "May 2024 is not in it");
  assert.ok(every.has("referrals|2024"));
  assert.ok(!suppressedKeys([c], values).has("referrals|12m-2025-04"), "the report's rule alone would show it");
});

test("every period shown: figures of distinct children, which nearly add up over months, are protected over time as counts that add up are", () => {
  // Children in care who went missing: 3 in May (hidden), 20 in each other month; a child missing in
  // two months is one child, so Q1 is 38 children, not 43, and the twelve months to March 140, not 223.
  // Q1 less April and June would be 38 - 40, a bound only here, but exactly May whenever no child
  // is missing in two months: on the demo authority, rolling years gave hidden months away exactly.
  const distinct = def("cla_missing_pct", "percent");
  const pct = (n: number, d: number) => (100 * n) / d;
  const values = FY.map((m) => (m === "2024-05" ? val(distinct.id, m, pct(3, 400), 3, 400, "percent") : val(distinct.id, m, pct(20, 400), 20, 400, "percent")));
  values.push(val(distinct.id, "2024-25-Q1", pct(38, 430), 38, 430, "percent"), val(distinct.id, "2024-25", pct(140, 520), 140, 520, "percent"), val(distinct.id, "12m-2025-03", pct(140, 520), 140, 520, "percent"));
  const every = suppressedKeysEveryPeriod([distinct], values);
  assert.ok(every.has("cla_missing_pct|2024-05") && every.has("cla_missing_pct|12m-2025-03"), [...every].join(" "));
  assert.ok(["2024-04", "2024-06", "2024-25-Q1"].some((p) => every.has(`cla_missing_pct|${p}`)), [...every].join(" "));
  // The same figures with Q1, the year and the twelve months made the sums of their months: the same periods hidden.
  const sums = FY.reduce((a, m) => a + (m === "2024-05" ? 3 : 20), 0);
  const additive = values.map((v) => (v.period === "2024-25-Q1" ? val(distinct.id, v.period, pct(43, 1200), 43, 1200, "percent") : v.period === "2024-25" || v.period === "12m-2025-03" ? val(distinct.id, v.period, pct(sums, 4800), sums, 4800, "percent") : v));
  assert.deepEqual([...suppressedKeysEveryPeriod([distinct], additive)].sort(), [...every].sort());
  // A count of distinct children in the report's rule: May's 3 and a month beside it, as for counts that add up.
  const children = def("missing_children", "count");
  const counts = FY.map((m) => val(children.id, m, m === "2024-05" ? 3 : 20)).concat([val(children.id, "2024-25-Q1", 38), val(children.id, "2024-25", 140)]);
  const summed = FY.map((m) => val(children.id, m, m === "2024-05" ? 3 : 20)).concat([val(children.id, "2024-25-Q1", 43), val(children.id, "2024-25", sums)]);
  assert.ok(suppressedKeys([children], counts).size > 1, [...suppressedKeys([children], counts)].join(" "));
  assert.deepEqual([...suppressedKeys([children], counts)].sort(), [...suppressedKeys([children], summed)].sort());
});

test("every period shown: two percentages over the same records are hidden with the counts that protect them", () => {
  const eet = def("cl_eet_pct", "percent", "flow", "care_leavers");
  const excl = def("cl_eet_excl_unable_pct", "percent", "flow", "care_leavers");
  const values = FY.flatMap((m) => (m === "2024-05" ? [val(eet.id, m, 50, 20, 40, "percent"), val(excl.id, m, (100 * 20) / 37, 20, 37, "percent")] : [val(eet.id, m, 50, 30, 60, "percent"), val(excl.id, m, 60, 30, 50, "percent")]));
  const every = suppressedKeysEveryPeriod([eet, excl], values);
  assert.ok(every.has("cl_eet_pct|2024-05") && every.has("cl_eet_excl_unable_pct|2024-05"));
  // Their numerators and denominators are hidden with them, so each quarter protects them with another month.
  assert.ok(["2024-04", "2024-06"].some((m) => every.has(`cl_eet_pct|${m}`)));
  assert.ok(["2024-04", "2024-06"].some((m) => every.has(`cl_eet_excl_unable_pct|${m}`)));
});

test("breakdown categories: protected in each period against the total, and over time within each category", () => {
  const c = def("referrals", "count");
  const cat = (period: string, category: string, n: number): IndicatorValue => ({ ...val(c.id, period, n), breakdown: "source", category });
  // Police: April 3, May 10, June 12; schools 20 each month. Totals: 23, 30, 32; Q1 police 25, schools 60.
  const values = [cat("2024-04", "police", 3), cat("2024-05", "police", 10), cat("2024-06", "police", 12), cat("2024-04", "schools", 20), cat("2024-05", "schools", 20), cat("2024-06", "schools", 20), cat("2024-25-Q1", "police", 25), cat("2024-25-Q1", "schools", 60)];
  const totals = new Map([["2024-04", 23], ["2024-05", 30], ["2024-06", 32], ["2024-25-Q1", 85]].map(([p, n]) => [p as string, val(c.id, p as string, n as number)]));
  const hidden = suppressedCategories(c, values, totals, () => false);
  // April's police 3 is small: schools in April go (the total is shown); police in May goes (Q1 is shown);
  // then schools in May (May's total is shown), which leaves every line with two hidden.
  assert.deepEqual([...hidden].sort(), [categoryKey("2024-04", "police"), categoryKey("2024-04", "schools"), categoryKey("2024-05", "police"), categoryKey("2024-05", "schools")].sort());
  // Categories that do not add up to the total (a child in two) are protected as if they did,
  // without failing: 22 children, police 3 and schools 20, a child in both; 22 less schools' 20
  // would say 2 to 3 for the police.
  assert.doesNotThrow(() => suppressedCategories(c, values, new Map([["2024-04", val(c.id, "2024-04", 99)]]), () => false));
  const twice = suppressedCategories(c, [cat("2024-04", "police", 3), cat("2024-04", "schools", 20)], new Map([["2024-04", val(c.id, "2024-04", 22)]]), () => false);
  assert.ok(twice.has(categoryKey("2024-04", "police")) && twice.has(categoryKey("2024-04", "schools")), [...twice].join(" "));
});

test("linked counts: a percentage whose denominator another indicator counts is hidden wherever that count is, so the two together give nothing away", () => {
  // Return home interviews offered (a percentage of missing episodes) and accepted (of those offered).
  const offered = def("missing_rhi_offered_pct", "percent", "flow", "missing");
  const accepted = { ...def("missing_rhi_accepted_pct", "percent", "flow", "missing"), denominatorOf: offered.id };
  const months = FY.slice(0, 6);
  // Offered: April 6 of 6, May 6 of 8 (2 episodes not offered: c), June 6 of 6. Accepted: all of
  // April's and June's offers, none of May's: each shown on its own.
  const offers: Record<string, [number, number]> = { "2024-04": [6, 6], "2024-05": [6, 8], "2024-06": [6, 6], "2024-07": [7, 12], "2024-08": [8, 12], "2024-09": [7, 11] };
  const accepts: Record<string, number> = { "2024-04": 6, "2024-05": 0, "2024-06": 6, "2024-07": 7, "2024-08": 8, "2024-09": 7 };
  const values: IndicatorValue[] = [];
  for (const m of months) {
    const [n, d] = offers[m]!;
    values.push(val(offered.id, m, (100 * n) / d, n, d, "percent"), val(accepted.id, m, (100 * accepts[m]!) / n, accepts[m]!, n, "percent"));
  }
  for (const [q, ms] of [["2024-25-Q1", months.slice(0, 3)], ["2024-25-Q2", months.slice(3)]] as const) {
    const n = ms.reduce((s, m) => s + offers[m]![0], 0);
    const d = ms.reduce((s, m) => s + offers[m]![1], 0);
    const a = ms.reduce((s, m) => s + accepts[m]!, 0);
    values.push(val(offered.id, q, (100 * n) / d, n, d, "percent"), val(accepted.id, q, (100 * a) / n, a, n, "percent"));
  }
  const hidden = suppressedKeysEveryPeriod([offered, accepted], values);
  assert.ok(hidden.has(`${offered.id}|2024-05`), "2 episodes without an offer in May");
  for (const v of values.filter((x) => x.indicator === offered.id)) {
    if (hidden.has(`${offered.id}|${v.period}`)) assert.ok(hidden.has(`${accepted.id}|${v.period}`), `${v.period}: accepted's denominator would show the offers hidden`);
  }
  // May's offers cannot be worked out: Q1's offers less April's and June's, each read from either percentage.
  const offersShown = (p: string) => !hidden.has(`${offered.id}|${p}`) || !hidden.has(`${accepted.id}|${p}`);
  assert.ok(!(offersShown("2024-25-Q1") && offersShown("2024-04") && offersShown("2024-06")));
  // Without the link, accepted's denominators gave May away.
  const unlinked = suppressedKeysEveryPeriod([offered, { ...accepted, denominatorOf: undefined }], values);
  const shownUnlinked = (p: string) => !unlinked.has(`${offered.id}|${p}`) || !unlinked.has(`${accepted.id}|${p}`);
  assert.ok(shownUnlinked("2024-25-Q1") && shownUnlinked("2024-04") && shownUnlinked("2024-06"), "the test's figures leak without the link");
});

test("linked counts in breakdowns: categories hidden in the counting indicator start hidden, and protect the rest as any hidden category does", () => {
  const pct = def("cla_other_placements_pct", "percent", "snapshot", "children_in_care");
  const cat = (category: string, n: number, d: number): IndicatorValue => ({ ...val(pct.id, "2024-05", (100 * n) / d, n, d, "percent"), breakdown: "age_band", category });
  const values = [cat("1-4", 0, 17), cat("5-9", 2, 22), cat("10-15", 8, 41), cat("16-17", 6, 20)];
  const totals = new Map([["2024-05", val(pct.id, "2024-05", (100 * 16) / 100, 16, 100, "percent")]]);
  const free = suppressedCategories(pct, values, totals, () => false);
  assert.ok(!free.has(categoryKey("2024-05", "1-4")), "0 of 17 is shown on its own");
  const forced = suppressedCategories(pct, values, totals, () => false, new Set([categoryKey("2024-05", "1-4"), categoryKey("2024-05", "under 1")]));
  assert.ok(forced.has(categoryKey("2024-05", "1-4")), "children looked after aged 1-4 are c where they are counted");
  assert.ok(!forced.has(categoryKey("2024-05", "under 1")), "a category this breakdown does not hold is not added");
});

test("breakdown categories outside the headline (care leavers aged 17 and 18) protect nothing and are protected alone", () => {
  const eet = { ...def("cl_eet_pct", "percent", "flow", "care_leavers"), breakdownOnly: { dimension: "age", categories: ["17", "18"] } };
  const cat = (category: string, n: number, d: number): IndicatorValue => ({ ...val(eet.id, "2024-25", (100 * n) / d, n, d, "percent"), breakdown: "age", category });
  // The headline, 30 of 60, is 19, 20 and 21 only: 4 of 20 (small), 13 of 20 and 13 of 20. Hiding
  // the 17 year olds' 10 would leave 19's 4 as 30 less 13 less 13.
  const values = [cat("17", 10, 18), cat("18", 12, 20), cat("19", 4, 20), cat("20", 13, 20), cat("21", 13, 20)];
  const totals = new Map([["2024-25", val(eet.id, "2024-25", 50, 30, 60, "percent")]]);
  const hidden = suppressedCategories(eet, values, totals, () => false);
  assert.ok(hidden.has(categoryKey("2024-25", "19")));
  assert.ok(hidden.has(categoryKey("2024-25", "20")) || hidden.has(categoryKey("2024-25", "21")), [...hidden].join(" "));
  assert.ok(!hidden.has(categoryKey("2024-25", "17")) && !hidden.has(categoryKey("2024-25", "18")), [...hidden].join(" "));
  const small = suppressedCategories(eet, [...values.slice(1), cat("17", 3, 18)], totals, () => false);
  assert.ok(small.has(categoryKey("2024-25", "17")), "a small count of 17 year olds is hidden by itself");
});

test("linked counts: a percentage whose denominator is the sum of two counts is hidden wherever either is, or the sum less the other gives it away", () => {
  // The reviewer's case: children ceasing to be looked after in May 1 (c), looked after at the end
  // of May 33, and 0 of 34 looked after at any time in May went missing: 34 less 33 is the 1.
  const atEnd = def("cla_at_end", "count", "snapshot", "children_in_care");
  const ceased = def("cla_ceased", "count", "flow", "children_in_care");
  const missing = { ...def("cla_missing_pct", "percent", "flow", "children_in_care"), denominatorSumOf: [atEnd.id, ceased.id] };
  const values: IndicatorValue[] = [];
  for (const m of FY) {
    const out = m === "2024-05" ? 1 : 9;
    values.push(val(atEnd.id, m, 33), val(ceased.id, m, out), val(missing.id, m, 0, 0, 33 + out, "percent"));
  }
  for (const rule of [suppressedKeys, suppressedKeysEveryPeriod]) {
    const hidden = rule([atEnd, ceased, missing], values);
    assert.ok(hidden.has("cla_ceased|2024-05"));
    for (const v of values.filter((x) => x.indicator === ceased.id)) {
      if (hidden.has(`cla_ceased|${v.period}`)) assert.ok(hidden.has(`cla_missing_pct|${v.period}`), `${rule.name} ${v.period}: the denominator less those looked after at the end would show it`);
    }
    // Without the link the percentage (0 of 34) was shown.
    assert.ok(!rule([atEnd, ceased, { ...missing, denominatorSumOf: undefined }], values).has("cla_missing_pct|2024-05"), "the test's figures leak without the link");
  }
  // Looked after at the end hidden hides it too.
  const few = values.map((v) => (v.indicator === atEnd.id && v.period === "2024-07" ? val(atEnd.id, v.period, 4) : v));
  assert.ok(suppressedKeys([atEnd, ceased, missing], few).has("cla_missing_pct|2024-07"));
});

test("care leavers: where everyone in the cohort is in touch with an activity known, a small number not in education, employment or training hides the share that is", () => {
  // In education, employment or training plus not is the cohort only when no activity is unknown;
  // then 20 of 23 in EET says the 3 NEET as plainly as their own count, and the difference rule hides it.
  const eet = def("cl_eet_pct", "percent", "flow", "care_leavers");
  const neet = def("cl_neet_pct", "percent", "flow", "care_leavers");
  const touch = def("cl_in_touch_pct", "percent", "flow", "care_leavers");
  const values = [val(eet.id, "2024-25", (100 * 20) / 23, 20, 23, "percent"), val(neet.id, "2024-25", (100 * 3) / 23, 3, 23, "percent"), val(touch.id, "2024-25", 100, 23, 23, "percent")];
  const hidden = suppressedKeys([eet, neet, touch], values);
  assert.ok(hidden.has("cl_neet_pct|2024-25") && hidden.has("cl_eet_pct|2024-25"), [...hidden].join(" "));
});

test("two percentages of the same records, none in both (disjointFrom), whose counts leave 1 to 5 in neither do not publish those few", () => {
  const eet = def("cl_eet_pct", "percent", "flow", "care_leavers");
  const neet: IndicatorDef = { ...def("cl_neet_pct", "percent", "flow", "care_leavers"), disjointFrom: "cl_eet_pct" };
  const pair = (inWork: number, not: number, of: number) => [val(eet.id, "2024-25", (100 * inWork) / of, inWork, of, "percent"), val(neet.id, "2024-25", (100 * not) / of, not, of, "percent")];
  // The demo authority's 2024-25: 36 of 65 care leavers in education, employment or training and
  // 28 of 65 not, published side by side, said that 1 young person's activity was not known.
  assert.deepEqual([...suppressedKeys([eet, neet], pair(36, 28, 65))], ["cl_neet_pct|2024-25"]);
  assert.ok(suppressedKeysEveryPeriod([eet, neet], pair(36, 28, 65)).has("cl_neet_pct|2024-25"));
  // None in neither, or more than 5, gives no small number away: both are shown.
  assert.equal(suppressedKeys([eet, neet], pair(36, 29, 65)).size, 0);
  assert.equal(suppressedKeys([eet, neet], pair(36, 20, 65)).size, 0);
  // The registry says so of the care leavers' figures.
  assert.equal(indicatorLibrary().get("cl_neet_pct")?.disjointFrom, "cl_eet_pct");
  // And of referrals: closed with no further action, or leading to an assessment, never both. The
  // demo's August 2025: 13 and 187 of 202 said that 2 referrals were awaiting a decision.
  const lib = indicatorLibrary();
  const [nfa, toAssessment] = [lib.get("referral_nfa_pct")!, lib.get("referral_to_assessment_pct")!];
  assert.equal(toAssessment.disjointFrom, "referral_nfa_pct");
  const month = [val(nfa.id, "2025-08", (100 * 13) / 202, 13, 202, "percent"), val(toAssessment.id, "2025-08", (100 * 187) / 202, 187, 202, "percent")];
  assert.deepEqual([...suppressedKeys([nfa, toAssessment], month)], ["referral_to_assessment_pct|2025-08"]);
});
