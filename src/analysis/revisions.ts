/**
 * @module
 * Revisions: every stored figure that changed between two loads of the same authority. Each
 * snapshot keeps its own computed values, so a figure reported to committee can be compared
 * with what the next load says about the same period — committees are told when a published
 * figure was amended, and by how much. Only headline values are compared (not breakdowns). A
 * figure that could not be computed before and can now is a revision ("new"), and so is one that
 * was computed and no longer is ("no_longer_computed", with the reason), whether the load stores
 * it as a null with its reason or has no row for it at all (a measure not in the new load). Only
 * periods both loads hold figures for are compared: a later extract's new months, and an earlier
 * one's months a rolling extract no longer reaches, are not amendments.
 */

import { parsePeriod } from "../calendar/periods.ts";
import { storedValues } from "../kpi/compute.ts";
import type { IndicatorValue } from "../kpi/types.ts";
import type { Store } from "../store/port.ts";

/** What happened to a figure between two loads. */
export type RevisionChange = "amended" | "new" | "no_longer_computed";

/** One amended figure. Field names are the `lantern revisions --json` contract. */
export interface FigureRevision {
  readonly indicator: string;
  readonly authority: string;
  readonly period: string;
  readonly old_value: number | null;
  readonly new_value: number | null;
  readonly old_snapshot: number;
  readonly new_snapshot: number;
  readonly unit: IndicatorValue["unit"];
  /** "amended" (one value to another), "new" (no value before), "no_longer_computed" (no value now). */
  readonly change: RevisionChange;
  /** Why there was no value before (with `new`): the stored reason, or that the load had no such figure. */
  readonly old_reason?: string;
  /** Why there is no value now (with `no_longer_computed`). */
  readonly new_reason?: string;
}

/** How a reason begins when the load had no row for the figure at all (rather than a null with its reason). */
export const NOT_IN_LOAD = "no such figure in snapshot";

function same(a: number | null, b: number | null): boolean {
  return a === b || (a !== null && b !== null && Math.abs(a - b) < 1e-9 * Math.max(1, Math.abs(a)));
}

/**
 * Figures whose value differs between `before` and `after` (the same indicator, authority and
 * period), including figures only one of them has, over the periods both hold figures for.
 */
export function revisionsBetween(before: readonly IndicatorValue[], after: readonly IndicatorValue[]): FigureRevision[] {
  return compareLoads(before, after).revisions;
}

/**
 * {@link revisionsBetween}, with how many figures were compared: none when the loads share no
 * period (each year of a return loaded as its own snapshot), which is not "nothing changed".
 */
export function compareLoads(before: readonly IndicatorValue[], after: readonly IndicatorValue[]): { revisions: FigureRevision[]; compared: number } {
  const key = (v: IndicatorValue) => `${v.indicator}|${v.authority}|${v.period}`;
  const held = (vs: readonly IndicatorValue[]) => new Set(vs.map((v) => `${v.authority}|${v.period}`));
  const headline = (vs: readonly IndicatorValue[]) => vs.filter((v) => !v.breakdown);
  const [olds, news] = [headline(before), headline(after)];
  const old = new Map(olds.map((v) => [key(v), v]));
  const now = new Map(news.map((v) => [key(v), v]));
  const [heldBefore, heldAfter] = [held(olds), held(news)];
  // A load's snapshot id, for a figure the other load has no row for.
  const [snapBefore, snapAfter] = [olds[0]?.snapshot, news[0]?.snapshot];
  const absent = (snapshot: number | undefined) => `${NOT_IN_LOAD} ${snapshot ?? "?"}`;
  const out: FigureRevision[] = [];
  let compared = 0;
  const compare = (o: IndicatorValue | undefined, n: IndicatorValue | undefined) => {
    const v = (n ?? o)!;
    if (!heldBefore.has(`${v.authority}|${v.period}`) || !heldAfter.has(`${v.authority}|${v.period}`)) return;
    compared++;
    const [a, b] = [o?.value ?? null, n?.value ?? null];
    if (same(a, b)) return;
    const change: RevisionChange = a === null ? "new" : b === null ? "no_longer_computed" : "amended";
    out.push({
      indicator: v.indicator,
      authority: v.authority,
      period: v.period,
      old_value: a,
      new_value: b,
      old_snapshot: o?.snapshot ?? snapBefore ?? v.snapshot,
      new_snapshot: n?.snapshot ?? snapAfter ?? v.snapshot,
      unit: v.unit,
      change,
      ...(a === null ? { old_reason: o ? (o.reason ?? "not computed") : absent(snapBefore) } : {}),
      ...(b === null ? { new_reason: n ? (n.reason ?? "not computed") : absent(snapAfter) } : {}),
    });
  };
  for (const n of news) compare(old.get(key(n)), n);
  for (const o of olds) if (!now.has(key(o))) compare(o, undefined);
  // In the order figures are listed everywhere else: by authority, indicator (as first met), period.
  const rank = new Map<string, number>();
  for (const v of [...news, ...olds]) if (!rank.has(v.indicator)) rank.set(v.indicator, rank.size);
  return { revisions: out.sort((x, y) => x.authority.localeCompare(y.authority) || rank.get(x.indicator)! - rank.get(y.indicator)! || x.period.localeCompare(y.period)), compared };
}

/** Options for reading revisions from the store. */
export interface RevisionQuery {
  readonly authority?: string;
  /** Compare each later load with this snapshot (same authority) instead of with the load before it. */
  readonly since?: number;
  /** Period kinds to include (default every kind). */
  readonly kinds?: readonly string[];
}

/** Two loads compared: the snapshots, and how many figures of periods both hold were compared. */
export interface LoadsCompared {
  readonly authority: string;
  readonly before: number;
  readonly after: number;
  readonly compared: number;
}

/**
 * For each authority, the revisions between consecutive computed snapshots — or, with `since`,
 * between that snapshot and the latest one of its authority.
 */
export async function revisionsInStore(store: Store, q: RevisionQuery = {}): Promise<FigureRevision[]> {
  return (await comparisonsInStore(store, q)).revisions;
}

/** {@link revisionsInStore}, with each pair of loads compared and how many figures they shared. */
export async function comparisonsInStore(store: Store, q: RevisionQuery = {}): Promise<{ revisions: FigureRevision[]; pairs: LoadsCompared[] }> {
  const rows = await store.all<{ snapshot_id: number; la_code: string }>(
    `SELECT DISTINCT s.snapshot_id, s.la_code FROM lantern_snapshot s JOIN lantern_compute c ON c.snapshot_id = s.snapshot_id
     ${q.authority ? "WHERE s.la_code = $1" : ""} ORDER BY s.la_code, s.snapshot_id`,
    q.authority ? [q.authority] : [],
  );
  const byLa = new Map<string, number[]>();
  for (const r of rows) byLa.set(r.la_code, [...(byLa.get(r.la_code) ?? []), r.snapshot_id]);
  const pairs: [string, number, number][] = [];
  for (const [la, ids] of byLa) {
    if (q.since !== undefined) {
      const latest = ids.at(-1)!;
      if (ids.includes(q.since) && latest !== q.since) pairs.push([la, q.since, latest]);
    } else {
      for (let i = 1; i < ids.length; i++) pairs.push([la, ids[i - 1]!, ids[i]!]);
    }
  }
  const keep = (vs: IndicatorValue[]) => (q.kinds ? vs.filter((v) => q.kinds!.includes(parsePeriod(v.period)?.kind ?? "")) : vs);
  const out: FigureRevision[] = [];
  const done: LoadsCompared[] = [];
  for (const [authority, a, b] of pairs) {
    const c = compareLoads(keep(await storedValues(store, { snapshots: [a] })), keep(await storedValues(store, { snapshots: [b] })));
    out.push(...c.revisions);
    done.push({ authority, before: a, after: b, compared: c.compared });
  }
  return { revisions: out, pairs: done };
}

/**
 * The figures a new load amended: its values against the authority's previous computed load
 * (none for a first load). Shown after every import so nobody has to ask.
 */
export async function revisionsOfLoad(store: Store, snapshot: number): Promise<{ authority: string; previous: number | null; revisions: FigureRevision[]; compared: number }> {
  const [me] = await store.all<{ la_code: string }>(`SELECT la_code FROM lantern_snapshot WHERE snapshot_id = $1`, [snapshot]);
  if (!me) return { authority: "", previous: null, revisions: [], compared: 0 };
  const [prev] = await store.all<{ id: number | null }>(
    `SELECT max(s.snapshot_id) AS id FROM lantern_snapshot s JOIN lantern_compute c ON c.snapshot_id = s.snapshot_id WHERE s.la_code = $1 AND s.snapshot_id < $2`,
    [me.la_code, snapshot],
  );
  const previous = prev?.id ?? null;
  if (previous === null) return { authority: me.la_code, previous: null, revisions: [], compared: 0 };
  return { authority: me.la_code, previous, ...compareLoads(await storedValues(store, { snapshots: [previous] }), await storedValues(store, { snapshots: [snapshot] })) };
}
