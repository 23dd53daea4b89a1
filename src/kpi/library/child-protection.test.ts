import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { breakdownOf, indicatorFixture, valuesOf } from "../../../test/kpi-fixture.ts";
import type { Store } from "../../store/port.ts";
import { bindSql, indicatorRecords, type Target } from "../engine.ts";
import type { IndicatorValue } from "../types.ts";
import { indicatorLibrary } from "./index.ts";

/**
 * A hand-built authority. Contacts from 1 April 2024 to 28 May 2025 give the span 2024-04 to
 * 2025-05. Bank holidays used: Good Friday 18 April 2025, Easter Monday 21 April 2025, early May
 * bank holiday 5 May 2025. Population 0-17: 20,000 in mid-2024 (2024-25), 25,000 in mid-2025.
 */
function cpExport(): Record<string, string> {
  return {
    "ssd_person.csv": [
      "pers_person_id,pers_sex,pers_dob",
      "P1,M,2014-06-26", // 9 on 25 June 2024, the day before turning 10
      "P2,F,2010-02-01",
      "P3,F,2019-11-30",
      "P4,M,2012-03-03",
      "P5,F,2012-01-01",
      "P6,M,2018-05-05",
      "P7,F,2020-01-01",
      "P8,M,2016-01-01",
      "P9,F,2017-01-01",
      "P10,M,2024-10-15", // unborn when his plan started on 1 October 2024
      "P11,F,2013-01-01",
    ].join("\n"),
    "ssd_contacts.csv": "cont_contact_id,cont_person_id,cont_contact_date\nC1,P1,2024-04-01\nC2,P2,2025-05-28",
    "ssd_s47_enquiry.csv": [
      "s47e_s47_enquiry_id,s47e_person_id,s47e_s47_start_date,s47e_s47_completed_by_team",
      "S1,P1,2025-04-16,T1", // Wed 16 April 2025 + 15 working days = Mon 12 May 2025
      "S2,P2,2025-04-16,T1",
      "S3,P3,2025-05-22,T2", // its conference I4 is dated the day before
      "S4,P4,2024-06-03,T1",
      "S5,P4,2024-06-03,T2", // the same child's second enquiry the same day: counts again
      "S6,P11,2025-03-31,T2",
    ].join("\n"),
    "ssd_initial_cp_conference.csv": [
      "icpc_icpc_id,icpc_person_id,icpc_s47_enquiry_id,icpc_icpc_transfer_in,icpc_icpc_date,icpc_icpc_team",
      "I0,P4,S4,N,2024-06-20,T1", // 13 working days: within
      "I1,P1,S1,N,2025-05-12,T1", // working day 15 (Easter and early May bank holidays skipped): within
      "I2,P2,S2,N,2025-05-13,T2", // working day 16: outside
      "I3,P6,,Y,2025-05-20,T1", // transfer-in: counted, not timed
      "I4,P3,S3,N,2025-05-21,T2", // before its enquiry: counted, not timed
      "I5,P7,,Y,2025-01-15,T1", // transfer-in
      "I6,P8,,,2025-05-27,T1", // no enquiry linked, not flagged as a transfer: counted, not timed
    ].join("\n"),
    "ssd_cp_plans.csv": [
      "cppl_cp_plan_id,cppl_person_id,cppl_cp_plan_start_date,cppl_cp_plan_end_date,cppl_cp_plan_initial_category,cppl_cp_plan_latest_category,cppl_previous_plans",
      "CP1,P5,2019-05-01,2019-11-01,PHY,PHY,", // P5's first plan, years before
      "CP2,P5,2024-07-01,,NEG,NEG,0", // second plan (the plan held says so, whatever the count)
      "CP3,P6,2023-03-31,,EMO,NEG,", // exactly two years on 31 March 2025
      "CP4,P7,2023-04-01,,NEG,NEG,", // one day short of two years on 31 March 2025
      "CP5,P8,2023-01-10,2025-01-10,NEG,NEG,", // ended after exactly two years
      "CP6,P9,2023-01-11,2025-01-10,PHY,PHY,", // ended one day short of two years
      "CP7,P10,2024-10-01,2024-10-01,NEG,NEG,1", // ended the day it started; one previous plan not held (as Annex A records it)
      "CP8,P1,2024-06-25,2025-03-31,SAB,SAB,0", // ended on 31 March: not on a plan at 31 March
    ].join("\n"),
    "ssd_cp_visits.csv": [
      "cppv_cp_visit_id,cppv_person_id,cppv_cp_visit_date,cppv_cp_visit_seen",
      "V1,P5,2025-04-14,Y", // exactly 10 working days before Wed 30 April 2025 (Easter skipped)
      "V2,P6,2025-04-11,Y", // 11 working days before
      "V3,P6,2025-04-29,N", // not seen: does not count
      "V4,P7,2025-04-24,", // seen left blank: counts as seen (4 working days before)
      "V5,P7,2025-04-28,N",
      "V6,P1,2025-02-14,Y", // exactly 10 working days before Fri 28 February 2025
    ].join("\n"),
    "population.csv": "la_code,year,population_0_17\n202,2024,20000\n202,2025,25000",
  };
}

let store: Store;
let cleanup: () => Promise<void>;
let target: Target;

before(async () => {
  ({ store, target, cleanup } = await indicatorFixture(cpExport()));
});

after(async () => {
  await cleanup();
});

function values(id: string): Promise<Map<string, IndicatorValue>> {
  return valuesOf(store, target, id);
}

function breakdown(id: string, dim: string, period: string): Promise<Record<string, number | null>> {
  return breakdownOf(store, target, id, dim, period);
}

function records(id: string, period: string, part: "numerator" | "denominator") {
  return indicatorRecords(store, indicatorLibrary().get(id)!, target, period, part);
}

test("section 47 enquiries: each enquiry counts; the rate uses the population", async () => {
  assert.equal(target.data_from, "2024-04-01");
  assert.equal(target.data_to, "2025-05-31");
  const n = await values("s47_started");
  assert.equal(n.get("2024-06")!.value, 2, "P4's two enquiries on 3 June both count");
  assert.equal(n.get("2024-25")!.value, 3, "S4, S5, S6 (31 March)");
  assert.equal(n.get("2025-04")!.value, 2);
  assert.equal(n.get("2025-05")!.value, 1);
  assert.deepEqual(await breakdown("s47_started", "team", "2024-25"), { T1: 1, T2: 2 });
  const rate = await values("s47_rate");
  assert.equal(rate.get("2024-25")!.value, 1.5, "3 / 20,000 × 10,000");
  assert.equal(rate.get("2024-25")!.denominator, 20000);
  assert.equal(rate.get("2025-04")!.value, 0.8, "2 / 25,000 × 10,000");
});

test("initial conferences, transfer-ins included, and their rate", async () => {
  const n = await values("icpc");
  assert.equal(n.get("2024-25")!.value, 2, "I0 and the transfer-in I5");
  assert.equal(n.get("2025-05")!.value, 5, "I1, I2, I3 (transfer-in), I4 (before its enquiry), I6 (no enquiry)");
  assert.equal(n.get("2025-04")!.value, 0);
  const rate = await values("icpc_rate");
  assert.equal(rate.get("2024-25")!.value, 1, "2 / 20,000 × 10,000");
  assert.equal(rate.get("2025-05")!.value, 2, "5 / 25,000 × 10,000");
});

test("conferences within 15 working days of the enquiry start", async () => {
  const pct = await values("icpc_15wd_pct");
  assert.equal(pct.get("2024-25")!.value, 100, "I0 after 13 working days; the transfer-in I5 is left out");
  assert.equal(pct.get("2024-25")!.denominator, 1);
  assert.equal(pct.get("2025-01")!.value, null, "only a transfer-in: nothing to time");
  // May 2025: I1 (day 15) within, I2 (day 16) not; I3, I4 and I6 left out.
  assert.equal(pct.get("2025-05")!.numerator, 1);
  assert.equal(pct.get("2025-05")!.denominator, 2);
  assert.equal(pct.get("2025-05")!.value, 50);
  const den = await records("icpc_15wd_pct", "2025-05", "denominator");
  assert.deepEqual(
    den.map((r) => [r["record_id"], r["num"], r["measure"]]),
    [
      ["I1", 1, 15],
      ["I2", 0, 16],
    ],
  );
  assert.equal(den[0]!["why"], "conference 2025-05-12, 15 working days after the section 47 enquiry started 2025-04-16");
  assert.deepEqual(await breakdown("icpc_15wd_pct", "team", "2025-05"), { T1: 100, T2: 0 });
  // The conferences left out still explain themselves in the base rows.
  const def = indicatorLibrary().get("icpc_15wd_pct")!;
  const head = bindSql(def.sql, [target], def, { periodIds: ["2025-05"] });
  const out = await store.all(`${head} SELECT record_id, den, why FROM base WHERE den = 0 ORDER BY record_id`);
  assert.deepEqual(
    out.map((r) => [r["record_id"], r["why"]]),
    [
      ["I3", "transfer-in conference: not in the percentage"],
      ["I4", "conference 2025-05-21 is dated before its section 47 enquiry started 2025-05-22: left out of the percentage; check the dates"],
      ["I6", "no section 47 enquiry linked: not in the percentage"],
    ],
  );
});

test("plans started, children on a plan and the rate", async () => {
  const s = await values("cpp_started");
  assert.equal(s.get("2024-25")!.value, 3, "CP8 (June), CP2 (July), CP7 (October, ended the same day)");
  assert.deepEqual(await breakdown("cpp_started", "category", "2024-25"), { NEG: 2, SAB: 1 });
  assert.deepEqual(await breakdown("cpp_started", "age_band", "2024-25"), { "10-15": 1, "5-9": 1, unborn: 1 });
  const e = await values("cpp_at_end");
  assert.equal(e.get("2024-25")!.value, 3, "CP2, CP3, CP4; CP8 ended on 31 March");
  assert.equal(e.get("2025-03")!.value, 3);
  assert.equal(e.get("2025-02")!.value, 4, "CP2, CP3, CP4, CP8");
  assert.equal(e.get("2024-10")!.value, 6, "CP2-CP6 and CP8; CP7 closed the day it opened");
  assert.deepEqual(await breakdown("cpp_at_end", "category", "2024-25"), { NEG: 3 }, "latest category: CP3 moved from EMO to NEG");
  assert.deepEqual(await breakdown("cpp_at_end", "age_band", "2024-25"), { "10-15": 1, "5-9": 2 });
  const rate = await values("cpp_rate");
  assert.equal(rate.get("2024-25")!.value, 1.5, "3 / 20,000 × 10,000");
  assert.equal(rate.get("2025-04")!.value, (3 / 25000) * 10000);
});

test("second or subsequent plans, however long ago the first", async () => {
  const pct = await values("cpp_second_pct");
  assert.equal(pct.get("2024-25")!.value, 200 / 3, "CP2 (P5 had CP1 in 2019) and CP7 (one previous plan recorded with it) of CP2, CP7, CP8");
  assert.equal(pct.get("2024-07")!.value, 100);
  assert.equal(pct.get("2024-06")!.value, 0);
  assert.equal(pct.get("2024-10")!.value, 100, "a previous plan the data does not hold, counted from the plan's record");
  const num = await records("cpp_second_pct", "2024-25", "numerator");
  assert.deepEqual(
    num.map((r) => [r["record_id"], r["why"]]),
    [
      ["CP7", "1 previous plan(s) recorded with the plan"],
      ["CP2", "previous plan started 2019-05-01"],
    ],
  );
});

test("plans lasting two years or more: open at the end, and ended in the period", async () => {
  const open = await values("cpp_2yr_open_pct");
  // 31 March 2025: CP3 (from 31 March 2023) exactly two years; CP4 (1 April 2023) a day short; CP2 not.
  assert.equal(open.get("2024-25")!.numerator, 1);
  assert.equal(open.get("2024-25")!.denominator, 3);
  assert.equal(open.get("2025-04")!.value, (100 * 2) / 3, "by 30 April 2025 CP4 has passed two years too");
  const den = await records("cpp_2yr_open_pct", "2024-25", "denominator");
  assert.deepEqual(
    den.map((r) => [r["record_id"], r["num"]]),
    [
      ["CP2", 0],
      ["CP3", 1],
      ["CP4", 0],
    ],
  );
  const ceased = await values("cpp_2yr_ceased_pct");
  assert.equal(ceased.get("2024-25")!.value, 25, "CP5 of CP5, CP6, CP7, CP8");
  assert.equal(ceased.get("2025-01")!.value, 50, "CP5 exactly two years; CP6 a day short");
  assert.equal(ceased.get("2024-10")!.value, 0, "CP7, ended the day it started");
  assert.equal(ceased.get("2024-05")!.value, null);
});

test("children on a plan seen within the last 10 working days", async () => {
  const pct = await values("cp_visit_10wd_pct");
  // 30 April 2025: P5 seen 14 April (10 wd); P6 last seen 11 April (11 wd; 29 April not seen);
  // P7 visit of 24 April with "seen" blank counts (28 April not seen).
  assert.equal(pct.get("2025-04")!.numerator, 2);
  assert.equal(pct.get("2025-04")!.denominator, 3);
  assert.equal(pct.get("2025-03")!.value, 0, "April's visits come after 31 March");
  assert.equal(pct.get("2025-02")!.value, 25, "P1 seen exactly 10 working days before 28 February, of four children");
  const den = await records("cp_visit_10wd_pct", "2025-04", "denominator");
  assert.deepEqual(
    den.map((r) => [r["person_id"], r["num"], r["measure"]]),
    [
      ["P5", 1, 10],
      ["P6", 0, 11],
      ["P7", 1, 4],
    ],
  );
  assert.equal(den[1]!["why"], "last seen on a visit on 2025-04-11, 11 working days before 2025-04-30");
  const march = await records("cp_visit_10wd_pct", "2025-03", "denominator");
  assert.equal(march[0]!["why"], "no visit with the child seen on record");
  // What users read says what is counted: P5's visit 10 working days before counts, P6's 11 does not.
  // ("Within the 10 working days up to and including that day" read as a window of 10 days ending
  // on 30 April, which begins on 15 April and leaves P5's visit out.)
  const def = indicatorLibrary().get("cp_visit_10wd_pct")!.definition;
  assert.match(def, /for Wednesday 30 April 2025 a visit on Monday 14 April counts \(Good Friday and Easter Monday skipped\) and one on Friday 11 April does not/);
  assert.doesNotMatch(def, /10 working days up to and including/);
});
