/**
 * @module
 * The system flow (contacts → referrals → assessments → section 47 → conferences → plans →
 * care, with counts and conversions) and the early-warning digest, for the period picked. Both
 * come from analysis/digest.ts, as `lantern digest` shows them.
 */

import { barChartSvg } from "../../render/charts.ts";
import { type Html, html, raw } from "../html.ts";
import { periodPicker, qs, table } from "../layout.ts";
import type { FlowRow, ShownDigest } from "../model.ts";
import type { Period } from "../../calendar/periods.ts";
import type { Target } from "../../kpi/engine.ts";

function pct(x: number | null): string {
  return x === null ? "–" : `${x.toFixed(1)}%`;
}

/** The flow table and chart. */
export function flowSection(t: Target, period: Period, rows: readonly FlowRow[]): Html {
  const bars = rows.map((r, i) => ({
    label: r.stage,
    value: r.suppressed || r.value?.value === undefined ? null : r.value.value,
    ...(i > 0 && r.conversion !== null ? { note: `${pct(r.conversion)} of ${(r.from ?? rows[i - 1]!.stage).toLowerCase()}` } : {}),
  }));
  return html`<div class="lantern-chart-wrap">${raw(barChartSvg({ title: `From contacts to care, ${period.label}`, bars, unit: "count", id: "flow-chart" }))}</div>
${table({
  id: "flow-table",
  caption: `The flow from contacts to care, ${period.label}`,
  head: ["Stage", "Count", "Percentage", "Of", "A year earlier"],
  numeric: [1, 2, 4],
  rows: rows.map((r) => [html`<a class="govuk-link" href="/indicators/${r.indicator}?${qs(t, period)}">${r.stage}</a>`, r.text, pct(r.conversion), r.from ? r.from.toLowerCase() : "", pct(r.conversionLastYear)]),
})}`;
}

/** The system flow page's main content. */
export function flowBody(t: Target, period: Period, rows: readonly FlowRow[]): Html {
  return html`<h1 class="govuk-heading-l">System flow <span class="govuk-caption-l">${t.la_code} · ${period.label}</span></h1>
${periodPicker(t, period, "/flow")}
<p class="govuk-body">How many children reached each stage in the period, and each stage as a percentage of the one before (child in need plans and section 47 enquiries are both outcomes of assessments, so both are compared with assessments completed). Stages count events in the period, so a percentage compares flows, not the same children.</p>
${flowSection(t, period, rows)}`;
}

const SEVERITY = { 3: "Look at first", 2: "Watch", 1: "Improvement" } as Record<number, string>;

/** The early-warning page's main content. */
export function earlyWarningBody(t: Target, period: Period, d: ShownDigest, rows: readonly FlowRow[]): Html {
  return html`<h1 class="govuk-heading-l">Early warning <span class="govuk-caption-l">${t.la_code} · ${period.label}</span></h1>
${periodPicker(t, period, "/early-warning")}
<p class="govuk-body">Every special-cause signal (SPC on monthly values; months only) and every change of RAG rating, grouped as a committee reads them, most serious first. ${d.alarming ? html`<strong>${d.alarming} signal${d.alarming === 1 ? "" : "s"} to look at first.</strong>` : "Nothing to look at first."}</p>
${period.kind !== "month" ? html`<div class="govuk-inset-text">SPC signals are computed for months; pick a month to see them. RAG changes are shown for any period.</div>` : ""}
${d.groups.map(
  (g) => html`<h2 class="govuk-heading-m">${g.title}</h2>
${g.signals.length ? table({ caption: `${g.title}: signals`, head: ["Indicator", "Signal", "Severity", "What it means"], rows: g.signals.map((s) => [html`<a class="govuk-link" href="/indicators/${s.indicator}?${qs(t, period)}">${s.title}</a>`, s.label, SEVERITY[s.severity] ?? "", s.text]) }) : html`<p class="govuk-body">No signals${g.withheld?.length ? " shown" : ""}.</p>`}
${g.withheld?.length ? html`<p class="govuk-body lantern-withheld">Not shown because of small numbers: SPC signals and process limits for ${g.withheld.join("; ")}. Some months of ${g.withheld.length === 1 ? "this series rest" : "these series rest"} on 1 to 5 children or records, which are not shown, so the chart and its signals are not shown either.</p>` : ""}`,
)}
<h2 class="govuk-heading-m">The flow from contacts to care</h2>
${flowSection(t, period, rows)}`;
}
