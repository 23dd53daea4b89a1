/**
 * @module
 * The system flow (contacts → referrals → assessments → section 47 → conferences → plans →
 * care, with counts and conversions) and the early-warning digest, for the period picked. Both
 * come from analysis/digest.ts, as `lantern digest` shows them: a quarter, year or rolling year is
 * judged by the monthly SPC month by month, and what SPC could not judge is named with the reason.
 * A conversion is worded by the digest's conversionWords, as in `lantern digest` and the report: a
 * percentage only where the stage is a share of the one it comes from, otherwise so many per 100.
 */

import { barChartSvg } from "../../render/charts.ts";
import { type Html, html } from "../html.ts";
import { chartBox, periodPicker, qs, suppressionKey, table } from "../layout.ts";
import type { FlowRow, ShownDigest, ShownGroup } from "../model.ts";
import { type Period, parsePeriod, previousPeriod } from "../../calendar/periods.ts";
import { conversionWords, unjudgedNotes } from "../../analysis/digest.ts";
import { SUPPRESSED } from "../../analysis/suppression.ts";
import type { Target } from "../../kpi/engine.ts";

/**
 * A stage compared with the stage it comes from, in words ("62.0% of contacts", "101.7 per 100
 * referrals"); `c` when it is withheld from the viewer (small numbers), "–" when there is none.
 */
function compared(r: FlowRow, conversion: number | null, hidden: boolean): string {
  if (hidden) return SUPPRESSED;
  return conversion === null || r.from === null ? "–" : conversionWords(conversion, r.from, r.share);
}

/** What the chart says for a stage hidden from the viewer, where the table says `c`. */
const HIDDEN_BAR = `${SUPPRESSED} — not shown to protect the children`;

/** The flow table and chart. */
export function flowSection(t: Target, period: Period, rows: readonly FlowRow[]): Html {
  // The chart says what the table says: a stage hidden from the viewer has no bar, only its `c`,
  // and a comparison hidden is `c` beside its bar.
  const bars = rows.map((r) => ({
    label: r.stage,
    value: r.suppressed || r.value?.value === undefined ? null : r.value.value,
    ...(r.suppressed ? { missing: HIDDEN_BAR } : {}),
    ...(r.from !== null && (r.conversion !== null || r.conversionHidden) ? { note: compared(r, r.conversion, r.conversionHidden) } : {}),
  }));
  const title = `From contacts to care, ${period.label}`;
  return html`${chartBox(`Chart: ${title}`, barChartSvg({ title, bars, unit: "count", id: "flow-chart" }))}
${table({
  id: "flow-table",
  caption: `The flow from contacts to care, ${period.label}`,
  head: ["Stage", "Count", "Compared with the stage it comes from", "A year earlier"],
  numeric: [1],
  rows: rows.map((r) => [html`<a class="govuk-link" href="/indicators/${r.indicator}?${qs(t, period)}">${r.stage}</a>`, r.text, compared(r, r.conversion, r.conversionHidden), compared(r, r.conversionLastYear, r.conversionLastYearHidden)]),
})}
${rows.some((r) => r.text === SUPPRESSED || r.conversionHidden || r.conversionLastYearHidden) ? suppressionKey() : ""}`;
}

/** The system flow page's main content; `authority` as a reader knows it (model.ts `authorityLabel`), the code by default. */
export function flowBody(t: Target, period: Period, rows: readonly FlowRow[], authority: string = t.la_code): Html {
  return html`<h1 class="govuk-heading-l">System flow <span class="govuk-caption-l">${authority} · ${period.label}</span></h1>
${periodPicker(t, period, "/flow")}
<p class="govuk-body">How many of each stage there were in the period (contacts, referrals, assessments, plans, enquiries, conferences, and children starting care), and each stage compared with the stage it comes from (child in need plans and section 47 enquiries are both outcomes of assessments, so both are compared with assessments completed). Children starting care are compared with no stage: most children start care without a child protection plan. Where every item of a stage comes out of one in the stage before (a referral from a contact, a conference from an enquiry, a plan from a conference), the comparison is a percentage; where it does not, it is given as so many per 100, which can be more than 100 (a referral can lead to more than one assessment, or to none). Stages count events in the period, so the comparison is of flows, not the same children: referrals as a share of contacts here is the period's referrals over its contacts, which is not the indicator "Contacts leading to a referral" (each contact followed to what came of it), so the two differ.</p>
${flowSection(t, period, rows)}`;
}

const SEVERITY = { 3: "Look at first", 2: "Watch", 1: "Improvement" } as Record<number, string>;

function monthLabel(id: string): string {
  return parsePeriod(id)?.label ?? id;
}

/**
 * What a group says besides its signals, as `lantern digest` says it (`unjudgedNotes`), as
 * sentences.
 */
export function notJudgedLines(d: ShownDigest, g: ShownGroup): string[] {
  return unjudgedNotes(d.spcMonths, g).map((l) => `${l[0]!.toUpperCase()}${l.slice(1)}.`);
}

function notJudgedList(d: ShownDigest, g: ShownGroup): Html | string {
  const lines = notJudgedLines(d, g);
  return lines.length ? html`<ul class="govuk-list lantern-not-judged">${lines.map((l) => html`<li>${l}</li>`)}</ul>` : "";
}

/**
 * What the page's signals come to, in plain words for the viewer and period: how many to look at
 * first, or why there are none (no special-cause signal and no RAG change, among the indicators
 * SPC could judge for this viewer: it never reads as an all-clear over those it could not).
 */
export function warningSummary(period: Period, d: ShownDigest): Html {
  const judged = d.groups.reduce((n, g) => n + g.judged.length, 0);
  const signals = d.groups.reduce((n, g) => n + g.signals.length, 0);
  const s = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const noJudge = judged ? "" : html` <strong>SPC could judge no indicator.</strong>`;
  if (d.alarming) return html`<strong>${s(d.alarming, "signal")} to look at first.</strong>${noJudge}`;
  if (signals) return html`Nothing needs looking at first: ${signals === 1 ? "the signal below is not" : `none of the ${signals} signals below is`} a special-cause concern beyond a process limit or a RAG rating turned red.${noJudge}`;
  const noRag = `no RAG rating changed from ${previousPeriod(period).label}`;
  if (!judged) return html`No RAG rating changed from ${previousPeriod(period).label}, but <strong>SPC could judge no indicator</strong> for ${period.label}, so this is not an all-clear: the reasons are below.`;
  const notJudged = d.groups.some((g) => g.notJudged.length);
  const withheld = d.groups.some((g) => g.withheld.length);
  const others = notJudged || withheld ? ` Indicators SPC could not judge${withheld ? ", or whose signals are not shown because of small numbers," : ""} are not covered: they are named below, with the reason.` : "";
  const pattern = judged === 1 ? "The one indicator SPC judged shows no unusual pattern" : `None of the ${judged} indicators SPC judged shows an unusual pattern`;
  return html`${pattern} (a special-cause signal) for ${period.label}, and ${noRag}: nothing needs looking at first.${others}`;
}

/** The early-warning page's main content; `authority` as a reader knows it (model.ts `authorityLabel`), the code by default. */
export function earlyWarningBody(t: Target, period: Period, d: ShownDigest, rows: readonly FlowRow[], authority: string = t.la_code): Html {
  const first = d.spcMonths[0];
  const last = d.spcMonths.at(-1);
  return html`<h1 class="govuk-heading-l">Early warning <span class="govuk-caption-l">${authority} · ${period.label}</span></h1>
${periodPicker(t, period, "/early-warning")}
<p class="govuk-body" id="warning-summary">Every special-cause signal (SPC on each flow measure's monthly values) and every change of RAG rating, grouped as a committee reads them, most serious first. ${warningSummary(period, d)}</p>
${first && last && d.spcMonths.length > 1 ? html`<div class="govuk-inset-text" id="spc-months">SPC signals are monthly: ${monthLabel(first)} to ${monthLabel(last)}, each month judged against the months before it, as that month's own early warning judges it. Each signal names the months it came from. RAG changes compare ${period.label} with the period before.</div>` : ""}
${d.groups.map(
  (g) => html`<h2 class="govuk-heading-m">${g.title}</h2>
${g.signals.length ? table({ caption: `${g.title}: signals`, head: ["Indicator", "Signal", "Severity", "What it means"], rows: g.signals.map((s) => [html`<a class="govuk-link" href="/indicators/${s.indicator}?${qs(t, period)}">${s.title}</a>`, s.label, SEVERITY[s.severity] ?? "", s.text]) }) : ""}
${notJudgedList(d, g)}
${g.withheld.length ? html`<p class="govuk-body lantern-withheld">Not shown because of small numbers: SPC signals and process limits for ${g.withheld.join("; ")}. Here SPC is run only on the months since the last one not shown (1 to 5 children or records, or a figure that would give such a number away), and needs 12 of them.</p>` : ""}`,
)}
<h2 class="govuk-heading-m">The flow from contacts to care</h2>
${flowSection(t, period, rows)}`;
}
