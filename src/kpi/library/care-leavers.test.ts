import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { indicatorFixture, valuesOf } from "../../../test/kpi-fixture.ts";
import type { Store } from "../../store/port.ts";
import { computeIndicator, indicatorRecords, type Target } from "../engine.ts";
import type { IndicatorValue } from "../types.ts";
import { indicatorLibrary } from "./index.ts";

/**
 * Care leavers, with contacts on 1 April 2024 and 28 March 2025 making the span 2024-04 to 2025-03.
 * The 2024-25 cohort (19th, 20th or 21st birthday from 1 Apr 2024 to 31 Mar 2025):
 *  L1  19 on 1 Apr 2024 (the first day); YES, suitable (1), F2, contact 1 Mar 2025 (30 days).
 *      An older row for L1 (contact 2023, NO) is ignored: the latest row stands.
 *  L2  21 on 31 Mar 2025 (the last day); YES, not suitable (N), G4, contact 3 Feb 2025 (56 days).
 *  L3  19 on 31 Mar 2025 (the last day); "yes", blank suitability with accommodation S2, G6,
 *      contact 2 Feb 2025 (57 days).
 *  L5  21 on 10 Oct 2024; NO, nothing else recorded.
 *  L8  20 on 12 Dec 2024; REFU, activity 0.
 *  L9  19 on 9 Sep 2024; YES, suitable (Y), G5, contact 31 Mar 2025 (0 days).
 *  L12 20 on 1 Jul 2024; YES, suitable (1), "p4", contact 1 Dec 2024.
 * Not in it: L4 (18 on 1 Apr 2024, 19 on 1 Apr 2025), L6 (DIED), L7 (RHOM), L10 (qualifying, not former relevant).
 * Aged 17 or 18, counted only in the breakdown by age: L4 (18 on 1 Apr 2024, former relevant) and
 *  L16 (17 on 1 Aug 2024, relevant: left care at 16); not L17 (17 on 2 Aug 2024, qualifying) nor
 *  L18 (18 on 3 Aug 2024, DIED).
 */
function leaversExport(): Record<string, string> {
  return {
    "ssd_person.csv": [
      "pers_person_id,pers_sex,pers_dob",
      "L1,F,2005-04-01",
      "L2,M,2004-03-31",
      "L3,F,2006-03-31",
      "L4,M,2006-04-01",
      "L5,M,2003-10-10",
      "L6,F,2004-06-15",
      "L7,M,2003-08-08",
      "L8,F,2004-12-12",
      "L9,M,2005-09-09",
      "L10,F,2005-11-11",
      "L12,M,2004-07-01",
      "L16,F,2007-08-01",
      "L17,M,2007-08-02",
      "L18,F,2006-08-03",
    ].join("\n"),
    "ssd_contacts.csv": "cont_contact_id,cont_person_id,cont_contact_date\nC1,L1,2024-04-01\nC2,L1,2025-03-28",
    "ssd_care_leavers.csv": [
      "clea_table_id,clea_person_id,clea_care_leaver_eligibility,clea_care_leaver_in_touch,clea_care_leaver_latest_contact,clea_care_leaver_accommodation,clea_care_leaver_accom_suitable,clea_care_leaver_activity",
      "CL1old,L1,Former relevant,NO,2023-01-01,,,",
      "CL1,L1,Former relevant,YES,2025-03-01,D1,1,F2",
      "CL2,L2,Former relevant,YES,2025-02-03,B2,N,G4",
      "CL3,L3,,yes,2025-02-02,S2,,G6",
      "CL4,L4,Former relevant,YES,2025-03-20,D1,1,F1",
      "CL5,L5,Former relevant,NO,,,,",
      "CL6,L6,Former relevant,DIED,,,,",
      "CL7,L7,Former relevant,RHOM,,,,",
      "CL8,L8,Former relevant,REFU,,0,,0",
      "CL9,L9,Former relevant,YES,2025-03-31,C1,Y,G5",
      "CL10,L10,Qualifying,YES,2025-03-20,D1,1,F1",
      "CL12,L12,Former relevant,YES,2024-12-01,U1,1,p4",
      "CL16,L16,Relevant,YES,2025-03-10,D1,1,F1",
      "CL17,L17,Qualifying,YES,2025-03-10,D1,1,F1",
      "CL18,L18,Former relevant,DIED,,,,",
    ].join("\n"),
  };
}

let store: Store;
let cleanup: () => Promise<void>;
let target: Target;

before(async () => {
  ({ store, target, cleanup } = await indicatorFixture(leaversExport()));
});

after(async () => {
  await cleanup();
});

function values(id: string): Promise<Map<string, IndicatorValue>> {
  return valuesOf(store, target, id);
}

test("the 19-21 cohort: birthdays on the first and last day count, died and returned home do not", async () => {
  const t = await values("cl_in_touch_pct");
  // Cohort L1, L2, L3, L5, L8, L9, L12 = 7; in touch L1, L2, L3 ("yes"), L9, L12 = 5 (L1's older NO row ignored).
  assert.equal(t.get("2024-25")!.denominator, 7);
  assert.equal(t.get("2024-25")!.numerator, 5);
  assert.equal(t.get("2024-04")!.value, 100, "L1, 19 on 1 April");
  assert.equal(t.get("2025-03")!.denominator, 2, "L2 and L3 on 31 March; L4's 19th birthday is 1 April 2025");
  assert.equal(t.get("2024-06")!.value, null, "only L6 (died) has a birthday in June");
  assert.equal(t.get("12m-2025-03")!.numerator, 5);
  const byAge = await computeIndicator(store, indicatorLibrary().get("cl_in_touch_pct")!, [target], { periodIds: ["2024-25"] });
  assert.deepEqual(
    Object.fromEntries(byAge.filter((v) => v.breakdown === "age").map((v) => [v.category, v.denominator])),
    { "17": 1, "18": 1, "19": 3, "20": 2, "21": 2 },
    "L16 (17, relevant) and L4 (18) in the breakdown by age",
  );
  const bySex = byAge.filter((v) => v.breakdown === "sex");
  assert.equal(
    bySex.reduce((n, v) => n + (v.denominator ?? 0), 0),
    7,
    "the breakdown by sex adds up to the headline: 17 and 18 year olds are only in the breakdown by age",
  );
  const in17 = byAge.find((v) => v.breakdown === "age" && v.category === "17")!;
  assert.equal(in17.value, 100);
  // August 2024: only L16 (17) and L17 (qualifying) have a birthday; the headline has no one.
  const aug = await computeIndicator(store, indicatorLibrary().get("cl_in_touch_pct")!, [target], { periodIds: ["2024-08"] });
  assert.equal(aug.find((v) => !v.breakdown)!.value, null);
  assert.equal(aug.find((v) => !v.breakdown)!.denominator, 0);
  assert.deepEqual(
    aug.filter((v) => v.breakdown === "age").map((v) => [v.category, v.numerator, v.denominator]),
    [["17", 1, 1]],
  );
  const listed = await indicatorRecords(store, indicatorLibrary().get("cl_in_touch_pct")!, target, "2024-25", "denominator");
  assert.deepEqual(listed.map((r) => r["person_id"]).sort(), ["L1", "L12", "L2", "L3", "L5", "L8", "L9"], "drill-down lists the headline's records");
});

test("accommodation, EET, NEET and EET without those unable to take part", async () => {
  const acc = await values("cl_suitable_acc_pct");
  assert.equal(acc.get("2024-25")!.value, 300 / 7, "L1 (1), L9 (Y), L12 (1); L2 N, L3 S2, L5 and L8 not recorded stay in");
  const eet = await values("cl_eet_pct");
  assert.equal(eet.get("2024-25")!.value, 200 / 7, "L1 F2 and L12 p4");
  const neet = await values("cl_neet_pct");
  assert.equal(neet.get("2024-25")!.value, 300 / 7, "L2 G4, L3 G6, L9 G5");
  const excl = await values("cl_eet_excl_unable_pct");
  assert.equal(excl.get("2024-25")!.denominator, 5, "L2 (G4 illness or disability) and L3 (G6 pregnancy or parenting) taken out");
  assert.equal(excl.get("2024-25")!.value, 40);
  const kept = await indicatorRecords(store, indicatorLibrary().get("cl_eet_excl_unable_pct")!, target, "2024-25", "denominator");
  assert.deepEqual(
    kept.map((r) => r["person_id"]),
    ["L1", "L12", "L5", "L8", "L9"],
    "L9 (G5, other reasons) stays in",
  );
  const recs = await indicatorRecords(store, indicatorLibrary().get("cl_eet_pct")!, target, "2024-25", "numerator");
  assert.deepEqual(
    recs.map((r) => r["person_id"]),
    ["L1", "L12"],
  );
  assert.match(String(recs[1]!["why"]), /aged 20 .*activity P4/);
});

test("latest contact within 8 weeks: day 56 counts, day 57 does not", async () => {
  const c = await values("cl_contact_8wk_pct");
  assert.equal(c.get("2024-25")!.numerator, 3, "L1 (30 days), L2 (56), L9 (0); not L3 (57), L12, L5, L8");
  assert.equal(c.get("2024-25")!.denominator, 7);
  assert.equal(c.get("2025-03")!.value, 50, "L2 yes, L3 no");
  // Only each young person's latest contact is held: a period in which someone in the cohort was
  // last contacted after it ended cannot be settled, so it has no value (not 0%).
  for (const [p, who] of [
    ["2024-04", "L1, last contacted 1 Mar 2025"],
    ["2024-07", "L12, last contacted 1 Dec 2024"],
    ["2024-25-Q2", "L12 and L9"],
  ] as const) {
    assert.equal(c.get(p)!.value, null, who);
    assert.equal(c.get(p)!.numerator, null, who);
    assert.match(c.get(p)!.reason ?? "", /cannot be known: .*latest contact/, who);
  }
  assert.equal(c.get("2024-10")!.value, 0, "L5 has no contact recorded: known, and not in contact");
  assert.equal(c.get("2024-25-Q3")!.value, 0, "L5 and L8, neither with a contact recorded");
  const byAge = await computeIndicator(store, indicatorLibrary().get("cl_contact_8wk_pct")!, [target], { periodIds: ["2024-12", "2024-25"] });
  const age = (p: string, a: string) => byAge.find((v) => v.period === p && v.breakdown === "age" && v.category === a)!;
  assert.equal(age("2024-25", "21").value, 50, "L2 (56 days) and L5");
  assert.equal(age("2024-12", "20").value, 0, "L8 alone in December");
  const recs = await indicatorRecords(store, indicatorLibrary().get("cl_contact_8wk_pct")!, target, "2024-07", "denominator");
  assert.match(String(recs[0]!["why"]), /after the period: earlier contacts are not held/);
});

test("suitable accommodation leaves out young people gone abroad, deported or whose residence is not known (G, H, R); the other measures keep them", async () => {
  const files = leaversExport();
  // L13 gone abroad (G1, in education), L14 residence not known (R2), L15 deported (H1): 19, 20 and 21 in 2024-25.
  files["ssd_person.csv"] += "\nL13,F,2005-05-05\nL14,M,2004-06-06\nL15,M,2003-07-07";
  files["ssd_care_leavers.csv"] += "\nCL13,L13,Former relevant,YES,2025-03-01,g1,,F1\nCL14,L14,Former relevant,NO,,R2,,0\nCL15,L15,Former relevant,YES,2025-01-10,H1,1,G5";
  const f = await indicatorFixture(files);
  try {
    const acc = (await valuesOf(f.store, f.target, "cl_suitable_acc_pct")).get("2024-25")!;
    assert.deepEqual([acc.numerator, acc.denominator], [3, 7], "as without them: L1, L9, L12 of seven");
    const eet = (await valuesOf(f.store, f.target, "cl_eet_pct")).get("2024-25")!;
    assert.deepEqual([eet.numerator, eet.denominator], [3, 10], "L13 (F1) counts; all three stay in");
    const why = await indicatorRecords(f.store, indicatorLibrary().get("cl_suitable_acc_pct")!, f.target, "2024-25", "denominator");
    assert.ok(!why.some((r) => ["L13", "L14", "L15"].includes(String(r["person_id"]))));
  } finally {
    await f.cleanup();
  }
});

test("latest contact within 8 weeks: data that records no latest contact at all (as an SSDA903 load) has no value, not 0%", async () => {
  const files = leaversExport();
  // The same care leavers with every latest contact blank, as a 903's OC3 leaves it.
  const [head, ...lines] = files["ssd_care_leavers.csv"]!.split("\n");
  files["ssd_care_leavers.csv"] = [head, ...lines.map((l) => l.split(",").map((c, i) => (i === 4 ? "" : c)).join(","))].join("\n");
  const f = await indicatorFixture(files);
  try {
    const c = await valuesOf(f.store, f.target, "cl_contact_8wk_pct");
    for (const p of ["2024-25", "2025-03", "2024-10", "2024-25-Q3"]) {
      assert.equal(c.get(p)!.value, null, p);
      assert.equal(c.get(p)!.numerator, null, p);
      assert.match(c.get(p)!.reason ?? "", /records no care leaver's latest contact \(an SSDA903 return does not carry it\)/, p);
    }
    assert.equal(c.get("2024-25")!.denominator, 7, "the cohort is still counted");
    // The other care-leaver measures still have values: L2, L3, L9 and L12 in touch (L1's row
    // with the highest id, CL1old, NO, now stands, as no contact date orders its rows).
    assert.equal((await valuesOf(f.store, f.target, "cl_in_touch_pct")).get("2024-25")!.numerator, 4);
  } finally {
    await f.cleanup();
  }
});

test("suitable accommodation: gone abroad, deported or residence not known recorded as the bare letter (G, H, R: Annex A's type of accommodation, suitability in its own column) are left out too", async () => {
  const files = leaversExport();
  // As Ofsted's Annex A List 9 gives them: the type of accommodation without the suitability digit.
  // L13 gone abroad (G), L14 residence not known (R, suitability blank), L15 deported (H, "not suitable" as 2):
  // 19, 20 and 21 in 2024-25. By hand: the cohort's seven less none of the three = 7, suitable L1, L9, L12 = 3.
  files["ssd_person.csv"] += "\nL13,F,2005-05-05\nL14,M,2004-06-06\nL15,M,2003-07-07";
  files["ssd_care_leavers.csv"] += "\nCL13,L13,Former relevant,YES,2025-03-01,G,,F1\nCL14,L14,Former relevant,NO,,r,,0\nCL15,L15,Former relevant,YES,2025-01-10,H,2,G5";
  const f = await indicatorFixture(files);
  try {
    const acc = (await valuesOf(f.store, f.target, "cl_suitable_acc_pct")).get("2024-25")!;
    assert.deepEqual([acc.numerator, acc.denominator], [3, 7], "L1, L9, L12 of seven: 42.9%, not 3 of 10 (30.0%)");
    const eet = (await valuesOf(f.store, f.target, "cl_eet_pct")).get("2024-25")!;
    assert.deepEqual([eet.numerator, eet.denominator], [3, 10], "the other measures keep them");
  } finally {
    await f.cleanup();
  }
});
