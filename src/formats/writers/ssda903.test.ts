// The SSDA903 writer on hand-built rows: a record an SSD extract repeats (a review, a missing
// episode, a care leaver) is one row of the return, not two; distinct records stay distinct.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parsePeriod } from "../../calendar/periods.ts";
import { ssda903Tables } from "./ssda903.ts";

test("identical rows are written once; different ones on the same child are all kept", () => {
  const review = { clar_cla_person_id: "C1", clar_cla_review_date: "2024-07-01", clar_cla_review_participation: "PN1" };
  const missing = { miss_person_id: "C1", miss_missing_episode_start_date: "2024-08-01", miss_missing_episode_end_date: "2024-08-02", miss_missing_episode_type: "Missing" };
  const leaver = { clea_person_id: "L1", clea_care_leaver_in_touch: "YES", clea_care_leaver_activity: "F1", clea_care_leaver_accommodation: "S" };
  const tables = ssda903Tables(
    {
      person: [
        { pers_person_id: "C1", pers_sex: "F", pers_dob: "2012-05-04" },
        { pers_person_id: "L1", pers_sex: "M", pers_dob: "2005-06-01" },
      ],
      episodes: [{ clae_person_id: "C1", clae_cla_placement_id: "P1", clae_cla_episode_start_date: "2024-01-10", clae_cla_episode_start_reason: "S", clae_cla_primary_need_code: "N1" }],
      placements: [{ clap_cla_placement_id: "P1", clap_cla_placement_type: "U4" }],
      legal: [],
      reviews: [review, { ...review }, { ...review, clar_cla_review_date: "2024-12-01" }],
      immigration: [],
      missing: [missing, { ...missing }],
      careLeavers: [leaver, { ...leaver }],
      permanence: [],
      involvements: [],
    },
    parsePeriod("2024-25")!,
  );
  assert.deepEqual(tables.Reviews, [
    ["C1", "04/05/2012", "01/07/2024", "PN1"],
    ["C1", "04/05/2012", "01/12/2024", "PN1"],
  ]);
  assert.deepEqual(tables.Missing, [["C1", "04/05/2012", "M", "01/08/2024", "02/08/2024"]]);
  assert.equal(tables.OC3?.length, 1);
  assert.deepEqual(
    tables.Header?.map((r) => r[0]),
    ["C1", "L1"],
  );
});

/** The rows of one child looked after in 2024-25 (from 10/01/2024, open unless `ceased`), with `more` on top. */
function lookedAfter(id: string, more: Partial<Parameters<typeof ssda903Tables>[0]> = {}, ceased?: { date: string; reason: string }, place = "A4") {
  return {
    person: [{ pers_person_id: id, pers_sex: "F", pers_dob: "2018-05-04" }],
    episodes: [{ clae_person_id: id, clae_cla_placement_id: `${id}-P`, clae_cla_episode_start_date: "2024-01-10", clae_cla_episode_start_reason: "S", clae_cla_primary_need_code: "N1", clae_cla_episode_ceased_date: ceased?.date ?? null, clae_cla_episode_ceased_reason: ceased?.reason ?? null }],
    placements: [{ clap_cla_placement_id: `${id}-P`, clap_cla_placement_type: place }],
    legal: [],
    reviews: [],
    immigration: [],
    missing: [],
    careLeavers: [],
    permanence: [],
    involvements: [],
    ...more,
  };
}

const ADOPTION = { perm_adm_decision_date: "2024-03-01", perm_matched_date: "2024-09-01", perm_number_of_adopters: 2, perm_adopter_sex: "MF", perm_adopter_legal_status: "L0", perm_adopted_by_carer_flag: "N" };

test("AD1 is for children adopted in the year; every placement decision held is in PlacedAdoption, adopted or not (DfE 602, 551)", () => {
  const year = parsePeriod("2024-25")!;
  // Placed for adoption (A4) and matched, not yet adopted: no AD1 (602), but its decision (551).
  const waiting = ssda903Tables(lookedAfter("C1", { permanence: [{ perm_person_id: "C1", ...ADOPTION }] }), year);
  assert.equal(waiting.AD1, undefined);
  assert.deepEqual(waiting.PlacedAdoption, [["C1", "04/05/2018", "01/03/2024", "", ""]]);
  // Adopted (E11) in the year: AD1 and its decision.
  const done = ssda903Tables(lookedAfter("C2", { permanence: [{ perm_person_id: "C2", ...ADOPTION }] }, { date: "2025-02-01", reason: "E11" }), year);
  assert.deepEqual(done.AD1, [["C2", "04/05/2018", "01/03/2024", "01/09/2024", "0", "2", "MF", "L0"]]);
  assert.deepEqual(done.PlacedAdoption, [["C2", "04/05/2018", "01/03/2024", "", ""]]);
  // Adopted after the year's end: not adopted in it.
  assert.equal(ssda903Tables(lookedAfter("C3", { permanence: [{ perm_person_id: "C3", ...ADOPTION }] }, { date: "2025-05-01", reason: "E11" }), year).AD1, undefined);
  // A decision reversed after the year's end is not reversed yet (date and reason blank together, DfE 119);
  // one reversed before the year began is not held in it; one made after its end not yet made.
  const reversed = ssda903Tables(
    lookedAfter("C4", {
      permanence: [
        { perm_person_id: "C4", perm_adm_decision_date: "2024-06-01", perm_decision_reversed_date: "2025-06-01", perm_decision_reversed_reason: "RD1" },
        { perm_person_id: "C4", perm_adm_decision_date: "2023-01-01", perm_decision_reversed_date: "2024-02-01", perm_decision_reversed_reason: "RD2" },
        { perm_person_id: "C4", perm_adm_decision_date: "2025-04-02" },
      ],
    }),
    year,
  );
  assert.deepEqual(reversed.PlacedAdoption, [["C4", "04/05/2018", "01/06/2024", "", ""]]);
  // The same decision held twice (an AD1 and a PlacedAdoption read back) is one row, with its reversal.
  const twice = ssda903Tables(
    lookedAfter("C5", { permanence: [{ perm_person_id: "C5", ...ADOPTION }, { perm_person_id: "C5", perm_adm_decision_date: "2024-03-01", perm_decision_reversed_date: "2024-12-01", perm_decision_reversed_reason: "RD1" }] }),
    year,
  );
  assert.deepEqual(twice.PlacedAdoption, [["C5", "04/05/2018", "01/03/2024", "01/12/2024", "RD1"]]);
});

test("OC3 holds the young people with their 17th to 21st birthday in the year, each as at its end", () => {
  const leaver = (id: string, contact: string | null, activ: string) => ({ clea_table_id: `${id}-${contact}`, clea_person_id: id, clea_care_leaver_in_touch: "YES", clea_care_leaver_activity: activ, clea_care_leaver_accommodation: "S1", clea_care_leaver_latest_contact: contact });
  const src = lookedAfter("C1", {
    person: [
      { pers_person_id: "C1", pers_sex: "F", pers_dob: "2018-05-04" },
      { pers_person_id: "L17", pers_sex: "M", pers_dob: "2005-06-01" }, // 17 on 01/06/2022
      { pers_person_id: "L21", pers_sex: "F", pers_dob: "2002-03-31" }, // 21 on 31/03/2023
      { pers_person_id: "L16", pers_sex: "M", pers_dob: "2006-04-02" }, // 16 on 02/04/2022, 17 after the year
      { pers_person_id: "L22", pers_sex: "F", pers_dob: "2001-03-31" }, // 22 on 31/03/2023
    ],
    careLeavers: [leaver("L17", "2022-10-01", "F1"), leaver("L17", "2025-02-01", "G4"), leaver("L17", "2021-01-01", "P2"), leaver("L21", null, "F2"), leaver("L16", "2022-10-01", "F1"), leaver("L22", "2022-10-01", "F1")],
  });
  const t = ssda903Tables({ ...src, episodes: [] }, parsePeriod("2022-23")!);
  assert.deepEqual(t.OC3, [
    ["L17", "01/06/2005", "YES", "F1", "S1"],
    ["L21", "31/03/2002", "YES", "F2", "S1"],
  ]);
  assert.deepEqual(
    t.Header?.map((r) => r[0]),
    ["L17", "L21"],
    "a care leaver outside the year's cohort is not in the return at all",
  );
});

test("every table's rows are in order of child, then the table's date, whatever order the SSD rows come in", () => {
  const review = (id: string, d: string) => ({ clar_cla_person_id: id, clar_cla_review_date: d, clar_cla_review_participation: "PN1" });
  const miss = (id: string, d: string) => ({ miss_person_id: id, miss_missing_episode_start_date: d, miss_missing_episode_end_date: d, miss_missing_episode_type: "Missing" });
  const one = lookedAfter("C2");
  const two = lookedAfter("C1");
  const t = ssda903Tables(
    {
      ...one,
      person: [...one.person, ...two.person],
      episodes: [...one.episodes, ...two.episodes],
      placements: [...one.placements, ...two.placements],
      reviews: [review("C2", "2024-12-01"), review("C1", "2025-01-02"), review("C2", "2024-05-01"), review("C1", "2024-11-30")],
      missing: [miss("C1", "2025-01-01"), miss("C1", "2024-12-31"), miss("C2", "2024-06-01")],
    },
    parsePeriod("2024-25")!,
  );
  assert.deepEqual(
    t.Reviews?.map((r) => `${r[0]} ${r[2]}`),
    ["C1 30/11/2024", "C1 02/01/2025", "C2 01/05/2024", "C2 01/12/2024"],
  );
  assert.deepEqual(
    t.Missing?.map((r) => `${r[0]} ${r[3]}`),
    ["C1 31/12/2024", "C1 01/01/2025", "C2 01/06/2024"],
  );
  assert.deepEqual(
    t.Episodes?.map((r) => r[0]),
    ["C1", "C2"],
  );
});
