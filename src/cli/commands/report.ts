/**
 * @module
 * `lantern report`: the committee report for a period as HTML or PDF, public (suppressed) or
 * exempt; and with --calendar, when each report is due and whether its data has arrived. A thin
 * adapter over `report/produce.ts`, the path the web app's Reports page takes too; every report
 * made is audited as `export.report`.
 */

import { writePrivateFile } from "../../core/private-files.ts";
import { extname } from "node:path";
import { LanternError } from "../../core/errors.ts";
import { AUDIENCES, type Audience } from "../../report/content.ts";
import { auditReport, calendarFor, type ReportJob, reportBytes, reportDocument } from "../../report/produce.ts";
import { openStore, storeConfig } from "../../store/open.ts";
import type { Store } from "../../store/port.ts";
import { type Command, dateOption, intOption, NO_DATA_HELP, parse } from "../command.ts";
import { type Output, table } from "../output.ts";
import { checkOutPath, writingTo } from "../out-path.ts";
import { commandLineUser } from "../../core/actor.ts";

const HELP = `lantern report --period P --audience public|exempt [--format pdf|html] --out FILE
               [--authority CODE] [--committee NAME] [--snapshot ID] [--since SNAPSHOT]
               [--data DIR] [--json]
lantern report --calendar [--authority CODE] [--today YYYY-MM-DD] [--json]

The committee performance report for a period, in the order a committee reads it: a cover
(authority, committee, period, the snapshot it was built from and how far the data reaches),
key messages (the early-warning digest and the most newsworthy figures), a section per
dashboard area (each indicator's value, target and RAG, SPC chart with its icons — or,
where SPC does not judge it, its months alone and why — yearly averages, England and
statistical-neighbour comparison, direction of travel), the flow from contacts to care, data
quality and recording notes (every note from \`lantern annotate\`, those dated after the period
marked so) with every figure amended since the committee's previous report, a glossary of
definitions, an appendix of each indicator's headline values and one of its breakdowns (source,
age band, ethnicity, disability and so on), suppressed in public as the rest.

Amended figures are compared with the snapshot the previous report to the same committee, for
the same kind of period, was built from (each report made is recorded with its committee,
period and audience); failing that, its previous report for any period; failing that, the load
before this one. --since names the snapshot to compare with instead. The paper says which.

  --audience public   for publication: counts of 1 to 5 are shown as c, with further figures
                      suppressed so none can be worked out from totals, and percentages and
                      rates on suppressed counts suppressed too (the DfE's rule). It says so on
                      the cover. It never contains a record about an individual child.
  --audience exempt   the exempt (Part 2) paper: every aggregate figure, unsuppressed.

The PDF is printed by Chromium (/usr/bin/chromium, or set LANTERN_CHROMIUM): A4, tagged for
screen readers, bookmarks per section, page numbers, charts as vectors. The HTML is one
self-contained file (no scripts, nothing fetched), the same document the PDF is printed from.

With --calendar: each quarterly and annual report, its due date (six weeks after the period
ends), what data it needs (activity to the period's end and the SSD tables the indicators
read), and whether the latest snapshot has it.

Options:
  --period P          a quarter (2025-26-Q2), financial year (2024-25) or month (2025-01)
  --audience A        public or exempt (required)
  --format F          pdf or html; when left out, taken from the --out file's extension
                      (.pdf, or .html or .htm). A --format that disagrees with the extension
                      (--format html --out x.pdf) is refused before any work is done
  --out FILE          where to write it (required; its folder must exist)
  --authority CODE    the authority (needed when the store holds several)
  --committee NAME    the committee's name for the cover
  --snapshot ID       build from an earlier snapshot instead of the latest
  --since SNAPSHOT    compare with this snapshot for the figures amended since, instead of
                      the one the committee's previous report was built from
  --calendar          show the report calendar instead
  --today DATE        the date the calendar is worked out for (default today)

${NO_DATA_HELP} --calendar lists the due dates with or without
data.

Examples:
  lantern report --period 2025-26-Q2 --audience public --format pdf --out q2-public.pdf
  lantern report --period 2025-26-Q2 --audience exempt --out q2-exempt.html
  lantern report --period 2024-25 --audience exempt --format html --out annual.html --committee "Corporate Parenting Panel"
  lantern report --calendar --json
`;

/** The report formats by the file extensions that mean them. */
const EXTENSIONS: Record<string, ReportJob["format"]> = { ".pdf": "pdf", ".html": "html", ".htm": "html" };

/**
 * The format to write: --format, checked against --out's extension, or (left out) the format the
 * extension names. Refused before any work: an HTML file named .pdf opens as a broken PDF, and the
 * mistake is found only when someone opens the paper.
 */
export function reportFormat(format: string | undefined, out: string): ReportJob["format"] {
  const ext = extname(out);
  const byExt = EXTENSIONS[ext.toLowerCase()];
  if (format === undefined) {
    if (byExt) return byExt;
    throw new LanternError("LANTERN_USAGE", `lantern report needs --format: --out ${out} ${ext ? `ends ${ext}, which is not a report format` : "has no extension to take it from"}.`, {
      hint: "Give --format pdf or --format html, or name the file .pdf, .html or .htm.",
    });
  }
  if (format !== "pdf" && format !== "html") throw new LanternError("LANTERN_BAD_OPTION", `--format ${format} is not pdf or html.`, { hint: "Use --format pdf or --format html." });
  if (byExt && byExt !== format) {
    throw new LanternError("LANTERN_BAD_OPTION", `--format ${format} does not match --out ${out}: a file ending ${ext} is ${byExt === "pdf" ? "a PDF" : "HTML"}, and this would write ${format === "pdf" ? "a PDF" : "HTML"} into it.`, {
      hint: `Name the file .${format} (for example --out ${out.slice(0, out.length - ext.length)}.${format}), or use --format ${byExt}, or leave --format out to take it from the extension.`,
    });
  }
  return format;
}

async function calendar(store: Store, authority: string | undefined, today: string, json: boolean, o: Output): Promise<number> {
  const results = await calendarFor(store, authority, today);
  if (json) {
    o.out(JSON.stringify(authority ? results[0] : results, null, 2) + "\n");
    return 0;
  }
  for (const r of results) {
    o.out(`Report calendar${r.authority ? ` for ${r.authority}` : ""} on ${today}: ${r.snapshot === null ? "no data loaded yet" : `snapshot ${r.snapshot}, complete months to ${r.dataTo ?? "?"}, latest record ${r.extractedTo ?? "?"}`}\n`);
    o.out(
      table(
        ["report", "period ends", "due", "data needed to", "status", "missing"],
        r.reports.map((x) => [`${x.kind === "year" ? "Annual" : "Quarterly"} ${x.label}`, x.periodEnd, x.due, x.needs.dataTo, x.status, x.missingTables.length ? `tables: ${x.missingTables.join(", ")}` : x.covered ? "" : "activity to the period end"]),
      ),
    );
  }
  return 0;
}

async function run(argv: readonly string[], o: Output): Promise<number> {
  const { values } = parse("report", argv, {
    period: { type: "string" },
    audience: { type: "string" },
    format: { type: "string" },
    out: { type: "string" },
    authority: { type: "string" },
    committee: { type: "string" },
    snapshot: { type: "string" },
    since: { type: "string" },
    calendar: { type: "boolean", default: false },
    today: { type: "string" },
  });
  const config = storeConfig(values.data);
  if (values.calendar) {
    const today = dateOption("today", values.today) ?? new Date().toISOString().slice(0, 10);
    const store = await openStore(config, { existing: true });
    try {
      return await calendar(store, values.authority, today, values.json, o);
    } finally {
      await store.close();
    }
  }
  // --format may be left out when --out's extension says it; without either it is still needed.
  const missing = (["period", "audience", "format", "out"] as const).filter((k) => !values[k] && !(k === "format" && values.out));
  if (missing.length) {
    // Without --out, --format is not asked for: the file's extension can give it.
    const asked = missing.includes("out") ? missing.filter((m) => m !== "format") : missing;
    throw new LanternError("LANTERN_USAGE", `lantern report needs ${asked.map((m) => (m === "out" ? "--out FILE (its extension, .pdf or .html, gives the format)" : `--${m}`)).join(", ")}.`, {
      hint: "For example: lantern report --period 2025-26-Q2 --audience public --out q2.pdf",
    });
  }
  const audience = values.audience as Audience;
  if (!AUDIENCES.includes(audience)) throw new LanternError("LANTERN_BAD_OPTION", `--audience ${values.audience} is not public or exempt.`, { hint: "Use public for the published paper (small numbers suppressed) or exempt for the Part 2 paper." });
  const format = reportFormat(values.format, values.out!);
  const snapshot = values.snapshot ? intOption("snapshot", values.snapshot, 0, 1, 2 ** 31 - 1) : undefined;
  const since = values.since ? intOption("since", values.since, 0, 1, 2 ** 31 - 1) : undefined;
  // Before the report is built (a PDF takes a while): a path that cannot be written is refused now.
  checkOutPath(values.out!, "file", `report.${format}`);
  const job: ReportJob = {
    period: values.period!,
    audience,
    format,
    dataDir: config.dataDir,
    ...(values.authority ? { authority: values.authority } : {}),
    ...(values.committee ? { committee: values.committee } : {}),
    ...(snapshot !== undefined ? { snapshot } : {}),
    ...(since !== undefined ? { since } : {}),
  };
  const store = await openStore(config, { existing: true });
  try {
    const doc = await reportDocument(store, job);
    const bytes = await reportBytes(doc, format);
    await writingTo(values.out!, () => writePrivateFile(values.out!, bytes));
    await auditReport(store, commandLineUser(), job, doc, "cli");
  } finally {
    await store.close();
  }
  if (values.json) o.out(JSON.stringify({ out: values.out, format, audience, period: values.period }, null, 2) + "\n");
  else o.out(`Wrote the ${audience} report for ${values.period} to ${values.out}.\n`);
  return 0;
}

export const reportCommand: Command = { name: "report", help: HELP, run };
