/**
 * @module
 * Targets and annotations, edited in the browser with their history. Targets set here override
 * DATA/targets.csv for the same indicator and year; annotations are those of `lantern annotate`.
 */

import { ANNOTATION_KINDS, type Annotation } from "../../analysis/annotations.ts";
import type { Target } from "../../analysis/rag.ts";
import { formatValue } from "../../kpi/format.ts";
import type { IndicatorDef } from "../../kpi/types.ts";
import { AREAS } from "../../kpi/types.ts";
import type { TargetVersion } from "../edits.ts";
import { type Html, html } from "../html.ts";
import { csrfField, errorSummary, table } from "../layout.ts";

function indicatorSelect(defs: readonly IndicatorDef[], name: string, id: string, withNone: boolean, selected = "", describedBy = ""): Html {
  return html`<select class="govuk-select${describedBy.includes("error") ? " govuk-select--error" : ""}" id="${id}" name="${name}"${describedBy ? html` aria-describedby="${describedBy}"` : ""}>${withNone ? html`<option value="">(the whole area)</option>` : ""}${AREAS.map((a) => html`<optgroup label="${a.title}">${defs.filter((d) => d.area === a.id).map((d) => html`<option value="${d.id}"${d.id === selected ? html` selected` : ""}>${d.title}</option>`)}</optgroup>`)}</select>`;
}

/** The targets form's fields: name, element id and hint (shown under the label). */
const TARGET_FIELDS = {
  indicator: { id: "target-indicator", label: "Indicator", hint: "" },
  year: { id: "target-year", label: "Year", hint: "A financial year such as 2025-26, or a calendar year such as 2025." },
  target: { id: "target-value", label: "Target", hint: "For a percentage, a number from 0 to 100; otherwise a number of at least 0." },
  tolerance: { id: "target-tolerance", label: "Tolerance", hint: "How far the figure may miss the target and still be amber (in percentage points for a percentage); 0 for none." },
} as const;

/** The targets page. `error` (with the field it is about) re-shows the form with what was entered. */
export function targetsBody(o: {
  defs: readonly IndicatorDef[];
  inForce: readonly Target[];
  history: readonly TargetVersion[];
  canEdit: boolean;
  csrf: string;
  error?: string;
  errorField?: string;
  year: string;
  entered?: { indicator: string; target: string; tolerance: string };
}): Html {
  const title = (id: string) => o.defs.find((d) => d.id === id)?.title ?? id;
  const unit = (id: string) => o.defs.find((d) => d.id === id)?.unit ?? "count";
  const errorOn = (o.errorField && o.errorField in TARGET_FIELDS ? o.errorField : undefined) as keyof typeof TARGET_FIELDS | undefined;
  const describedBy = (f: keyof typeof TARGET_FIELDS) => [TARGET_FIELDS[f].hint ? `${TARGET_FIELDS[f].id}-hint` : "", errorOn === f ? `${TARGET_FIELDS[f].id}-error` : ""].filter(Boolean).join(" ");
  const field = (f: keyof typeof TARGET_FIELDS, control: Html) =>
    html`<div class="govuk-form-group${errorOn === f ? " govuk-form-group--error" : ""}"><label class="govuk-label govuk-label--s" for="${TARGET_FIELDS[f].id}">${TARGET_FIELDS[f].label}</label>${TARGET_FIELDS[f].hint ? html`<div class="govuk-hint" id="${TARGET_FIELDS[f].id}-hint">${TARGET_FIELDS[f].hint}</div>` : ""}${errorOn === f ? html`<p class="govuk-error-message" id="${TARGET_FIELDS[f].id}-error"><span class="govuk-visually-hidden">Error:</span> ${o.error}</p>` : ""}${control}</div>`;
  const input = (f: "year" | "target" | "tolerance", value: string, width: string, inputmode?: string) =>
    html`<input class="govuk-input ${width}${errorOn === f ? " govuk-input--error" : ""}" id="${TARGET_FIELDS[f].id}" name="${f}" type="text"${inputmode ? html` inputmode="${inputmode}"` : ""} value="${value}"${describedBy(f) ? html` aria-describedby="${describedBy(f)}"` : ""}>`;
  return html`<h1 class="govuk-heading-l">Targets</h1>
${o.error ? errorSummary("The target was not saved", [errorOn ? html`<a href="#${TARGET_FIELDS[errorOn].id}">${o.error}</a>` : o.error]) : ""}
<p class="govuk-body">Green meets the target; amber misses it by no more than the tolerance; red by more. Targets set here take precedence over the data folder's targets.csv.</p>
${
  o.canEdit
    ? html`<form method="post" action="/targets" novalidate>
${csrfField(o.csrf)}
${field("indicator", indicatorSelect(o.defs, "indicator", TARGET_FIELDS.indicator.id, false, o.entered?.indicator ?? "", describedBy("indicator")))}
${field("year", input("year", o.year, "govuk-input--width-5"))}
${field("target", input("target", o.entered?.target ?? "", "govuk-input--width-5", "decimal"))}
${field("tolerance", input("tolerance", o.entered?.tolerance ?? "0", "govuk-input--width-5", "decimal"))}
<button type="submit" class="govuk-button" data-module="govuk-button">Save target</button>
</form>`
    : ""
}
${o.inForce.length ? table({ id: "targets-table", caption: "Targets in force", head: ["Indicator", "Year", "Target", "Tolerance", "Polarity"], numeric: [2, 3], rows: o.inForce.map((t) => [title(t.indicator), t.year, formatValue(t.target, unit(t.indicator)), String(t.tolerance), t.polarity ?? "the indicator's own"]) }) : html`<p class="govuk-body">No targets are set.</p>`}
${o.history.length ? table({ id: "targets-history", caption: "History of changes made here", head: ["Indicator", "Year", "Version", "Target", "Tolerance", "Changed by", "Changed at"], numeric: [2, 3, 4], rows: o.history.map((t) => [title(t.indicator), t.year, String(t.version), t.deleted ? "removed" : String(t.target), String(t.tolerance), t.changedBy, t.changedAt.slice(0, 19).replace("T", " ")]), small: true }) : ""}`;
}

/** The annotations page. */
export function annotationsBody(o: { defs: readonly IndicatorDef[]; authority: string; list: readonly Annotation[]; history: readonly (Annotation & { deleted: boolean })[]; canEdit: boolean; csrf: string; error?: string }): Html {
  const title = (a: Annotation) => (a.indicator ? (o.defs.find((d) => d.id === a.indicator)?.title ?? a.indicator) : (AREAS.find((x) => x.id === a.area)?.title ?? a.area ?? ""));
  return html`<h1 class="govuk-heading-l">Annotations <span class="govuk-caption-l">${o.authority}</span></h1>
${o.error ? errorSummary("The annotation was not saved", [o.error]) : ""}
<p class="govuk-body">Dated notes on an indicator or an area. A recording change is a series break: trends do not compare across it and SPC charts start new limits from it.</p>
${
  o.canEdit
    ? html`<form method="post" action="/annotations" novalidate>
${csrfField(o.csrf)}
<input type="hidden" name="la" value="${o.authority}">
<div class="govuk-form-group"><label class="govuk-label govuk-label--s" for="ann-indicator">Indicator</label>${indicatorSelect(o.defs, "indicator", "ann-indicator", false)}</div>
<div class="govuk-form-group"><label class="govuk-label govuk-label--s" for="ann-date">Date</label><div class="govuk-hint" id="date-hint">Written YYYY-MM-DD, for example 2024-04-01.</div><input class="govuk-input govuk-input--width-10" id="ann-date" name="date" type="text" aria-describedby="date-hint"></div>
<div class="govuk-form-group"><label class="govuk-label govuk-label--s" for="ann-kind">Kind</label><select class="govuk-select" id="ann-kind" name="kind">${ANNOTATION_KINDS.map((k) => html`<option value="${k}">${k.replaceAll("_", " ")}</option>`)}</select></div>
<div class="govuk-form-group"><label class="govuk-label govuk-label--s" for="ann-note">Note</label><textarea class="govuk-textarea" id="ann-note" name="note" rows="3" maxlength="2000"></textarea></div>
<button type="submit" class="govuk-button" data-module="govuk-button">Save annotation</button>
</form>`
    : ""
}
${o.list.length ? table({ id: "annotations-table", caption: "Current annotations", head: ["Date", "About", "Kind", "Note", "Version", "By"], rows: o.list.map((a) => [a.date, title(a), a.kind.replaceAll("_", " "), a.note, String(a.version), a.changedBy]) }) : html`<p class="govuk-body">No annotations.</p>`}
${o.history.length ? table({ caption: "Every version", head: ["Annotation", "Version", "Date", "Note", "Removed", "Changed by", "Changed at"], rows: o.history.map((a) => [String(a.id), String(a.version), a.date, a.note, a.deleted ? "yes" : "", a.changedBy, a.changedAt.slice(0, 19).replace("T", " ")]), small: true }) : ""}`;
}
