/**
 * @module
 * Revisions: every stored figure that changed between two loads of the same authority. Each
 * snapshot keeps its own computed values, so a figure reported to committee can be compared
 * with what the next load says about the same period — committees are told when a published
 * figure was amended, and by how much. Only headline values are compared (not breakdowns); a
 * figure that could not be computed before and can now (or the reverse) is a revision too.
 */

import { parsePeriod } from "../calendar/periods.ts";
import { storedValues } from "../kpi/compute.ts";
import type { IndicatorValue } from "../kpi/types.ts";
import type { Store } from "../store/port.ts";

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
}

function same(a: number | null, b: number | null): boolean {
  return a === b || (a !== null && b !== null && Math.abs(a - b) < 1e-9 * Math.max(1, Math.abs(a)));
}

/** Figures in `after` whose value differs from the same indicator, authority and period in `before`. */
export function revisionsBetween(before: readonly IndicatorValue[], after: readonly IndicatorValue[]): FigureRevision[] {
  const key = (v: IndicatorValue) => `${v.indicator}|${v.authority}|${v.period}`;
  const old = new Map(before.filter((v) => !v.breakdown).map((v) => [key(v), v]));
  const out: FigureRevision[] = [];
  for (const v of after) {
    if (v.breakdown) continue;
    const o = old.get(key(v));
    if (!o || same(o.value, v.value)) continue;
    out.push({ indicator: v.indicator, authority: v.authority, period: v.period, old_value: o.value, new_value: v.value, old_snapshot: o.snapshot, new_snapshot: v.snapshot, unit: v.unit });
  }
  return out;
}

/** Options for reading revisions from the store. */
export interface RevisionQuery {
  readonly authority?: string;
  /** Compare each later load with this snapshot (same authority) instead of with the load before it. */
  readonly since?: number;
  /** Period kinds to include (default every kind). */
  readonly kinds?: readonly string[];
}

/**
 * For each authority, the revisions between consecutive computed snapshots — or, with `since`,
 * between that snapshot and the latest one of its authority.
 */
export async function revisionsInStore(store: Store, q: RevisionQuery = {}): Promise<FigureRevision[]> {
  const rows = await store.all<{ snapshot_id: number; la_code: string }>(
    `SELECT DISTINCT s.snapshot_id, s.la_code FROM lantern_snapshot s JOIN lantern_compute c ON c.snapshot_id = s.snapshot_id
     ${q.authority ? "WHERE s.la_code = $1" : ""} ORDER BY s.la_code, s.snapshot_id`,
    q.authority ? [q.authority] : [],
  );
  const byLa = new Map<string, number[]>();
  for (const r of rows) byLa.set(r.la_code, [...(byLa.get(r.la_code) ?? []), r.snapshot_id]);
  const pairs: [number, number][] = [];
  for (const ids of byLa.values()) {
    if (q.since !== undefined) {
      const latest = ids.at(-1)!;
      if (ids.includes(q.since) && latest !== q.since) pairs.push([q.since, latest]);
    } else {
      for (let i = 1; i < ids.length; i++) pairs.push([ids[i - 1]!, ids[i]!]);
    }
  }
  const keep = (vs: IndicatorValue[]) => (q.kinds ? vs.filter((v) => q.kinds!.includes(parsePeriod(v.period)?.kind ?? "")) : vs);
  const out: FigureRevision[] = [];
  for (const [a, b] of pairs) {
    for (const r of revisionsBetween(keep(await storedValues(store, { snapshots: [a] })), keep(await storedValues(store, { snapshots: [b] })))) out.push(r);
  }
  return out;
}

/**
 * The figures a new load amended: its values against the authority's previous computed load
 * (none for a first load). Shown after every import so nobody has to ask.
 */
export async function revisionsOfLoad(store: Store, snapshot: number): Promise<{ authority: string; previous: number | null; revisions: FigureRevision[] }> {
  const [me] = await store.all<{ la_code: string }>(`SELECT la_code FROM lantern_snapshot WHERE snapshot_id = $1`, [snapshot]);
  if (!me) return { authority: "", previous: null, revisions: [] };
  const [prev] = await store.all<{ id: number | null }>(
    `SELECT max(s.snapshot_id) AS id FROM lantern_snapshot s JOIN lantern_compute c ON c.snapshot_id = s.snapshot_id WHERE s.la_code = $1 AND s.snapshot_id < $2`,
    [me.la_code, snapshot],
  );
  const previous = prev?.id ?? null;
  if (previous === null) return { authority: me.la_code, previous: null, revisions: [] };
  return { authority: me.la_code, previous, revisions: revisionsBetween(await storedValues(store, { snapshots: [previous] }), await storedValues(store, { snapshots: [snapshot] })) };
}
