/**
 * @module
 * The indicator page: the SPC chart with its limits, signals, annotations and target, and the
 * same figures as tables beside it; values by period with numerators and denominators; yearly
 * averages; the benchmark panel; the definition; the narrative; breakdowns; officer commentary;
 * a link to the records behind the figure for those allowed; a CSV download.
 */

import { SYMBOL_MEANINGS } from "../../analysis/benchmarks.ts";
import { describeSpc, spcUnitLabel, VARIATION_ICONS } from "../../analysis/spc.ts";
import { runPoints, SPC_LOOKBACK, spcRefusalText } from "../../analysis/spc-chart.ts";
import { monthsEndingWith, type PeriodKind, parsePeriod } from "../../calendar/periods.ts";
import { formatAverage, formatValue, numberedNotes } from "../../kpi/format.ts";
import { indicatorLibrary } from "../../kpi/library/index.ts";
import type { IndicatorValue, Unit } from "../../kpi/types.ts";
import { type ChartAnnotation, runChartSvg, signalWords, spcChartSvg } from "../../render/charts.ts";
import { type Comment, MAX_COMMENT } from "../edits.ts";
import { type Html, html } from "../html.ts";
import { chartBox, csrfField, errorSummary, fieldErrorMessage, periodPicker, qs, ragTag, spcIcon, summaryList, suppressionKey, table } from "../layout.ts";
import { SUPPRESSED } from "../../analysis/suppression.ts";
import { breakdownShown, type Hiding, hides, type IndicatorDetail, PAGE_KINDS, shown, shownCounts } from "../model.ts";
import { comparisonText, published } from "./dashboard.ts";
import { hasRecords } from "./records.ts";
import { ASSURANCE_ICONS } from "../../analysis/spc.ts";
import { rag } from "../../analysis/rag.ts";

/** A comment the server refused, shown again in the form with the reason. */
export interface CommentForm {
  readonly body: string;
  readonly published: boolean;
  readonly error?: string;
}

/** What the viewer may do on the page. */
export interface IndicatorPermissions {
  readonly suppress: boolean;
  readonly childLevel: boolean;
  readonly comment: boolean;
  readonly csrf: string;
}

const KIND_NAMES: Record<PeriodKind, string> = { month: "month", quarter: "quarter", year: "year", rolling: "rolling year", calendar: "calendar year" };

function label(period: string): string {
  return parsePeriod(period)?.label ?? period;
}

/**
 * The values by period, latest first. A figure that could not be computed is "–" with why, as
 * everywhere else: its reason is numbered under the table, each reason said once (the same one
 * can hold for many periods: a care leaver's contact known only for the latest).
 */
export function valuesTable(rows: readonly IndicatorValue[], hiding: Hiding, caption: string, id: string): Html {
  const { notes: reasons, noteOf } = numberedNotes();
  const body = [...rows].reverse().map((v) => {
    const counts = shownCounts(v, hiding);
    const text = v.value === null ? `– (see note ${noteOf(v.reason ?? "not computed")})` : shown(v, hiding).text;
    return [label(v.period), text, counts.numerator, counts.denominator];
  });
  return html`${table({ id, caption, head: ["Period", "Value", "Numerator", "Denominator"], numeric: [1, 2, 3], rows: body, small: true })}
${reasons.length ? html`<p class="govuk-body-s">Why a figure is –:</p>
<ol class="govuk-list govuk-list--number govuk-body-s">${reasons.map((r) => html`<li>${r}</li>`)}</ol>` : ""}`;
}

/**
 * The yearly averages: the mean of each financial year's monthly values, as members asked for
 * them, and under them what a recording change among their years means for reading them.
 */
export function yearlyTable(yearly: IndicatorDetail["yearly"], unit: Unit, note: string | null = null): Html {
  if (!yearly.length) return html`<p class="govuk-body">No yearly averages to show.</p>`;
  return html`${table({ caption: "Mean of the monthly values in each financial year", head: ["Year", "Average", "Months"], numeric: [1, 2], rows: yearly.map((y) => [y.year, y.hidden ? SUPPRESSED : formatAverage(y.mean, unit), String(y.months)]) })}${note ? html`<p class="govuk-body">${note}</p>` : ""}`;
}

/** Charts drawn once per cached detail (so until the store changes). */
const charts = new WeakMap<IndicatorDetail, string>();

/** Each annotation as a list item: its date, note and kind. */
function annotationItems(list: IndicatorDetail["annotations"]): Html[] {
  return list.map((a) => html`<li>${a.date}: ${a.note} (${a.kind.replaceAll("_", " ")})</li>`);
}

/**
 * The annotations under a chart of the months `from` to `to` (their last days): those it draws,
 * numbered as it numbers them (the same filter and order as render/charts), and those up to `end`
 * that fall outside its months apart, unnumbered, so the chart's "1" is the list's 1.
 */
function annotationLists(list: IndicatorDetail["annotations"], from: string, to: string, end: string): { charted: number; html: Html } {
  const charted = list.filter((a) => a.date >= from && a.date <= to);
  const outside = list.filter((a) => (a.date < from || a.date > to) && a.date <= end);
  return {
    charted: charted.length,
    html: html`${charted.length ? html`<ol class="govuk-list govuk-list--number" id="annotations-list">${annotationItems(charted)}</ol>` : ""}${
      outside.length ? html`<p class="govuk-body">Not on the chart (outside the months it shows):</p><ul class="govuk-list govuk-list--bullet" id="annotations-outside">${annotationItems(outside)}</ul>` : ""
    }`,
  };
}

/** The annotations as a chart marks them: each at its date, labelled with its kind and note. */
function chartAnnotations(d: IndicatorDetail): ChartAnnotation[] {
  return d.annotations.map((a) => ({ date: a.date, label: `${a.kind.replaceAll("_", " ")}: ${a.note}` }));
}

/**
 * The last {@link SPC_LOOKBACK} months as a run chart, with its values as a table: a month this
 * viewer sees as `c` is a gap, and nothing is drawn with fewer than two values to join.
 */
function runChart(d: IndicatorDetail, why: string): { html: Html; from: string; to: string } | null {
  const byMonth = new Map(d.monthly.map((v) => [v.period, v]));
  const months = monthsEndingWith(d.period, SPC_LOOKBACK);
  const values = runPoints(months, (m) => byMonth.get(m), (v) => hides(d.hiding, v));
  if (!values) return null;
  const labels = new Map(values.map((p) => [p.date, p.period]));
  const shownMonths = months.filter((m) => m.end >= values[0]!.date && m.end <= values.at(-1)!.date);
  const svg =
    charts.get(d) ??
    runChartSvg({
      title: `${d.def.title}: monthly values`,
      values,
      why,
      unit: d.def.unit,
      labels,
      target: d.chartGoal?.target ?? null,
      annotations: chartAnnotations(d),
      id: "run-chart",
    });
  charts.set(d, svg);
  const body = html`${chartBox(`Chart: ${d.def.title}, monthly values`, svg)}
<details class="govuk-details">
<summary class="govuk-details__summary"><span class="govuk-details__summary-text">The chart's values as a table</span></summary>
<div class="govuk-details__text">
${table({ id: "run-table", caption: "Monthly values", head: ["Month", "Value"], numeric: [1], small: true, rows: shownMonths.map((m) => [m.label, shown(byMonth.get(m.id), d.hiding).text]) })}
</div>
</details>`;
  return { html: body, from: values[0]!.date, to: values.at(-1)!.date };
}

/** What the lines and dots of an SPC chart mean, in words under it (the chart has no legend of its own). */
function chartKey(target: boolean, notes: boolean): Html {
  return html`<p class="govuk-body-s" id="spc-key">How to read the chart: each point is a month's value; the solid black line is the mean; the grey dashed lines are the process limits, between which the values normally vary; a small grey round dot is common cause (nothing unusual); a larger coloured shape is special cause (unusual): a blue triangle an improvement, an orange diamond a concern, a purple square where neither direction is better.${target ? " The red dashed line is the target." : ""}${notes ? " A blue upright line marks a recording change or note, listed below." : ""}</p>`;
}

function spcSection(d: IndicatorDetail): Html {
  const spc = d.spc;
  const valued = d.monthly.filter((v) => v.value !== null);
  // For a member the chart runs from the month after the last one shown as `c` (model.ts `spcOf`).
  const lastHidden = d.hiding.on ? valued.findLast((v) => hides(d.hiding, v)) : undefined;
  if (!spc) {
    // With no limits to judge it by, the months are still drawn (a run chart), and the recording
    // changes and notes listed.
    const noted = d.annotations.filter((a) => a.date <= d.period.end);
    const hiddenWhy = d.spcReason !== "stock" && lastHidden && valued.length >= 12 ? `it is drawn only on the months since the last one not shown (${label(lastHidden.period)}: a small number, or a figure that would give one away), and it needs 12 of them` : null;
    const why = hiddenWhy ?? spcRefusalText(d.spcReason ?? "few_months", d.def.unit);
    const run = runChart(d, why);
    return html`<p class="govuk-body">${hiddenWhy ? `The SPC chart is not shown: ${hiddenWhy}.` : `There is no SPC chart: ${why}. The early warning does not judge it either.`}${run ? " The chart below shows the monthly values alone, with no mean or process limits." : ""}</p>
${run?.html ?? ""}
${noted.length ? html`<p class="govuk-body">Annotations on this indicator:</p>${run ? annotationLists(noted, run.from, run.to, d.period.end).html : html`<ol class="govuk-list govuk-list--number" id="annotations-list">${annotationItems(noted)}</ol>`}` : ""}`;
  }
  const labels = new Map(d.monthly.map((v) => [parsePeriod(v.period)!.end, parsePeriod(v.period)!.label]));
  const truncated = lastHidden
    ? html`<p class="govuk-body" id="spc-from">The chart starts in ${labels.get(spc.points[0]!.date) ?? spc.points[0]!.date}: the months before it include ${label(lastHidden.period)}, not shown (a small number, or a figure that would give one away), and the mean and limits rest only on the months charted.</p>`
    : "";
  // A target where no direction is better gives no assurance, so SPC is run without it; but the
  // chart draws it, so its words say it is there ("gives no assurance"), not "No target is set".
  const drawnTarget = d.chartGoal?.target ?? null;
  const said = drawnTarget !== null && spc.options.target === null ? { ...spc, options: { ...spc.options, target: drawnTarget } } : spc;
  const text = describeSpc(said, { unitLabel: spcUnitLabel(d.def.unit) });
  const svg =
    charts.get(d) ??
    spcChartSvg({
    title: `${d.def.title}: monthly values with mean and process limits`,
    description: text,
    unit: d.def.unit,
    spc,
    labels,
    target: d.chartGoal?.target ?? null,
    annotations: chartAnnotations(d),
    id: "spc-chart",
  });
  charts.set(d, svg);
  const improvement = spc.options.improvement;
  const notes = annotationLists(d.annotations, spc.points[0]!.date, spc.points.at(-1)!.date, d.period.end);
  return html`<div class="lantern-icons">${spcIcon(VARIATION_ICONS[spc.variationIcon], "variation")}${spcIcon(spc.assurance ? ASSURANCE_ICONS[spc.assurance] : null, "assurance")}</div>
<p class="govuk-body">${text}</p>
${truncated}
${chartBox(`Chart: ${d.def.title}, monthly values with mean and process limits`, svg)}
${chartKey(d.chartGoal?.target !== undefined && d.chartGoal?.target !== null, notes.charted > 0)}
${notes.html}
<details class="govuk-details">
<summary class="govuk-details__summary"><span class="govuk-details__summary-text">The chart's values as a table</span></summary>
<div class="govuk-details__text">
${table({
  id: "spc-table",
  caption: "Monthly values, mean, process limits and signals",
  head: ["Month", "Value", "Mean", "Lower limit", "Upper limit", "Signal"],
  numeric: [1, 2, 3, 4],
  small: true,
  rows: spc.points.map((pt) => [
    labels.get(pt.date) ?? pt.date,
    formatValue(pt.value, d.def.unit),
    formatValue(pt.mean, d.def.unit === "count" ? "rate" : d.def.unit),
    formatValue(pt.lpl, d.def.unit === "count" ? "rate" : d.def.unit),
    formatValue(pt.upl, d.def.unit === "count" ? "rate" : d.def.unit),
    signalWords(pt, improvement),
  ]),
})}
</div>
</details>`;
}

/**
 * A new or synthetic authority's own figure is placed among the published ones to rank it: where
 * this viewer may not see that figure, its rank and quartile band (which narrow it down) go too.
 */
function rankHidden(d: IndicatorDetail): boolean {
  const c = d.comparison;
  return c?.result.rank?.inserted === true && shown(c.own, d.hiding).suppressed;
}

/** Whether anything on the page is shown to this viewer as `c` (and so wants the key to it). */
function showsSuppressed(d: IndicatorDetail): boolean {
  if (!d.hiding.on) return false;
  const hidden = (x: IndicatorValue | undefined) => {
    const c = shownCounts(x, d.hiding);
    return shown(x, d.hiding).suppressed || c.numerator === SUPPRESSED || c.denominator === SUPPRESSED;
  };
  return hidden(d.current) || d.table.some(hidden) || rankHidden(d) || d.narrativeWithheld || d.yearly.some((y) => y.hidden) || d.breakdowns.some((b) => breakdownShown(b.values, b.hidden).some((x) => x.value === SUPPRESSED || x.numerator === SUPPRESSED || x.denominator === SUPPRESSED));
}

/** One breakdown's table, or a line saying there is nothing to break down (no records in the period): a table of headings alone reads as broken. */
function breakdownTable(d: IndicatorDetail, b: IndicatorDetail["breakdowns"][number]): Html {
  const name = b.dim.replaceAll("_", " ");
  const rows = breakdownShown(b.values, b.hidden, b.dim);
  if (!rows.length) return html`<h3 class="govuk-heading-s">By ${name}, ${d.period.label}</h3><p class="govuk-body">No records in ${d.period.label}, so nothing to break down by ${name}.</p>`;
  return table({ caption: `By ${name}, ${d.period.label}`, head: [name, "Value", "Numerator", "Denominator"], numeric: [1, 2, 3], rows: rows.map((x) => [x.category, x.value, x.numerator, x.denominator]) });
}

function benchmarkPanel(d: IndicatorDetail): Html {
  const c = d.comparison;
  if (!c) return html`<p class="govuk-body">No national benchmark: the DfE does not publish this measure for every authority.</p>`;
  // England's total and other councils' counts are not comparable with this council's count.
  if (d.def.unit === "count") {
    const rate = indicatorLibrary()
      .list()
      .find((r) => r.rateOf === d.def.id);
    return html`<p class="govuk-body">A count depends on the size of the area, so it is not set beside England's total or other councils' counts.${rate ? html` Compare <a class="govuk-link" href="/indicators/${encodeURIComponent(rate.id)}?${new URLSearchParams({ la: d.target.la_code, period: d.period.id }).toString()}">${rate.title}</a> instead.` : ""}</p>`;
  }
  const r = c.result;
  const u = d.def.unit;
  const placedHidden = rankHidden(d);
  const rows: [string, string][] = [
    [`${r.authority.code}${r.authority.like ? ` (compared as ${r.authority.like.name})` : ""}`, c.own?.value !== null && c.own?.value !== undefined ? shown(c.own, d.hiding).text : published(r.own.value, u, r.places)],
    ["England", published(r.england, u, r.places)],
    ...(r.region ? [[r.region.name, published(r.region.value, u, r.places)] as [string, string]] : []),
    ["Statistical neighbours' mean", r.neighbourMean === null ? "–" : `${formatValue(r.neighbourMean, u)} (${r.neighboursWithValue} of ${r.neighbourCount})`],
    ["Statistical neighbours' median", r.neighbourMedian === null ? "–" : formatValue(r.neighbourMedian, u)],
    ["Rank", r.rank ? (placedHidden ? SUPPRESSED : `${r.rank.position} of ${r.rank.of}`) : "–"],
    ["Quartile band", r.quartileBand ? (placedHidden ? SUPPRESSED : r.quartileBand) : "–"],
  ];
  return html`<p class="govuk-body">${comparisonText(c, u)}. Source: ${r.source}.</p>
${table({ caption: `Benchmarks, ${r.year.label}`, head: ["Area", "Value"], numeric: [1], rows })}
${r.neighbours.length ? html`<details class="govuk-details"><summary class="govuk-details__summary"><span class="govuk-details__summary-text">Each neighbour</span></summary><div class="govuk-details__text">${table({
  caption: "Statistical neighbours",
  head: ["Authority", "Value"],
  numeric: [1],
  rows: r.neighbours.map((n) => [n.name, "value" in n.value ? formatValue(n.value.value, u) : `${n.value.symbol} (${SYMBOL_MEANINGS[n.value.symbol]})`]),
})}</div></details>` : ""}
${r.notes.length ? html`<ul class="govuk-list govuk-list--bullet">${r.notes.map((n) => html`<li>${n}</li>`)}</ul>` : ""}`;
}

function commentary(d: IndicatorDetail, comments: readonly Comment[], p: IndicatorPermissions, entered?: CommentForm): Html {
  const list = comments.length
    ? comments.map(
        (c) => html`<div class="lantern-comment${c.published ? "" : " lantern-comment--draft"}">
<p class="govuk-body-s">${label(c.period)} · ${c.changedBy} · ${c.changedAt.slice(0, 16).replace("T", " ")} · ${c.published ? "published" : html`<strong>draft: not shown to members</strong>`}</p>
<p class="govuk-body lantern-comment__body">${c.body}</p>
${
  p.comment
    ? html`<div class="govuk-button-group"><form method="post" action="/indicators/${d.def.id}/comments/${c.id}?${qs(d.target, d.period)}">${csrfField(p.csrf)}<input type="hidden" name="action" value="${c.published ? "unpublish" : "publish"}"><button class="govuk-button govuk-button--secondary" data-module="govuk-button">${c.published ? "Unpublish" : "Publish"} comment ${c.id}</button></form><form method="post" action="/indicators/${d.def.id}/comments/${c.id}?${qs(d.target, d.period)}">${csrfField(p.csrf)}<input type="hidden" name="action" value="delete"><button class="govuk-button govuk-button--warning" data-module="govuk-button">Delete comment ${c.id}</button></form></div>`
    : ""
}
</div>`,
      )
    : html`<p class="govuk-body">No commentary${p.suppress ? " has been published" : ""} yet.</p>`;
  const error = entered?.error;
  // No maxlength: a browser cuts a longer paste without a word, so the server refuses it with the count instead.
  const form = p.comment
    ? html`<form method="post" action="/indicators/${d.def.id}/comments?${qs(d.target, d.period)}" novalidate>
${csrfField(p.csrf)}
<div class="govuk-form-group${error ? " govuk-form-group--error" : ""}">
<label class="govuk-label govuk-label--s" for="comment-body">Commentary on ${d.period.label}</label>
<div class="govuk-hint" id="comment-hint">Members see it only once it is published. At most ${MAX_COMMENT.toLocaleString("en-GB")} characters.</div>
${fieldErrorMessage("comment-body", error)}
<textarea class="govuk-textarea${error ? " govuk-textarea--error" : ""}" id="comment-body" name="body" rows="4" aria-describedby="comment-hint${error ? " comment-body-error" : ""}">${entered?.body ?? ""}</textarea>
</div>
<div class="govuk-form-group"><div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes"><div class="govuk-checkboxes__item">
<input class="govuk-checkboxes__input" id="comment-published" name="published" type="checkbox" value="yes"${entered?.published ? html` checked` : ""}>
<label class="govuk-label govuk-checkboxes__label" for="comment-published">Publish for members now</label>
</div></div></div>
<button type="submit" class="govuk-button" data-module="govuk-button">Save comment</button>
</form>`
    : "";
  return html`${list}${form}`;
}

/** The indicator page's main content; `entered` re-shows a refused comment with its error. */
export function indicatorBody(d: IndicatorDetail, comments: readonly Comment[], p: IndicatorPermissions, entered?: CommentForm): Html {
  const v = d.current;
  const s = shown(v, d.hiding);
  const counts = shownCounts(v, d.hiding);
  const goal = d.goal;
  const r = goal && v?.value !== null && v?.value !== undefined && !s.suppressed ? rag(v.value, goal, goal.polarity ?? d.def.polarity) : null;
  const base = `/indicators/${encodeURIComponent(d.def.id)}`;
  // The dashboard has no calendar years: from one, go back to its latest month.
  const dashboard = PAGE_KINDS.includes(d.period.kind) ? `/?${qs(d.target, d.period)}` : `/?${new URLSearchParams({ la: d.target.la_code }).toString()}`;
  return html`<a href="${dashboard}" class="govuk-back-link">Back to the dashboard</a>
${entered?.error ? errorSummary("The comment was not saved", [html`<a href="#comment-body">${entered.error}</a>`]) : ""}
<h1 class="govuk-heading-l">${d.def.title} <span class="govuk-caption-l">${d.authority} · ${d.period.label}</span></h1>
${periodPicker(d.target, d.period, base, {}, d.def.periods)}
${summaryList([
  ["Value", html`${s.text}${d.reason && !s.suppressed ? html` (${d.reason})` : ""}`],
  ...(d.def.unit === "count" ? [] : ([["Numerator", counts.numerator], ["Denominator", counts.denominator]] as [string, string][])),
  ["Target", goal ? html`${formatValue(goal.target, d.def.unit)} (tolerance ${goal.tolerance.toLocaleString("en-GB", { maximumFractionDigits: 1 })}) ${ragTag(r)}` : d.unjudged ? `No RAG: ${d.unjudged}.` : "none set"],
  ["Better when", d.def.polarity === "none" ? "no direction is set" : d.def.polarity],
])}
${showsSuppressed(d) ? suppressionKey() : ""}
<p class="govuk-body"><a class="govuk-link" href="${base}.csv?${qs(d.target, d.period)}" download>Download the values as CSV</a>${
    !p.childLevel
      ? ""
      : hasRecords(d.def)
        ? html` · <a class="govuk-link" href="${base}/records?${qs(d.target, d.period, { part: "numerator" })}">See the records behind this figure</a> (child-level; your viewing is recorded)`
        : html`</p><p class="govuk-body">This figure is loaded as an aggregate figure (from a measures.csv file), so there are no child records behind it.`
  }</p>
<h2 class="govuk-heading-m">What the figures say</h2>
<p class="govuk-body">${d.narrative ?? (d.narrativeWithheld ? `The figure for ${d.period.label} is not shown (${SUPPRESSED}), so it is not described.` : `There is no figure for ${d.period.label} to describe.`)}</p>
<h2 class="govuk-heading-m">Statistical process control</h2>
${spcSection(d)}
<h2 class="govuk-heading-m">Values by period</h2>
${d.table.length ? valuesTable(d.table, d.hiding, `${d.def.title} by ${KIND_NAMES[d.period.kind]}`, "values-table") : html`<p class="govuk-body">No values for ${KIND_NAMES[d.period.kind]}s${d.def.source === "measures" ? ": none has been loaded from measures.csv" : ""}.</p>`}
<h2 class="govuk-heading-m">Yearly averages</h2>
${yearlyTable(d.yearly, d.def.unit, d.yearlyNote)}
<h2 class="govuk-heading-m">Compared with England and statistical neighbours</h2>
${benchmarkPanel(d)}
<h2 class="govuk-heading-m">Breakdowns</h2>
${d.breakdowns.length ? d.breakdowns.map((b) => breakdownTable(d, b)) : html`<p class="govuk-body">This indicator has no breakdowns.</p>`}
<h2 class="govuk-heading-m">Definition</h2>
<p class="govuk-body">${d.def.definition}</p>
${d.def.lait ? html`<p class="govuk-body-s">Benchmarked against the DfE LAIT measure ${d.def.lait}.</p>` : ""}
<h2 class="govuk-heading-m" id="commentary">Officer commentary</h2>
${commentary(d, comments, p, entered)}`;
}
