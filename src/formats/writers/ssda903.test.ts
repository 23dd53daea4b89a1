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
