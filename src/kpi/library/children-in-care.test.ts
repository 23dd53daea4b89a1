import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { breakdownOf, indicatorFixture, valuesOf } from "../../../test/kpi-fixture.ts";
import type { Store } from "../../store/port.ts";
import { indicatorRecords, type Target } from "../engine.ts";
import type { IndicatorValue } from "../types.ts";
import { indicatorLibrary } from "./index.ts";

/**
 * A hand-built authority. Contacts on 1 April 2024 and 28 March 2025 make the span 2024-04 to
 * 2025-03 (so the year 2024-25 ends on 31 March 2025). The children:
 *  P1  in care from 30 Sep 2022 (exactly 2½ years at 31 Mar 2025), in a U4 placement from
 *      31 Mar 2023 (exactly 2 years): long-term stable.
 *  P2  in care from 1 Oct 2022 (a day short of 2½ years): not in the long-term cohort; UASC; two
 *      social workers in the year (one ended on 1 Apr 2024, the first day of the 12 months).
 *  P3  in care from 1 Jan 2020 in two contiguous episodes (the second starts the day the first
 *      ends: one period of care); placement from 1 Apr 2023 (a day short of 2 years): not stable.
 *      UASC ended on 31 Mar 2025 (not open that day). Social worker changed on 31 Mar 2024, the
 *      day before the 12 months: one worker in them.
 *  P4  U6, then U4 from 1 May 2024, then A5 (adoption with the current foster carer) from the
 *      day the U4 ended: 2 placements, not 3. Long-term cohort, not stable (U4 under 2 years).
 *  P5  U6 ending 1 Apr 2024 (open on the first day: counts), a same-day T1 (does not count),
 *      K2, then Z1 from 15 Nov 2024: 3 placements; "other" placement at the end.
 *      A missing episode from 28 Mar to 3 Apr 2024, open at the start of the year.
 *  P6  short breaks only (legal status V3): left out of everything.
 *  P7  18 on 20 Jan 2025 with no ceased date recorded: leaves care on his birthday; H5 placement
 *      (unregistered from 28 Oct 2023, so "other").
 *  P8  in care 10 Jun–20 Aug 2024 (ceased E4A) and again from 1 Oct 2024: starts once, ceases
 *      once in the year; a same-day T1 on 1 Oct; missing in September while not in care.
 *  P10 placed for adoption (A5) on 1 Dec 2024 after a U4 from 1 Jun 2021: stable by the
 *      adoption rule.
 *  P11 starts care on 10 Feb 2025 under V2, which becomes V4 (short breaks) on 20 Feb within the
 *      same episode: looked after in the year and a start, but not looked after at the end of
 *      February or March.
 *  P9  not in care: missing from home (not in any looked-after figure).
 */
function careExport(): Record<string, string> {
  return {
    "ssd_person.csv": [
      "pers_person_id,pers_sex,pers_dob",
      "P1,M,2015-05-10",
      "P2,F,2014-01-15",
      "P3,M,2012-06-01",
      "P4,F,2018-03-01",
      "P5,M,2010-07-07",
      "P6,F,2012-02-02",
      "P7,M,2007-01-20",
      "P8,F,2011-03-03",
      "P9,M,2013-09-09",
      "P10,F,2019-02-02",
      "P11,F,2016-08-08",
    ].join("\n"),
    "ssd_contacts.csv": "cont_contact_id,cont_person_id,cont_contact_date\nC1,P9,2024-04-01\nC2,P9,2025-03-28",
    "ssd_cla_episodes.csv": [
      "clae_cla_episode_id,clae_person_id,clae_cla_episode_start_date,clae_cla_episode_start_reason,clae_cla_episode_ceased_date,clae_cla_episode_ceased_reason",
      "E1,P1,2022-09-30,S,,",
      "E2,P2,2022-10-01,S,,",
      "E3a,P3,2020-01-01,S,2023-04-01,X1",
      "E3b,P3,2023-04-01,P,,",
      "E4,P4,2021-01-01,S,,",
      "E5,P5,2023-06-01,S,,",
      "E6,P6,2024-05-01,S,,",
      "E7,P7,2023-01-01,S,,",
      "E8a,P8,2024-06-10,S,2024-08-20,E4A",
      "E8b,P8,2024-10-01,S,,",
      "E10,P10,2021-06-01,S,,",
      "E11,P11,2025-02-10,S,,",
    ].join("\n"),
    "ssd_legal_status.csv": [
      "lega_legal_status_id,lega_person_id,lega_legal_status,lega_legal_status_start_date,lega_legal_status_end_date",
      "L1,P1,C2,2022-09-30,",
      "L2,P2,C2,2022-10-01,",
      "L3,P3,C2,2020-01-01,",
      "L4,P4,C2,2021-01-01,",
      "L5,P5,C1,2023-06-01,",
      "L6,P6,V3,2024-05-01,",
      "L7,P7,V2,2023-01-01,",
      "L8a,P8,V2,2024-06-10,2024-08-20",
      "L8b,P8,c1,2024-10-01,",
      "L10,P10,E1,2021-06-01,",
      "L11a,P11,V2,2025-02-10,2025-02-20",
      "L11b,P11,V4,2025-02-20,",
    ].join("\n"),
    "ssd_cla_placement.csv": [
      "clap_cla_placement_id,clap_person_id,clap_cla_placement_start_date,clap_cla_placement_type,clap_cla_placement_end_date",
      "PL1a,P1,2022-09-30,U6,2023-03-31",
      "PL1b,P1,2023-03-31,U4,",
      "PL2,P2,2022-10-01,U4,",
      "PL3a,P3,2020-01-01,U6,2023-04-01",
      "PL3b,P3,2023-04-01,U4,",
      "PL4x,P4,2021-01-01,U6,2024-05-01",
      "PL4a,P4,2024-05-01,U4,2024-09-01",
      "PL4b,P4,2024-09-01,A5,",
      "PL5a,P5,2023-06-01,U6,2024-04-01",
      "PL5b,P5,2024-04-01,T1,2024-04-01",
      "PL5c,P5,2024-04-01,K2,2024-11-15",
      "PL5d,P5,2024-11-15,Z1,",
      "PL6,P6,2024-05-01,U6,",
      "PL7,P7,2023-01-01,H5,",
      "PL8a,P8,2024-06-10,U6,2024-08-20",
      "PL8c,P8,2024-10-01,T1,2024-10-01",
      "PL8b,P8,2024-10-01,U6,",
      "PL10a,P10,2021-06-01,U4,2024-12-01",
      "PL10b,P10,2024-12-01,A5,",
    ].join("\n"),
    "ssd_immigration_status.csv": [
      "immi_immigration_status_id,immi_person_id,immi_immigration_status,immi_immigration_status_start_date,immi_immigration_status_end_date",
      "IM2,P2,UASC,2023-01-01,",
      "IM3,P3,UASC,2020-01-01,2025-03-31",
      "IM6,P6,UASC,2024-05-01,",
    ].join("\n"),
    "ssd_missing.csv": [
      "miss_table_id,miss_person_id,miss_missing_episode_start_date,miss_missing_episode_type,miss_missing_episode_end_date",
      "M5,P5,2024-03-28,missing,2024-04-03",
      "M2,P2,2024-02-10,Missing,2024-02-12",
      "M1,P1,2024-07-05,Absent,2024-07-06",
      "M6,P6,2024-06-01,Missing,2024-06-02",
      "M9,P9,2024-05-05,Missing,2024-05-06",
      "M8,P8,2024-09-05,Missing,2024-09-06",
    ].join("\n"),
    "ssd_professionals.csv": "prof_professional_id\nSW1\nSW2\nSW3\nSW4\nSW9",
    "ssd_involvements.csv": [
      "invo_involvements_id,invo_professional_id,invo_professional_role_id,invo_person_id,invo_involvement_start_date,invo_involvement_end_date",
      "I1,SW1,ALLOCATED CASE WORKER,P1,2022-10-01,",
      "I2a,SW1,ALLOCATED CASE WORKER,P2,2022-10-01,2024-04-01",
      "I2b,SW2,Allocated Case Worker,P2,2024-04-01,",
      "I3a,SW3,ALLOCATED CASE WORKER,P3,2020-01-01,2024-03-31",
      "I3b,SW2,ALLOCATED CASE WORKER,P3,2024-03-31,",
      "I4a,SW1,ALLOCATED CASE WORKER,P4,2021-01-01,2024-06-01",
      "I4b,SW1,ALLOCATED CASE WORKER,P4,2024-06-01,",
      "I5a,SW1,ALLOCATED CASE WORKER,P5,2023-06-01,",
      "I5b,SW9,TEAM MANAGER,P5,2023-06-01,",
      "I8a,SW4,ALLOCATED CASE WORKER,P8,2024-06-10,2024-08-20",
      "I8b,SW4,ALLOCATED CASE WORKER,P8,2024-10-01,",
    ].join("\n"),
    "population.csv": "la_code,year,population_0_17\n202,2024,20000",
  };
}

let store: Store;
let cleanup: () => Promise<void>;
let target: Target;

before(async () => {
  ({ store, target, cleanup } = await indicatorFixture(careExport()));
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

test("the span is April 2024 to March 2025", () => {
  assert.equal(target.data_from, "2024-04-01");
  assert.equal(target.data_to, "2025-03-31");
});

test("children looked after at the end: short breaks left out, care ends at 18", async () => {
  const v = await values("cla_at_end");
  // 31 Mar 2025: P1, P2, P3, P4, P5, P8, P10 (P6 short breaks only; P7 turned 18 on 20 Jan).
  assert.equal(v.get("2024-25")!.value, 7);
  assert.equal(v.get("2025-03")!.value, 7);
  assert.equal(v.get("2024-12")!.value, 8, "P7 still 17 on 31 Dec 2024");
  assert.equal(v.get("2025-02")!.value, 7, "P11's only legal status on 28 Feb is V4 (short breaks)");
  assert.equal(v.get("2025-01")!.value, 7, "P7 left care on his 18th birthday, 20 Jan 2025");
  assert.equal(v.get("2024-07")!.value, 8, "P8's first period of care is open on 31 Jul");
  assert.equal(v.get("2024-08")!.value, 7, "P8 ceased on 20 Aug");
  assert.equal(v.get("2024-04")!.value, 7, "P1-P5, P7, P10");
  assert.deepEqual(await breakdown("cla_at_end", "placement_type", "2024-25"), { A5: 2, U4: 3, U6: 1, Z1: 1 });
  assert.deepEqual(await breakdown("cla_at_end", "legal_status", "2024-25"), { C1: 2, C2: 4, E1: 1 });
  assert.deepEqual(await breakdown("cla_at_end", "age_band", "2024-25"), { "10-15": 4, "5-9": 3 });

  const rate = await values("cla_rate");
  assert.equal(rate.get("2024-25")!.value, (7 / 20000) * 10000);
  assert.equal(rate.get("2024-25")!.denominator, 20000);
});

test("children starting and ceasing to be looked after, once each", async () => {
  const s = await values("cla_started");
  assert.equal(s.get("2024-25")!.value, 2, "P8 started twice in the year: counted once; P11; P6 (short breaks) not at all");
  assert.equal(s.get("2025-02")!.value, 1, "P11");
  assert.equal(s.get("2024-06")!.value, 1);
  assert.equal(s.get("2024-10")!.value, 1);
  assert.equal(s.get("2024-05")!.value, 0, "P6's short-break care is not a start");
  assert.equal(s.get("2024-25-Q1")!.value, 1);
  const rate = await values("cla_start_rate");
  assert.equal(rate.get("2024-25")!.value, 1, "2 / 20,000 × 10,000");

  const c = await values("cla_ceased");
  assert.equal(c.get("2024-25")!.value, 3, "P8 on 20 Aug 2024, P7 on his 18th birthday and P11 when her care turned into short breaks; P3's X1 episode end is not a cessation");
  assert.equal(c.get("2024-08")!.value, 1);
  assert.equal(c.get("2025-01")!.value, 1);
  assert.deepEqual(await breakdown("cla_ceased", "reason", "2024-25"), { "18th birthday": 1, E4A: 1, "short breaks": 1 });
});

test("short breaks: an episode that turns into full care counts from that day; placements made during short breaks are not counted", async () => {
  const files = careExport();
  const add = (name: string, rows: string[]) => {
    files[name] += `\n${rows.join("\n")}`;
  };
  // P12: one episode from 1 May 2024 under V3 (short breaks), C2 from 1 Dec 2024 in the same
  // episode; three short-break placements before it, one placement after. P13: two short-break
  // episodes (V3) in April and May 2024, then full care (C2) from 1 Jun 2024 with one placement.
  add("ssd_person.csv", ["P12,M,2012-03-03", "P13,F,2013-04-04"]);
  add("ssd_cla_episodes.csv", ["E12,P12,2024-05-01,S,,", "E13a,P13,2024-04-05,S,2024-04-10,E8", "E13b,P13,2024-05-05,S,2024-05-10,E8", "E13c,P13,2024-06-01,S,,"]);
  add("ssd_legal_status.csv", ["L12a,P12,V3,2024-05-01,2024-12-01", "L12b,P12,C2,2024-12-01,", "L13a,P13,V3,2024-04-05,2024-04-10", "L13b,P13,V3,2024-05-05,2024-05-10", "L13c,P13,C2,2024-06-01,"]);
  add("ssd_cla_placement.csv", [
    "PL12a,P12,2024-05-01,U6,2024-06-01",
    "PL12b,P12,2024-07-01,U6,2024-08-01",
    "PL12c,P12,2024-09-01,U6,2024-10-01",
    "PL12d,P12,2024-12-01,U4,",
    "PL13a,P13,2024-04-05,U6,2024-04-10",
    "PL13b,P13,2024-05-05,U6,2024-05-10",
    "PL13c,P13,2024-06-01,U4,",
  ]);
  const f = await indicatorFixture(files);
  try {
    const [atEnd, before] = [await valuesOf(f.store, f.target, "cla_at_end"), await values("cla_at_end")];
    assert.equal(atEnd.get("2024-25")!.value, 9, "the 7 as before, P12 and P13");
    assert.equal(atEnd.get("2024-11")!.value, before.get("2024-11")!.value! + 1, "P13; P12 not yet: short breaks only on 30 Nov");
    assert.equal(atEnd.get("2024-12")!.value, before.get("2024-12")!.value! + 2, "P12 from 1 Dec");
    const started = await valuesOf(f.store, f.target, "cla_started");
    assert.equal(started.get("2024-12")!.value, 1, "P12 starts care the day C2 begins");
    assert.equal(started.get("2024-05")!.value, 0, "neither P12's nor P13's short breaks are a start");
    assert.equal(started.get("2024-06")!.value, 2, "P8 and P13");
    const three = await valuesOf(f.store, f.target, "cla_3plus_placements_pct");
    assert.deepEqual([three.get("2024-25")!.numerator, three.get("2024-25")!.denominator], [1, 9], "P12 and P13 have one placement each outside short breaks; P5 as before");
  } finally {
    await f.cleanup();
  }
});

test("three or more placements in the 12 months to the period end", async () => {
  const v = await values("cla_3plus_placements_pct");
  // 31 Mar 2025, window 1 Apr 2024 - 31 Mar 2025: P1 1, P2 1, P3 1, P4 2 (A5 with same carer not
  // counted), P5 3 (PL5a open on 1 Apr; same-day T1 not counted), P8 2 (same-day T1 not counted), P10 1.
  assert.equal(v.get("2024-25")!.numerator, 1);
  assert.equal(v.get("2024-25")!.denominator, 7);
  assert.equal(v.get("2024-25")!.value, 100 / 7);
  // November 2024: window 1 Dec 2023 - 30 Nov 2024; P5 has PL5a, PL5c and PL5d (from 15 Nov): 3 of 8.
  assert.equal(v.get("2024-11")!.value, 12.5);
  assert.equal(v.get("2024-10")!.value, 0, "P5 had only two by 31 Oct");
  const [rec] = await indicatorRecords(store, indicatorLibrary().get("cla_3plus_placements_pct")!, target, "2024-25", "numerator");
  assert.equal(rec!["person_id"], "P5");
  assert.match(String(rec!["why"]), /^3 placement/);
});

test("long-term stability: exactly 2½ years in care and 2 years in placement count, a day short does not", async () => {
  const v = await values("cla_longterm_stability_pct");
  // Cohort at 31 Mar 2025 (under 16, in care since 30 Sep 2022 or earlier): P1, P3, P4, P10 (P2 a day short).
  // Stable: P1 (placement from 31 Mar 2023), P10 (adoption after U4 from 2021). Not: P3 (1 Apr 2023), P4.
  assert.equal(v.get("2024-25")!.denominator, 4);
  assert.equal(v.get("2024-25")!.numerator, 2);
  assert.equal(v.get("2024-25")!.value, 50);
  const recs = await indicatorRecords(store, indicatorLibrary().get("cla_longterm_stability_pct")!, target, "2024-25", "denominator");
  assert.deepEqual(
    recs.map((r) => [r["person_id"], r["num"]]),
    [
      ["P1", 1],
      ["P10", 1],
      ["P3", 0],
      ["P4", 0],
    ],
  );
  assert.match(String(recs[2]!["why"]), /in care since 2020-01-01/, "P3's contiguous second episode does not restart care");
});

test("other placements, UASC, missing, away and social workers", async () => {
  const o = await values("cla_other_placements_pct");
  assert.equal(o.get("2024-25")!.value, 100 / 7, "P5 in Z1");
  assert.equal(o.get("2024-12")!.value, 25, "P5 Z1 and P7 H5 (after 28 Oct 2023) of 8");
  assert.equal(o.get("2024-10")!.value, 12.5, "P7 H5 of 8 (P5 in K2)");

  const u = await values("cla_uasc_at_end");
  assert.equal(u.get("2024-25")!.value, 1, "P2; P3's status ended on 31 Mar; P6 is not looked after");
  assert.equal(u.get("2025-02")!.value, 2);

  const m = await values("cla_missing_pct");
  // Looked after in 2024-25: P1, P2, P3, P4, P5, P7, P8, P10, P11. Missing: P5 (open on 1 Apr). P2's ended in
  // February; P8's was between periods of care; P6 and P9 not looked after.
  assert.equal(m.get("2024-25")!.numerator, 1);
  assert.equal(m.get("2024-25")!.denominator, 9);
  assert.equal(m.get("2024-04")!.value, 100 / 7);
  assert.equal(m.get("2024-05")!.value, 0);
  assert.equal(m.get("2024-09")!.value, 0, "P8 missing while not looked after");
  const a = await values("cla_away_pct");
  assert.equal(a.get("2024-25")!.value, 100 / 9, "P1 absent in July");
  assert.equal(a.get("2024-07")!.value, 100 / 8, "P1-P5, P7, P8, P10 looked after in July");

  const sw = await values("cla_multiple_sw_pct");
  // P2: SW1 to 1 Apr 2024 (the first day of the 12 months) and SW2; P3's first worker ended the day before;
  // P4 has SW1 twice; P5's team manager is not an allocated worker.
  assert.equal(sw.get("2024-25")!.numerator, 1);
  assert.equal(sw.get("2024-25")!.denominator, 7);
});

test("missing from care: a child whose care has turned into short breaks is not looked after, nor missing from care, while on them", async () => {
  const files = careExport();
  // P11's episode (V2 from 10 Feb 2025, V4 short breaks from 20 Feb, still open) with a missing
  // episode on 10 March 2025, while on short breaks only. By hand, March 2025: looked after P1, P2,
  // P3, P4, P5, P8, P10 = 7 (P7 left at 18 in January; P11 on short breaks all month), none missing.
  // 2024-25: the 9 as before (P11 looked after 10-19 Feb), missing P5 only: 1 of 9, not 2 of 9.
  files["ssd_missing.csv"] += "\nM11,P11,2025-03-10,Missing,2025-03-11";
  const f = await indicatorFixture(files);
  try {
    const m = await valuesOf(f.store, f.target, "cla_missing_pct");
    assert.deepEqual([m.get("2025-03")!.numerator, m.get("2025-03")!.denominator], [0, 7], "March: P11 on short breaks only is not in it");
    assert.deepEqual([m.get("2024-25")!.numerator, m.get("2024-25")!.denominator], [1, 9], "the year: P11 looked after in February, missing only in March on short breaks");
    assert.deepEqual([m.get("2025-02")!.numerator, m.get("2025-02")!.denominator], [0, 8], "February: P11 looked after 10-19 Feb");
    const a = await valuesOf(f.store, f.target, "cla_away_pct");
    assert.equal(a.get("2025-03")!.denominator, 7);
  } finally {
    await f.cleanup();
  }
});

test("a child whose care turns into short breaks for the rest of the episode ceases to be looked after the day they begin", async () => {
  // P11: V2 from 10 Feb 2025, V4 (short breaks) from 20 Feb in the same open episode. By hand:
  // 2024-25 ceased P7 (18th birthday), P8 (20 Aug) and P11 (20 Feb, short breaks) = 3; February 1.
  // She was counted as starting on 10 Feb and left out of those looked after from 28 Feb, but was
  // never counted as ceasing.
  const c = await values("cla_ceased");
  assert.equal(c.get("2024-25")!.value, 3, "P7, P8 and P11");
  assert.equal(c.get("2025-02")!.value, 1, "P11 on 20 Feb");
  assert.deepEqual(await breakdown("cla_ceased", "reason", "2025-02"), { "short breaks": 1 });
  assert.equal((await values("cla_at_end")).get("2025-02")!.value, 7, "as before");
});
