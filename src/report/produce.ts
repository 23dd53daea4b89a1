/**
 * @module
 * Producing a committee report, and the report calendar's data, from the store: the one path the
 * CLI (`lantern report`) and the web app's Reports page both take, so a paper made in the browser
 * is byte for byte the paper made at the command line, and both are audited as exports.
 */

import { computedSnapshots } from "../kpi/compute.ts";
import { indicatorLibrary } from "../kpi/library/index.ts";
import { resolveTargets } from "../kpi/targets.ts";
import { audit } from "../store/audit.ts";
import type { Store } from "../store/port.ts";
import { reportCalendar, type ScheduledReport } from "./calendar.ts";
import { type Audience, buildReport } from "./content.ts";
import { chooseBaseline, DEFAULT_COMMITTEE, gatherReport } from "./data.ts";
import { parsePeriod } from "../calendar/periods.ts";
import { reportHtml } from "./html.ts";
import { htmlToPdf } from "./pdf.ts";

/** What to produce. */
export interface ReportJob {
  readonly period: string;
  readonly audience: Audience;
  readonly format: "pdf" | "html";
  readonly dataDir: string;
  readonly authority?: string;
  readonly committee?: string;
  readonly snapshot?: number;
  /** The snapshot the amended figures are compared with, instead of the committee's previous paper's. */
  readonly since?: number;
}

/** The report as a document, before printing. */
export interface ReportDocument {
  readonly html: string;
  readonly title: string;
  readonly authority: string;
  readonly snapshot: number;
}

/** Gather, suppress (public) and lay out the report: the part that reads the store. */
export async function reportDocument(store: Store, job: ReportJob): Promise<ReportDocument> {
  const input = await gatherReport(store, {
    period: job.period,
    audience: job.audience,
    dataDir: job.dataDir,
    ...(job.authority ? { authority: job.authority } : {}),
    ...(job.committee ? { committee: job.committee } : {}),
    ...(job.snapshot !== undefined ? { snapshot: job.snapshot } : {}),
    ...(job.since !== undefined ? { since: job.since } : {}),
  });
  const content = buildReport(input);
  return {
    html: reportHtml(content),
    title: `${content.cover.authority.name}: ${content.cover.title} (${job.audience})`,
    authority: content.cover.authority.code,
    snapshot: content.cover.snapshot.id,
  };
}

/**
 * Snapshots a report on `authority` reads whose figures are not yet computed: its latest snapshot
 * and the one its amended figures are compared with (the previous paper's, for `job`'s committee
 * and period). Gathering computes them itself; a caller that must not write while it gathers (the
 * web app) computes these first.
 */
export async function uncomputedForReport(store: Store, authority: string, job?: Pick<ReportJob, "period" | "committee" | "since">): Promise<number[]> {
  const [t] = await resolveTargets(store, { authority });
  if (!t) return [];
  // The same choice of snapshots as gatherReport makes.
  const period = job ? parsePeriod(job.period) : undefined;
  const prev = period
    ? await chooseBaseline(store, t.la_code, t.snapshot_id, { committee: job?.committee ?? DEFAULT_COMMITTEE, period, since: job?.since })
    : (await store.all<{ snapshot: number }>(`SELECT snapshot_id AS snapshot FROM lantern_snapshot WHERE la_code = $1 AND snapshot_id < $2 ORDER BY snapshot_id DESC LIMIT 1`, [t.la_code, t.snapshot_id]))[0];
  const done = await computedSnapshots(store);
  return [t.snapshot_id, ...(prev ? [prev.snapshot] : [])].filter((id) => !done.has(id));
}

/** The document as the bytes of its format (PDF printed by Chromium; no store needed). */
export async function reportBytes(doc: ReportDocument, format: "pdf" | "html"): Promise<Buffer> {
  return format === "html" ? Buffer.from(doc.html) : htmlToPdf(doc.html, { title: doc.title, footer: doc.title });
}

/** Record that a report left Lantern: who, which authority, period, audience and format. */
export function auditReport(store: Store, actor: string, job: ReportJob, doc: ReportDocument, via: "cli" | "web"): Promise<void> {
  // The committee is recorded so that its next paper compares with this one (data.ts `previousPaper`).
  return audit(store, {
    actor,
    action: "export.report",
    la_code: doc.authority,
    detail: { period: job.period, audience: job.audience, format: job.format, snapshot: doc.snapshot, via, committee: job.committee ?? DEFAULT_COMMITTEE, ...(job.since !== undefined ? { since: job.since } : {}) },
  });
}

/** A file name for the report: authority, period and audience, safe anywhere. */
export function reportFileName(doc: ReportDocument, job: ReportJob): string {
  return `lantern-${doc.authority}-${job.period}-${job.audience}.${job.format}`.replace(/[^A-Za-z0-9._-]/g, "_");
}

/** The tables every SQL indicator needs: what a report's data must include. */
export function neededTables(): string[] {
  return [...new Set(indicatorLibrary().list().flatMap((d) => (d.source === "measures" ? [] : [...d.needs])))].sort();
}

/** One authority's report calendar with what its latest snapshot holds. */
export interface CalendarView {
  readonly authority: string | null;
  readonly snapshot: number | null;
  readonly dataTo: string | null;
  readonly extractedTo: string | null;
  readonly reports: ScheduledReport[];
}

/** The report calendar on `today` for one authority (or every one in the store). */
export async function calendarFor(store: Store, authority: string | undefined, today: string): Promise<CalendarView[]> {
  const targets = await resolveTargets(store, authority ? { authority } : {});
  const results: CalendarView[] = [];
  for (const t of targets.length ? targets : [undefined]) {
    let extracted: string | null = null;
    if (t) {
      const [r] = await store.all<{ m: string | null }>(
        `SELECT CAST(max(x.cont_contact_date) AS DATE) AS m FROM ssd_contacts x JOIN lantern_snapshot_table st ON st.rows_snapshot_id = x.snapshot_id AND st.table_name = 'ssd_contacts' AND st.snapshot_id = $1 WHERE x.la_code = $2`,
        [t.snapshot_id, t.la_code],
      );
      extracted = r?.m ? String(r.m).slice(0, 10) : null;
    }
    const reports = reportCalendar({
      today,
      snapshot: t ? { id: t.snapshot_id, dataTo: t.data_to, extractedTo: extracted, tables: [...t.tables] } : null,
      tables: neededTables(),
    });
    results.push({ authority: t?.la_code ?? null, snapshot: t?.snapshot_id ?? null, dataTo: t?.data_to ?? null, extractedTo: extracted, reports });
  }
  return results;
}
