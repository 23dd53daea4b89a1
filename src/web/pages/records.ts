/**
 * @module
 * The records behind a figure (child-level): the same rows the engine counts, so the list and the
 * number cannot disagree. Reached only by roles allowed to see the indicator's area; every view
 * is written to the audit log by the route.
 */

import type { Period } from "../../calendar/periods.ts";
import type { Target } from "../../kpi/engine.ts";
import type { IndicatorDef } from "../../kpi/types.ts";
import type { Row } from "../../store/port.ts";
import { type Html, html } from "../html.ts";
import { qs, table } from "../layout.ts";

/** Rows shown on one page at most; the CSV of the figure is aggregate only. */
export const RECORDS_LIMIT = 2000;

/** The records page's main content. */
export function recordsBody(t: Target, def: IndicatorDef, period: Period, part: "numerator" | "denominator", rows: readonly Row[]): Html {
  const dims = Object.keys(rows[0] ?? {}).filter((k) => k.startsWith("dim_"));
  const shownRows = rows.slice(0, RECORDS_LIMIT);
  const other = part === "numerator" ? "denominator" : "numerator";
  return html`<a href="/indicators/${def.id}?${qs(t, period)}" class="govuk-back-link">Back to ${def.title}</a>
<h1 class="govuk-heading-l">Records behind the ${part} <span class="govuk-caption-l">${def.title} · ${t.la_code} · ${period.label}</span></h1>
<div class="govuk-warning-text"><span class="govuk-warning-text__icon" aria-hidden="true">!</span><strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span> Child-level data. Your viewing of this page has been recorded in the audit log.</strong></div>
<p class="govuk-body">${rows.length.toLocaleString("en-GB")} record${rows.length === 1 ? "" : "s"}${rows.length > RECORDS_LIMIT ? `; the first ${RECORDS_LIMIT} are shown` : ""}. <a class="govuk-link" href="/indicators/${def.id}/records?${qs(t, period, { part: other })}">Show the ${other}</a>.</p>
${table({
  id: "records-table",
  caption: `Records in the ${part}`,
  head: ["Child", "Record", "Measure", "Why", ...dims.map((d) => d.slice(4).replaceAll("_", " "))],
  rows: shownRows.map((r) => [String(r["person_id"] ?? ""), String(r["record_id"] ?? ""), r["measure"] === null || r["measure"] === undefined ? "" : String(r["measure"]), String(r["why"] ?? ""), ...dims.map((d) => String(r[d] ?? ""))]),
  small: true,
})}`;
}
