// The Annex A writer against Ofsted's 2024 template (the shared sample lists, whose header rows are
// the template's sheets unchanged): every list's headings, in order, in the lists built and in the
// workbook written, since ChAT takes the lists by position; and the columns Lantern fills from the
// SSD on hand-built rows (age, the CP plan's visits and reviews, List 8's reviews, visits,
// placements in 12 months and missing counts, List 10's FFA date).
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { tempDir } from "../../../test/fixtures.ts";
import { parsePeriod } from "../../calendar/periods.ts";
import { readCsvRows } from "../csv.ts";
import { readXlsxRows } from "../xlsx.ts";
import { ANNEX_A_HEADINGS, type AnnexSource, annexALists, writeAnnexWorkbook } from "./annex-a.ts";

const SAMPLES = fileURLToPath(new URL("../../../../shared/samples/annex_a_fake_2024/", import.meta.url));

/** The template's header row of list `n`. */
async function templateHeadings(n: number): Promise<string[]> {
  for await (const r of readCsvRows(`${SAMPLES}annex_a_list_${n}.csv`)) return r.cells;
  throw new Error(`no header in list ${n}`);
}

const EMPTY: AnnexSource = {
  person: [],
  disability: [],
  contacts: [],
  earlyHelp: [],
  episodes: [],
  assessments: [],
  cinVisits: [],
  s47: [],
  icpc: [],
  cpp: [],
  cpVisits: [],
  cpReviews: [],
  claEpisodes: [],
  placements: [],
  legal: [],
  claReviews: [],
  claVisits: [],
  missing: [],
  immigration: [],
  careLeavers: [],
  permanence: [],
  involvements: [],
};
const year = parsePeriod("2024-25")!;

test("every list has the template's headings, in order, in the lists built and in the workbook written", async () => {
  const lists = annexALists(EMPTY, year);
  assert.deepEqual(
    lists.map((l) => l.sheet),
    Array.from({ length: 11 }, (_, i) => `List ${i + 1}`),
  );
  for (const l of lists) assert.deepEqual(l.headings, await templateHeadings(Number(l.sheet.slice(5))), l.sheet);
  const t = tempDir();
  try {
    const out = join(t.dir, "annex.xlsx");
    await writeAnnexWorkbook(lists, out);
    const heads = new Map<string, unknown[]>();
    for await (const r of readXlsxRows(out)) if (!heads.has(r.sheet)) heads.set(r.sheet, r.values);
    for (let n = 1; n <= 11; n++) assert.deepEqual(heads.get(`List ${n}`), ANNEX_A_HEADINGS[n], `List ${n}`);
  } finally {
    t.cleanup();
  }
});

test("the columns Lantern holds are filled, in the template's places; each row is as long as its headings", () => {
  const lists = annexALists(
    {
      ...EMPTY,
      person: [{ pers_person_id: "C1", pers_sex: "F", pers_dob: "2012-05-04", pers_ethnicity: "WBRI" }],
      contacts: [{ cont_person_id: "C1", cont_contact_date: "2024-06-01", cont_contact_source_code: "6" }],
      cpp: [{ cppl_cp_plan_id: "CP1", cppl_person_id: "C1", cppl_cp_plan_start_date: "2024-05-01", cppl_cp_plan_end_date: "2024-10-01", cppl_cp_plan_initial_category: "NEG", cppl_cp_plan_latest_category: "EMO" }],
      cpVisits: [
        { cppv_cp_plan_id: "CP1", cppv_cp_visit_date: "2024-09-20", cppv_cp_visit_seen_alone: "Y" },
        // After the plan ended: not its last statutory visit.
        { cppv_cp_plan_id: "CP1", cppv_cp_visit_date: "2024-10-20", cppv_cp_visit_seen_alone: "N" },
      ],
      cpReviews: [{ cppr_cp_plan_id: "CP1", cppr_cp_review_date: "2024-07-25" }],
      claEpisodes: [
        { clae_cla_episode_id: "E1", clae_person_id: "C1", clae_cla_id: "L1", clae_cla_placement_id: "P1", clae_cla_episode_start_date: "2024-10-02", clae_cla_primary_need_code: "N1" },
        { clae_cla_episode_id: "E2", clae_person_id: "C1", clae_cla_id: "L1", clae_cla_placement_id: "P2", clae_cla_episode_start_date: "2024-12-01", clae_cla_primary_need_code: "N1" },
      ],
      placements: [
        { clap_cla_placement_id: "P1", clap_person_id: "C1", clap_cla_placement_start_date: "2024-10-02", clap_cla_placement_end_date: "2024-12-01", clap_cla_placement_type: "U4" },
        { clap_cla_placement_id: "P2", clap_person_id: "C1", clap_cla_placement_start_date: "2024-12-01", clap_cla_placement_type: "K2", clap_cla_placement_provider: "PR1" },
      ],
      claReviews: [{ clar_cla_person_id: "C1", clar_cla_review_date: "2024-11-01" }],
      claVisits: [
        { clav_person_id: "C1", clav_cla_visit_date: "2025-02-03" },
        // After the window: not yet.
        { clav_person_id: "C1", clav_cla_visit_date: "2025-04-03" },
      ],
      missing: [
        { miss_person_id: "C1", miss_missing_episode_start_date: "2025-01-05", miss_missing_episode_type: "Missing", miss_missing_rhi_offered: "Y", miss_missing_rhi_accepted: "N" },
        { miss_person_id: "C1", miss_missing_episode_start_date: "2025-01-15", miss_missing_episode_type: "Away" },
      ],
      involvements: [{ invo_person_id: "C1", invo_professional_id: "W9", invo_professional_team: "T3", invo_involvement_start_date: "2024-05-01" }],
      permanence: [{ perm_person_id: "C1", perm_adm_decision_date: "2025-01-10", perm_placed_ffa_cp_date: "2025-02-01" }],
    },
    year,
  );
  for (const l of lists) for (const r of l.rows) assert.equal(r.length, l.headings.length, l.sheet);
  const row = (n: number) => Object.fromEntries(ANNEX_A_HEADINGS[n]!.map((h, i) => [h, lists[n - 1]!.rows[0]![i]]));
  // Age at the window's end (31 March 2025).
  assert.equal(row(1)["Age"], 12);
  assert.deepEqual(row(1)["Date of Contact"], { date: "2024-06-01" });
  const cp = row(7);
  assert.deepEqual([cp["Date of the Last Statutory Visit"], cp["Was the Child Seen Alone?"], cp["Date of latest review conference"]], [{ date: "2024-09-20" }, "Yes", { date: "2024-07-25" }]);
  assert.deepEqual([cp["Allocated Team"], cp["Allocated Worker"], cp["Number of Previous Child Protection Plans"]], ["T3", "W9", 0]);
  const care = row(8);
  assert.deepEqual([care["Date of Latest Statutory Review"], care["Date of Last Social Work Visit"]], [{ date: "2024-11-01" }, { date: "2025-02-03" }]);
  assert.equal(care["Number of Placements in the Last 12 months"], 2);
  assert.equal(care["Number of Episodes the Child has been \u2018Missing\u2019 from their Placement in the last 12 months"], 1);
  assert.equal(care["Number of Episodes the Child has been \u2018Absent\u2019 from their Placement in the last 12 months"], 1);
  assert.deepEqual([care["Was the child offered a Return Interview after their last missing episode (Y/N)?"], care["Did the child accept a Return Interview after their last missing episode (Y/N)?"]], ["Yes", "No"]);
  assert.deepEqual([care["Placement Type"], care["Start Date of Most Recent Placement"], care["Placement Location"]], ["K2", { date: "2024-12-01" }, ""]);
  const adoption = row(10);
  assert.deepEqual([adoption["Child Unique ID"], adoption["Family identifier"], adoption["Gender"], adoption["Age of Child (Years)"]], ["C1", "", "Female", 12]);
  assert.deepEqual(adoption["Date the child was placed for fostering in FFA or concurrent planning placement"], { date: "2025-02-01" });
});
