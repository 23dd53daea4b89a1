/**
 * @module
 * The data page: every load (snapshot) with who loaded what and when, and the upload of new SSD
 * files, returns or figures files (measures.csv), loaded all or nothing through the same import as
 * `lantern import`; a refused upload shows its validation report (file, row, column, value, what
 * was expected).
 */

import { londonTime } from "../../calendar/london.ts";
import { type DataIssue, issueLocation } from "../../core/errors.ts";
import type { IndicatorDef } from "../../kpi/types.ts";
import type { SnapshotInfo } from "../../store/snapshots.ts";
import { formatValue } from "../../kpi/format.ts";
import { indicatorLibrary } from "../../kpi/library/index.ts";
import { type Html, html } from "../html.ts";
import type { Revision } from "../model.ts";
import { csrfField, errorSummary, table } from "../layout.ts";

/** The revisions section: figures that changed between the authority's two latest loads. */
export function revisionsSection(authority: string, r: { from: number; to: number; changes: readonly Revision[] } | null): Html {
  if (!r) return html`<p class="govuk-body">${authority ? `${authority} has only one computed load, so nothing has been revised.` : "Nothing has been loaded yet."}</p>`;
  if (!r.changes.length) return html`<p class="govuk-body">No quarterly or yearly figure for ${authority} changed between snapshot ${r.from} and snapshot ${r.to}.</p>`;
  const lib = indicatorLibrary();
  const shown = r.changes.slice(0, 300);
  return table({
    id: "revisions-table",
    caption: `${r.changes.length} quarterly or yearly figure${r.changes.length === 1 ? "" : "s"} for ${authority} changed between snapshot ${r.from} and snapshot ${r.to}${r.changes.length > shown.length ? ` (the first ${shown.length} are shown)` : ""}`,
    head: ["Indicator", "Period", "Before", "After"],
    numeric: [2, 3],
    rows: shown.map((c) => [lib.get(c.indicator)?.title ?? c.indicator, c.period, formatValue(c.before.value, c.before.unit), formatValue(c.after.value, c.after.unit)]),
    small: true,
  });
}

/** The upload form's box for `lantern import --replace`. */
export const REPLACE_LABEL = "Replace every figure loaded before (figures files only)";

/**
 * A warning from the import (shared with `lantern import`), worded for the upload form: the box
 * to tick instead of --replace (MEASURES_KEPT's advice).
 */
export function warningForTheForm(w: DataIssue): DataIssue {
  return w.message.includes("--replace") ? { ...w, message: w.message.replace(/\bload (a file holding every figure) with --replace\b/, `upload $1 with the box "${REPLACE_LABEL}" ticked`).replaceAll("--replace", `the box "${REPLACE_LABEL}"`) } : w;
}

/** The data page's main content. */
export function dataBody(snaps: readonly SnapshotInfo[], o: { csrf: string; authority: string; maxBytes: number; revisions: Html }): Html {
  return html`<h1 class="govuk-heading-l">Data</h1>
<h2 class="govuk-heading-m">Upload new files</h2>
<p class="govuk-body">Upload an authority's Standard Safeguarding Dataset export (the <code>ssd_*.csv</code> files, chosen all at once), or its statutory returns: the SSDA903 tables (CSV or XML), the CIN census XML, or Ofsted's Annex A lists (the workbook or its CSV files). Files are recognised by their content. They are checked before anything is loaded; if any file has a problem nothing is loaded and the problems are listed. Up to ${Math.round(o.maxBytes / 1024 / 1024).toLocaleString("en-GB")} MB in all.</p>
<p class="govuk-body" id="figures-upload">Workforce and education figures kept in other systems (from HR, or the education team) are uploaded here too, as a figures file (<code>measures.csv</code>) with the columns <code>indicator,authority,period,value</code> and, if you have them, <code>numerator,denominator,note</code>: for example <code>sw_vacancy_rate,202,2025-09,14.2</code>. Upload a figures file by itself, not with SSD or return files. Each row replaces the figure for its indicator, authority and period; figures loaded before and not in the file are kept.</p>
<form method="post" action="/data/upload?_csrf=${encodeURIComponent(o.csrf)}" enctype="multipart/form-data" id="upload-form" novalidate>
${csrfField(o.csrf)}
<div class="govuk-form-group">
<label class="govuk-label govuk-label--s" for="authority">Authority code</label>
<div class="govuk-hint" id="authority-hint">The DfE local authority number, for example 202, or the code already used, for example X001. Not used for a figures file, which names the authority on each row.</div>
<input class="govuk-input govuk-input--width-5" id="authority" name="authority" type="text" value="${o.authority}" aria-describedby="authority-hint" spellcheck="false">
</div>
<div class="govuk-form-group">
<label class="govuk-label govuk-label--s" for="files">Files</label>
<div class="govuk-hint" id="files-hint">CSV, XML or Excel (.xlsx) files of one authority.</div>
<input class="govuk-file-upload" id="files" name="files" type="file" multiple accept=".csv,.xml,.xlsx,text/csv,text/xml,application/xml" aria-describedby="files-hint">
</div>
<div class="govuk-form-group">
<div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">
<div class="govuk-checkboxes__item">
<input class="govuk-checkboxes__input" id="dfe-queries" name="dfe_errors_as_queries" type="checkbox" value="yes" aria-describedby="dfe-queries-hint">
<label class="govuk-label govuk-checkboxes__label" for="dfe-queries">Load the DfE's validation errors in return files as queries</label>
<div class="govuk-hint govuk-checkboxes__hint" id="dfe-queries-hint">They are kept and shown with the load instead of stopping it, as the DfE's own tool lets you submit with queries. Structural errors (unreadable dates, missing columns, duplicate ids) always stop a load.</div>
</div>
<div class="govuk-checkboxes__item">
<input class="govuk-checkboxes__input" id="replace-figures" name="replace" type="checkbox" value="yes" aria-describedby="replace-figures-hint">
<label class="govuk-label govuk-checkboxes__label" for="replace-figures">${REPLACE_LABEL}</label>
<div class="govuk-hint govuk-checkboxes__hint" id="replace-figures-hint">Only for a figures file that holds every figure the authority should have: the figures loaded before and not in the file are then dropped. Leave it unticked to add this quarter's figures to those loaded before.</div>
</div>
</div>
</div>
<progress class="lantern-progress" id="upload-progress" max="100" value="0" aria-label="Upload progress" hidden>0%</progress>
<p class="govuk-body" id="upload-status" aria-live="polite"></p>
<button type="submit" class="govuk-button" data-module="govuk-button">Upload and load</button>
</form>
<h2 class="govuk-heading-m">Revisions since the previous load</h2>
${o.revisions}
<h2 class="govuk-heading-m">Loads</h2>
${
  snaps.length
    ? table({
        id: "snapshots-table",
        caption: "Every load, newest first",
        head: ["Snapshot", "Authority", "Loaded at", "Loaded by", "Format", "Rows", "Warnings", "Files"],
        numeric: [5, 6],
        rows: snaps.map((s) => [html`<a class="govuk-link" href="/data/snapshots/${String(s.snapshotId)}">${String(s.snapshotId)}</a>`, s.authority, londonTime(s.loadedAt), s.loadedBy, s.format, s.rows.toLocaleString("en-GB"), String(s.warnings), s.files.map((f) => f.name).join(", ")]),
        small: true,
      })
    : html`<p class="govuk-body">Nothing has been loaded yet.</p>`
}`;
}

/** A sentence's doubled full stop ("(binary data).."), made single; an ellipsis is left alone. */
function tidy(s: string): string {
  return s.replace(/(?<!\.)\.\.(?!\.)/g, ".");
}

/**
 * A refusal from the import (shared with `lantern import`), worded for the upload form: the
 * form's Authority code field instead of --authority, and no command-line advice (--dry-run,
 * `lantern …`), as the form has no such options.
 */
export function forTheForm(e: { code: string; message: string; hint?: string | undefined }): { message: string; hint: string | undefined } {
  if (e.code === "LANTERN_USAGE" && /--authority\b/.test(e.message)) {
    return { message: "The files do not say which authority they are for.", hint: "Fill in the Authority code field (the DfE local authority number, for example 202) and upload again." };
  }
  // The import names the command line's option; on the form it is the Authority code field. The
  // code is quoted as typed (not tidied: "../x" is what was typed).
  const badCode = /^--authority ("(?:[^"\\]|\\.)*") is not an authority code\.$/.exec(e.message);
  if (badCode) {
    return {
      message: `The Authority code field holds ${badCode[1]}, which is not an authority code.`,
      hint: "Fill in the Authority code field with the DfE local authority number (for example 202) or the code already used (for example X001), and upload again.",
    };
  }
  const sentences = (e.hint ?? "").split(/(?<=\.)\s+/).filter((x) => x && !/--[a-z]|`lantern |\blantern [a-z]+ /.test(x));
  const hint = sentences.join(" ").replace(/\bimport again\b/g, "upload again");
  return { message: tidy(e.message), hint: hint ? tidy(hint) : undefined };
}

/** The validation report of a refused upload. */
export function refusedBody(message: string, hint: string | undefined, issues: readonly DataIssue[]): Html {
  return html`<h1 class="govuk-heading-l">The upload was refused</h1>
${errorSummary("Nothing was loaded", [tidy(message), ...(hint ? [tidy(hint)] : [])])}
${
  issues.length
    ? table({
        id: "validation-report",
        caption: `Validation report: ${issues.length} problem${issues.length === 1 ? "" : "s"}`,
        head: ["Where", "Problem", "Value", "Expected", "Severity"],
        rows: issues.map((i) => [issueLocation(i) || i.file || "", tidy(i.message), i.value ?? "", i.expected ? tidy(i.expected) : "", i.severity]),
        small: true,
      })
    : ""
}
<p class="govuk-body"><a class="govuk-link" href="/data">Back to the data page</a></p>`;
}

/** What a successful upload did; with `figures` (a figures file), links to those indicators' pages for each authority loaded. */
export function loadedBody(
  results: readonly { authority: string; status: string; snapshotId?: number; identicalTo?: { readonly snapshotId: number; readonly loadedAt: string }; rows: number }[],
  warnings: readonly DataIssue[],
  o: { figures?: readonly IndicatorDef[]; notComputed?: string | null } = {},
): Html {
  const what = (n: number) => (o.figures ? `${n.toLocaleString("en-GB")} figure${n === 1 ? "" : "s"}` : `${n.toLocaleString("en-GB")} rows`);
  const said = (r: (typeof results)[number]) =>
    r.status === "unchanged" && r.identicalTo
      ? `${r.authority}: these files are identical to snapshot ${r.identicalTo.snapshotId}, loaded ${londonTime(r.identicalTo.loadedAt)}; nothing was added. `
      : `${r.authority}: ${r.status}${r.snapshotId ? ` as snapshot ${r.snapshotId}` : ""}, ${what(r.rows)}. `;
  const loaded = results.filter((r) => r.status === "loaded");
  return html`<h1 class="govuk-heading-l">Upload loaded</h1>
<div class="govuk-panel govuk-panel--confirmation"><h2 class="govuk-panel__title">${loaded.length ? "Loaded" : "Nothing new"}</h2><div class="govuk-panel__body">${results.map(said)}</div></div>
${
  o.notComputed
    ? html`<div class="govuk-warning-text" id="not-computed"><span class="govuk-warning-text__icon" aria-hidden="true">!</span><strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span>The data is stored, but its figures could not be computed: ${o.notComputed}. Until they are, pages show the figures as not computed. Lantern computes them when it next starts (lantern serve), or run lantern compute.</strong></div>`
    : ""
}
${warnings.length ? table({ caption: `${warnings.length} warning${warnings.length === 1 ? "" : "s"}`, head: ["Where", "Warning"], rows: warnings.map((w) => [issueLocation(w) || w.file || "", w.message]), small: true }) : ""}
${
  o.figures && loaded.length
    ? loaded.map(
        (r) =>
          html`<p class="govuk-body">The figures for ${r.authority}: ${o.figures!.map((d, i) => html`${i ? ", " : ""}<a class="govuk-link" href="/indicators/${d.id}?la=${encodeURIComponent(r.authority)}">${d.title}</a>`)}.</p>`,
      )
    : ""
}
<p class="govuk-body"><a class="govuk-link" href="/">See the dashboard</a> · <a class="govuk-link" href="/data">Back to the data page</a></p>`;
}

/** One stored issue of a load (a warning or a DfE query kept with the snapshot). */
export type StoredIssue = {
  readonly severity: string;
  readonly code: string;
  readonly file_name: string | null;
  readonly row_number: number | null;
  readonly column_name: string | null;
  readonly value: string | null;
  readonly message: string;
};

/** A load in full: who, when, the files with their checksums, rows per table, and its validation report. */
export function snapshotBody(s: SnapshotInfo, issues: readonly StoredIssue[], total: number): Html {
  const where = (i: StoredIssue) => [i.file_name, i.row_number !== null ? `row ${i.row_number}` : null, i.column_name ? `column ${i.column_name}` : null].filter(Boolean).join(", ");
  return html`<h1 class="govuk-heading-l"><span class="govuk-caption-l">${s.authority}</span>Snapshot ${String(s.snapshotId)}</h1>
<dl class="govuk-summary-list">
<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Loaded</dt><dd class="govuk-summary-list__value">${londonTime(s.loadedAt)} by ${s.loadedBy}${s.forced ? " (forced: identical files loaded again)" : ""}</dd></div>
<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Format</dt><dd class="govuk-summary-list__value">${s.format}</dd></div>
<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Rows</dt><dd class="govuk-summary-list__value">${s.rows.toLocaleString("en-GB")}</dd></div>
</dl>
${table({ id: "files-table", caption: "Files", head: ["File", "SSD table", "Rows", "SHA-256"], numeric: [2], rows: s.files.map((f) => [f.name, f.table ?? "", f.rows.toLocaleString("en-GB"), html`<code class="lantern-hash">${f.sha256}</code>`]), small: true })}
${table({ id: "tables-table", caption: "Rows per SSD table", head: ["Table", "Rows"], numeric: [1], rows: Object.entries(s.tables).map(([t, n]) => [t, n.toLocaleString("en-GB")]), small: true })}
<h2 class="govuk-heading-m">Validation report</h2>
${
  issues.length
    ? table({
        id: "validation-report",
        caption: `${total.toLocaleString("en-GB")} warning${total === 1 ? "" : "s"} and queries kept with this load${total > issues.length ? ` (the first ${issues.length.toLocaleString("en-GB")} shown)` : ""}`,
        head: ["Where", "Code", "Problem", "Value"],
        rows: issues.map((i) => [where(i), i.code, i.message, i.value ?? ""]),
        small: true,
      })
    : html`<p class="govuk-body">This load passed every check with no warnings or queries.</p>`
}
<p class="govuk-body"><a class="govuk-link" href="/data">Back to the data page</a></p>`;
}
