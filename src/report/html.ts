/**
 * @module
 * The report as one self-contained HTML document: CSS inline in a `<style>`, charts as inline
 * SVG, no script, no external asset (fonts are the reader's or the printer's). The same document
 * is printed to PDF by Chromium (`pdf.ts`): print CSS sets A4 pages, keeps table headers with
 * their rows (`thead` repeats, rows never split; a heading, caption or header row never ends a
 * page with the first row on the next) and starts each section on a new page; every
 * section has an `<h2>` so the PDF's bookmarks follow the report's sections. Pure: content in,
 * text out. Numbers the content marks `suppressed` are written `c`; nothing here decides that.
 */

import { conversionWords, flowStageIsShare } from "../analysis/digest.ts";
import { londonTime } from "../calendar/london.ts";
import { formatAverage, formatPublished } from "../kpi/format.ts";
import { CHART_CSS, runChartSvg, spcChartSvg } from "../render/charts.ts";
import { esc, flowBarsSvg, iconSvg } from "./charts.ts";
import { formatNumber, type IndicatorSection, type ReportContent, SECTION_TITLES, type Shown } from "./content.ts";
import type { Unit } from "../kpi/types.ts";

/** The report's stylesheet (its colours are checked for contrast by src/render/chart-colours.test.ts). */
export const REPORT_CSS = `
@page { size: A4; margin: 16mm 14mm 18mm 14mm; }
* { box-sizing: border-box; }
body { font-family: "Liberation Sans", Arial, Helvetica, sans-serif; font-size: 10.5pt; line-height: 1.4; color: #0b0c0c; margin: 0 auto; max-width: 190mm; }
h1 { font-size: 22pt; margin: 0 0 8mm; }
h2 { font-size: 16pt; margin: 0 0 4mm; padding-bottom: 2mm; border-bottom: 2px solid #1d70b8; }
h3 { font-size: 12pt; margin: 6mm 0 2mm; }
h4 { font-size: 10.5pt; margin: 3mm 0 1mm; }
ul.signals { margin: 0 0 2mm; padding-left: 6mm; }
section { margin-bottom: 8mm; }
section.area, section.flow, section.quality, section.glossary, section.appendix, section.key { break-before: page; }
.cover { min-height: 240mm; display: flex; flex-direction: column; justify-content: center; }
.cover dl { display: grid; grid-template-columns: 48mm 1fr; gap: 2mm 4mm; }
.cover dt { font-weight: bold; }
.cover dd { margin: 0; }
.marking { border: 2px solid #0b0c0c; padding: 3mm; font-weight: bold; margin-bottom: 6mm; }
.marking.exempt { border-color: #d4351c; color: #d4351c; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 4mm; font-size: 9.5pt; }
caption { text-align: left; font-weight: bold; padding-bottom: 1mm; }
th, td { border-bottom: 1px solid #b1b4b6; padding: 1mm 2mm; text-align: left; vertical-align: top; }
tbody th { font-weight: normal; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.period { white-space: nowrap; }
.gap { white-space: pre-wrap; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
h2, h3, h4 { break-after: avoid; }
caption, thead { break-inside: avoid; break-after: avoid; }
.indicator { break-inside: avoid-page; border-top: 1px solid #b1b4b6; padding-top: 1mm; }
figure { margin: 2mm 0; break-inside: avoid; }
figcaption { font-size: 9pt; color: #505a5f; }
.icons { display: flex; gap: 3mm; align-items: center; font-size: 9pt; }
.rag { display: inline-block; padding: 0 2mm; border-radius: 2mm; font-weight: bold; }
.rag.green { background: #cce2d8; color: #005a30; }
.rag.amber { background: #fff7bf; color: #594d00; }
.rag.red { background: #f4cdc6; color: #942514; }
.note { color: #505a5f; font-size: 9pt; }
.signal { margin: 1mm 0; }
.signal .tag { font-weight: bold; }
dl.glossary dt { font-weight: bold; margin-top: 2mm; break-after: avoid; }
dl.glossary dd { margin: 0 0 1mm 0; }
@media screen { body { padding: 8mm; } .table-wrap { overflow-x: auto; } }
.table-wrap:focus { outline: 3px solid #ffdd00; }
svg.chart { max-width: 100%; height: auto; }
${CHART_CSS}
`;

function shown(s: Shown, unit: Unit): string {
  if (s.value === null) return "–";
  return s.suppressed ? "c" : formatNumber(s.value, unit);
}

function countShown(s: Shown): string {
  if (s.value === null) return "";
  return s.suppressed ? "c" : Math.round(s.value).toLocaleString("en-GB");
}

/**
 * A period label kept on one line: Chromium breaks "Q2 2025-26" after its hyphen in a narrow
 * column or a large heading ("Q2 2025-" / "26"). A no-break span rather than a non-breaking
 * hyphen, so the text (and what pdftotext or a screen reader gets) is unchanged.
 */
function periodHtml(label: string): string {
  return `<span class="period">${esc(label)}</span>`;
}

/** Escaped prose with each financial year, quarter or date in it ("Q2 2025-26", "2024-25", "2024-08-31") kept on one line. */
function periodsUnbroken(escaped: string): string {
  return escaped.replace(/(?:\bQ[1-4] )?\b20\d\d-\d\d(?:-\d\d)?\b(?!-)/g, (m) => `<span class="period">${m}</span>`);
}

/** The digest's severities as the key messages group them, most serious first. */
const SEVERITIES: readonly (readonly [number, string, string])[] = [
  [3, "Concern", "of concern"],
  [2, "Watch", "to watch"],
  [1, "Better", "better"],
  [0, "Changed", "changed"],
];

function ragSpan(r: string | null): string {
  return r ? `<span class="rag ${r}">${esc(r.charAt(0).toUpperCase() + r.slice(1))}</span>` : "–";
}

/**
 * A captioned table. `rowHeaders` are the columns that name a row (the first, unless said):
 * row headers, so a screen reader gives a cell with its row ("Contacts, Q2 2025-26") as well as
 * its column ("Value"), where it gave "Value, 2,512" alone.
 */
function table(caption: string, head: readonly string[], rows: readonly (readonly string[])[], numeric: readonly number[] = [], rowHeaders: readonly number[] = [0]): string {
  const cls = (i: number) => (numeric.includes(i) ? ' class="num"' : "");
  const cell = (c: string, i: number) => (rowHeaders.includes(i) ? `<th scope="row"${cls(i)}>${c}</th>` : `<td${cls(i)}>${c}</td>`);
  // On a narrow screen a wide table scrolls within its own box (focusable, so by keyboard too)
  // rather than widening the page; printed, it is laid out in full.
  return `<div class="table-wrap" role="region" tabindex="0" aria-label="${esc(caption)}"><table><caption>${esc(caption)}</caption><thead><tr>${head.map((h, i) => `<th scope="col"${cls(i)}>${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map(cell).join("")}</tr>`)
    .join("")}</tbody></table></div>`;
}

function indicatorHtml(ind: IndicatorSection): string {
  const out: string[] = [`<div class="indicator" id="ind-${esc(ind.id)}"><h3>${esc(ind.title)}</h3>`];
  if (ind.reason) out.push(`<p class="note">Not computed for ${esc(ind.period?.label ?? "")}: ${esc(ind.reason)}.</p>`);
  const rows: string[][] = [
    [
      periodHtml(ind.asAt?.label ?? ind.period?.label ?? ""),
      esc(shown(ind.value, ind.unit)),
      // A median has no numerator: its "of" is the number of records it is the median of.
      // A figure not computed has no numerator to give: at most the records it would be of (not " / 29", nor "c / c" over none).
      ind.unit === "count"
        ? ""
        : ind.unit === "days" || ind.value.value === null
          ? ind.denominator.value
            ? `of ${esc(countShown(ind.denominator))}`
            : ""
          : `${esc(countShown(ind.numerator))}${ind.denominator.value !== null ? ` / ${esc(countShown(ind.denominator))}` : ""}`,
      ind.target === null ? "–" : esc(formatNumber(ind.target, ind.unit)),
      ragSpan(ind.rag),
      ind.previous ? `${esc(shown(ind.previous.value, ind.unit))} (${periodHtml(ind.previous.label)})${ind.previous.direction ? `, ${esc(ind.previous.direction)}` : ""}` : "–",
      ind.lastYear ? `${esc(shown(ind.lastYear.value, ind.unit))} (${periodHtml(ind.lastYear.label)})${ind.lastYear.direction ? `, ${esc(ind.lastYear.direction)}` : ""}` : "–",
    ],
  ];
  if (ind.asAt) out.push(`<p class="note">${periodsUnbroken(esc(ind.asAt.note))}</p>`);
  out.push(table(`${ind.title}: value, target and direction of travel`, ["Period", "Value", "Of", "Target", "RAG", "Previous period", "Same period last year"], rows, [1]));
  if (ind.ragNote) out.push(`<p class="note">No RAG: ${esc(ind.ragNote)}.</p>`);
  if (ind.spc) {
    const labels = new Map(ind.spc.points.map((p) => [p.date, p.period]));
    out.push(`<figure>${spcChartSvg({ title: `SPC chart of ${ind.title}, monthly`, description: ind.spc.description, unit: ind.unit, spc: ind.spc.result, labels, target: ind.spc.target, annotations: ind.annotations, width: 680, height: 230, id: `spc-${ind.id}` })}`);
    out.push(`<figcaption><div class="icons">${iconSvg(ind.spc.variation)}<span>${esc(ind.spc.variation.label)}</span>${ind.spc.assurance ? `${iconSvg(ind.spc.assurance)}<span>${esc(ind.spc.assurance.label)}</span>` : ""}</div>`);
    out.push(`<p>${esc(ind.spc.description)}</p></figcaption></figure>`);
    if (ind.spcNote) out.push(`<p class="note">${esc(ind.spcNote)}</p>`);
  } else if (ind.run) {
    const labels = new Map(ind.run.points.map((p) => [p.date, p.period]));
    out.push(`<figure>${runChartSvg({ title: `${ind.title}, monthly`, values: ind.run.points, why: ind.run.why, unit: ind.unit, labels, target: ind.run.target, annotations: ind.annotations, width: 680, height: 230, id: `run-${ind.id}` })}`);
    out.push(`<figcaption><p>${esc(ind.spcNote ?? "")}</p></figcaption></figure>`);
  } else if (ind.spcNote) {
    out.push(`<p class="note">${esc(ind.spcNote)}</p>`);
  }
  if (ind.yearly.length) {
    // An average of counts has a decimal place, and thousands grouped as the counts above it are ("2,622.3", not "2622.3").
    const average = (s: Shown) => (ind.unit === "count" && s.value !== null && !s.suppressed ? formatAverage(s.value, ind.unit) : shown(s, ind.unit));
    if (ind.yearlyKind === "year") {
      out.push(table(`${ind.title}: each financial year`, ["Financial year", "Value"], ind.yearly.map((y) => [periodHtml(y.year), esc(shown(y.mean, ind.unit))]), [1]));
    } else {
      const [of, count] = ind.yearlyKind === "quarter" ? ["quarterly", "Quarters"] : ["monthly", "Months"];
      out.push(table(`${ind.title}: yearly averages of the ${of} values`, ["Financial year", "Average", count], ind.yearly.map((y) => [periodHtml(y.year), esc(average(y.mean)), String(y.months)]), [1, 2]));
    }
    if (ind.yearlyNote) out.push(`<p class="note">${esc(ind.yearlyNote)}</p>`);
  }
  if (ind.benchmark) {
    const b = ind.benchmark;
    out.push(
      table(
        `${ind.title}: compared with England and ${b.comparedWith} (DfE, ${b.year})`,
        [`This authority, ${b.ownPeriod}`, "England", "Neighbours' mean", "Neighbours with a value", "Rank", "Quartile band"],
        [
          [
            // Published figures as published (whole numbers where the DfE gives them so); the neighbours' mean is Lantern's.
            esc(b.ownPublished && b.own.value !== null && !b.own.suppressed ? formatPublished(b.own.value, ind.unit, b.places) : shown(b.own, ind.unit)),
            b.england === null ? "–" : esc(formatPublished(b.england, ind.unit, b.places)),
            b.neighbourMean === null ? "–" : esc(formatNumber(b.neighbourMean, ind.unit)),
            esc(b.neighbours),
            esc(b.rank ?? "–"),
            esc(b.band ?? "–"),
          ],
        ],
        [0, 1, 2],
        [],
      ),
    );
  }
  for (const w of ind.warnings) out.push(`<p class="signal"><span class="tag">Early warning:</span> ${periodsUnbroken(esc(w))}</p>`);
  for (const note of ind.notes) out.push(`<p class="note">Note: ${esc(note)}</p>`);
  for (const c of ind.commentary) out.push(`<p class="commentary"><strong>Officer commentary:</strong> ${esc(c)}</p>`);
  out.push("</div>");
  return out.join("");
}

/** The report as a complete HTML document. */
export function reportHtml(c: ReportContent): string {
  const pub = c.cover.audience === "public";
  const o: string[] = [];
  o.push(`<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>${esc(`${c.cover.authority.name}: ${c.cover.title}`)}</title>`);
  o.push(`<meta name="generator" content="Lantern"><style>${REPORT_CSS}</style></head><body><main>`);
  // Cover.
  o.push(`<section class="cover"><div class="marking${pub ? "" : " exempt"}">${
    pub ? "PUBLIC: small numbers suppressed" : "EXEMPT: NOT FOR PUBLICATION. Contains unsuppressed figures (Local Government Act 1972, Schedule 12A)."
  }</div>`);
  // The title ends with the period's label, kept whole on the cover ("Q2 2025-" / "26" otherwise).
  const label = c.cover.period.label;
  // The space before it is kept where the line breaks (a pre-wrap space hangs at the line's end):
  // collapsed there, the PDF's bookmark read "report:Q2 2025-26".
  const lead = c.cover.title.slice(0, -label.length);
  const before = lead.endsWith(" ") ? `${esc(lead.trimEnd())}<span class="gap"> </span>` : esc(lead);
  o.push(`<h1>${c.cover.title.endsWith(label) ? `${before}${periodHtml(label)}` : esc(c.cover.title)}</h1><dl>`);
  const cover: [string, string][] = [
    ["Authority", `${c.cover.authority.name} (${c.cover.authority.code})`],
    ["Committee", c.cover.committee],
    ["Period", c.cover.period.label],
    ["Version", pub ? "Public (suppressed)" : "Exempt (not for publication)"],
    ["Built from snapshot", `${c.cover.snapshot.id}, loaded ${c.cover.snapshot.loaded}`],
    ["Data extracted", `latest record dated ${c.cover.extracted}; complete months ${c.cover.dataCovers}`],
    ["Produced", londonTime(c.cover.generatedAt)],
  ];
  for (const [k, v] of cover) o.push(`<dt>${esc(k)}</dt><dd>${k === "Period" ? periodHtml(v) : esc(v)}</dd>`);
  o.push("</dl>");
  if (pub && c.quality.suppression) o.push(`<p class="note">${esc(c.quality.suppression)}</p>`);
  o.push("</section>");
  // Key messages.
  o.push(`<section class="key" id="key-messages"><h2>${SECTION_TITLES.keyMessages}</h2>`);
  o.push("<h3>Early warning</h3>");
  const withheld = c.keyMessages.withheld;
  if (!c.keyMessages.signals.length) {
    o.push(
      withheld.length
        ? `<p>No indicator judged shows special-cause variation or a change of RAG rating; ${withheld.length} could not be judged in this version (below).</p>`
        : `<p>Nothing unusual: no indicator shows special-cause variation or a change of RAG rating.</p>`,
    );
  }
  // Every signal, grouped by severity, in a sentence each; its indicator's section gives it in full.
  const signals = c.keyMessages.signals;
  if (signals.length) {
    const bySeverity = SEVERITIES.map(([severity, name, phrase]) => ({ name, phrase, items: signals.filter((s) => s.severity === severity) })).filter((g) => g.items.length);
    o.push(`<p>${signals.length} signal${signals.length === 1 ? "" : "s"}: ${bySeverity.map((g) => `${g.items.length} ${g.phrase}`).join(", ")}. Each is explained in its indicator's section (follow the link).</p>`);
    for (const g of bySeverity) {
      o.push(`<h4>${esc(g.name)} (${g.items.length})</h4><ul class="signals">`);
      for (const s of g.items) o.push(`<li><a href="#ind-${esc(s.indicator)}">${periodsUnbroken(esc(s.brief))}</a></li>`);
      o.push("</ul>");
    }
  }
  if (withheld.length) {
    o.push(
      `<p class="note">Not judged in this public version because of small numbers: ${esc(withheld.join("; "))}. SPC here rests only on the months since the last one shown as c, and needs 12 of them; the exempt version judges every month.</p>`,
    );
  }
  if (c.keyMessages.noComparison) o.push(`<p class="note">${esc(c.keyMessages.noComparison)}</p>`);
  o.push("<h3>The figures in brief</h3><ul>");
  for (const s of c.keyMessages.sentences) o.push(`<li>${periodsUnbroken(esc(s))}</li>`);
  o.push("</ul><h3>Officer commentary</h3>");
  if (c.keyMessages.commentary.length) for (const s of c.keyMessages.commentary) o.push(`<p>${esc(s)}</p>`);
  else o.push(`<p class="note">${esc(c.keyMessages.commentaryNote)}</p>`);
  o.push("</section>");
  // Areas.
  const brokenDown = new Set(c.breakdowns.map((b) => b.id));
  for (const a of c.areas) {
    o.push(`<section class="area" id="area-${esc(a.id)}"><h2>${esc(a.title)}</h2>`);
    if (brokenDown.has(a.id)) o.push(`<p class="note"><a href="#breakdowns-${esc(a.id)}">${esc(a.title)}: the figures broken down</a> (source, age band, ethnicity and so on) are in the appendix of breakdowns.</p>`);
    for (const ind of a.indicators) o.push(indicatorHtml(ind));
    o.push("</section>");
  }
  // Flow.
  o.push(`<section class="flow" id="flow"><h2>${SECTION_TITLES.flow}</h2>`);
  o.push(
    `<p>From contacts to care in ${esc(c.cover.period.label)}: each stage, compared with the stage it comes from (child in need plans and section 47 enquiries both come from assessments), now and a year earlier. Where every item of a stage comes out of one in the stage before (a referral from a contact, a plan from a conference), the comparison is a percentage; where it does not, it is given as so many per 100, which can be more than 100 (a referral can lead to more than one assessment, or to none). These compare the numbers in each stage in the period, so they can differ a little from indicators that follow each record to its own outcome: "Contacts leading to a referral" counts the contacts in the period whose outcome was a referral, and a contact late in the period can lead to a referral early in the next.</p>`,
  );
  // A count over a count that is no share of it is never printed as a percentage (see conversionWords).
  const compared = (s: Shown, f: (typeof c.flow)[number]) => (s.value === null || f.from === null ? "–" : s.suppressed ? "c" : conversionWords(s.value, f.from, flowStageIsShare(f.stage)));
  o.push(
    `<figure>${flowBarsSvg(
      c.flow.map((f) => ({ label: f.stage, value: f.value.suppressed ? null : f.value.value, shown: countShown(f.value) || "–" })),
      `The flow from contacts to care, ${c.cover.period.label}`,
    )}</figure>`,
  );
  o.push(
    table(
      `The flow from contacts to care, ${c.cover.period.label}`,
      ["Stage", "Number", "Compared with the stage it comes from", "A year earlier"],
      c.flow.map((f) => [esc(f.stage), esc(countShown(f.value) || "–"), esc(compared(f.conversion, f)), esc(compared(f.conversionLastYear, f))]),
      [1],
    ),
  );
  o.push("</section>");
  // Quality.
  o.push(`<section class="quality" id="quality"><h2>${SECTION_TITLES.quality}</h2>`);
  if (c.quality.suppression) o.push(`<p><strong>Suppression.</strong> ${esc(c.quality.suppression)}</p>`);
  o.push("<h3>Recording and service changes</h3>");
  if (c.quality.notes.length) {
    const label = c.cover.period.label;
    if (c.quality.notes.some((n) => n.afterPeriod)) {
      o.push(`<p>Notes dated after ${periodHtml(label)} ended are listed too, marked as after it: they explain later figures, and no chart or comparison in this report reaches them.</p>`);
    }
    o.push(table("Dated notes on the data", ["Date", "Kind", "About", "Note"], c.quality.notes.map((n) => [esc(n.date), n.afterPeriod ? `${esc(n.kind)} (after ${periodHtml(label)})` : esc(n.kind), esc(n.about), esc(n.note)])));
  } else o.push("<p>No recording or service changes have been noted.</p>");
  o.push("<h3>Figures amended since the previous report</h3>");
  o.push(`<p>${esc(c.quality.revisionsNote)}</p>`);
  if (c.quality.revisions.length) {
    const n = c.quality.revisions.reduce((k, g) => k + g.figures.length, 0);
    o.push(`<p>${n} figure${n === 1 ? "" : "s"} of ${c.quality.revisions.length} indicator${c.quality.revisions.length === 1 ? "" : "s"} amended: each month, quarter, year and rolling year this report can show.</p>`);
    for (const g of c.quality.revisions) o.push(table(`Amended: ${g.title}`, ["Period", "Was", "Now"], g.figures.map((r) => [periodHtml(r.period), esc(r.before), esc(r.after)]), [1, 2]));
  }
  // The note has counted any amended figures it does not list: then none other is amended.
  else if (c.quality.revisionsNote.startsWith("Figures compared")) o.push(`<p>No ${c.quality.revisionsUnlisted ? "other " : ""}figure has been amended.</p>`);
  if (c.quality.notComputed.length) {
    o.push("<h3>Figures that could not be computed</h3>");
    o.push(table("Not computed", ["Indicator", "Why"], c.quality.notComputed.map((n) => [esc(n.title), esc(n.reason)])));
  }
  o.push("</section>");
  // Glossary.
  o.push(`<section class="glossary" id="glossary"><h2>${SECTION_TITLES.glossary}</h2><dl class="glossary">`);
  for (const g of c.glossary) {
    const pol = g.polarity === "none" ? "no better direction" : `${g.polarity} is better`;
    o.push(`<dt>${esc(g.title)}</dt><dd>${periodsUnbroken(esc(g.definition))} <span class="note">(${esc(g.area)}; ${esc(g.unit)}; ${esc(pol)}${g.lait ? `; DfE measure ${esc(g.lait)}` : ""})</span></dd>`);
  }
  o.push("</dl>");
  // The words the tables use (RAG, direction of travel, rank, quartile band, c), for a councillor who has not met them.
  o.push(
    `<p class="note"><strong>Reading the tables.</strong> Target and RAG: the target is the council's own for the year (for a count of events, a quarter's or a month's share of it; for the share of children who went missing, or were away, at any time in the period, none for a quarter or a month, which are not judged against a year's target); RAG: green where the figure meets the target, amber where it misses it by no more than the tolerance set with it, red where it misses it by more, and – where no target is set. Previous period and same period last year: the figure then, and whether this one is improving or worsening on it (where a higher or a lower figure is better) or up or down (where neither is); not comparable where a recording change noted on the data falls between the two. Statistical neighbours: the councils the DfE's statistical neighbour model finds most like this one; the neighbours' mean is of those with a figure. Rank: this council's place among the English councils with a figure, where 1 is the best; Quartile band: A for the best quarter of councils, D for the worst; neither is given where no direction is better.${pub ? " c: a figure suppressed in this public version (see Data quality and recording notes)." : ""}</p>`,
  );
  o.push("<p class=\"note\">SPC: statistical process control after NHS England's Making Data Count. On the charts, a small grey round dot is common cause (normal variation); a blue triangle: special cause, improving; an orange diamond: special cause, concern; a purple square: special cause with no better direction (\"neutral high\" or \"neutral low\": unusually high or low where neither is better). Process limits: the range within which a month's value normally falls, worked out from how much the values move from month to month (an XmR chart); a signal is a value beyond a limit, a run of values on one side of the mean or rising or falling, or two of three values near a limit. Trial limits rest on fewer than 13 months and are still provisional. Assurance: P consistently passing the target, F consistently failing, ? hit and miss.</p>");
  o.push("</section>");
  // Appendix.
  o.push(`<section class="appendix" id="appendix"><h2>${SECTION_TITLES.appendix}</h2>`);
  o.push(
    table(
      "Each indicator's value for the period it is reported for, the period before it and the same period a year earlier (monthly values are in each section's chart, breakdowns in the next appendix)",
      ["Area", "Indicator", "Period", "Value", "Numerator", "Denominator"],
      c.appendix.map((r) => [esc(r.area), esc(r.title), periodHtml(r.period), esc(shown(r.value, r.unit)), esc(countShown(r.numerator)), esc(countShown(r.denominator))]),
      [3, 4, 5],
      [1, 2],
    ),
  );
  o.push("</section>");
  // Breakdowns, area by area: one table per indicator, its breakdowns one after another.
  o.push(`<section class="appendix" id="breakdowns"><h2>${SECTION_TITLES.breakdowns}</h2>`);
  if (c.breakdowns.length) {
    o.push(
      `<p>Each indicator's stored breakdowns (where referrals came from, age band, ethnicity, disability and so on) for the period it is reported for.${pub ? " As everywhere in this public version, a count of 1 to 5 is shown as c, with further categories suppressed so that none can be worked out from the total and the others, and any percentage or rate on a suppressed count." : ""}</p>`,
    );
  } else o.push("<p>No breakdowns are stored for this period.</p>");
  for (const a of c.breakdowns) {
    o.push(`<h3 id="breakdowns-${esc(a.id)}">${esc(a.title)}</h3>`);
    for (const b of a.indicators) {
      const of = (r: (typeof b.rows)[number]) =>
        b.unit === "count" ? "" : b.unit === "days" ? (r.denominator.value !== null ? `of ${esc(countShown(r.denominator))}` : "") : `${esc(countShown(r.numerator))}${r.denominator.value !== null ? ` / ${esc(countShown(r.denominator))}` : ""}`;
      // A count has no "of": its column is left out.
      const withOf = b.unit !== "count";
      const rows = b.rows.map((r) => [esc(r.breakdown), esc(r.category), esc(shown(r.value, b.unit)), ...(withOf ? [of(r)] : [])]);
      const by = [...new Set(b.rows.map((r) => r.breakdown.toLowerCase()))].join(", ");
      o.push(table(`${b.title}, ${b.period}, by ${by}`, ["Breakdown", "Category", "Value", ...(withOf ? ["Of"] : [])], rows, [2], [0, 1]));
    }
  }
  o.push("</section></main></body></html>\n");
  return o.join("\n");
}
