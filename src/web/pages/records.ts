/**
 * @module
 * The records behind a figure (child-level): the same rows the engine counts, so the list and the
 * number cannot disagree. Reached only by roles allowed to see the indicator's area; every view
 * is written to the audit log by the route. Figures loaded as aggregates (measures.csv) have no
 * records, and counts and rates no denominator records: those are refused with a page saying why.
 */

import type { Period } from "../../calendar/periods.ts";
import type { Target } from "../../kpi/engine.ts";
import type { IndicatorDef } from "../../kpi/types.ts";
import type { Row } from "../../store/port.ts";
import { type Html, html } from "../html.ts";
import { qs, table } from "../layout.ts";

/** Rows shown on one page at most; the CSV of the figure is aggregate only. */
export const RECORDS_LIMIT = 2000;

/** Does the figure have child records behind it? Not when loaded as an aggregate figure (measures.csv). */
export function hasRecords(def: IndicatorDef): boolean {
  return def.source !== "measures";
}

/** Are there denominator records to list? Not for a count (no denominator) or a rate (its denominator is the population). */
export function hasDenominatorRecords(def: IndicatorDef): boolean {
  return hasRecords(def) && def.unit !== "count" && def.unit !== "rate";
}

/** Why the records asked for cannot be listed (status, heading and explanation), or null when they can. */
export function recordsRefusal(def: IndicatorDef, part: "numerator" | "denominator"): { status: number; title: string; message: string } | null {
  if (!hasRecords(def)) {
    return {
      status: 404,
      title: "There are no records behind this figure",
      message: `${def.title} is loaded as an aggregate figure (from a measures.csv file), not computed from child records, so there are no records to list. The records are kept in the system the figure comes from.`,
    };
  }
  if (part === "denominator" && !hasDenominatorRecords(def)) {
    return {
      status: 400,
      title: "This figure has no denominator records",
      message:
        def.unit === "count"
          ? `${def.title} is a count: its figure has no denominator records. The records behind it are those counted in the figure.`
          : `${def.title} is a rate per 10,000 children: its denominator is the population of children aged 0–17, not records. The records behind it are those counted in the figure.`,
    };
  }
  return null;
}

/** The page saying why the records asked for cannot be listed, with a way back (and to the numerator when there is one). */
export function recordsRefusedBody(t: Target, def: IndicatorDef, period: Period, refusal: { title: string; message: string }): Html {
  return html`<a href="/indicators/${def.id}?${qs(t, period)}" class="govuk-back-link">Back to ${def.title}</a>
<h1 class="govuk-heading-l">${refusal.title}</h1>
<p class="govuk-body">${refusal.message}</p>
${hasRecords(def) ? html`<p class="govuk-body"><a class="govuk-link" href="/indicators/${def.id}/records?${qs(t, period, { part: "numerator" })}">See the records counted in ${def.title}</a></p>` : ""}`;
}

/** The records page's main content; `authority` as a reader knows it (model.ts `authorityLabel`), the code by default. */
export function recordsBody(t: Target, def: IndicatorDef, period: Period, part: "numerator" | "denominator", rows: readonly Row[], authority: string = t.la_code): Html {
  const dims = Object.keys(rows[0] ?? {}).filter((k) => k.startsWith("dim_"));
  const shownRows = rows.slice(0, RECORDS_LIMIT);
  const other = part === "numerator" ? "denominator" : "numerator";
  const otherLink = other === "numerator" || hasDenominatorRecords(def) ? html` <a class="govuk-link" href="/indicators/${def.id}/records?${qs(t, period, { part: other })}">Show the ${other}</a>.` : "";
  return html`<a href="/indicators/${def.id}?${qs(t, period)}" class="govuk-back-link">Back to ${def.title}</a>
<h1 class="govuk-heading-l">Records behind the ${part} <span class="govuk-caption-l">${def.title} · ${authority} · ${period.label}</span></h1>
<div class="govuk-warning-text"><span class="govuk-warning-text__icon" aria-hidden="true">!</span><strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span> Child-level data. Your viewing of this page has been recorded in the audit log.</strong></div>
<p class="govuk-body">${rows.length.toLocaleString("en-GB")} record${rows.length === 1 ? "" : "s"}${rows.length > RECORDS_LIMIT ? `; the first ${RECORDS_LIMIT} are shown` : ""}.${otherLink}</p>
${table({
  id: "records-table",
  caption: `Records in the ${part}`,
  head: ["Child", "Record", "Measure", "Why", ...dims.map((d) => d.slice(4).replaceAll("_", " "))],
  rows: shownRows.map((r) => [String(r["person_id"] ?? ""), String(r["record_id"] ?? ""), r["measure"] === null || r["measure"] === undefined ? "" : String(r["measure"]), String(r["why"] ?? ""), ...dims.map((d) => String(r[d] ?? ""))]),
  small: true,
})}`;
}
