import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { type CountTable, isSmallCount, SUPPRESSED, showCount, suppressList, suppressRatio, suppressTable } from "./suppression.ts";

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
