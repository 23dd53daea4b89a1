// The Reports page's calendar, worked by hand: statuses (ready, on time, due soon, overdue), the
// period each report covers, its due date six weeks after the period ends, and what data it needs.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { reportCalendar } from "../../report/calendar.ts";
import { calendarTable, longDate, reportsBody, startOf, webStatus } from "./reports.ts";

describe("the report calendar on the Reports page", () => {
  test("ready once the data has arrived; otherwise on time, due soon (14 days or fewer) or overdue", () => {
    assert.equal(webStatus({ arrived: true, daysToDue: -30 }), "ready");
    assert.equal(webStatus({ arrived: false, daysToDue: 15 }), "on time");
    assert.equal(webStatus({ arrived: false, daysToDue: 14 }), "due soon");
    assert.equal(webStatus({ arrived: false, daysToDue: 0 }), "due soon");
    assert.equal(webStatus({ arrived: false, daysToDue: -1 }), "overdue");
  });

  test("a quarter starts three months before it ends, a financial year twelve", () => {
    assert.equal(startOf({ kind: "quarter", periodEnd: "2026-09-30" }), "2026-07-01");
    assert.equal(startOf({ kind: "quarter", periodEnd: "2026-03-31" }), "2026-01-01");
    assert.equal(startOf({ kind: "year", periodEnd: "2026-03-31" }), "2025-04-01");
    assert.equal(longDate("2026-11-01"), "1 November 2026");
  });

  test("on 23 November 2026 with data to the end of September 2026", () => {
    const tables = ["contacts", "referrals"];
    const reports = reportCalendar({ today: "2026-11-23", snapshot: { id: 7, dataTo: "2026-09-30", extractedTo: "2026-10-02", tables: ["contacts"] }, tables });
    const body = calendarTable("X001", reports).value;
    const rows = new Map([...body.matchAll(/<tr class="govuk-table__row"><th scope="row"[^>]*><a [^>]*>([^<]*)<\/a><\/th>(.*?)<\/tr>/gs)].map((m) => [m[1]!, m[2]!.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim()]));
    // Q2 2026-27 ended 30 September: due 42 days later, on 11 November (12 days ago); the data
    // reaches its end but lacks the referrals table, so it is overdue.
    assert.equal(rows.get("Quarterly Q2 2026-27"), "1 July 2026 to 30 September 2026 11 November 2026 (12 days ago) Activity to 30 September 2026 and 2 SSD tables Which tables contacts, referrals No: missing tables referrals Overdue");
    // Q3 ends 31 December, due 11 February 2027: 80 days away, on time.
    assert.equal(rows.get("Quarterly Q3 2026-27"), "1 October 2026 to 31 December 2026 11 February 2027 (in 80 days) Activity to 31 December 2026 and 2 SSD tables Which tables contacts, referrals No: missing activity to 31 December 2026; tables referrals On time");
    assert.match(body, /<strong class="govuk-tag govuk-tag--red">Overdue<\/strong>/);
    assert.match(body, /<caption class="govuk-table__caption govuk-table__caption--s">When each report is due and whether its data has arrived<\/caption>/);
    assert.match(body, /<a class="govuk-link" href="\/reports\?la=X001&amp;period=2026-27-Q2#produce">/);

    // With every table held: Q2 is ready. On 1 November, with data only to June, Q2 is due soon (10 days).
    const ready = reportCalendar({ today: "2026-11-23", snapshot: { id: 7, dataTo: "2026-09-30", extractedTo: null, tables }, tables });
    assert.equal(webStatus(ready.find((r) => r.period === "2026-27-Q2")!), "ready");
    assert.match(calendarTable("X001", ready).value, /<strong class="govuk-tag govuk-tag--green">Ready<\/strong>/);
    const early = reportCalendar({ today: "2026-11-01", snapshot: { id: 7, dataTo: "2026-06-30", extractedTo: null, tables }, tables });
    assert.equal(webStatus(early.find((r) => r.period === "2026-27-Q2")!), "due soon");
  });
});

describe("the Reports form refused", () => {
  const t = { la_code: "X001", snapshot_id: 1 } as Parameters<typeof reportsBody>[0]["t"];
  const periods = [{ title: "Quarters", periods: [{ id: "2026-27-Q2", label: "Q2 2026-27" }] }] as unknown as Parameters<typeof reportsBody>[0]["periods"];
  test("shows back the audience, format and committee chosen, with the error linked to the form", () => {
    const body = reportsBody({ t, calendar: undefined, today: "2026-11-23", periods, chosen: "2026-27-Q2", exempt: true, csrf: "x", error: "The data does not cover it.", entered: { audience: "exempt", format: "html", committee: "Corporate Parenting Board" } }).value;
    assert.match(body, /id="committee"[^>]* value="Corporate Parenting Board"/);
    assert.match(body, /id="audience-exempt"[^>]* checked/);
    assert.doesNotMatch(body, /id="audience-public"[^>]* checked/);
    assert.match(body, /id="format-html"[^>]* checked/);
    assert.doesNotMatch(body, /id="format-pdf"[^>]* checked/);
    assert.match(body, /<a href="#report-period">The data does not cover it\.<\/a>/);
  });
  test("a member is never shown the exempt paper checked, whatever was sent", () => {
    const body = reportsBody({ t, calendar: undefined, today: "2026-11-23", periods, chosen: "2026-27-Q2", exempt: false, csrf: "x", error: "e", entered: { audience: "exempt", format: "pdf" } }).value;
    assert.doesNotMatch(body, /audience-exempt/);
    assert.match(body, /id="audience-public"[^>]* checked/);
  });
});
