/**
 * @module
 * Computing the whole library for snapshots and storing the values with them, so a figure shown
 * in a report can always be traced to the snapshot it came from (and compared with the previous
 * snapshot's value to find revisions). Reading values back goes through `storedValues`.
 */

import { existsSync } from "node:fs";
import { join } from "node:path";
import { loadBankHolidays } from "../calendar/working-days.ts";
import type { Store } from "../store/port.ts";
import { type ComputeMode, computeIndicator, type PeriodFilter, personDimensions, type Target, VALUE_COLUMNS, writeIndicator } from "./engine.ts";
import { indicatorLibrary } from "./library/index.ts";
import { ensureReferenceTables } from "./reference-tables.ts";
import { resolveTargets } from "./targets.ts";
import type { IndicatorDef, IndicatorValue, Unit } from "./types.ts";

/** What to compute. */
export interface ComputeOptions {
  readonly authority?: string;
  readonly snapshot?: number;
  /** Indicator ids (or aliases); default every indicator. */
  readonly indicators?: readonly string[];
  /** The data folder, for a user's extra `bank-holidays.csv`. */
  readonly dataDir?: string;
  readonly now?: () => Date;
  readonly onProgress?: (done: number, total: number, label: string) => void;
}

/** The outcome of a compute. */
export interface ComputeResult {
  readonly snapshots: number[];
  readonly indicators: number;
  readonly values: number;
  readonly elapsedMs: number;
  readonly timings: { readonly indicator: string; readonly ms: number }[];
}

/** Bank holidays: the shipped list plus `DATA/bank-holidays.csv` when the user has added one. */
export function holidaysFor(dataDir: string | undefined): string[] {
  const extra = dataDir ? join(dataDir, "bank-holidays.csv") : undefined;
  return loadBankHolidays(extra && existsSync(extra) ? [extra] : []);
}

/** Resolve indicator ids and aliases; unknown ids are a usage error listed by the caller. */
export function selectIndicators(ids: readonly string[] | undefined): { defs: IndicatorDef[]; unknown: string[] } {
  const lib = indicatorLibrary();
  if (!ids?.length) return { defs: lib.list(), unknown: [] };
  const defs: IndicatorDef[] = [];
  const unknown: string[] = [];
  for (const id of ids) {
    const d = lib.get(id);
    if (d) defs.push(d);
    else unknown.push(id);
  }
  return { defs, unknown };
}

/**
 * Run `each` for every indicator in turn, on one connection holding the compute's table of each
 * child's dimensions (see `personDimensions`), reporting progress and timing each indicator.
 */
async function forEachIndicator(
  store: Store,
  targets: readonly Target[],
  defs: readonly IndicatorDef[],
  onProgress: ComputeOptions["onProgress"],
  each: (def: IndicatorDef, mode: ComputeMode) => Promise<void>,
): Promise<{ indicator: string; ms: number }[]> {
  const timings: { indicator: string; ms: number }[] = [];
  await store.session(async () => {
    const person = await personDimensions(store, targets);
    try {
      let i = 0;
      for (const def of defs) {
        onProgress?.(i++, defs.length, def.id);
        const t0 = performance.now();
        await each(def, { personTable: person.table });
        timings.push({ indicator: def.id, ms: performance.now() - t0 });
      }
    } finally {
      await person.drop();
    }
  });
  onProgress?.(defs.length, defs.length, "");
  return timings;
}

/** Compute the selected indicators for the selected snapshots, without storing. */
export async function computeValues(store: Store, targets: readonly Target[], defs: readonly IndicatorDef[], filter: PeriodFilter = {}, onProgress?: ComputeOptions["onProgress"]): Promise<{ values: IndicatorValue[]; timings: { indicator: string; ms: number }[] }> {
  const values: IndicatorValue[] = [];
  const timings = await forEachIndicator(store, targets, defs, onProgress, async (def, mode) => {
    // A loop, not push(...): one indicator over 150 authorities is more values than a call's arguments may be.
    for (const v of await computeIndicator(store, def, targets, filter, mode)) values.push(v);
  });
  return { values, timings };
}

let stagings = 0;

/**
 * Compute and store every selected indicator for the selected snapshots (replacing earlier values).
 * Values go from each indicator's query straight into a staging table inside the store (not
 * through JavaScript one by one, nor all held in memory: 150 authorities are millions of values),
 * and replace the stored ones in one transaction at the end, so a failed compute changes nothing.
 */
export async function computeAndStore(store: Store, opts: ComputeOptions = {}): Promise<ComputeResult> {
  const t0 = performance.now();
  await ensureReferenceTables(store, holidaysFor(opts.dataDir));
  const targets = await resolveTargets(store, { ...(opts.authority ? { authority: opts.authority } : {}), ...(opts.snapshot !== undefined ? { snapshot: opts.snapshot } : {}) });
  const { defs } = selectIndicators(opts.indicators);
  const snapshots = targets.map((t) => t.snapshot_id);
  let timings: { indicator: string; ms: number }[] = [];
  // Unique to this compute: two computes in one DuckDB process share its one connection.
  const staging = `stg_indicator_value_${++stagings}`;
  let written = 0;
  await store.session(async () => {
    // A temporary table, not one in the database file: writing millions of values into the file
    // set DuckDB checkpointing part way through the compute (150 small authorities, 11 million
    // values: 28.0 s against 24.7 s), and a temporary table goes with its connection if the
    // process stops.
    await store.createStaging(staging, VALUE_COLUMNS);
    try {
      const made: IndicatorValue[] = [];
      timings = await forEachIndicator(store, targets, defs, opts.onProgress, async (def, mode) => {
        for (const v of await writeIndicator(store, def, targets, staging, {}, mode)) made.push(v);
      });
      // The few values made in JavaScript: loaded aggregate figures, and nulls where a table is missing.
      if (made.length) {
        const w = await store.bulkWriter(staging, VALUE_COLUMNS);
        for (const v of made) w.append([v.snapshot, v.authority, v.indicator, v.period, v.breakdown ?? "", v.category ?? "", v.value, v.numerator, v.denominator, v.reason ?? null]);
        await w.close();
      }
      const now = (opts.now ?? (() => new Date()))().toISOString();
      await store.transaction(async () => {
        if (snapshots.length) {
          const ids = defs.map((d) => `'${d.id}'`).join(", ");
          await store.run(`DELETE FROM lantern_indicator_value WHERE snapshot_id IN (${snapshots.join(", ")}) AND indicator_id IN (${ids})`);
        }
        await store.run(`INSERT INTO lantern_indicator_value SELECT * FROM ${staging}`);
        const counts = new Map(
          (await store.all<{ snapshot_id: number; n: number }>(`SELECT snapshot_id, count(*) AS n FROM ${staging} GROUP BY snapshot_id`)).map((r) => [Number(r.snapshot_id), Number(r.n)]),
        );
        for (const s of snapshots) {
          written += counts.get(s) ?? 0;
          await store.run(`INSERT INTO lantern_compute (snapshot_id, computed_at, indicators, values_written, elapsed_ms) VALUES ($1, $2, $3, $4, $5)`, [
            s,
            now,
            defs.length,
            counts.get(s) ?? 0,
            Math.round(performance.now() - t0),
          ]);
        }
      });
    } finally {
      await store.run(`DROP TABLE IF EXISTS ${staging}`);
    }
  });
  await store.analyze(["lantern_indicator_value", "lantern_compute"]);
  return { snapshots, indicators: defs.length, values: written, elapsedMs: performance.now() - t0, timings };
}

/** Read stored values back. */
export async function storedValues(
  store: Store,
  q: { snapshots: readonly number[]; indicators?: readonly string[]; periods?: readonly string[]; breakdown?: string },
): Promise<IndicatorValue[]> {
  if (!q.snapshots.length) return [];
  const lib = indicatorLibrary();
  const where = [`snapshot_id IN (${q.snapshots.map(Number).join(", ")})`, `breakdown = $1`];
  const params: string[] = [q.breakdown ?? ""];
  const placeholders = (xs: readonly string[]) => xs.map((x) => `$${params.push(x)}`).join(", ");
  if (q.indicators?.length) where.push(`indicator_id IN (${placeholders(q.indicators)})`);
  if (q.periods?.length) where.push(`period_id IN (${placeholders(q.periods)})`);
  const rows = await store.all<{
    snapshot_id: number;
    la_code: string;
    indicator_id: string;
    period_id: string;
    breakdown: string;
    category: string;
    value: number | null;
    numerator: number | null;
    denominator: number | null;
    reason: string | null;
  }>(`SELECT * FROM lantern_indicator_value WHERE ${where.join(" AND ")} ORDER BY la_code, indicator_id, period_id, category`, params);
  const order = new Map(lib.list().map((d, i) => [d.id, i]));
  return rows
    .map((r) => ({
      indicator: r.indicator_id,
      authority: r.la_code,
      period: r.period_id,
      value: r.value,
      numerator: r.numerator,
      denominator: r.denominator,
      unit: (lib.get(r.indicator_id)?.unit ?? "count") as Unit,
      snapshot: r.snapshot_id,
      ...(r.reason ? { reason: r.reason } : {}),
      ...(r.breakdown ? { breakdown: r.breakdown, category: r.category } : {}),
    }))
    .sort((a, b) => a.authority.localeCompare(b.authority) || (order.get(a.indicator)! - order.get(b.indicator)!) || a.period.localeCompare(b.period));
}

/** Snapshots that have stored values. */
export async function computedSnapshots(store: Store): Promise<Set<number>> {
  return new Set((await store.all<{ snapshot_id: number }>(`SELECT DISTINCT snapshot_id FROM lantern_compute`)).map((r) => r.snapshot_id));
}
