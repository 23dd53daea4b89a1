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
 * secondary cells — a zero on a cycle could stop it moving — and are always published; a zero
 * already hidden for another reason (a percentage of 0 out of 3) that only another zero could
 * protect is left as it is, since the zeros beside it say what it is whatever is hidden.
 *
 * Which stored figures to suppress: `suppressedKeys` is the public report's rule (flow counts
 * protected month by quarter by year, percentages and rates on small counts, two percentages of
 * one area over the same records whose denominators differ by a small number, or of records
 * never in both that leave a small number in neither).
 * `suppressedKeysEveryPeriod` adds what an output showing every period's figure with its numerator
 * and denominator needs besides (the web's pages for members): the same protection for the counts
 * under percentages, rates and medians, and rolling and calendar years that would give a hidden
 * month away. `suppressedCategories` does the same for one breakdown of one indicator.
 *
 * Figures of distinct children (children who went missing in the quarter) are protected as if
 * they added up over months and over categories, though a child in two months (or two categories)
 * is counted once: subtracting the months shown from the quarter gives the hidden month less the
 * children counted in both, which is the hidden month exactly whenever no child is in two, as is
 * common for small counts. On the demo authority, the twelve months to April 2022 less those to
 * March 2022 gave a hidden April's 4 children away without authorisation exactly, before.
 */

import { financialYearOf, monthPeriod, type Period, parsePeriod, periodsWithin, quarterPeriod, yearPeriod } from "../calendar/periods.ts";
import type { IndicatorDef, IndicatorValue } from "../kpi/types.ts";

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

/**
 * Numbers of a table already suppressed for some other reason (hidden because another figure
 * resting on them is), which secondary suppression must protect as it protects small ones.
 */
export interface ForcedSuppression {
  readonly cells?: readonly (readonly boolean[])[];
  readonly rowTotals?: readonly boolean[];
  readonly colTotals?: readonly boolean[];
  readonly grandTotal?: boolean;
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

/** The first suppressed entry (other than those in `skip`) that lies on no cycle of hidden entries, with the two sides it joins. */
function firstBridge(entries: readonly Entry[], R: number, skip: ReadonlySet<Entry>): { e: Entry; a: Set<number>; b: Set<number> } | undefined {
  for (const e of entries) {
    if (!e.suppressed || skip.has(e)) continue;
    const a = reach(entries, R, e.r, e);
    if (a.has(R + 1 + e.c)) continue;
    return { e, a, b: reach(entries, R, R + 1 + e.c, e) };
  }
  return undefined;
}

function smallest(cands: Entry[]): Entry | undefined {
  return cands.filter((e) => !hidden(e) && e.value > 0).sort((x, y) => x.value - y.value || x.r - y.r || x.c - y.c)[0];
}

/**
 * Which numbers of a table to suppress: primary (1 to 5, and any `forced`) and secondary (see the
 * module comment).
 */
export function suppressTable(t: CountTable, forced: ForcedSuppression = {}): TableSuppression {
  const { entries, R, C } = extended(t);
  const given = (e: Entry) =>
    e.r < R ? (e.c < C ? forced.cells?.[e.r]?.[e.c] : forced.rowTotals?.[e.r]) : e.c < C ? forced.colTotals?.[e.c] : forced.grandTotal;
  let primary = 0;
  for (const e of entries) {
    if (e.published && (isSmallCount(e.value) || given(e) === true)) {
      e.suppressed = true;
      primary++;
    }
  }
  let secondary = 0;
  // Hidden zeros only zeros could protect (see the module comment): never small, so only ever forced.
  const unprotectable = new Set<Entry>();
  for (;;) {
    const bridge = firstBridge(entries, R, unprotectable);
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
    // crosses the cut around a non-zero bridge; this guard only stops a malformed table looping forever.
    if (!pick && bridge.e.value === 0) {
      unprotectable.add(bridge.e);
      continue;
    }
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

/**
 * A list of counts published with its total (a breakdown): which to suppress. `forced` marks
 * counts, or the total, already hidden for another reason.
 */
export function suppressList(counts: readonly number[], total?: number, forced: { readonly counts?: readonly boolean[]; readonly total?: boolean } = {}): { counts: boolean[]; total: boolean } {
  const s = suppressTable(
    { cells: [counts], ...(total !== undefined ? { rowTotals: [total] } : {}) },
    { ...(forced.counts ? { cells: [forced.counts] } : {}), ...(forced.total !== undefined ? { rowTotals: [forced.total] } : {}) },
  );
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

/** The key of a stored figure in the sets below: `indicator|period`. */
export function figureKey(indicator: string, period: string): string {
  return `${indicator}|${period}`;
}

/** A month id (`2025-01`), not a financial year (`2024-25`). */
function isMonth(id: string): boolean {
  return parsePeriod(id)?.kind === "month";
}

/** The quarters of a financial year, April to June first, each with its three months. */
function quartersOf(fy: number): { quarter: Period; months: Period[] }[] {
  return [1, 2, 3, 4].map((q) => {
    const quarter = quarterPeriod(fy, q);
    const y = Number(quarter.start.slice(0, 4));
    const m = Number(quarter.start.slice(5, 7));
    return { quarter, months: [0, 1, 2].map((i) => (m + i > 12 ? monthPeriod(y + 1, m + i - 12) : monthPeriod(y, m + i))) };
  });
}

/**
 * Secondary suppression of one series that adds up over a financial year: a table of months by
 * quarter, with the quarters' and the year's totals. `count` gives a period's count (0 when there
 * is none), `hidden` whether a period is already hidden for another reason. The periods (months,
 * quarters, the year) to show as `c`.
 */
function yearTable(fy: number, count: (period: string) => number, hidden?: (period: string) => boolean): string[] {
  const quarters = quartersOf(fy);
  const cells = quarters.map((q) => q.months.map((m) => count(m.id)));
  const rowTotals = cells.map((r) => r.reduce((a, b) => a + b, 0));
  const year = yearPeriod(fy);
  const forced: ForcedSuppression = hidden ? { cells: quarters.map((q) => q.months.map((m) => hidden(m.id))), rowTotals: quarters.map((q) => hidden(q.quarter.id)), grandTotal: hidden(year.id) } : {};
  const s = suppressTable({ cells, rowTotals, grandTotal: rowTotals.reduce((a, b) => a + b, 0) }, forced);
  const out: string[] = [];
  quarters.forEach((q, qi) => {
    q.months.forEach((m, mi) => {
      if (s.cells[qi]![mi]) out.push(m.id);
    });
    if (s.rowTotals[qi]) out.push(q.quarter.id);
  });
  if (s.grandTotal) out.push(year.id);
  return out;
}

function byIndicator(values: readonly IndicatorValue[]): Map<string, IndicatorValue[]> {
  const out = new Map<string, IndicatorValue[]>();
  for (const v of values) {
    const list = out.get(v.indicator);
    if (list) list.push(v);
    else out.set(v.indicator, [v]);
  }
  return out;
}

/** The financial years (their first year) holding any of these values' months. */
function yearsOfMonths(values: readonly IndicatorValue[]): Set<number> {
  return new Set(values.filter((v) => isMonth(v.period)).map((v) => financialYearOf(`${v.period}-01`)));
}

/**
 * Which stored values (headline figures of one authority, every period) a public report must show
 * as `c`, as {@link figureKey}s: every count of 1 to 5; for flow counts (months add up to quarters
 * and years) a table per financial year — months by quarter with the quarters' and the year's
 * totals — given secondary suppression; every percentage, rate or median on a suppressed count;
 * and two percentages of one area over the same records whose denominators differ by 1 to 5, or
 * (`disjointFrom`) of records never in both whose counts leave 1 to 5 in neither.
 */
export function suppressedKeys(defs: readonly IndicatorDef[], values: readonly IndicatorValue[]): Set<string> {
  const out = new Set<string>();
  const byKey = new Map(values.map((v) => [figureKey(v.indicator, v.period), v]));
  const grouped = byIndicator(values);
  for (const def of defs) {
    const mine = grouped.get(def.id) ?? [];
    if (def.unit === "count") {
      for (const v of mine) if (isSmallCount(v.value)) out.add(figureKey(def.id, v.period));
      if (def.measure === "flow") {
        const stored = (id: string) => byKey.get(figureKey(def.id, id))?.value ?? null;
        for (const fy of yearsOfMonths(mine)) for (const p of yearTable(fy, (id) => stored(id) ?? 0)) out.add(figureKey(def.id, p));
      }
    } else {
      for (const v of mine) if (suppressRatio(v.numerator, v.denominator)) out.add(figureKey(def.id, v.period));
    }
  }
  // Two percentages of one area counting the same records over denominators that differ by 1 to 5
  // ("7 of 12 care leavers in education, employment or training" beside "7 of 9, leaving out those
  // unable to") publish the 3 left out, who are unable through illness, disability or pregnancy.
  const percentArea = new Map(defs.filter((d) => d.unit === "percent").map((d) => [d.id, d.area]));
  const sameCount = new Map<string, IndicatorValue[]>();
  for (const v of values) {
    const area = percentArea.get(v.indicator);
    if (area === undefined || v.numerator === null || v.denominator === null) continue;
    const k = `${area}|${v.period}|${v.numerator}`;
    sameCount.set(k, [...(sameCount.get(k) ?? []), v]);
  }
  for (const group of sameCount.values()) {
    for (const a of group) {
      for (const b of group) {
        if (a !== b && isSmallCount(Math.abs(a.denominator! - b.denominator!))) out.add(figureKey(a.indicator, a.period));
      }
    }
  }
  // Two percentages of the same records counting records never in both (`disjointFrom`) that leave
  // 1 to 5 in neither ("36 of 65 care leavers in education, employment or training" beside "28 of
  // 65 not" publish the 1 whose activity is not known): the one that says so is hidden.
  for (const def of defs) {
    if (!def.disjointFrom) continue;
    for (const v of grouped.get(def.id) ?? []) {
      const w = byKey.get(figureKey(def.disjointFrom, v.period));
      if (!w || v.numerator === null || v.denominator === null || w.numerator === null || w.denominator !== v.denominator) continue;
      if (isSmallCount(v.denominator - v.numerator - w.numerator)) out.add(figureKey(def.id, v.period));
    }
  }
  hideLinked(defs, values, out);
  return out;
}

/**
 * The counts of a flow figure that add up over time: a count's value; a rate's numerator (its
 * denominator is the population, the same whatever the period); a percentage's numerator and
 * denominator; a median's denominator (the cases it is the median of).
 */
function additiveParts(unit: IndicatorDef["unit"]): ((v: IndicatorValue) => number | null)[] {
  if (unit === "count") return [(v) => v.value];
  if (unit === "rate") return [(v) => v.numerator];
  return [(v) => v.numerator, (v) => v.denominator];
}

/** Whether a rolling or calendar year holds a month for which `hidden` says yes. */
function windowHides(period: string, hidden: (month: string) => boolean): boolean {
  const p = parsePeriod(period);
  if (!p || (p.kind !== "rolling" && p.kind !== "calendar")) return false;
  return periodsWithin(p.start, p.end, ["month"]).some((m) => hidden(m.id));
}

/**
 * Protect one flow series (one indicator's headline, or one category of a breakdown) over time,
 * adding to `hidden` until nothing more is needed: each financial year's table (see `yearTable`)
 * for each of its counts that add up, with everything already hidden protected too, until no
 * table asks for more; then every rolling or calendar year holding a hidden month. Counts of
 * distinct children are protected the same way (see the module comment).
 */
function protectOverTime(unit: IndicatorDef["unit"], series: readonly IndicatorValue[], isHidden: (period: string) => boolean, hide: (period: string) => void): void {
  const byPeriod = new Map(series.map((v) => [v.period, v]));
  const years = yearsOfMonths(series);
  // Each count that adds up, as a period's stored number (null where the period has none).
  const parts = additiveParts(unit).map((part) => (id: string) => {
    const v = byPeriod.get(id);
    return v ? part(v) : null;
  });
  let changed = true;
  while (changed) {
    changed = false;
    for (const stored of parts) {
      for (const fy of years) {
        for (const p of yearTable(fy, (id) => stored(id) ?? 0, isHidden)) {
          if (isHidden(p)) continue;
          hide(p);
          changed = true;
        }
      }
    }
  }
  // A rolling or calendar year is twelve months added up (or, of distinct children, nearly): with
  // every month shown it gives nothing away; with one hidden it would, beside the months shown and
  // the same months a year apart (the twelve months to May less those to April is May less May a
  // year earlier).
  for (const v of series) if (!isHidden(v.period) && windowHides(v.period, isHidden)) hide(v.period);
}

/**
 * Which stored values (headline figures of one authority, every period) to show as `c` where every
 * period's figure is shown with its numerator and denominator, as members see them on the web: a
 * hidden figure hides its counts too. {@link suppressedKeys}, and then for every flow measure the
 * counts under its figures that add up over time (a percentage's numerator and denominator, a
 * rate's numerator, a median's cases) protected by the same tables, with every figure already
 * hidden protected as well; and every rolling or calendar year of a flow measure that holds a
 * hidden month. Everything the report hides is hidden here too.
 */
export function suppressedKeysEveryPeriod(defs: readonly IndicatorDef[], values: readonly IndicatorValue[]): Set<string> {
  const out = suppressedKeys(defs, values);
  const grouped = byIndicator(values);
  // Protecting one indicator over time can hide a count another shows (`linkedCounts`): repeated until neither adds.
  for (let before = -1; out.size !== before; ) {
    before = out.size;
    for (const def of defs) {
      if (def.measure !== "flow") continue;
      const mine = grouped.get(def.id) ?? [];
      protectOverTime(def.unit, mine, (p) => out.has(figureKey(def.id, p)), (p) => out.add(figureKey(def.id, p)));
    }
    hideLinked(defs, values, out);
  }
  return out;
}

/**
 * Pairs [from, to] of indicators where `to` shows a count `from`'s figure is, or is part of: a
 * rate's numerator is its count (`rateOf`), both ways; a percentage's denominator is another
 * indicator's figure (`denominatorOf`: referrals beside the share of them closed with no further
 * action), or the sum of others' (`denominatorSumOf`: children looked after at the end plus those
 * who ceased, beside the share of them who went missing, whose denominator less the first shown
 * would give a hidden second away). A figure of `from` shown as `c` hides `to`'s for the same
 * period (or category), or `to` would show it.
 */
export function linkedCounts(defs: readonly Pick<IndicatorDef, "id" | "rateOf" | "denominatorOf" | "denominatorSumOf">[]): [string, string][] {
  const out: [string, string][] = [];
  for (const d of defs) {
    if (d.rateOf) out.push([d.rateOf, d.id], [d.id, d.rateOf]);
    if (d.denominatorOf) out.push([d.denominatorOf, d.id]);
    for (const term of d.denominatorSumOf ?? []) out.push([term, d.id]);
  }
  return out;
}

/** Hide, in `out`, every figure whose linked count ({@link linkedCounts}) is hidden for the same period, until none is added. */
function hideLinked(defs: readonly IndicatorDef[], values: readonly IndicatorValue[], out: Set<string>): void {
  const held = new Set(values.map((v) => figureKey(v.indicator, v.period)));
  const periods = [...new Set(values.map((v) => v.period))];
  const links = linkedCounts(defs);
  for (let before = -1; out.size !== before; ) {
    before = out.size;
    for (const [from, to] of links) {
      for (const p of periods) if (out.has(figureKey(from, p)) && held.has(figureKey(to, p))) out.add(figureKey(to, p));
    }
  }
}

/** The key of a category in {@link suppressedCategories}: `period|category`. */
export function categoryKey(period: string, category: string): string {
  return `${period}|${category}`;
}

/**
 * Which figures of one breakdown of one indicator (every period's categories) to show as `c`,
 * with their numerators and denominators, beside the headline figures as totals, as
 * {@link categoryKey}s. In each period the categories' counts add up to the headline's (or, of
 * distinct children, nearly: see the module comment), so each period's list is given secondary
 * suppression with the headline as its total, a headline shown as `c` counting as hidden; and,
 * for a flow measure, each category's series is protected over time as a headline's is
 * ({@link suppressedKeysEveryPeriod}). The two
 * are repeated until neither asks for more. When only hiding the headline total would protect a
 * category, every category of that period is hidden instead, since the total is shown.
 */
export function suppressedCategories(
  def: Pick<IndicatorDef, "unit" | "measure" | "breakdownOnly">,
  values: readonly IndicatorValue[],
  totals: ReadonlyMap<string, IndicatorValue>,
  totalHidden: (period: string) => boolean,
  /** Categories hidden from the start: those of the indicators whose figures are (or add up to) this one's denominators (`denominatorOf`, `denominatorSumOf`). */
  forced: ReadonlySet<string> = new Set(),
): Set<string> {
  const held = new Set(values.map((v) => categoryKey(v.period, v.category ?? "")));
  const out = new Set<string>([...forced].filter((k) => held.has(k)));
  const cat = (v: IndicatorValue) => v.category ?? "";
  for (const v of values) if (def.unit === "count" ? isSmallCount(v.value) : suppressRatio(v.numerator, v.denominator)) out.add(categoryKey(v.period, cat(v)));
  const byPeriod = new Map<string, IndicatorValue[]>();
  const byCategory = new Map<string, IndicatorValue[]>();
  // Categories outside the headline (`breakdownOnly`: care leavers aged 17 and 18) are no part of
  // its sum: each is protected by itself and over time, not as a cell of the period's list.
  const outside = (v: IndicatorValue) => def.breakdownOnly !== undefined && v.breakdown === def.breakdownOnly.dimension && def.breakdownOnly.categories.includes(cat(v));
  for (const v of values) {
    if (!outside(v)) byPeriod.set(v.period, [...(byPeriod.get(v.period) ?? []), v]);
    byCategory.set(cat(v), [...(byCategory.get(cat(v)) ?? []), v]);
  }
  const parts = additiveParts(def.unit);
  let changed = true;
  const hide = (period: string, category: string) => {
    const k = categoryKey(period, category);
    if (out.has(k)) return;
    out.add(k);
    changed = true;
  };
  while (changed) {
    changed = false;
    for (const [period, list] of byPeriod) {
      for (const part of parts) {
        const counts = list.map((v) => part(v) ?? 0);
        const whole = totals.get(period);
        // Categories of distinct children that do not quite add up to the total (a child in two)
        // are protected as if they did: the total less the categories shown is a hidden category
        // less the children counted twice, often none.
        const adds = whole !== undefined && part(whole) !== null;
        const total = counts.reduce((a, b) => a + b, 0);
        const s = suppressList(counts, adds ? total : undefined, { counts: list.map((v) => out.has(categoryKey(period, cat(v)))), total: totalHidden(period) });
        s.counts.forEach((h, i) => {
          if (h) hide(period, cat(list[i]!));
        });
        if (adds && s.total && !totalHidden(period)) for (const v of list) hide(period, cat(v));
      }
    }
    if (def.measure === "flow") {
      for (const [category, series] of byCategory) {
        protectOverTime(def.unit, series, (p) => out.has(categoryKey(p, category)), (p) => hide(p, category));
      }
    }
  }
  return out;
}
