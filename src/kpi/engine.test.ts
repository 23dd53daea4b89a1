import assert from "node:assert/strict";
import { test } from "node:test";
import { loadBankHolidays } from "../calendar/working-days.ts";
import { importSsd } from "../ingest/ssd-import.ts";
import type { Store } from "../store/port.ts";
import { tempStore, writeExport } from "../../test/fixtures.ts";
import { addsUpOverMonths, computeIndicator, dependsOnlyOnPeriodEnd, indicatorRecords, withoutPeriodFreeParts } from "./engine.ts";
import { indicatorLibrary } from "./library/index.ts";
import { ensureReferenceTables } from "./reference-tables.ts";
import { resolveTargets } from "./targets.ts";
import type { IndicatorValue } from "./types.ts";

/** A hand-built authority whose front-door figures are worked out by hand in the comments. */
function frontDoorExport(): Record<string, string> {
  return {
    "ssd_person.csv": "pers_person_id,pers_sex,pers_dob,pers_ethnicity\nP1,M,2015-06-01,WBRI\nP2,F,2010-02-01,MWBC\nP3,F,2019-11-30,CHNE\nP4,M,2012-03-03,",
    // P3 is disabled; P2's record says none.
    "ssd_disability.csv": "disa_table_id,disa_person_id,disa_disability_code\nD1,P3,AUT\nD2,P2,NONE",
    // Contacts from 1 April 2024 to 30 April 2025 set the span: 2024-04 to 2025-04.
    "ssd_contacts.csv": "cont_contact_id,cont_person_id,cont_contact_date\nC1,P1,2024-04-01\nC2,P2,2025-04-28",
    "ssd_cin_episodes.csv": [
      "cine_referral_id,cine_person_id,cine_referral_date,cine_close_date,cine_referral_source_code,cine_cin_primary_need_code",
      "R1,P1,2024-04-03,2024-06-30,1A,N1", // open at end of April and May 2024, closed on 30 June (not open at June's end)
      "R2,P2,2024-04-05,2024-04-20,2B,n4", // closed within April
      "R3,P1,2025-04-03,,1A,", // 12 months to the day after R1: a re-referral
      "R4,P2,2025-04-06,,5A,", // R2 was 2024-04-05, one day before the 12-month window: not a re-referral
      "R5,P3,2024-05-10,2024-05-10,1A,N1", // opened and closed the same day: never open at a month end
      "R6,P3,2024-05-20,,1A,", // 10 days after R5: a re-referral
    ].join("\n"),
    "ssd_cin_assessments.csv": [
      "cina_assessment_id,cina_person_id,cina_referral_id,cina_assessment_start_date,cina_assessment_auth_date,cina_assessment_team",
      "A1,P1,R1,2024-12-02,2025-02-06,T1", // exactly 45 working days (Christmas, Boxing Day, New Year skipped): within
      "A2,P2,R2,2024-12-02,2025-02-07,T1", // 46 working days: outside
      "A3,P3,R5,2025-02-10,2025-02-10,T2", // same day: 0 working days
      "A4,P4,,2025-04-01,2025-04-02,T2", // authorised in April 2025: 1 working day
    ].join("\n"),
    "population.csv": "la_code,year,population_0_17\n202,2024,20000\n202,2025,21000",
  };
}

async function setUp(): Promise<{ store: Store; cleanup: () => Promise<void> }> {
  const s = await tempStore();
  await importSsd(s.store, { paths: [writeExport(frontDoorExport())], authority: "202" });
  await ensureReferenceTables(s.store, loadBankHolidays());
  return s;
}

async function values(store: Store, id: string): Promise<Map<string, IndicatorValue>> {
  const def = indicatorLibrary().get(id)!;
  const vs = await computeIndicator(store, def, await resolveTargets(store));
  return new Map(vs.filter((v) => !v.breakdown).map((v) => [v.period, v]));
}

test("the span of complete periods follows the data", async () => {
  const { store, cleanup } = await setUp();
  try {
    const [t] = await resolveTargets(store);
    assert.equal(t!.data_from, "2024-04-01");
    assert.equal(t!.data_to, "2025-04-30");
  } finally {
    await cleanup();
  }
});

test("referrals, the referral rate and re-referrals, worked by hand", async () => {
  const { store, cleanup } = await setUp();
  try {
    const refs = await values(store, "referrals");
    assert.equal(refs.get("2024-04")!.value, 2);
    assert.equal(refs.get("2024-05")!.value, 2);
    assert.equal(refs.get("2024-06")!.value, 0, "a month with no referrals is 0, not missing");
    assert.equal(refs.get("2024-25")!.value, 4);
    assert.equal(refs.get("2024-25-Q1")!.value, 4);
    assert.equal(refs.get("12m-2025-04")!.value, 4, "May 2024 to April 2025: R5, R6, R3, R4");
    assert.equal(refs.get("2025-04")!.value, 2);
    assert.equal(refs.has("2025-05"), false, "no period beyond the data");

    const rate = await values(store, "referral_rate");
    assert.equal(rate.get("2024-25")!.value, (4 / 20000) * 10000);
    assert.equal(rate.get("2024-25")!.denominator, 20000);
    assert.equal(rate.get("2025-04")!.denominator, 21000, "April 2025 is in 2025-26: mid-2025 population");
    // Without a mid-2025 population (the authority's own or the ONS estimate) the rate is null, never 0.
    await store.run(`DELETE FROM lantern_population WHERE year = 2025`);
    await store.run(`DELETE FROM lantern_reference_population WHERE year = 2025`);
    const noPop = await values(store, "referral_rate");
    assert.equal(noPop.get("2025-04")!.value, null);
    assert.equal(noPop.get("2025-04")!.denominator, null);
    assert.equal(noPop.get("2025-04")!.numerator, 2);
    assert.equal(noPop.get("2025-04")!.reason, "no population of children aged 0-17 for mid-2025");
    assert.equal(noPop.get("2024-25")!.value, (4 / 20000) * 10000, "mid-2024 is still there");

    const rr = await values(store, "rereferral_pct");
    assert.equal(rr.get("2025-04")!.value, 50, "R3 on the 12-month anniversary counts; R4 a day outside does not");
    // Referrals are held from April 2024 (the data's first day): a period starting before April
    // 2025 could have a previous referral that is not in the data, so it has no value, not 0%.
    for (const p of ["2024-04", "2024-05", "2024-06", "2024-25-Q1", "2024-25", "12m-2025-03"]) {
      assert.equal(rr.get(p)!.value, null, p);
      assert.equal(rr.get(p)!.numerator, null, p);
      assert.equal(
        rr.get(p)!.reason,
        "cannot be computed for this period: it looks back 12 months for previous referrals, and the data loaded for 202 holds them (ssd_cin_episodes) from 2024-04-01 only, so its figures start with the periods that begin on or after 2025-04-01",
        p,
      );
    }
    assert.equal(rr.get("12m-2025-04")!.value, null, "May 2024 to April 2025 starts before April 2025");
    const [t] = await resolveTargets(store);
    const all = (await computeIndicator(store, indicatorLibrary().get("rereferral_pct")!, [t!])).filter((v) => !v.breakdown);
    assert.equal(new Set(all.map((v) => v.period)).size, all.length, "one value per period, not a null beside a computed one");
    // The records still say which referral was a re-referral: R6, 10 days after R5.
    const rows = await indicatorRecords(store, indicatorLibrary().get("rereferral_pct")!, t!, "2024-05", "numerator");
    assert.deepEqual(
      rows.map((r) => r["record_id"]),
      ["R6"],
    );
  } finally {
    await cleanup();
  }
});

test("assessments within 45 working days and the median, on the bank-holiday edges", async () => {
  const { store, cleanup } = await setUp();
  try {
    const pct = await values(store, "assess_45wd_pct");
    assert.equal(pct.get("2025-02")!.numerator, 2, "45 days and same-day are within");
    assert.equal(pct.get("2025-02")!.denominator, 3);
    assert.equal(pct.get("2024-25")!.value, (100 * 2) / 3);
    const med = await values(store, "assess_median_wd");
    assert.equal(med.get("2025-02")!.value, 45, "median of 0, 45, 46");
    assert.equal(med.get("2025-04")!.value, 1);
    assert.equal(med.get("2024-12")!.value, null);
    assert.equal(med.get("2024-12")!.denominator, 0);
    assert.match(med.get("2024-12")!.reason!, /no records in this period/);
    const def = indicatorLibrary().get("assess_45wd_pct")!;
    const [t] = await resolveTargets(store);
    const outside = await indicatorRecords(store, def, t!, "2025-02", "denominator");
    assert.deepEqual(
      outside.map((r) => [r["record_id"], r["measure"], r["num"]]),
      [
        ["A1", 45, 1],
        ["A2", 46, 0],
        ["A3", 0, 1],
      ],
    );
    assert.match(String(outside[1]!["why"]), /after 46 working days/);
  } finally {
    await cleanup();
  }
});

test("children in need at the period end", async () => {
  const { store, cleanup } = await setUp();
  try {
    const cin = await values(store, "cin_at_end");
    assert.equal(cin.get("2024-04")!.value, 1, "R1 open; R2 closed 20 April");
    assert.equal(cin.get("2024-05")!.value, 2, "R1 and R6 (R5 closed the day it opened)");
    assert.equal(cin.get("2024-06")!.value, 1, "R1 closed on 30 June is not open at 30 June");
    assert.equal(cin.get("2025-04")!.value, 3, "P1 (R3), P2 (R4), P3 (R6)");
    assert.equal(cin.get("2024-25")!.value, 1);
  } finally {
    await cleanup();
  }
});

test("breakdowns and reasons for what cannot be computed", async () => {
  const { store, cleanup } = await setUp();
  try {
    const def = indicatorLibrary().get("referrals")!;
    const vs = await computeIndicator(store, def, await resolveTargets(store), { periodIds: ["2024-25"] });
    const by = vs.filter((v) => v.breakdown === "source").map((v) => [v.category, v.value]);
    assert.deepEqual(by, [
      ["1A", 3],
      ["2B", 1],
    ]);
    // Every child-level indicator is also split by the child's ethnic group and disability:
    // 2024-25 referrals are R1 (P1, White), R2 (P2, Mixed), R5 and R6 (P3, Chinese: Asian; disabled).
    assert.deepEqual(
      vs.filter((v) => v.breakdown === "ethnicity").map((v) => [v.category, v.value]),
      [
        ["Asian or Asian British", 2],
        ["Mixed or multiple", 1],
        ["White", 1],
      ],
    );
    assert.deepEqual(
      vs.filter((v) => v.breakdown === "disability").map((v) => [v.category, v.value]),
      [
        ["disabled", 2],
        ["no disability recorded", 2],
      ],
    );
    // Primary need at referral, with the CIN census labels; R3, R4 and R6 have none recorded.
    assert.deepEqual(
      vs.filter((v) => v.breakdown === "primary_need").map((v) => [v.category, v.value]),
      [
        ["N1 abuse or neglect", 2],
        ["N4 family in acute stress", 1],
        ["not recorded", 1],
      ],
    );
    const noTable = { ...def, id: "x_test", needs: ["cin_episodes", "cla_episodes"] };
    const none = await computeIndicator(store, noTable, await resolveTargets(store), { periodIds: ["2024-25"] });
    assert.equal(none.length, 1);
    assert.equal(none[0]!.value, null);
    assert.match(none[0]!.reason!, /no ssd_cla_episodes data loaded/);
  } finally {
    await cleanup();
  }
});

test("only SQL that reads a period's last day alone is computed once per end date", () => {
  assert.equal(dependsOnlyOnPeriodEnd("SELECT p.period_id FROM {cin_episodes} e JOIN {periods} p ON e.cine_referral_date <= p.end_date"), true);
  assert.equal(dependsOnlyOnPeriodEnd("SELECT p.period_id FROM {cin_episodes} e JOIN {periods} p ON e.cine_referral_date BETWEEN p.start_date AND p.end_date"), false);
  assert.equal(dependsOnlyOnPeriodEnd("SELECT p.period_id FROM {periods} p WHERE p.kind = 'month'"), false);
  assert.equal(dependsOnlyOnPeriodEnd("SELECT p.pop_year FROM {periods} p"), false);
  // Another alias for the periods cannot be checked, so it is not collapsed.
  assert.equal(dependsOnlyOnPeriodEnd("SELECT q.period_id FROM {periods} q"), false);
  assert.equal(dependsOnlyOnPeriodEnd("SELECT 1 FROM {periods} p JOIN {periods} AS q ON q.end_date = p.end_date"), false);
});

test("only counts of records each falling in one month are summed from months", () => {
  const ev = "SELECT e.la_code, p.period_id, 1 AS num, 1 AS den FROM {cin_episodes} e JOIN {periods} p ON p.la_code = e.la_code AND e.cine_referral_date BETWEEN p.start_date AND p.end_date";
  assert.equal(addsUpOverMonths({ sql: ev, unit: "count" }), true);
  assert.equal(addsUpOverMonths({ sql: ev, unit: "percent" }), true);
  // A median does not add up over months.
  assert.equal(addsUpOverMonths({ sql: ev, unit: "days" }), false);
  // Children counted once per period, a window over the period, or the period read elsewhere: not additive.
  assert.equal(addsUpOverMonths({ sql: `${ev} GROUP BY e.la_code, p.period_id`, unit: "count" }), false);
  assert.equal(addsUpOverMonths({ sql: ev.replace("1 AS num", "DISTINCT 1 AS num"), unit: "count" }), false);
  assert.equal(addsUpOverMonths({ sql: ev.replace("1 AS num", "row_number() OVER (PARTITION BY p.period_id) AS num"), unit: "count" }), false);
  assert.equal(addsUpOverMonths({ sql: `${ev} AND e.cine_close_date > p.end_date`, unit: "count" }), false);
  assert.equal(addsUpOverMonths({ sql: `${ev} AND p.kind = 'year'`, unit: "count" }), false);
  assert.equal(addsUpOverMonths({ sql: `${ev} JOIN {periods} q ON q.period_id = p.period_id`, unit: "count" }), false);
  assert.equal(addsUpOverMonths({ sql: "SELECT p.period_id FROM {cin_episodes} e JOIN {periods} p ON e.cine_referral_date <= p.end_date", unit: "count" }), false);
  // A record-level subquery that groups records but never sees the period still adds up ...
  const perRecord = (inner: string) =>
    `SELECT e.la_code, p.period_id, CASE WHEN f.n IS NULL THEN 0 ELSE 1 END AS num, 1 AS den FROM {cin_episodes} e LEFT JOIN (${inner}) f ON f.la_code = e.la_code AND f.cine_referral_id = e.cine_referral_id JOIN {periods} p ON p.la_code = e.la_code AND e.cine_referral_date BETWEEN p.start_date AND p.end_date`;
  assert.equal(addsUpOverMonths({ sql: perRecord("SELECT a.la_code, a.cina_referral_id, count(DISTINCT a.cina_assessment_id) AS n FROM {cin_assessments} a GROUP BY a.la_code, a.cina_referral_id"), unit: "percent" }), true);
  // ... but not once the grouping reads the period.
  assert.equal(addsUpOverMonths({ sql: perRecord("SELECT a.la_code, a.cina_referral_id, count(*) AS n FROM {cin_assessments} a JOIN {periods} p ON p.la_code = a.la_code GROUP BY a.la_code, a.cina_referral_id"), unit: "percent" }), false);
  assert.equal(addsUpOverMonths({ sql: perRecord("SELECT a.la_code, a.cina_referral_id, count(*) AS n FROM {cin_assessments} a WHERE a.cina_assessment_start_date <= p.end_date GROUP BY a.la_code, a.cina_referral_id"), unit: "percent" }), false);
  assert.equal(withoutPeriodFreeParts("SELECT (SELECT max(x) FROM (SELECT 1) y) AS a, (p.end_date) FROM t"), "SELECT () AS a, (p.end_date) FROM t");
});
