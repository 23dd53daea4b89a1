import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { indicatorFixture, valuesOf } from "../../../test/kpi-fixture.ts";
import type { Store } from "../../store/port.ts";
import { indicatorRecords, type Target } from "../engine.ts";
import type { IndicatorValue } from "../types.ts";
import { indicatorLibrary } from "./index.ts";

/**
 * EHC requests and plans; contacts on 1 January 2024 and 28 March 2025 make the span 2024-01 to
 * 2025-03, so calendar year 2024 is complete. Days from request to issue (2024 is a leap year):
 *  N1 S1 requested 10 Jan 2024, issued 29 May 2024: day 140 (on time)
 *  N2 S2 requested 10 Jan 2024, issued 30 May 2024: day 141 (late); ceased 31 Dec 2024
 *  N3 S3 requested 1 Feb 2024, issued 1 Sep 2024: an exception case (left out of the percentage)
 *  N4 S4 requested 1 Mar 2024, issued 15 Jun 2024: day 106
 *  N7 S6 requested 20 Aug 2024, issued 31 Dec 2024: day 133
 *  N8 S4 (a second plan) requested 1 Feb 2024, issued 1 Jul 2024: day 151
 *  N6 S1 requested 1 Jun 2023, issued 1 Oct 2023, ceased 15 Feb 2024
 *  R5 S5 requested 20 Nov 2024, no assessment yet
 */
function sendExport(): Record<string, string> {
  return {
    "ssd_person.csv": "pers_person_id,pers_dob\nS1,2015-01-01\nS2,2014-01-01\nS3,2013-01-01\nS4,2012-01-01\nS5,2011-01-01\nS6,2010-01-01",
    "ssd_contacts.csv": "cont_contact_id,cont_person_id,cont_contact_date\nC1,S1,2024-01-01\nC2,S1,2025-03-28",
    "ssd_send.csv": "send_table_id,send_person_id\nD1,S1\nD2,S2\nD3,S3\nD4,S4\nD5,S5\nD6,S6",
    "ssd_ehcp_requests.csv": [
      "ehcr_ehcp_request_id,ehcr_send_table_id,ehcr_ehcp_req_date",
      "R1,D1,2024-01-10",
      "R2,D2,2024-01-10",
      "R3,D3,2024-02-01",
      "R4,D4,2024-03-01",
      "R5,D5,2024-11-20",
      "R6,D1,2023-06-01",
      "R7,D6,2024-08-20",
      "R8,D4,2024-02-01",
    ].join("\n"),
    "ssd_ehcp_assessment.csv": [
      "ehca_ehcp_assessment_id,ehca_ehcp_request_id,ehca_ehcp_assessment_exceptions",
      "A1,R1,N",
      "A2,R2,",
      "A3,R3,y",
      "A4,R4,n",
      "A6,R6,N",
      "A7,R7,N",
      "A8,R8,N",
    ].join("\n"),
    "ssd_ehcp_named_plan.csv": [
      "ehcn_named_plan_id,ehcn_ehcp_asmt_id,ehcn_named_plan_start_date,ehcn_named_plan_ceased_date",
      "N1,A1,2024-05-29,",
      "N2,A2,2024-05-30,2024-12-31",
      "N3,A3,2024-09-01,",
      "N4,A4,2024-06-15,",
      "N6,A6,2023-10-01,2024-02-15",
      "N7,A7,2024-12-31,",
      "N8,A8,2024-07-01,",
    ].join("\n"),
  };
}

let store: Store;
let cleanup: () => Promise<void>;
let target: Target;

before(async () => {
  ({ store, target, cleanup } = await indicatorFixture(sendExport()));
});

after(async () => {
  await cleanup();
});

function values(id: string): Promise<Map<string, IndicatorValue>> {
  return valuesOf(store, target, id);
}

test("requests and new plans, by calendar and financial year", async () => {
  const r = await values("ehcp_requests");
  assert.equal(r.get("2024")!.value, 7, "all but R6 (2023)");
  assert.equal(r.get("2024-01")!.value, 2);
  assert.equal(r.get("2024-25")!.value, 2, "R7 (August) and R5 (November)");
  const i = await values("ehcp_issued");
  assert.equal(i.get("2024")!.value, 6);
  assert.equal(i.get("2024-05")!.value, 2);
  assert.equal(i.get("2023-24-Q4")!.value, 0);
});

test("plans within 20 weeks: day 140 counts, day 141 does not, exceptions left out", async () => {
  const v = await values("ehcp_20wk_pct");
  assert.equal(v.get("2024")!.numerator, 3, "N1 (140), N4 (106), N7 (133)");
  assert.equal(v.get("2024")!.denominator, 5, "N3 is an exception");
  assert.equal(v.get("2024")!.value, 60);
  assert.equal(v.get("2024-05")!.value, 50);
  assert.equal(v.get("2024-09")!.value, null, "only the exception case was issued in September");
  const recs = await indicatorRecords(store, indicatorLibrary().get("ehcp_20wk_pct")!, target, "2024", "denominator");
  assert.deepEqual(
    recs.map((r) => [r["record_id"], r["measure"], r["num"]]),
    [
      ["N1", 140, 1],
      ["N2", 141, 0],
      ["N4", 106, 1],
      ["N8", 151, 0],
      ["N7", 133, 1],
    ],
  );
  assert.match(String(recs[1]!["why"]), /after 141 days/);
});

test("plans within 20 weeks: a plan recorded as issued before its request is a recording error, left out, not on time", async () => {
  const files = sendExport();
  // S5's request R5 of 20 Nov 2024, with a plan N9 recorded as issued on 5 Nov 2024 (15 days before).
  files["ssd_ehcp_assessment.csv"] += "\nA9,R5,N";
  files["ssd_ehcp_named_plan.csv"] += "\nN9,A9,2024-11-05,";
  const f = await indicatorFixture(files);
  try {
    const v = await valuesOf(f.store, f.target, "ehcp_20wk_pct");
    assert.deepEqual([v.get("2024")!.numerator, v.get("2024")!.denominator], [3, 5], "as without N9");
    assert.equal(v.get("2024-11")!.value, null);
    const issued = await valuesOf(f.store, f.target, "ehcp_issued");
    assert.equal(issued.get("2024-11")!.value, 1, "N9 still counts among the plans issued");
  } finally {
    await f.cleanup();
  }
});

test("children with a plan at the end, once each", async () => {
  const a = await values("ehcp_active_at_end");
  assert.equal(a.get("2024-01")!.value, 1, "N6");
  assert.equal(a.get("2024-02")!.value, 0, "N6 ceased 15 Feb");
  assert.equal(a.get("2024-05")!.value, 2, "N1 and N2");
  assert.equal(a.get("2024")!.value, 4, "S1, S3, S4 (two plans, once), S6; N2 ceased on 31 Dec");
  assert.equal(a.get("2024-25")!.value, 4);
});
