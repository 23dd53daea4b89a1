/**
 * @module
 * The Reports page: the report calendar (each quarterly and annual report, when it is due, what
 * data it needs and whether that data has arrived) and a form that produces the committee report
 * as `lantern report` does, for a quarter, a financial year or a month. Each report's status is in words as well as colour: ready once its
 * data has arrived, else on time, due soon or overdue against its due date. Members may produce
 * only the public (suppressed) paper; the form offers them nothing else, and the server refuses
 * anything else. Managers may produce the exempt paper: it holds aggregates only, unsuppressed,
 * which managers see on every page already.
 */

import type { Period, PeriodKind } from "../../calendar/periods.ts";
import type { Target } from "../../kpi/engine.ts";
import { DUE_WEEKS_AFTER, type ScheduledReport } from "../../report/calendar.ts";
import type { CalendarView } from "../../report/produce.ts";
import { type Html, html } from "../html.ts";
import { csrfField, errorSummary, table } from "../layout.ts";

/**
 * The periods a report can be made for, in the order the form lists them: the scheduled papers
 * (quarters, financial years), then months, for a paper on the period ending a month, as
 * `lantern report --period 2025-01` makes.
 */
export const REPORT_KINDS: readonly PeriodKind[] = ["quarter", "year", "month"];

/** Days before its due date that a report still waiting for its data counts as due soon. */
export const DUE_SOON_DAYS = 14;

/** A report's status as the page shows it. */
export type WebReportStatus = "ready" | "on time" | "due soon" | "overdue";

/**
 * The status shown for a report: ready once its data has arrived; otherwise overdue once its due
 * date has passed, due soon within {@link DUE_SOON_DAYS} days of it, and on time before that.
 */
export function webStatus(r: Pick<ScheduledReport, "arrived" | "daysToDue">): WebReportStatus {
  if (r.arrived) return "ready";
  if (r.daysToDue < 0) return "overdue";
  if (r.daysToDue <= DUE_SOON_DAYS) return "due soon";
  return "on time";
}

const STATUS_TAG: Record<WebReportStatus, string> = { ready: "govuk-tag--green", "on time": "govuk-tag--blue", "due soon": "govuk-tag--yellow", overdue: "govuk-tag--red" };

/** The first day of a quarter (three months) or financial year (twelve) ending on `periodEnd`. */
export function startOf(r: Pick<ScheduledReport, "kind" | "periodEnd">): string {
  const [y, m] = r.periodEnd.split("-").map(Number);
  return new Date(Date.UTC(y!, m! - (r.kind === "year" ? 12 : 3), 1)).toISOString().slice(0, 10);
}

/** "11 November 2026". */
export function longDate(iso: string): string {
  const [y, m, d] = iso.split("-").map(Number);
  return new Date(Date.UTC(y!, m! - 1, d!)).toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
}

function dueIn(days: number): string {
  if (days === 0) return "today";
  return days > 0 ? `in ${days} day${days === 1 ? "" : "s"}` : `${-days} day${days === -1 ? "" : "s"} ago`;
}

/** The calendar as an accessible table: one row per report, its status in words. */
export function calendarTable(la: string, reports: readonly ScheduledReport[]): Html {
  return table({
    id: "calendar-table",
    caption: "When each report is due and whether its data has arrived",
    head: ["Report", "Period", "Due", "Data needed", "Data arrived", "Status"],
    rows: reports.map((r) => {
      const status = webStatus(r);
      const missing = [...(r.covered ? [] : [`activity to ${longDate(r.periodEnd)}`]), ...(r.missingTables.length ? [`tables ${r.missingTables.join(", ")}`] : [])];
      return [
        html`<a class="govuk-link" href="/reports?${new URLSearchParams({ la, period: r.period }).toString()}#produce">${r.kind === "year" ? "Annual" : "Quarterly"} ${r.label}</a>`,
        `${longDate(startOf(r))} to ${longDate(r.periodEnd)}`,
        html`${longDate(r.due)} (${dueIn(r.daysToDue)})`,
        html`Activity to ${longDate(r.needs.dataTo)} and ${String(r.needs.tables.length)} SSD tables<details class="govuk-details govuk-!-margin-bottom-0"><summary class="govuk-details__summary"><span class="govuk-details__summary-text">Which tables</span></summary><div class="govuk-details__text">${r.needs.tables.join(", ")}</div></details>`,
        r.arrived ? "Yes" : `No: missing ${missing.join("; ")}`,
        html`<strong class="govuk-tag ${STATUS_TAG[status]}">${status.replace(/^./, (c) => c.toUpperCase())}</strong>`,
      ];
    }),
  });
}

/** The Reports page's main content. */
export function reportsBody(o: {
  readonly t: Target;
  /** The authority as a reader knows it (model.ts `authorityLabel`: name and code); the code by default. */
  readonly authority?: string;
  readonly calendar: CalendarView | undefined;
  readonly today: string;
  readonly periods: readonly { readonly title: string; readonly periods: readonly Period[] }[];
  readonly chosen: string | undefined;
  readonly exempt: boolean;
  readonly csrf: string;
  readonly error?: string;
  /** Said above the form: why the period asked for is not the one chosen. */
  readonly notice?: string;
  /** A refused form's choices, shown back so nothing has to be chosen or typed again. */
  readonly entered?: { readonly audience?: string; readonly format?: string; readonly committee?: string };
  /** The control the error is about (default the period). */
  readonly errorAt?: "report-period" | "audience-public" | "format-pdf";
}): Html {
  const cal = o.calendar;
  // Exempt only where it is offered: a member's form is never shown with it chosen.
  const exemptChosen = o.exempt && o.entered?.audience === "exempt";
  const htmlChosen = o.entered?.format === "html";
  return html`<h1 class="govuk-heading-l">Reports <span class="govuk-caption-l">${o.authority ?? o.t.la_code}</span></h1>
${o.error ? errorSummary("The report could not be made", [html`<a href="#${o.errorAt ?? "report-period"}">${o.error}</a>`]) : ""}
<h2 class="govuk-heading-m">Report calendar</h2>
<p class="govuk-body">Each report is due ${String(DUE_WEEKS_AFTER)} weeks after its period ends. Its data has arrived when the latest load's complete months reach the period's end and it holds every table the indicators need. A report is ready once its data has arrived; until then it is on time, due soon (within ${String(DUE_SOON_DAYS)} days of its due date) or overdue. Worked out on ${longDate(o.today)}${cal?.snapshot ? html` from snapshot ${String(cal.snapshot)} (complete months to ${cal.dataTo ? longDate(cal.dataTo) : "?"}, latest record ${cal.extractedTo ? longDate(cal.extractedTo) : "?"})` : ""}.</p>
${
  cal?.reports.length
    ? calendarTable(o.t.la_code, cal.reports)
    : html`<p class="govuk-body">No reports are scheduled.</p>`
}
<h2 class="govuk-heading-m" id="produce">Produce a report</h2>
<p class="govuk-body">The committee report in the order a committee reads it: cover, key messages, a section per area with SPC charts and benchmarks, the system flow, data quality and amended figures, glossary and appendix.${o.exempt ? "" : " You can produce the public version, with small numbers suppressed."}</p>
${o.notice ? html`<div class="govuk-inset-text" id="report-notice">${o.notice}</div>` : ""}
<form method="post" action="/reports" novalidate>
${csrfField(o.csrf)}
<input type="hidden" name="la" value="${o.t.la_code}">
<div class="govuk-form-group">
<label class="govuk-label govuk-label--s" for="report-period">Period</label>
<div id="report-period-hint" class="govuk-hint">A financial quarter or year, as the calendar above schedules, or a month, for a paper on the period ending that month.</div>
<select class="govuk-select" id="report-period" name="period" aria-describedby="report-period-hint">
${o.periods.map((g) => html`<optgroup label="${g.title}">${g.periods.map((p) => html`<option value="${p.id}"${p.id === o.chosen ? html` selected` : ""}>${p.label}</option>`)}</optgroup>`)}
</select>
</div>
<div class="govuk-form-group">
<fieldset class="govuk-fieldset">
<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Audience</legend>
<div class="govuk-radios govuk-radios--small" data-module="govuk-radios">
<div class="govuk-radios__item"><input class="govuk-radios__input" id="audience-public" name="audience" type="radio" value="public"${exemptChosen ? "" : html` checked`}><label class="govuk-label govuk-radios__label" for="audience-public">Public: small numbers suppressed (counts of 1 to 5 and figures that would reveal them shown as c)</label></div>
${o.exempt ? html`<div class="govuk-radios__item"><input class="govuk-radios__input" id="audience-exempt" name="audience" type="radio" value="exempt"${exemptChosen ? html` checked` : ""}><label class="govuk-label govuk-radios__label" for="audience-exempt">Exempt (Part 2): every aggregate figure, unsuppressed</label></div>` : ""}
</div>
</fieldset>
</div>
<div class="govuk-form-group">
<fieldset class="govuk-fieldset">
<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Format</legend>
<div class="govuk-radios govuk-radios--small" data-module="govuk-radios">
<div class="govuk-radios__item"><input class="govuk-radios__input" id="format-pdf" name="format" type="radio" value="pdf"${htmlChosen ? "" : html` checked`}><label class="govuk-label govuk-radios__label" for="format-pdf">PDF (A4, for the committee papers)</label></div>
<div class="govuk-radios__item"><input class="govuk-radios__input" id="format-html" name="format" type="radio" value="html"${htmlChosen ? html` checked` : ""}><label class="govuk-label govuk-radios__label" for="format-html">HTML (one file, readable in any browser)</label></div>
</div>
</fieldset>
</div>
<div class="govuk-form-group">
<label class="govuk-label govuk-label--s" for="committee">Committee (optional)</label>
<input class="govuk-input govuk-!-width-two-thirds" id="committee" name="committee" type="text" maxlength="120" spellcheck="true"${o.entered?.committee ? html` value="${o.entered.committee}"` : ""}>
</div>
<button type="submit" class="govuk-button" data-module="govuk-button">Produce the report</button>
</form>`;
}
