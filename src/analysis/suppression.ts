/**
 * @module
 * Small-number suppression for public papers, by the DfE's rule: counts of 1 to 5 are shown as
 * `c`, and further cells are suppressed (secondary suppression) so that no suppressed count can
 * be worked out from the totals and breakdowns published beside it; percentages and rates on a
 * suppressed count are suppressed too. Pure: counts in, which of them to suppress out.
 *
 * How secondary suppression is chosen. A table with row totals, column totals and a grand total
 * is a set of equations (each row's cells add up to its total, each column's, and the totals add
 * up to the grand total). Think of rows and columns (the totals' row and column included) as the
 * nodes of a graph and every suppressed or unpublished number as an edge between its row and its
 * column. A suppressed number can be worked out by adding and subtracting published ones exactly
 * when its edge is a bridge (it lies on no cycle of suppressed numbers); when it does lie on a
 * cycle, moving every number round the cycle up and down by the same small amount keeps every
 * published total right, so it could be any of several values. So: suppress the primary cells,
 * then, while some suppressed number is a bridge, suppress the smallest non-zero published number
 * that closes a cycle through it (else the smallest non-zero one on a line at either end of it:
 * the "next smallest cell in the row" of the DfE's guidance). Zeros are never suppressed as
 * secondary cells — a zero on a cycle could stop it moving — and are always published.
 */

/** How a suppressed figure is shown. */
export const SUPPRESSED = "c";

/** Counts from 1 to this are suppressed in public outputs. */
export const SUPPRESS_MAX = 5;

/** Whether a count is small enough to be suppressed on its own (primary suppression). */
export function isSmallCount(n: number | null | undefined): boolean {
  return n !== null && n !== undefined && n >= 1 && n <= SUPPRESS_MAX;
}

/**
 * A table of counts and the totals published with it. A total that is left out is not published
 * (nobody can subtract from it).
 */
export interface CountTable {
  readonly cells: readonly (readonly number[])[];
  readonly rowTotals?: readonly number[];
  readonly colTotals?: readonly number[];
  readonly grandTotal?: number;
}

/** Which numbers of a table to show as `c`. */
export interface TableSuppression {
  readonly cells: boolean[][];
  readonly rowTotals: boolean[];
  readonly colTotals: boolean[];
  readonly grandTotal: boolean;
  /** How many numbers were suppressed because they were small, and how many more to protect them. */
  readonly primary: number;
  readonly secondary: number;
}

/** An entry of the extended table: rows 0..R-1 and R (the totals row), columns 0..C-1 and C. */
interface Entry {
  readonly r: number;
  readonly c: number;
  readonly value: number;
  readonly published: boolean;
  suppressed: boolean;
}

function extended(t: CountTable): { entries: Entry[]; R: number; C: number } {
  const R = t.cells.length;
  const C = t.cells[0]?.length ?? 0;
  for (const row of t.cells) if (row.length !== C) throw new RangeError("every row of a table must have the same number of cells");
  const rowTotals = t.cells.map((row) => row.reduce((s, x) => s + x, 0));
  const colTotals = Array.from({ length: C }, (_, j) => t.cells.reduce((s, row) => s + row[j]!, 0));
  const grand = rowTotals.reduce((s, x) => s + x, 0);
  for (const [name, given, computed] of [
    ["row", t.rowTotals, rowTotals],
    ["column", t.colTotals, colTotals],
  ] as const) {
    if (given && (given.length !== computed.length || given.some((x, i) => x !== computed[i]))) throw new RangeError(`the ${name} totals do not add up`);
  }
  if (t.grandTotal !== undefined && t.grandTotal !== grand) throw new RangeError("the grand total does not add up");
  const entries: Entry[] = [];
  for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) entries.push({ r, c, value: t.cells[r]![c]!, published: true, suppressed: false });
  for (let r = 0; r < R; r++) entries.push({ r, c: C, value: rowTotals[r]!, published: t.rowTotals !== undefined, suppressed: false });
  for (let c = 0; c < C; c++) entries.push({ r: R, c, value: colTotals[c]!, published: t.colTotals !== undefined, suppressed: false });
  entries.push({ r: R, c: C, value: grand, published: t.grandTotal !== undefined, suppressed: false });
  return { entries, R, C };
}

/** Node ids: rows 0..R, columns R+1..R+1+C. */
function hidden(e: Entry): boolean {
  return e.suppressed || !e.published;
}

/** Nodes reachable from `start` over hidden entries, leaving out `skip`. */
function reach(entries: readonly Entry[], R: number, start: number, skip: Entry | undefined): Set<number> {
  const adj = new Map<number, number[]>();
  for (const e of entries) {
    if (!hidden(e) || e === skip) continue;
    const a = e.r;
    const b = R + 1 + e.c;
    adj.set(a, [...(adj.get(a) ?? []), b]);
    adj.set(b, [...(adj.get(b) ?? []), a]);
  }
  const seen = new Set([start]);
  const todo = [start];
  while (todo.length) {
    const n = todo.pop()!;
    for (const m of adj.get(n) ?? []) {
      if (!seen.has(m)) {
        seen.add(m);
        todo.push(m);
      }
    }
  }
  return seen;
}

/** The first suppressed entry that lies on no cycle of hidden entries, with the two sides it joins. */
function firstBridge(entries: readonly Entry[], R: number): { a: Set<number>; b: Set<number> } | undefined {
  for (const e of entries) {
    if (!e.suppressed) continue;
    const a = reach(entries, R, e.r, e);
    if (a.has(R + 1 + e.c)) continue;
    return { a, b: reach(entries, R, R + 1 + e.c, e) };
  }
  return undefined;
}

function smallest(cands: Entry[]): Entry | undefined {
  return cands.filter((e) => !hidden(e) && e.value > 0).sort((x, y) => x.value - y.value || x.r - y.r || x.c - y.c)[0];
}

/** Which numbers of a table to suppress: primary (1 to 5) and secondary (see the module comment). */
export function suppressTable(t: CountTable): TableSuppression {
  const { entries, R, C } = extended(t);
  let primary = 0;
  for (const e of entries) {
    if (e.published && isSmallCount(e.value)) {
      e.suppressed = true;
      primary++;
    }
  }
  let secondary = 0;
  for (;;) {
    const bridge = firstBridge(entries, R);
    if (!bridge) break;
    const node = (e: Entry) => [e.r, R + 1 + e.c] as const;
    const between = (s1: Set<number>, s2: Set<number>) => entries.filter((e) => {
      const [x, y] = node(e);
      return (s1.has(x) && s2.has(y)) || (s2.has(x) && s1.has(y));
    });
    const leaving = (s: Set<number>) => entries.filter((e) => {
      const [x, y] = node(e);
      return s.has(x) !== s.has(y);
    });
    const pick = smallest(between(bridge.a, bridge.b)) ?? smallest([...leaving(bridge.a), ...leaving(bridge.b)]);
    // A table's numbers circulate (each line adds up), so some non-zero published number always
    // crosses the cut around a bridge; this guard only stops a malformed table looping forever.
    if (!pick) throw new Error("suppression could not protect a cell");
    pick.suppressed = true;
    secondary++;
  }
  const at = (r: number, c: number) => entries.find((e) => e.r === r && e.c === c)!;
  return {
    cells: t.cells.map((row, r) => row.map((_, c) => at(r, c).suppressed)),
    rowTotals: Array.from({ length: R }, (_, r) => at(r, C).suppressed && at(r, C).published),
    colTotals: Array.from({ length: C }, (_, c) => at(R, c).suppressed && at(R, c).published),
    grandTotal: at(R, C).suppressed && at(R, C).published,
    primary,
    secondary,
  };
}

/** A list of counts published with its total (a breakdown): which to suppress. */
export function suppressList(counts: readonly number[], total?: number): { counts: boolean[]; total: boolean } {
  const s = suppressTable({ cells: [counts], ...(total !== undefined ? { rowTotals: [total] } : {}) });
  return { counts: s.cells[0]!, total: s.rowTotals[0] ?? false };
}

/**
 * Whether a percentage or rate must be suppressed: when its numerator or its denominator is a
 * suppressed count (1 to 5, or suppressed to protect one), or when the two differ by 1 to 5 —
 * "11 of 12 care leavers in touch" publishes the one who is not as plainly as a count of 1.
 */
export function suppressRatio(numerator: number | null | undefined, denominator: number | null | undefined, alreadySuppressed = false): boolean {
  if (alreadySuppressed || isSmallCount(numerator) || isSmallCount(denominator)) return true;
  return numerator !== null && numerator !== undefined && denominator !== null && denominator !== undefined && isSmallCount(denominator - numerator);
}

/** A count as published: `c` when suppressed. */
export function showCount(n: number, suppressed: boolean, format: (n: number) => string = (x) => x.toLocaleString("en-GB")): string {
  return suppressed ? SUPPRESSED : format(n);
}
