/**
 * @module
 * The dashboard: every area, each indicator a tile with its latest value, unit, RAG, SPC
 * variation and assurance icons, a sparkline, the England and neighbour comparison and the
 * direction of travel, for the period picked. Figures arrive already suppressed for members.
 */

import { type Published, yearPhrase } from "../../analysis/benchmarks.ts";
import { formatPublished, formatValue } from "../../kpi/format.ts";
import type { Target } from "../../kpi/engine.ts";
import type { Unit } from "../../kpi/types.ts";
import { sparklineSvg } from "../../render/charts.ts";
import { type Html, html, raw } from "../html.ts";
import { periodPicker, qs, ragTag, spcIcon } from "../layout.ts";
import { type Comparison, type Dashboard, periodOptions, type Tile } from "../model.ts";

const UNIT_WORDS: Record<Unit, string> = { count: "number", percent: "per cent", rate: "per 10,000 children", days: "median days" };
/** The words after a figure that already carries its unit ("22.1%", "31 days"), so the unit is not said twice. */
const UNIT_AFTER_UNIT: Partial<Record<Unit, string>> = { percent: "", days: "(median)" };

/** The words after a tile's figure: its unit, unless the figure says it already ("c" and "–" do not). */
export function unitWords(unit: Unit, text: string): string {
  const carried = (unit === "percent" && text.endsWith("%")) || (unit === "days" && text.endsWith(" days"));
  return carried ? (UNIT_AFTER_UNIT[unit] ?? "") : UNIT_WORDS[unit];
}

/** A published figure for a person. */
export function published(p: Published, unit: Unit, places: 0 | 1 | null = null): string {
  return "value" in p ? formatPublished(p.value, unit, places) : p.symbol;
}

/** "England 22.1% · neighbours 24.0% (9 of 10) in 2024-25 (year to 31 March 2025)", "… on 31 March 2025 (2024-25)". */
export function comparisonText(c: Comparison | undefined, unit: Unit): string | null {
  if (!c) return null;
  const r = c.result;
  const parts = [`England ${published(r.england, unit, r.places)}`];
  if (r.neighbourMean !== null) parts.push(`neighbours ${formatValue(r.neighbourMean, unit)} (${r.neighboursWithValue} of ${r.neighbourCount})`);
  return `${parts.join(" · ")} ${yearPhrase(r.year.lait, r.year.yearType)}`;
}

const TRAVEL: Record<string, string> = { improving: "improving", worsening: "worsening", "no change": "no change", up: "up", down: "down", "not comparable": "not comparable (a recording change lies between)" };

/** Sparklines drawn once per tile; tiles are cached until the store changes, and so are these. */
const sparks = new WeakMap<Tile, string>();

function sparkOf(t: Tile): string {
  let s = sparks.get(t);
  if (s === undefined) {
    s = t.spark.some((p) => p.value !== null) ? sparklineSvg({ title: `${t.def.title}: the last 24 months`, values: t.spark, unit: t.def.unit, id: `spark-${t.def.id}` }) : "";
    sparks.set(t, s);
  }
  return s;
}

function tileHtml(t: Tile, d: Dashboard): Html {
  const link = `/indicators/${encodeURIComponent(t.def.id)}?${qs(d.target, d.period)}`;
  const spark = raw(sparkOf(t));
  // A count is not comparable with England's or another authority's: the panel on the indicator page has them.
  const cmp = t.def.unit === "count" ? null : comparisonText(t.comparison, t.def.unit);
  // A rate of events over a month or a quarter is a fraction of a year's, and so is the share of
  // children with an event at any time in it (who went missing): England's is a year's.
  const partYear = ((t.def.unit === "rate" && t.def.measure === "flow") || t.def.growsWithPeriod === true) && (d.period.kind === "month" || d.period.kind === "quarter");
  return html`<li class="lantern-tile">
<h3 class="govuk-heading-s"><a class="govuk-link" href="${link}">${t.def.title}</a></h3>
<p class="lantern-tile__value">${t.text}${unitWords(t.def.unit, t.text) ? html` <span class="lantern-tile__unit">${unitWords(t.def.unit, t.text)}</span>` : ""}</p>
${t.reason ? html`<p class="govuk-body-s lantern-tile__reason">${t.reason}</p>` : ""}
${t.suppressed ? html`<p class="govuk-body-s">c: a small number, not shown</p>` : ""}
<div class="lantern-icons">${ragTag(t.rag)}${spcIcon(t.variation, "variation")}${spcIcon(t.assurance, "assurance")}</div>
${t.target !== null ? html`<p class="lantern-tile__meta">Target ${formatValue(t.target, t.def.unit)}</p>` : ""}
${t.unjudged ? html`<p class="lantern-tile__meta">No RAG: ${t.unjudged}.</p>` : ""}
${spark}
${t.vsPrevious || t.vsLastYear ? html`<p class="lantern-tile__meta">${t.vsPrevious ? html`On the previous period: ${TRAVEL[t.vsPrevious]}. ` : ""}${t.vsLastYear ? html`On a year earlier: ${TRAVEL[t.vsLastYear]}.` : ""}</p>` : ""}
${cmp ? html`<p class="lantern-tile__meta">${cmp}${partYear && t.comparison ? html`, for a whole year. This figure is for one ${d.period.kind}: compare England's with <a class="govuk-link" href="/indicators/${encodeURIComponent(t.def.id)}?${new URLSearchParams({ la: d.target.la_code, period: t.comparison.result.year.lanternPeriod }).toString()}">the figure for ${t.comparison.result.year.lanternPeriod}</a>.` : ""}</p>` : ""}
</li>`;
}

/**
 * A link to another authority's dashboard for the period shown, so switching keeps the user's
 * place; where that authority has no figures for it, a link to its latest month saying so.
 */
function authorityLink(a: Target, d: Dashboard): Html {
  const covers = periodOptions(a).some((g) => g.periods.some((p) => p.id === d.period.id));
  if (covers || a.la_code === d.target.la_code) return html`<a class="govuk-link" href="/?${qs(a, d.period)}">${a.la_code}</a>`;
  return html`<a class="govuk-link" href="/?${new URLSearchParams({ la: a.la_code }).toString()}">${a.la_code}</a> (no figures for ${d.period.label}: its latest month)`;
}

/**
 * The dashboard's main content; `authorities` every one loaded, each with figures linked for the
 * period shown (one with no dated records yet has no dashboard to link to).
 */
export function dashboardBody(d: Dashboard, authorities: readonly Target[]): Html {
  const others = authorities.filter((a) => a.data_from && a.data_to);
  return html`<h1 class="govuk-heading-l">Dashboard <span class="govuk-caption-l">${d.authority} · ${d.period.label}</span></h1>
${others.length > 1 ? html`<p class="govuk-body">Authorities: ${others.map((a, i) => html`${i ? ", " : ""}${authorityLink(a, d)}`)}</p>` : ""}
${periodPicker(d.target, d.period, "/")}
<nav aria-label="Areas on this page"><ul class="govuk-list lantern-inline">${d.areas.map((a) => html`<li><a class="govuk-link" href="#area-${a.id}">${a.title}</a></li>`)}</ul></nav>
${d.areas.map(
  (a) => html`<section aria-labelledby="area-${a.id}">
<h2 class="govuk-heading-m" id="area-${a.id}">${a.title}</h2>
<ul class="lantern-tiles">${a.tiles.map((t) => tileHtml(t, d))}</ul>
</section>`,
)}`;
}
