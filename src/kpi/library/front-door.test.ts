import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { breakdownOf, indicatorFixture, valuesOf } from "../../../test/kpi-fixture.ts";
import type { Store } from "../../store/port.ts";
import { indicatorRecords, type Target } from "../engine.ts";
import type { IndicatorValue } from "../types.ts";
import { indicatorLibrary } from "./index.ts";

/**
 * A hand-built authority. Contacts run from Mon 1 April 2024 to Mon 28 April 2025, so the span of
 * complete periods is 2024-04 to 2025-04. Bank holidays used: Mon 6 May 2024 (early May).
 */
function frontDoorExport(): Record<string, string> {
  return {
    "ssd_person.csv": [
      "pers_person_id,pers_sex,pers_dob",
      "P1,M,2015-06-01", // 8 on 1 Apr 2024: 5-9
      "P2,F,2010-02-01", // 14: 10-15
      "P3,F,2019-11-30", // 4: 1-4
      "P4,M,2012-03-03", // 12: 10-15
      "P5,F,2024-01-01", // 0: under 1
      "P6,M,2006-04-29", // 18 on the day of his contact (29 Apr 2024): 18 and over
      "P7,F,2007-05-04", // 16 on 3 May 2024, the day before turning 17: 16-17
      "P8,M,", // no date of birth: not recorded
      "P9,F,2016-01-01",
    ].join("\n"),
    "ssd_contacts.csv": [
      "cont_contact_id,cont_person_id,cont_contact_date,cont_contact_source_code,cont_contact_outcome_json",
      'C1,P1,2024-04-01,1A,"{""NEW_REFERRAL_FLAG"":""Y""}"', // flag Y: referral
      'C2,P2,2024-04-05,1A,"{""NEW_REFERRAL_FLAG"":""N"",""NFA_FLAG"":""Y""}"', // flag N wins over R2 the same day: not
      "C3,P3,2024-04-12,2B,", // no outcome; R3 Fri 19 Apr = 5 working days later: referral
      "C4,P4,2024-04-12,2B,", // no outcome; R4 Mon 22 Apr = 6 working days later: not
      'C5,P5,2024-04-26,5A,"{""NUMBER_OF_OUTCOMES"": 1, ""NEW_REFERRAL_FLAG"": ""Y""}"', // flag Y written with spaces: referral
      "C6,P6,2024-04-29,5A,", // no outcome; R6 is the day BEFORE the contact: not
      "C7,P7,2024-05-03,1A,", // Fri; R7 Mon 13 May = 5 working days (bank holiday 6 May skipped): referral
      'C8,P8,2025-04-28,2B,"{""NEW_REFERRAL_FLAG"":""Y""}"', // sets the span's end
    ].join("\n"),
    "ssd_cin_episodes.csv": [
      "cine_referral_id,cine_person_id,cine_referral_date,cine_referral_source_code,cine_referral_nfa,cine_close_date",
      "R1,P1,2024-04-01,1A,N,",
      "R2,P2,2024-04-05,1A,Y,2024-04-05", // NFA, closed the day it opened
      "R3,P3,2024-04-19,2B,,2024-06-30", // NFA flag blank: not NFA
      "R4,P4,2024-04-22,2B,Y,2024-04-22", // NFA
      "R6,P6,2024-04-28,5A,N,",
      "R7,P7,2024-05-13,1A,N,2025-03-31", // closed on 31 March: not open at 31 March
      "R8,P8,2025-04-28,2B,N,",
      "R9,P1,2024-09-02,1A,N,", // P1's second open episode: P1 still counts once in children in need
    ].join("\n"),
    "ssd_cin_assessments.csv": [
      "cina_assessment_id,cina_person_id,cina_referral_id,cina_assessment_start_date,cina_assessment_auth_date,cina_assessment_team",
      "A1,P1,R1,2024-04-02,2024-05-10,T1",
      "A3,P3,R3,2024-04-22,,T1", // started, not yet authorised: R3 led to an assessment; not completed
      "A6,P6,R6,2024-04-29,2024-05-31,T2", // authorised on the last day of May
      "A9,P9,,2024-06-03,2024-06-03,T2", // no referral linked; authorised the day it started
    ].join("\n"),
    "ssd_cin_plans.csv": [
      "cinp_cin_plan_id,cinp_referral_id,cinp_person_id,cinp_cin_plan_start_date,cinp_cin_plan_end_date,cinp_cin_plan_team",
      "CP1,R1,P1,2024-05-31,2024-08-01,T1", // the last day of May
      "CP2,R1,P1,2024-09-01,,T1", // the same child's second plan: counts again
      "CP3,R6,P6,2024-06-01,,T2", // the first day of June
      "CP4,R8,P8,2025-04-28,,T2", // 2025-26
    ].join("\n"),
    "population.csv": "la_code,year,population_0_17\n202,2024,20000\n202,2025,25000",
  };
}

let store: Store;
let cleanup: () => Promise<void>;
let target: Target;

before(async () => {
  ({ store, target, cleanup } = await indicatorFixture(frontDoorExport()));
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

test("the span runs from the first contact month to the last complete month", () => {
  assert.equal(target.data_from, "2024-04-01");
  assert.equal(target.data_to, "2025-04-30");
});

test("contacts, with source, age-band and sex breakdowns", async () => {
  const c = await values("contacts");
  assert.equal(c.get("2024-04")!.value, 6, "C1-C6");
  assert.equal(c.get("2024-05")!.value, 1, "C7");
  assert.equal(c.get("2024-06")!.value, 0, "a month without contacts is 0");
  assert.equal(c.get("2024-25")!.value, 7);
  assert.equal(c.get("2025-04")!.value, 1);
  assert.deepEqual(await breakdown("contacts", "source", "2024-04"), { "1A": 2, "2B": 2, "5A": 2 });
  assert.deepEqual(await breakdown("contacts", "age_band", "2024-25"), {
    "under 1": 1, // P5
    "1-4": 1, // P3
    "5-9": 1, // P1
    "10-15": 2, // P2, P4
    "16-17": 1, // P7 the day before her 17th birthday
    "18 and over": 1, // P6 on his 18th birthday
  });
  assert.deepEqual(await breakdown("contacts", "age_band", "2025-04"), { "not recorded": 1 });
  assert.deepEqual(await breakdown("contacts", "sex", "2024-04"), { F: 3, M: 3 });
});

test("contacts leading to a referral: the recorded flag first, else a referral within 5 working days", async () => {
  const pct = await values("contacts_to_referral_pct");
  // April 2024: C1 (Y), C3 (R3 after 5 wd), C5 (Y with spaces) of C1-C6.
  assert.equal(pct.get("2024-04")!.numerator, 3);
  assert.equal(pct.get("2024-04")!.denominator, 6);
  assert.equal(pct.get("2024-04")!.value, 50);
  assert.equal(pct.get("2024-05")!.value, 100, "C7: R7 five working days later over the May bank holiday");
  assert.equal(pct.get("2024-25")!.value, (100 * 4) / 7);
  assert.equal(pct.get("2024-06")!.value, null, "no contacts: no value");
  const rows = await indicatorRecords(store, indicatorLibrary().get("contacts_to_referral_pct")!, target, "2024-04", "denominator");
  assert.deepEqual(
    rows.map((r) => [r["record_id"], r["num"]]),
    [
      ["C1", 1],
      ["C2", 0],
      ["C3", 1],
      ["C4", 0],
      ["C5", 1],
      ["C6", 0],
    ],
  );
  assert.equal(rows[1]!["why"], "outcome recorded: no new referral");
  assert.equal(rows[2]!["why"], "no outcome recorded; referral on 2024-04-19");
  assert.equal(rows[3]!["why"], "no outcome recorded; no referral within 5 working days");
});

test("referrals closed with no further action (LAIT CIN_Refferals_NFA)", async () => {
  const nfa = await values("referral_nfa_pct");
  // April 2024 referrals R1, R2, R3, R4, R6; NFA = R2, R4 (R3's blank flag is not NFA).
  assert.equal(nfa.get("2024-04")!.numerator, 2);
  assert.equal(nfa.get("2024-04")!.denominator, 5);
  assert.equal(nfa.get("2024-04")!.value, 40);
  assert.equal(nfa.get("2024-05")!.value, 0);
  assert.equal(nfa.get("2024-25")!.value, (100 * 2) / 7, "R1-R4, R6, R7, R9");
  const num = await indicatorRecords(store, indicatorLibrary().get("referral_nfa_pct")!, target, "2024-04", "numerator");
  assert.deepEqual(
    num.map((r) => r["record_id"]),
    ["R2", "R4"],
  );
  assert.deepEqual(await breakdown("referral_nfa_pct", "source", "2024-04"), { "1A": 50, "2B": 50, "5A": 0 });
});

test("referrals leading to an assessment", async () => {
  const pct = await values("referral_to_assessment_pct");
  // April 2024: R1 (A1), R3 (A3, not yet authorised), R6 (A6) of R1, R2, R3, R4, R6. A9 has no referral.
  assert.equal(pct.get("2024-04")!.value, 60);
  assert.equal(pct.get("2024-05")!.value, 0, "R7 has no assessment");
  assert.equal(pct.get("2024-25")!.value, (100 * 3) / 7);
  const num = await indicatorRecords(store, indicatorLibrary().get("referral_to_assessment_pct")!, target, "2024-04", "numerator");
  assert.deepEqual(
    num.map((r) => [r["record_id"], r["why"]]),
    [
      ["R1", "assessment started 2024-04-02"],
      ["R3", "assessment started 2024-04-22"],
      ["R6", "assessment started 2024-04-29"],
    ],
  );
});

test("referrals leading to an assessment: no value, never 0%, where no assessment names its referral (Annex A)", async () => {
  const files = frontDoorExport();
  files["ssd_cin_assessments.csv"] = files["ssd_cin_assessments.csv"]!.replace(/^(A\d,P\d,)R\d,/gm, "$1,");
  assert.doesNotMatch(files["ssd_cin_assessments.csv"]!, /,R\d,/);
  const f = await indicatorFixture(files);
  try {
    const pct = await valuesOf(f.store, f.target, "referral_to_assessment_pct");
    for (const p of ["2024-04", "2024-05", "2024-25"]) {
      assert.equal(pct.get(p)!.value, null, p);
      assert.match(pct.get(p)!.reason!, /no assessment in the data loaded names the referral it follows/);
    }
    // Assessments themselves are still counted.
    assert.equal((await valuesOf(f.store, f.target, "assessments_completed")).get("2024-25")!.value, 3);
  } finally {
    await f.cleanup();
  }
});

test("assessments completed, by authorisation date", async () => {
  const n = await values("assessments_completed");
  assert.equal(n.get("2024-04")!.value, 0, "A3 is not authorised");
  assert.equal(n.get("2024-05")!.value, 2, "A1, and A6 authorised on 31 May");
  assert.equal(n.get("2024-06")!.value, 1, "A9 authorised the day it started");
  assert.equal(n.get("2024-25")!.value, 3);
  assert.deepEqual(await breakdown("assessments_completed", "team", "2024-25"), { T1: 1, T2: 2 });
});

test("assessments in 45 working days and the median: one authorised before it started is a recording error, left out, not day 0", async () => {
  // A CIN census loads such an assessment with a warning (an SSD export is refused): put in as it would leave it.
  const f = await indicatorFixture(frontDoorExport());
  try {
    await f.store.run(
      `INSERT INTO ssd_cin_assessments (snapshot_id, la_code, cina_assessment_id, cina_person_id, cina_assessment_start_date, cina_assessment_auth_date, cina_assessment_team) VALUES ($1, '202', 'A10', 'P9', DATE '2024-06-20', DATE '2024-06-10', 'T2')`,
      [f.target.snapshot_id],
    );
    const done = await valuesOf(f.store, f.target, "assessments_completed");
    assert.equal(done.get("2024-06")!.value, 2, "A9 and A10 were authorised in June");
    const pct = await valuesOf(f.store, f.target, "assess_45wd_pct");
    assert.deepEqual([pct.get("2024-06")!.numerator, pct.get("2024-06")!.denominator], [1, 1], "A9 only");
    const median = await valuesOf(f.store, f.target, "assess_median_wd");
    assert.equal(median.get("2024-06")!.value, 0, "A9's 0 days, not the median of 0 and -6");
  } finally {
    await f.cleanup();
  }
});

test("assessments before 2018 skip that year's bank holidays: 45 working days over Christmas 2016 and New Year 2017", async () => {
  // Contacts on 1 December 2016 and 28 February 2017 make the span 2016-12 to 2017-02. From Mon 19
  // December 2016, Boxing Day (Mon 26), the Christmas substitute day (Tue 27) and the New Year
  // substitute day (Mon 2 January 2017) are not working days: Thu 23 February 2017 is working day
  // 45 (within), Fri 24 February day 46 (outside). Counted as working days, they made A1 48.
  const f = await indicatorFixture({
    "ssd_person.csv": "pers_person_id,pers_sex,pers_dob\nP1,M,2010-01-01\nP2,F,2011-01-01",
    "ssd_contacts.csv": "cont_contact_id,cont_person_id,cont_contact_date\nC1,P1,2016-12-01\nC2,P2,2017-02-28",
    "ssd_cin_assessments.csv": [
      "cina_assessment_id,cina_person_id,cina_assessment_start_date,cina_assessment_auth_date",
      "A1,P1,2016-12-19,2017-02-23",
      "A2,P2,2016-12-19,2017-02-24",
    ].join("\n"),
  });
  try {
    const pct = await valuesOf(f.store, f.target, "assess_45wd_pct");
    assert.deepEqual([pct.get("2017-02")!.numerator, pct.get("2017-02")!.denominator], [1, 2], "A1 on day 45, A2 on day 46");
    const median = await valuesOf(f.store, f.target, "assess_median_wd");
    assert.equal(median.get("2017-02")!.value, 45.5);
    const [a1] = await indicatorRecords(f.store, indicatorLibrary().get("assess_45wd_pct")!, f.target, "2017-02", "numerator");
    assert.match(String(a1!["why"]), /after 45 working days$/);
  } finally {
    await f.cleanup();
  }
});

test("child in need plans started: each plan in the period of its start date", async () => {
  const n = await values("cin_plans_started");
  assert.equal(n.get("2024-05")!.value, 1, "CP1 on 31 May");
  assert.equal(n.get("2024-06")!.value, 1, "CP3 on 1 June");
  assert.equal(n.get("2024-07")!.value, 0);
  assert.equal(n.get("2024-25-Q1")!.value, 2, "CP1 (31 May) and CP3 (1 June): April to June");
  assert.equal(n.get("2024-25-Q2")!.value, 1, "CP2 (September)");
  assert.equal(n.get("2024-25")!.value, 3, "P1's two plans count twice");
  assert.equal(n.get("2025-04")!.value, 1, "CP4");
  assert.deepEqual(await breakdown("cin_plans_started", "team", "2024-25"), { T1: 2, T2: 1 });
});

test("children in need per 10,000 children", async () => {
  const rate = await values("cin_rate");
  // 31 March 2025: P1 (R1 and R9, once), P6 (R6); R7 closed on 31 March. Mid-2024 population 20,000.
  assert.equal(rate.get("2024-25")!.numerator, 2);
  assert.equal(rate.get("2024-25")!.denominator, 20000);
  assert.equal(rate.get("2024-25")!.value, 1);
  // 30 April 2025 (2025-26, mid-2025 population 25,000): P1, P6, P8.
  assert.equal(rate.get("2025-04")!.value, (3 / 25000) * 10000);
  const count = await values("cin_at_end");
  assert.equal(count.get("2024-25")!.value, 2, "the rate's numerator is the count of children in need");
});
