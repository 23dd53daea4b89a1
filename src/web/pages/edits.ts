/**
 * @module
 * Targets and annotations, edited in the browser with their history. Targets set here override
 * DATA/targets.csv for the same indicator and year; annotations are those of `lantern annotate`.
 */

import { londonTime } from "../../calendar/london.ts";
import { type Annotation, type AnnotationKind, EARLIEST_ANNOTATION_DATE, MAX_NOTE } from "../../analysis/annotations.ts";
import type { Target } from "../../analysis/rag.ts";
import { formatValue } from "../../kpi/format.ts";
import type { IndicatorDef } from "../../kpi/types.ts";
import { AREAS } from "../../kpi/types.ts";
import type { TargetVersion } from "../edits.ts";
import { type Html, html } from "../html.ts";
import { csrfField, errorSummary, fieldErrorMessage, table } from "../layout.ts";

function indicatorSelect(defs: readonly IndicatorDef[], name: string, id: string, withNone: boolean, selected = "", describedBy = ""): Html {
  return html`<select class="govuk-select${describedBy.includes("error") ? " govuk-select--error" : ""}" id="${id}" name="${name}"${describedBy ? html` aria-describedby="${describedBy}"` : ""}>${withNone ? html`<option value="">(the whole area)</option>` : ""}${AREAS.map((a) => html`<optgroup label="${a.title}">${defs.filter((d) => d.area === a.id).map((d) => html`<option value="${d.id}"${d.id === selected ? html` selected` : ""}>${d.title}</option>`)}</optgroup>`)}</select>`;
}

/** The targets form's fields: name, element id and hint (shown under the label). */
const TARGET_FIELDS = {
  indicator: { id: "target-indicator", label: "Indicator", hint: "" },
  year: { id: "target-year", label: "Year", hint: "A financial year such as 2025-26, or a calendar year such as 2025." },
  target: { id: "target-value", label: "Target", hint: "For a percentage, a number from 0 to 100; otherwise a number of at least 0." },
  tolerance: { id: "target-tolerance", label: "Tolerance", hint: "How far the figure may miss the target and still be amber (in percentage points for a percentage); 0 for none." },
  polarity: {
    id: "target-polarity",
    label: "Which way is better",
    hint: "Referrals, most counts and rates, and the share of children in care who went missing have no better direction of their own: choose higher or lower for them, or the target gives no RAG.",
  },
} as const;

/** The polarity field's radios: value, element id and label; the first is checked unless another was chosen. */
const POLARITY_RADIOS = [
  { value: "own", id: "target-polarity", label: "The indicator's own (where it has one)" },
  { value: "higher", id: "target-polarity-higher", label: "Higher is better" },
  { value: "lower", id: "target-polarity-lower", label: "Lower is better" },
] as const;

/** A target's polarity in words, for the lists: the one it sets, or the indicator's own (or none). */
function polarityWords(polarity: Target["polarity"], def: IndicatorDef | undefined): string {
  if (polarity) return polarity === "higher" ? "Higher is better" : "Lower is better";
  if (!def || def.polarity === "none") return "None: no RAG (the indicator has no better direction of its own)";
  return `The indicator's own (${def.polarity} is better)`;
}

/** The targets page. `errors` (each with the field it is about) re-show the form with what was entered. */
export function targetsBody(o: {
  defs: readonly IndicatorDef[];
  inForce: readonly Target[];
  history: readonly TargetVersion[];
  canEdit: boolean;
  csrf: string;
  errors?: readonly { field: string; message: string }[];
  year: string;
  entered?: { indicator: string; target: string; tolerance: string; polarity?: string };
}): Html {
  const title = (id: string) => o.defs.find((d) => d.id === id)?.title ?? id;
  const unit = (id: string) => o.defs.find((d) => d.id === id)?.unit ?? "count";
  const errors = o.errors ?? [];
  const errorOf = (f: keyof typeof TARGET_FIELDS) => errors.find((e) => e.field === f)?.message;
  const describedBy = (f: keyof typeof TARGET_FIELDS) => [TARGET_FIELDS[f].hint ? `${TARGET_FIELDS[f].id}-hint` : "", errorOf(f) ? `${TARGET_FIELDS[f].id}-error` : ""].filter(Boolean).join(" ");
  const field = (f: keyof typeof TARGET_FIELDS, control: Html) =>
    html`<div class="govuk-form-group${errorOf(f) ? " govuk-form-group--error" : ""}"><label class="govuk-label govuk-label--s" for="${TARGET_FIELDS[f].id}">${TARGET_FIELDS[f].label}</label>${TARGET_FIELDS[f].hint ? html`<div class="govuk-hint" id="${TARGET_FIELDS[f].id}-hint">${TARGET_FIELDS[f].hint}</div>` : ""}${fieldErrorMessage(TARGET_FIELDS[f].id, errorOf(f))}${control}</div>`;
  const input = (f: "year" | "target" | "tolerance", value: string, width: string, inputmode?: string) =>
    html`<input class="govuk-input ${width}${errorOf(f) ? " govuk-input--error" : ""}" id="${TARGET_FIELDS[f].id}" name="${f}" type="text"${inputmode ? html` inputmode="${inputmode}"` : ""} value="${value}"${describedBy(f) ? html` aria-describedby="${describedBy(f)}"` : ""}>`;
  // Radios sit in a fieldset whose legend names them; the error summary links to the first.
  const chosen = o.entered?.polarity ?? "own";
  const polarityField = html`<div class="govuk-form-group${errorOf("polarity") ? " govuk-form-group--error" : ""}"><fieldset class="govuk-fieldset" aria-describedby="${describedBy("polarity")}">
<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">${TARGET_FIELDS.polarity.label}</legend>
<div class="govuk-hint" id="${TARGET_FIELDS.polarity.id}-hint">${TARGET_FIELDS.polarity.hint}</div>
${fieldErrorMessage(TARGET_FIELDS.polarity.id, errorOf("polarity"))}<div class="govuk-radios govuk-radios--small" data-module="govuk-radios">
${POLARITY_RADIOS.map((r) => html`<div class="govuk-radios__item"><input class="govuk-radios__input" id="${r.id}" name="polarity" type="radio" value="${r.value}"${r.value === chosen ? html` checked` : ""}><label class="govuk-label govuk-radios__label" for="${r.id}">${r.label}</label></div>`)}
</div>
</fieldset></div>`;
  const summary = (Object.keys(TARGET_FIELDS) as (keyof typeof TARGET_FIELDS)[]).filter((f) => errorOf(f)).map((f) => html`<a href="#${TARGET_FIELDS[f].id}">${errorOf(f)}</a>`);
  return html`<h1 class="govuk-heading-l">Targets</h1>
${summary.length ? errorSummary("The target was not saved", summary) : ""}
<p class="govuk-body">Green meets the target; amber misses it by no more than the tolerance; red by more. Targets set here take precedence over the data folder's targets.csv.</p>
${
  o.canEdit
    ? html`<form method="post" action="/targets" novalidate>
${csrfField(o.csrf)}
${field("indicator", indicatorSelect(o.defs, "indicator", TARGET_FIELDS.indicator.id, false, o.entered?.indicator ?? "", describedBy("indicator")))}
${field("year", input("year", o.year, "govuk-input--width-5"))}
${field("target", input("target", o.entered?.target ?? "", "govuk-input--width-5", "decimal"))}
${field("tolerance", input("tolerance", o.entered?.tolerance ?? "0", "govuk-input--width-5", "decimal"))}
${polarityField}
<button type="submit" class="govuk-button" data-module="govuk-button">Save target</button>
</form>`
    : ""
}
${o.inForce.length ? table({ id: "targets-table", caption: "Targets in force", head: ["Indicator", "Year", "Target", "Tolerance", "Polarity"], numeric: [2, 3], rows: o.inForce.map((t) => [title(t.indicator), t.year, formatValue(t.target, unit(t.indicator)), String(t.tolerance), polarityWords(t.polarity, o.defs.find((d) => d.id === t.indicator))]) }) : html`<p class="govuk-body">No targets are set.</p>`}
${o.history.length ? table({ id: "targets-history", caption: "History of changes made here", head: ["Indicator", "Year", "Version", "Target", "Tolerance", "Polarity", "Changed by", "Changed at"], numeric: [2, 3, 4], rows: o.history.map((t) => [title(t.indicator), t.year, String(t.version), t.deleted ? "removed" : String(t.target), String(t.tolerance), t.deleted ? "" : polarityWords(t.polarity, o.defs.find((d) => d.id === t.indicator)), t.changedBy, londonTime(t.changedAt)]), small: true }) : ""}`;
}

/** What the annotation form sent, shown again when it is refused. */
export interface AnnotationEntered {
  readonly indicator: string;
  readonly area: string;
  readonly date: string;
  readonly kind: string;
  readonly note: string;
}

/** The annotation form's fields: name to element id, label and hint. */
const ANNOTATION_FIELDS = {
  indicator: { id: "ann-indicator", label: "Indicator", hint: "Choose an indicator, or leave this as it is and choose an area below." },
  area: { id: "ann-area", label: "Or a whole area", hint: "A note on an area applies to every indicator in it." },
  date: { id: "ann-date", label: "Date", hint: `Written YYYY-MM-DD, for example 2024-04-01; from ${EARLIEST_ANNOTATION_DATE} to a year from today.` },
  kind: {
    id: "ann-kind",
    label: "Kind",
    hint: "A note or a service change is shown beside the figures and changes nothing else. A recording change (the data was recorded differently from this date) restarts the SPC chart's limits from that date and stops trends and year-on-year comparisons across it, for everyone who sees the indicator.",
  },
  note: {
    id: "ann-note",
    label: "Note",
    hint: `Everyone who can see the indicator reads this note, including councillors (members) and readers of public committee reports, so do not name or describe children, families or staff. At most ${MAX_NOTE.toLocaleString("en-GB")} characters.`,
  },
} as const;

/** The kinds in the order offered, the plain note first (the default), each with its words. */
const KIND_CHOICES: readonly { value: AnnotationKind; text: string }[] = [
  { value: "note", text: "note" },
  { value: "service_change", text: "service change" },
  { value: "recording_change", text: "recording change (restarts SPC limits, breaks comparisons)" },
];

/** The annotations page. `error` (with the field it is about) re-shows the form with what was entered. */
export function annotationsBody(o: {
  defs: readonly IndicatorDef[];
  authority: string;
  list: readonly Annotation[];
  history: readonly (Annotation & { deleted: boolean })[];
  canEdit: boolean;
  csrf: string;
  error?: string;
  errorField?: string;
  entered?: AnnotationEntered;
}): Html {
  const title = (a: Annotation) => (a.indicator ? (o.defs.find((d) => d.id === a.indicator)?.title ?? a.indicator) : (AREAS.find((x) => x.id === a.area)?.title ?? a.area ?? ""));
  const e = o.entered;
  const errorOn = (o.error && o.errorField && o.errorField in ANNOTATION_FIELDS ? o.errorField : undefined) as keyof typeof ANNOTATION_FIELDS | undefined;
  const describedBy = (f: keyof typeof ANNOTATION_FIELDS) => [ANNOTATION_FIELDS[f].hint ? `${ANNOTATION_FIELDS[f].id}-hint` : "", errorOn === f ? `${ANNOTATION_FIELDS[f].id}-error` : ""].filter(Boolean).join(" ");
  const field = (f: keyof typeof ANNOTATION_FIELDS, control: Html) =>
    html`<div class="govuk-form-group${errorOn === f ? " govuk-form-group--error" : ""}"><label class="govuk-label govuk-label--s" for="${ANNOTATION_FIELDS[f].id}">${ANNOTATION_FIELDS[f].label}</label>${ANNOTATION_FIELDS[f].hint ? html`<div class="govuk-hint" id="${ANNOTATION_FIELDS[f].id}-hint">${ANNOTATION_FIELDS[f].hint}</div>` : ""}${fieldErrorMessage(ANNOTATION_FIELDS[f].id, errorOn === f ? o.error : undefined)}${control}</div>`;
  const aria = (f: keyof typeof ANNOTATION_FIELDS) => (describedBy(f) ? html` aria-describedby="${describedBy(f)}"` : "");
  const err = (f: keyof typeof ANNOTATION_FIELDS, base: string) => `${base}${errorOn === f ? ` ${base}--error` : ""}`;
  const indicatorControl = html`<select class="${err("indicator", "govuk-select")}" id="ann-indicator" name="indicator"${aria("indicator")}><option value="">(none: a whole area, chosen below)</option>${AREAS.map((a) => html`<optgroup label="${a.title}">${o.defs.filter((d) => d.area === a.id).map((d) => html`<option value="${d.id}"${d.id === e?.indicator ? html` selected` : ""}>${d.title}</option>`)}</optgroup>`)}</select>`;
  const areaControl = html`<select class="${err("area", "govuk-select")}" id="ann-area" name="area"${aria("area")}><option value="">(none: the indicator above)</option>${AREAS.map((a) => html`<option value="${a.id}"${a.id === e?.area ? html` selected` : ""}>${a.title}</option>`)}</select>`;
  return html`<h1 class="govuk-heading-l">Annotations <span class="govuk-caption-l">${o.authority}</span></h1>
${o.error ? errorSummary("The annotation was not saved", [errorOn ? html`<a href="#${ANNOTATION_FIELDS[errorOn].id}">${o.error}</a>` : o.error]) : ""}
<p class="govuk-body">Dated notes on an indicator or an area. A recording change is a series break: trends do not compare across it and SPC charts start new limits from it.</p>
${
  o.canEdit
    ? html`<form method="post" action="/annotations" novalidate>
${csrfField(o.csrf)}
<input type="hidden" name="la" value="${o.authority}">
${field("indicator", indicatorControl)}
${field("area", areaControl)}
${field("date", html`<input class="${err("date", "govuk-input")} govuk-input--width-10" id="ann-date" name="date" type="text" value="${e?.date ?? ""}"${aria("date")}>`)}
${field("kind", html`<select class="${err("kind", "govuk-select")}" id="ann-kind" name="kind"${aria("kind")}>${KIND_CHOICES.map((k) => html`<option value="${k.value}"${k.value === (e?.kind || "note") ? html` selected` : ""}>${k.text}</option>`)}</select>`)}
${field("note", html`<textarea class="${err("note", "govuk-textarea")}" id="ann-note" name="note" rows="3"${aria("note")}>${e?.note ?? ""}</textarea>`)}
<button type="submit" class="govuk-button" data-module="govuk-button">Save annotation</button>
</form>`
    : ""
}
${o.list.length ? table({ id: "annotations-table", caption: "Current annotations", head: ["Date", "About", "Kind", "Note", "Version", "By"], rows: o.list.map((a) => [a.date, title(a), a.kind.replaceAll("_", " "), a.note, String(a.version), a.changedBy]) }) : html`<p class="govuk-body">No annotations.</p>`}
${o.history.length ? table({ caption: "Every version", head: ["Annotation", "Version", "Date", "Note", "Removed", "Changed by", "Changed at"], rows: o.history.map((a) => [String(a.id), String(a.version), a.date, a.note, a.deleted ? "yes" : "", a.changedBy, londonTime(a.changedAt)]), small: true }) : ""}`;
}
