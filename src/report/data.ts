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
import { BenchmarkProblem, type BenchmarkResult, benchmark, laitYearFor, realAuthority, resolveIndicator } from "../analysis/benchmarks.ts";
import { revisionsBetween } from "../analysis/revisions.ts";
import { financialYearOf, notAPeriod, type Period, parsePeriod, yearPeriod } from "../calendar/periods.ts";
import { LanternError, noDataLoaded } from "../core/errors.ts";
import { computeAndStore, computedSnapshots, storedValues } from "../kpi/compute.ts";
import { breakdownsOf, type Target as Snapshot } from "../kpi/engine.ts";
import { indicatorLibrary } from "../kpi/library/index.ts";
import { requireCovered, requireLoaded, resolveTargets } from "../kpi/targets.ts";
import type { IndicatorValue } from "../kpi/types.ts";
import { authorityRecord } from "../store/authorities.ts";
import type { Store } from "../store/port.ts";
import { effectiveTargets, listComments } from "../web/edits.ts";
import type { Audience, ReportInput, Revision } from "./content.ts";

/** What the caller asks for. */
export interface ReportRequest {
  readonly period: string;
  readonly audience: Audience;
  readonly authority?: string;
  readonly committee?: string;
  readonly snapshot?: number;
  /** The snapshot to compare with for the amended figures, instead of the previous paper's. */
  readonly since?: number | undefined;
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
 * A report made on an authority, as its audit entry (`export.report`) records it. Entries made
 * before the committee was recorded have none: which committee they went to is not known.
 */
export interface ReportMade {
  readonly snapshot: number;
  readonly madeAt: string;
  readonly committee?: string;
  readonly period?: string;
  readonly audience?: string;
}

/** The reports made on `la`, newest first, from the audit log. */
export async function reportsMade(store: Store, la: string): Promise<ReportMade[]> {
  const rows = await store.all<{ detail: string; logged_at: string }>(`SELECT detail, logged_at FROM lantern_audit WHERE action = 'export.report' AND la_code = $1 ORDER BY audit_id DESC`, [la]);
  const out: ReportMade[] = [];
  for (const r of rows) {
    let d: { snapshot?: unknown; committee?: unknown; period?: unknown; audience?: unknown };
    try {
      d = JSON.parse(r.detail) as typeof d;
    } catch {
      continue;
    }
    if (typeof d.snapshot !== "number" || !Number.isInteger(d.snapshot)) continue;
    const text = (x: unknown) => (typeof x === "string" ? x : undefined);
    const [committee, period, audience] = [text(d.committee), text(d.period), text(d.audience)];
    out.push({ snapshot: d.snapshot, madeAt: String(r.logged_at), ...(committee ? { committee } : {}), ...(period ? { period } : {}), ...(audience ? { audience } : {}) });
  }
  return out;
}

/** Why a report's amended figures are compared with the snapshot they are. */
export type BaselineBasis = "since" | "same committee and kind" | "same committee" | "committee not recorded" | "previous load";

/**
 * The previous paper to compare with, among reports made from a snapshot before `current`: the
 * latest to the same committee for the same kind of period (a quarter's paper after a quarter's);
 * else the latest to the same committee; else the latest whose committee was not recorded (made
 * before it was). A paper to another committee is never the baseline: its members saw other figures.
 */
export function previousPaper(made: readonly ReportMade[], current: number, committee: string, period: Period): { made: ReportMade; basis: BaselineBasis } | undefined {
  const earlier = made.filter((m) => m.snapshot < current);
  const kindOf = (m: ReportMade) => (m.period ? parsePeriod(m.period)?.kind : undefined);
  const same = earlier.find((m) => m.committee === committee && kindOf(m) === period.kind);
  if (same) return { made: same, basis: "same committee and kind" };
  const committeeOnly = earlier.find((m) => m.committee === committee);
  if (committeeOnly) return { made: committeeOnly, basis: "same committee" };
  const unrecorded = earlier.find((m) => m.committee === undefined);
  return unrecorded ? { made: unrecorded, basis: "committee not recorded" } : undefined;
}

/** The snapshot a report's amended figures are compared with, and why that one. */
export interface Baseline {
  readonly snapshot: number;
  readonly loadedAt: string;
  readonly basis: BaselineBasis;
  /** The previous paper it was built from, when that is the reason. */
  readonly paper?: ReportMade;
}

/**
 * Choose the baseline of a report on snapshot `current` of `la`: the snapshot `since` names;
 * else that of the previous paper to the committee ({@link previousPaper}); else the load before
 * `current`. Undefined when there is no earlier load.
 */
export async function chooseBaseline(store: Store, la: string, current: number, opts: { committee: string; period: Period; since?: number | undefined }): Promise<Baseline | undefined> {
  const loaded = async (id: number) => (await store.all<{ snapshot_id: number; loaded_at: string }>(`SELECT snapshot_id, loaded_at FROM lantern_snapshot WHERE la_code = $1 AND snapshot_id = $2`, [la, id]))[0];
  if (opts.since !== undefined) {
    const named = await loaded(opts.since);
    if (!named || opts.since === current) {
      const ids = (await store.all<{ snapshot_id: number }>(`SELECT snapshot_id FROM lantern_snapshot WHERE la_code = $1 AND snapshot_id <> $2 ORDER BY snapshot_id`, [la, current])).map((r) => r.snapshot_id);
      throw new LanternError("LANTERN_BAD_OPTION", `--since ${opts.since} ${opts.since === current ? "is the snapshot the report is built from: there is nothing to compare it with" : `is not a snapshot of ${la}`}.`, {
        hint: ids.length ? `Name another of ${la}'s snapshots: ${ids.join(", ")} (lantern snapshots lists them).` : `${la} has no other snapshot to compare with; leave --since out.`,
      });
    }
    return { snapshot: named.snapshot_id, loadedAt: String(named.loaded_at), basis: "since" };
  }
  const paper = previousPaper(await reportsMade(store, la), current, opts.committee, opts.period);
  const fromPaper = paper ? await loaded(paper.made.snapshot) : undefined;
  if (paper && fromPaper) return { snapshot: fromPaper.snapshot_id, loadedAt: String(fromPaper.loaded_at), basis: paper.basis, paper: paper.made };
  const [prev] = await store.all<{ snapshot_id: number; loaded_at: string }>(`SELECT snapshot_id, loaded_at FROM lantern_snapshot WHERE la_code = $1 AND snapshot_id < $2 ORDER BY snapshot_id DESC LIMIT 1`, [la, current]);
  return prev ? { snapshot: prev.snapshot_id, loadedAt: String(prev.loaded_at), basis: "previous load" } : undefined;
}

/** Gather everything a report needs. */
export async function gatherReport(store: Store, req: ReportRequest): Promise<ReportInput> {
  const period = parsePeriod(req.period);
  if (!period) throw new LanternError("LANTERN_BAD_OPTION", notAPeriod(`--period ${req.period}`, req.period), { hint: "Write 2025-26-Q2 for a quarter, 2024-25 for a financial year, or 2025-01 for a month." });
  await requireLoaded(store, "report", "so there is nothing to report");
  const targets = await resolveTargets(store, { ...(req.authority ? { authority: req.authority } : {}), ...(req.snapshot !== undefined ? { snapshot: req.snapshot } : {}) });
  if (!targets.length) throw noDataLoaded("report", "so there is nothing to report");
  if (targets.length > 1) {
    throw new LanternError("LANTERN_USAGE", `The store holds ${targets.length} authorities (${targets.map((t) => t.la_code).join(", ")}); a report is for one.`, { hint: "Add --authority CODE." });
  }
  const t: Snapshot = targets[0]!;
  requireCovered(t, period);
  await ensureComputed(store, t.snapshot_id, req.dataDir);
  const values = await storedValues(store, { snapshots: [t.snapshot_id] });
  const [snap] = await store.all<{ loaded_at: string }>(`SELECT loaded_at FROM lantern_snapshot WHERE snapshot_id = $1`, [t.snapshot_id]);
  const auth = await authorityRecord(store, t.la_code);
  // Amended figures are those changed since the committee's last paper (or the snapshot --since
  // names): the audit log records each paper's committee, period and snapshot.
  const committee = req.committee ?? DEFAULT_COMMITTEE;
  const prev = await chooseBaseline(store, t.la_code, t.snapshot_id, { committee, period, since: req.since });
  let revisions: Revision[] = [];
  let previousValues: IndicatorValue[] | undefined;
  if (prev) {
    await ensureComputed(store, prev.snapshot, req.dataDir);
    previousValues = await storedValues(store, { snapshots: [prev.snapshot] });
    revisions = revisionsOf(previousValues, values, period.end);
  }
  // Every stored breakdown of the snapshot (each kind once, every indicator that has it).
  const defsForBreakdowns = indicatorLibrary().list();
  const breakdowns: IndicatorValue[] = [];
  for (const dim of [...new Set(defsForBreakdowns.flatMap((d) => breakdownsOf(d)))]) {
    for (const v of await storedValues(store, { snapshots: [t.snapshot_id], breakdown: dim })) if (v.authority === t.la_code) breakdowns.push(v);
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
    committee,
    period: period.id,
    audience: req.audience,
    snapshot: { id: t.snapshot_id, loadedAt: snap?.loaded_at ?? "", dataFrom: t.data_from, dataTo: t.data_to, extractedTo: await extractedTo(store, t.snapshot_id, t.la_code) },
    previousSnapshot: prev ? { id: prev.snapshot, loadedAt: prev.loadedAt, basis: prev.basis, ...(prev.paper ? { paper: prev.paper } : {}) } : undefined,
    movements: real || like ? { data, ...(like ? { like } : {}) } : undefined,
    indicators: defs,
    values,
    breakdowns,
    targets: await effectiveTargets(store, req.dataDir),
    annotations: await listAnnotations(store, t.la_code),
    benchmarks,
    revisions,
    ...(previousValues ? { previousValues } : {}),
    commentary: await publishedCommentary(store, t.la_code, defs.map((d) => d.id)),
    generatedAt: (req.now ?? (() => new Date()))().toISOString(),
  };
}
