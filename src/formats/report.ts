/**
 * @module
 * Validation reports a data team can work from: every issue with its file, row, column, value,
 * what was expected, the rule and its severity, as CSV (for Excel), JSON (for scripts) or a
 * self-contained HTML page (no scripts, no external resources) grouped by rule.
 */

import { writePrivateFile } from "../core/private-files.ts";
import { extname } from "node:path";
import { type DataIssue, LanternError } from "../core/errors.ts";
import type { FormatLoadResult } from "./load.ts";

const COLUMNS = ["severity", "code", "file", "row", "column", "value", "expected", "message"] as const;

function csvCell(v: unknown): string {
  const s = v === undefined || v === null ? "" : String(v);
  return /[",\r\n]/.test(s) || /^[=+\-@]/.test(s) ? `"${(/^[=+\-@]/.test(s) ? `'${s}` : s).replace(/"/g, '""')}"` : s;
}

/** Issues as CSV (a leading ' defuses cells Excel would run as formulas). */
export function issuesCsv(issues: readonly DataIssue[]): string {
  const lines = [COLUMNS.join(",")];
  for (const i of issues) lines.push(COLUMNS.map((c) => csvCell(i[c])).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

function esc(s: unknown): string {
  return String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** A self-contained HTML report. */
export function issuesHtml(r: FormatLoadResult): string {
  const groups = new Map<string, DataIssue[]>();
  for (const i of r.issues) groups.set(i.code, [...(groups.get(i.code) ?? []), i]);
  const order = [...groups.entries()].sort((a, b) => (a[1][0]!.severity === b[1][0]!.severity ? b[1].length - a[1].length : a[1][0]!.severity === "error" ? -1 : 1));
  const sections = order
    .map(
      ([code, list]) => `<section><h2>${esc(code)} <small>${esc(list[0]!.severity === "error" ? "error" : "warning / query")} · ${list.length}</small></h2>
<table><thead><tr><th>file</th><th>row</th><th>column</th><th>value</th><th>expected</th><th>message</th></tr></thead><tbody>
${list.map((i) => `<tr><td>${esc(i.file)}</td><td>${esc(i.row)}</td><td>${esc(i.column)}</td><td>${esc(i.value)}</td><td>${esc(i.expected)}</td><td>${esc(i.message)}</td></tr>`).join("\n")}
</tbody></table></section>`,
    )
    .join("\n");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Lantern validation report</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#111}table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border:1px solid #bbb;padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#eee}small{font-weight:normal;color:#444}</style></head><body>
<h1>Validation report</h1>
<p>${esc(r.files.length)} file(s): ${r.files.map((f) => `${esc(f.file)} (${esc(f.format)}, ${esc(f.records)} records)`).join("; ")}.</p>
<p><strong>${esc(r.errorCount)}</strong> error(s) (these block a load), <strong>${esc(r.warningCount)}</strong> warning(s), of which ${esc(r.queryCount)} DfE queries (shown and kept; they do not block).${r.issues.length < r.errorCount + r.warningCount ? ` The first ${esc(r.issues.length)} are listed.` : ""}</p>
${r.notComputable.length ? `<p>Indicators these files cannot feed: ${r.notComputable.map((n) => esc(n.indicator)).join(", ")}.</p>` : ""}
${sections || "<p>No issues.</p>"}
</body></html>
`;
}

/** A report's form, from its extension; any other extension is refused (checked before any work). */
export function reportForm(path: string): "csv" | "json" | "html" {
  const ext = extname(path).toLowerCase();
  if (ext === ".csv") return "csv";
  if (ext === ".json") return "json";
  if (ext === ".html" || ext === ".htm") return "html";
  throw new LanternError("LANTERN_BAD_OPTION", `--report ${path}: the report must end in .csv, .json or .html.`, { hint: "For example: --report issues.html" });
}

/** Write a report; the extension chooses the form. */
export function writeReport(path: string, r: FormatLoadResult): void {
  const form = reportForm(path);
  if (form === "csv") writePrivateFile(path, issuesCsv(r.issues));
  else if (form === "json") writePrivateFile(path, `${JSON.stringify(r, null, 2)}\n`);
  else writePrivateFile(path, issuesHtml(r));
}
