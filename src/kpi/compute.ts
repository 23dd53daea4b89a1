/**
 * @module
 * Computing the whole library for snapshots and storing the values with them, so a figure shown
 * in a report can always be traced to the snapshot it came from (and compared with the previous
 * snapshot's value to find revisions). Reading values back goes through `storedValues`.
 */

import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { loadBankHolidays } from "../calendar/working-days.ts";
import { LanternError } from "../core/errors.ts";
import type { Store } from "../store/port.ts";
import { canCompute, type ComputeMode, computeIndicator, type PeriodFilter, personDimensions, type Target, uncoveredValues, VALUE_COLUMNS, writeIndicator, writeRatesFromCounts } from "./engine.ts";
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
  /** Indicators to compute at once, each on a connection of its own; default `computeWorkers()`. */
  readonly workers?: number;
}

/** The outcome of a compute. */
export interface ComputeResult {
  readonly snapshots: number[];
  readonly indicators: number;
  readonly values: number;
  readonly elapsedMs: number;
  /** Connections the indicators were computed on at once. */
  readonly workers: number;
  /** Wall-clock time of the indicators' queries (with several workers, less than the sum of `timings`). */
  readonly queriesMs: number;
  readonly timings: { readonly indicator: string; readonly ms: number }[];
}

/** Bank holidays: the shipped list plus `DATA/bank-holidays.csv` when the user has added one. */
export function holidaysFor(dataDir: string | undefined): string[] {
  const extra = dataDir ? join(dataDir, "bank-holidays.csv") : undefined;
  return loadBankHolidays(extra && existsSync(extra) ? [extra] : []);
}

/**
 * Check what a compute reads besides the store (the user's `bank-holidays.csv`,
 * `LANTERN_COMPUTE_WORKERS`), throwing the error the compute would. A load that computes calls
 * this before loading: a load is all or nothing, and a load refused after it had committed
 * would leave the user told "refused" about data that is stored.
 */
export function checkComputeSettings(dataDir: string | undefined): void {
  holidaysFor(dataDir);
  computeWorkers();
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
 * How many connections a compute uses at once: `LANTERN_COMPUTE_WORKERS` when set (1 computes one
 * indicator at a time), else one per core up to four. Each indicator is its own statement, too
 * small for the database to spread over every core by itself, so running several at once uses the
 * cores a server has (docs/performance.md).
 */
export function computeWorkers(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env["LANTERN_COMPUTE_WORKERS"];
  if (raw !== undefined && raw.trim() !== "") {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > 32) {
      throw new LanternError("LANTERN_BAD_OPTION", `LANTERN_COMPUTE_WORKERS is ${JSON.stringify(raw)}; it must be a whole number from 1 to 32.`, {
        hint: "Set it to the number of indicators to compute at once (1 for one at a time), or unset it to use one per core up to four.",
      });
    }
    return n;
  }
  return Math.min(4, Math.max(1, availableParallelism()));
}

/**
 * Run `each` for every indicator, on `workers` connections at once (each taking the next indicator
 * as it finishes one), each connection holding its own table of each child's dimensions (see
 * `personDimensions`); reports progress and times each indicator. After a failure the other
 * connections take no new indicator, and the failure is thrown once they have stopped.
 */
async function forEachIndicator(
  store: Store,
  targets: readonly Target[],
  defs: readonly IndicatorDef[],
  workers: number,
  onProgress: ComputeOptions["onProgress"],
  each: (store: Store, def: IndicatorDef, mode: ComputeMode) => Promise<void>,
): Promise<{ indicator: string; ms: number }[]> {
  const ms = new Map<string, number>();
  let next = 0;
  let done = 0;
  const job = async (s: Store, failed: () => boolean) => {
    const person = await personDimensions(s, targets);
    try {
      for (let def = defs[next++]; def && !failed(); def = defs[next++]) {
        onProgress?.(done, defs.length, def.id);
        const t0 = performance.now();
        await each(s, def, { personTable: person.table });
        ms.set(def.id, performance.now() - t0);
        done++;
      }
    } finally {
      await person.drop();
    }
  };
  if (workers <= 1) await store.session(() => job(store, () => false));
  else await store.parallel(Math.min(workers, defs.length), (w, _i, failed) => job(w, failed));
  onProgress?.(defs.length, defs.length, "");
  return defs.map((d) => ({ indicator: d.id, ms: ms.get(d.id) ?? 0 }));
}

/** Compute the selected indicators for the selected snapshots, without storing. */
export async function computeValues(store: Store, targets: readonly Target[], defs: readonly IndicatorDef[], filter: PeriodFilter = {}, onProgress?: ComputeOptions["onProgress"]): Promise<{ values: IndicatorValue[]; timings: { indicator: string; ms: number }[] }> {
  const values: IndicatorValue[] = [];
  const timings = await forEachIndicator(store, targets, defs, 1, onProgress, async (s, def, mode) => {
    // A loop, not push(...): one indicator over 150 authorities is more values than a call's arguments may be.
    for (const v of await computeIndicator(s, def, targets, filter, mode)) values.push(v);
  });
  return { values, timings };
}

/** The rates among `defs` whose count (`IndicatorDef.rateOf`) is among them too. */
function ratePairs(defs: readonly IndicatorDef[]): { rate: IndicatorDef; count: IndicatorDef }[] {
  const byId = new Map(defs.map((d) => [d.id, d]));
  return defs.flatMap((rate) => {
    const count = rate.rateOf === undefined ? undefined : byId.get(rate.rateOf);
    return count ? [{ rate, count }] : [];
  });
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
  const workers = opts.workers ?? computeWorkers();
  await ensureReferenceTables(store, holidaysFor(opts.dataDir));
  const targets = await resolveTargets(store, { ...(opts.authority ? { authority: opts.authority } : {}), ...(opts.snapshot !== undefined ? { snapshot: opts.snapshot } : {}) });
  const { defs } = selectIndicators(opts.indicators);
  const snapshots = targets.map((t) => t.snapshot_id);
  let timings: { indicator: string; ms: number }[] = [];
  let queriesMs = 0;
  let written = 0;
  // A table every connection of the compute fills, kept out of the database file: writing millions
  // of values into the file set DuckDB checkpointing part way through the compute (150 small
  // authorities, 11 million values: 28.0 s against 24.7 s). Unique to this compute: two computes in
  // one process must not meet.
  const staging = await store.createShared(`stg_indicator_value_${++stagings}`, VALUE_COLUMNS);
  try {
    const made: IndicatorValue[] = [];
    const q0 = performance.now();
    // A rate computed with its count is worked out from the count's figures at the end, except
    // for a target lacking a table the count needs (and the rate does not): there from its own SQL.
    const pairs = ratePairs(defs);
    const countOf = new Map(pairs.map((p) => [p.rate.id, p.count]));
    timings = await forEachIndicator(store, targets, defs, workers, opts.onProgress, async (s, def, mode) => {
      const count = countOf.get(def.id);
      const own = count ? targets.filter((t) => !canCompute(count, t)) : targets;
      for (const v of await writeIndicator(s, def, own, staging, {}, mode)) made.push(v);
      // The rate from its count has the count's periods: none before the count's data covers it.
      if (count) for (const v of await uncoveredValues(s, def, targets.filter((t) => canCompute(count, t)), {}, count)) made.push(v);
    });
    await writeRatesFromCounts(store, pairs, staging);
    queriesMs = performance.now() - q0;
    const counts = new Map(
      (await store.all<{ snapshot_id: number; n: number }>(`SELECT snapshot_id, count(*) AS n FROM ${staging} GROUP BY snapshot_id`)).map((r) => [Number(r.snapshot_id), Number(r.n)]),
    );
    for (const v of made) counts.set(v.snapshot, (counts.get(v.snapshot) ?? 0) + 1);
    const now = (opts.now ?? (() => new Date()))().toISOString();
    await store.transaction(async () => {
      // Two computes of a snapshot at once (a scheduled compute beside an import's, on two
      // servers): the second waits for the first to commit and then replaces its values, rather
      // than both deleting before either inserts and every value being stored twice.
      for (const id of [...snapshots].sort((a, b) => a - b)) await store.transactionLock(`values:${id}`);
      if (snapshots.length) {
        const ids = defs.map((d) => `'${d.id}'`).join(", ");
        await store.run(`DELETE FROM lantern_indicator_value WHERE snapshot_id IN (${snapshots.join(", ")}) AND indicator_id IN (${ids})`);
      }
      await store.run(`INSERT INTO lantern_indicator_value SELECT * FROM ${staging}`);
      // The few values made in JavaScript: loaded aggregate figures, and nulls where a table is missing.
      if (made.length) {
        const w = await store.bulkWriter("lantern_indicator_value", VALUE_COLUMNS);
        for (const v of made) w.append([v.snapshot, v.authority, v.indicator, v.period, v.breakdown ?? "", v.category ?? "", v.value, v.numerator, v.denominator, v.reason ?? null]);
        await w.close();
      }
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
    await store.dropShared(staging);
  }
  await store.analyze(["lantern_indicator_value", "lantern_compute"]);
  return { snapshots, indicators: defs.length, values: written, elapsedMs: performance.now() - t0, workers, queriesMs, timings };
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

/**
 * Compute each target's snapshot that has no stored values yet, before its figures are read: a
 * load whose compute did not finish (the process stopped, or the compute failed after the load
 * committed) would otherwise show "not computed" everywhere. `each` is told of each one first (to
 * print a line or start a progress bar) and may return its progress callback and what to do when
 * it is done. Returns the snapshots computed.
 */
export async function computeUncomputed(
  store: Store,
  targets: readonly Target[],
  opts: { readonly dataDir?: string | undefined; readonly each?: (t: Target) => { readonly onProgress?: ComputeOptions["onProgress"]; readonly done?: () => void } | undefined } = {},
): Promise<number[]> {
  const computed = await computedSnapshots(store);
  const made: number[] = [];
  for (const t of targets) {
    if (computed.has(t.snapshot_id)) continue;
    const watch = opts.each?.(t);
    await computeAndStore(store, { snapshot: t.snapshot_id, ...(opts.dataDir ? { dataDir: opts.dataDir } : {}), ...(watch?.onProgress ? { onProgress: watch.onProgress } : {}) });
    watch?.done?.();
    made.push(t.snapshot_id);
  }
  return made;
}

/** Snapshots that have stored values. */
export async function computedSnapshots(store: Store): Promise<Set<number>> {
  return new Set((await store.all<{ snapshot_id: number }>(`SELECT DISTINCT snapshot_id FROM lantern_compute`)).map((r) => r.snapshot_id));
}
