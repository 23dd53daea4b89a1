/**
 * @module
 * Gathering a report's figures from the store: the authority's snapshot (the latest, or one
 * named), its stored values (computed first if they are not yet), targets, annotations,
 * benchmarks, and the figures amended since the snapshot before it. The thin IO side of
 * `content.ts`; it reads aggregates only (never a child-level table's rows, except the latest
 * event date that says how far the extract reaches).
 */

import { listAnnotations } from "../analysis/annotations.ts";
import { benchmarkData } from "../analysis/benchmark-data.ts";
import { revisionsBetween } from "../analysis/revisions.ts";
import { type BenchmarkResult, benchmark, BenchmarkProblem, laitYearFor, realAuthority, resolveIndicator } from "../analysis/benchmarks.ts";
import { financialYearOf, parsePeriod, yearPeriod } from "../calendar/periods.ts";
import { LanternError } from "../core/errors.ts";
import { computeAndStore, computedSnapshots, storedValues } from "../kpi/compute.ts";
import type { Target as Snapshot } from "../kpi/engine.ts";
import { indicatorLibrary } from "../kpi/library/index.ts";
import { requireCovered, resolveTargets } from "../kpi/targets.ts";
import type { IndicatorValue } from "../kpi/types.ts";
import type { Store } from "../store/port.ts";
import { authorityRecord } from "../store/authorities.ts";
import { effectiveTargets, listComments } from "../web/edits.ts";
import type { Audience, ReportInput, Revision } from "./content.ts";

/** What the caller asks for. */
export interface ReportRequest {
  readonly period: string;
  readonly audience: Audience;
  readonly authority?: string;
  readonly committee?: string;
  readonly snapshot?: number;
  readonly dataDir: string;
  readonly now?: () => Date;
}

/** The default committee name when none is given. */
export const DEFAULT_COMMITTEE = "Children's Services Scrutiny Committee";

/**
 * Figures that differ between two snapshots' stored values (`revisionsBetween`: a figure one load
 * has and the other lacks counts, for a period both hold) in the report's terms: every headline
 * figure of a period the report can show or plot as at `upTo` — each month, quarter and rolling
 * year ending by then, and the financial or calendar year it falls in (the year to date) — not
 * only the report's own period. A committee is told of every figure amended since its last paper.
 */
export function revisionsOf(before: readonly IndicatorValue[], after: readonly IndicatorValue[], upTo: string): Revision[] {
  const reported = (v: IndicatorValue) => {
    const p = parsePeriod(v.period);
    return !!p && p.start <= upTo && (p.end <= upTo || p.kind === "year" || p.kind === "calendar");
  };
  return revisionsBetween(before.filter(reported), after.filter(reported)).map((r) => ({ indicator: r.indicator, period: r.period, before: r.old_value, after: r.new_value }));
}

/** The latest event date a snapshot holds (how far the extract reaches). */
async function extractedTo(store: Store, snapshotId: number, la: string): Promise<string | null> {
  const [r] = await store.all<{ m: string | null }>(
    `SELECT CAST(max(x.cont_contact_date) AS DATE) AS m FROM ssd_contacts x JOIN lantern_snapshot_table st ON st.rows_snapshot_id = x.snapshot_id AND st.table_name = 'ssd_contacts' AND st.snapshot_id = $1 WHERE x.la_code = $2`,
    [snapshotId, la],
  );
  return r?.m ? String(r.m).slice(0, 10) : null;
}

/** Officer commentary marked for publication, on any indicator (the web app's comments). */
async function publishedCommentary(store: Store, authority: string, indicators: readonly string[]): Promise<{ indicator: string; period: string; body: string }[]> {
  const out: { indicator: string; period: string; body: string }[] = [];
  for (const indicator of indicators) {
    for (const c of await listComments(store, { authority, indicator, publishedOnly: true })) out.push({ indicator: c.indicator, period: c.period, body: c.body });
  }
  return out;
}

async function ensureComputed(store: Store, snapshot: number, dataDir: string): Promise<void> {
  if (!(await computedSnapshots(store)).has(snapshot)) await computeAndStore(store, { snapshot, dataDir });
}

/**
 * The snapshot the most recent report on `la` was built from, among those before `current`, from
 * the audit log's `export.report` entries (each records its snapshot); undefined when none is.
 */
export async function lastReportedSnapshot(store: Store, la: string, current: number): Promise<number | undefined> {
  const rows = await store.all<{ detail: string }>(`SELECT detail FROM lantern_audit WHERE action = 'export.report' AND la_code = $1 ORDER BY audit_id DESC`, [la]);
  for (const r of rows) {
    let snapshot: unknown;
    try {
      snapshot = (JSON.parse(r.detail) as { snapshot?: unknown }).snapshot;
    } catch {
      continue;
    }
    if (typeof snapshot === "number" && Number.isInteger(snapshot) && snapshot < current) return snapshot;
  }
  return undefined;
}

/** Gather everything a report needs. */
export async function gatherReport(store: Store, req: ReportRequest): Promise<ReportInput> {
  const period = parsePeriod(req.period);
  if (!period) throw new LanternError("LANTERN_BAD_OPTION", `--period ${req.period} is not a period.`, { hint: "Write 2025-26-Q2 for a quarter, 2024-25 for a financial year, or 2025-01 for a month." });
  const targets = await resolveTargets(store, { ...(req.authority ? { authority: req.authority } : {}), ...(req.snapshot !== undefined ? { snapshot: req.snapshot } : {}) });
  if (!targets.length) throw new LanternError("LANTERN_BAD_OPTION", "No data has been loaded yet.", { hint: "Run `lantern demo` or `lantern import` first." });
  if (targets.length > 1) {
    throw new LanternError("LANTERN_USAGE", `The store holds ${targets.length} authorities (${targets.map((t) => t.la_code).join(", ")}); a report is for one.`, { hint: "Add --authority CODE." });
  }
  const t: Snapshot = targets[0]!;
  requireCovered(t, period);
  await ensureComputed(store, t.snapshot_id, req.dataDir);
  const values = await storedValues(store, { snapshots: [t.snapshot_id] });
  const [snap] = await store.all<{ loaded_at: string }>(`SELECT loaded_at FROM lantern_snapshot WHERE snapshot_id = $1`, [t.snapshot_id]);
  const auth = await authorityRecord(store, t.la_code);
  // Amended figures are those changed since the last paper: the snapshot the latest report made
  // from an earlier load was built from (the audit log records each), else the load before.
  const reported = await lastReportedSnapshot(store, t.la_code, t.snapshot_id);
  const [prev] = await store.all<{ snapshot_id: number; loaded_at: string }>(
    reported !== undefined
      ? `SELECT snapshot_id, loaded_at FROM lantern_snapshot WHERE la_code = $1 AND snapshot_id = $2`
      : `SELECT snapshot_id, loaded_at FROM lantern_snapshot WHERE la_code = $1 AND snapshot_id < $2 ORDER BY snapshot_id DESC LIMIT 1`,
    [t.la_code, reported ?? t.snapshot_id],
  );
  let revisions: Revision[] = [];
  let previousValues: IndicatorValue[] | undefined;
  if (prev) {
    await ensureComputed(store, prev.snapshot_id, req.dataDir);
    previousValues = await storedValues(store, { snapshots: [prev.snapshot_id] });
    revisions = revisionsOf(previousValues, values, period.end);
  }
  const data = benchmarkData();
  const real = realAuthority(t.la_code, data);
  const like = real ? undefined : (auth.like_code ?? undefined);
  const defs = indicatorLibrary().list();
  const benchmarks = new Map<string, BenchmarkResult>();
  if (real || like) {
    for (const def of defs) {
      if (resolveIndicator(def.id, data).kind !== "ok") continue;
      try {
        let base: Parameters<typeof benchmark>[0] = { authority: real ? real.code : t.la_code, indicator: def.id, ...(like ? { like, authorityName: auth.la_name ?? t.la_code } : {}) };
        let first = benchmark(base, data);
        // A report on an earlier year is compared with that year's published figures, not the
        // latest: a rank from 2024-25 beside a 2020-21 figure says nothing true. When the
        // report's year is after the latest published one (publication lags), the latest stands.
        const fy = yearPeriod(financialYearOf(period.end)).id;
        const wanted = laitYearFor(fy, first.year.yearType)?.year;
        if (wanted !== undefined && wanted < first.year.lait) {
          base = { ...base, year: fy };
          first = benchmark(base, data);
        }
        const own = real ? undefined : (values.find((v) => v.indicator === def.id && v.period === first.year.lanternPeriod)?.value ?? null);
        benchmarks.set(def.id, own === undefined ? first : benchmark({ ...base, ownValue: own }, data));
      } catch (e) {
        if (!(e instanceof BenchmarkProblem)) throw e;
      }
    }
  }
  return {
    authority: { code: t.la_code, name: auth.la_name ?? real?.name ?? t.la_code },
    committee: req.committee ?? DEFAULT_COMMITTEE,
    period: period.id,
    audience: req.audience,
    snapshot: { id: t.snapshot_id, loadedAt: snap?.loaded_at ?? "", dataFrom: t.data_from, dataTo: t.data_to, extractedTo: await extractedTo(store, t.snapshot_id, t.la_code) },
    previousSnapshot: prev ? { id: prev.snapshot_id, loadedAt: prev.loaded_at, reported: reported !== undefined } : undefined,
    movements: real || like ? { data, ...(like ? { like } : {}) } : undefined,
    indicators: defs,
    values,
    targets: await effectiveTargets(store, req.dataDir),
    annotations: await listAnnotations(store, t.la_code),
    benchmarks,
    revisions,
    ...(previousValues ? { previousValues } : {}),
    commentary: await publishedCommentary(store, t.la_code, defs.map((d) => d.id)),
    generatedAt: (req.now ?? (() => new Date()))().toISOString(),
  };
}
