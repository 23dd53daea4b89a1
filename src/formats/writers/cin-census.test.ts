// The CIN census writer on hand-built rows: codes an SSD extract repeats are written once (a
// disability per child, DfE rule 8794; a factor per assessment, 8898; a review date per plan), and
// a file that cannot be written rejects the export's promise rather than crashing the process.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parsePeriod } from "../../calendar/periods.ts";
import type { Store } from "../../store/port.ts";
import { CinIndex, cinChildXml, exportCinCensus } from "./cin-census.ts";

const year = parsePeriod("2024-25")!;

test("a child's disability codes, an assessment's factors and a plan's review dates are each written once", () => {
  const ix = new CinIndex(
    {
      person: [{ pers_person_id: "K1", pers_dob: "2015-02-03", pers_sex: "F" }],
      disability: [
        { disa_person_id: "K1", disa_disability_code: "INC" },
        { disa_person_id: "K1", disa_disability_code: "LD" },
        { disa_person_id: "K1", disa_disability_code: "INC" },
        { disa_person_id: "K1", disa_disability_code: "" },
      ],
      episodes: [{ cine_referral_id: "R1", cine_person_id: "K1", cine_referral_date: "2024-05-01", cine_referral_source_code: "5A", cine_cin_primary_need_code: "N1", cine_referral_nfa: "N" }],
      assessments: [{ cina_assessment_id: "A1", cina_person_id: "K1", cina_referral_id: "R1", cina_assessment_start_date: "2024-05-02", cina_assessment_auth_date: "2024-06-10" }],
      factors: [
        { cinf_assessment_id: "A1", cinf_assessment_factors_json: '["3A","4B","3A"]' },
        { cinf_assessment_id: "A1", cinf_assessment_factors_json: '["4B","2C"]' },
      ],
      plans: [],
      s47: [],
      icpc: [],
      cpp: [{ cppl_cp_plan_id: "CP1", cppl_referral_id: "R1", cppl_person_id: "K1", cppl_cp_plan_start_date: "2024-06-20", cppl_cp_plan_initial_category: "NEG", cppl_cp_plan_latest_category: "NEG" }],
      cpReviews: [
        { cppr_cp_plan_id: "CP1", cppr_cp_review_date: "2024-09-20" },
        { cppr_cp_plan_id: "CP1", cppr_cp_review_date: "2024-09-20" },
        { cppr_cp_plan_id: "CP1", cppr_cp_review_date: "2024-08-20" },
      ],
    },
    year,
  );
  const x = cinChildXml(ix, "K1");
  const all = (tag: string) => [...x.matchAll(new RegExp(`<${tag}>([^<]+)</${tag}>`, "g"))].map((m) => m[1]);
  assert.deepEqual(all("Disability"), ["INC", "LD"]);
  assert.deepEqual(all("AssessmentFactors"), ["3A", "4B", "2C"]);
  assert.deepEqual(all("CPPreviewDate"), ["2024-08-20", "2024-09-20"]);
});

test("a census that cannot be written rejects with the file-system error (no unhandled 'error' event)", async () => {
  // A store with one authority and empty tables: enough to reach the writing.
  const store = { all: async (sql: string) => (sql.includes("lantern_latest_snapshot") ? [{ la_code: "X001", snapshot_id: 1 }] : []) } as unknown as Store;
  await assert.rejects(exportCinCensus(store, { period: year, out: "/nonexistent-lantern-folder/cin.xml", actor: "test" }), (e: NodeJS.ErrnoException) => e.code === "ENOENT" && e.syscall === "open");
});
