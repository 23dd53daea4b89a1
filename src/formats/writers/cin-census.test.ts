// The CIN census writer on hand-built rows: codes an SSD extract repeats are written once (a
// disability per child, DfE rule 8794; a factor per assessment, 8898; a review date per plan); the
// document follows the XSD's sequences (the order of the DfE's sample census) with its yes/no as
// 0/1 and NumberOfPreviousCPP on every plan; and a file that cannot be written rejects the
// export's promise rather than crashing the process.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { tempDir } from "../../../test/fixtures.ts";
import { parsePeriod } from "../../calendar/periods.ts";
import type { Store } from "../../store/port.ts";
import { readXmlRecords, type XmlNode } from "../xml.ts";
import { CIN_FOOTER, CinIndex, type CinSource, cinChildXml, cinHeaderXml, exportCinCensus } from "./cin-census.ts";

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

/** The CIN census XSD's sequences (CIN_schema_2025.xsd), container by container. */
const XSD_ORDER: Record<string, readonly string[]> = {
  Message: ["Header", "Children"],
  Header: ["CollectionDetails", "Source"],
  CollectionDetails: ["Collection", "Year", "ReferenceDate"],
  Source: ["SourceLevel", "LEA", "SoftwareCode", "Release", "SerialNo", "DateTime"],
  Children: ["Child"],
  Child: ["ChildIdentifiers", "ChildCharacteristics", "CINdetails"],
  ChildIdentifiers: ["LAchildID", "UPN", "FormerUPN", "UPNunknown", "PersonBirthDate", "ExpectedPersonBirthDate", "Sex", "PersonDeathDate"],
  ChildCharacteristics: ["Ethnicity", "Disabilities"],
  Disabilities: ["Disability"],
  CINdetails: ["CINreferralDate", "ReferralSource", "PrimaryNeedCode", "CINclosureDate", "ReasonForClosure", "DateOfInitialCPC", "Assessments", "CINPlanDates", "Section47", "ReferralNFA", "ChildProtectionPlans"],
  Assessments: ["AssessmentActualStartDate", "AssessmentInternalReviewDate", "AssessmentAuthorisationDate", "FactorsIdentifiedAtAssessment"],
  FactorsIdentifiedAtAssessment: ["AssessmentFactors"],
  CINPlanDates: ["CINPlanStartDate", "CINPlanEndDate"],
  Section47: ["S47ActualStartDate", "InitialCPCtarget", "DateOfInitialCPC", "ICPCnotRequired"],
  ChildProtectionPlans: ["CPPstartDate", "CPPendDate", "InitialCategoryOfAbuse", "LatestCategoryOfAbuse", "NumberOfPreviousCPP", "Reviews"],
  Reviews: ["CPPreviewDate"],
};

async function readDoc(xml: string): Promise<XmlNode> {
  const t = tempDir("lantern-cin-writer-");
  try {
    const f = join(t.dir, "cin.xml");
    writeFileSync(f, xml);
    for await (const { node } of readXmlRecords(f, (p) => p.length === 1)) return node;
    throw new Error("no document");
  } finally {
    t.cleanup();
  }
}

/** Every element whose children are out of the XSD's order (or not in it), as "Parent: child after child". */
function outOfOrder(n: XmlNode, out: string[] = []): string[] {
  const seq = XSD_ORDER[n.name];
  if (seq) {
    let at = 0;
    for (const c of n.children) {
      const i = seq.indexOf(c.name);
      if (i < 0) out.push(`${n.name}: ${c.name} is not in its sequence`);
      else if (i < at) out.push(`${n.name}: ${c.name} after ${seq[at]}`);
      else at = i;
    }
  }
  for (const c of n.children) outOfOrder(c, out);
  return out;
}

const all = (n: XmlNode, name: string): XmlNode[] => [...(n.name === name ? [n] : []), ...n.children.flatMap((c) => all(c, name))];

/** One child with every part of a CIN details block, and an earlier plan outside the census year. */
const FULL: CinSource = {
  person: [{ pers_person_id: "K1", pers_upn: "A950000178301", pers_dob: "2015-02-03", pers_sex: "F", pers_ethnicity: "WBRI" }],
  disability: [{ disa_person_id: "K1", disa_disability_code: "LD" }],
  episodes: [{ cine_referral_id: "R1", cine_person_id: "K1", cine_referral_date: "2024-05-01", cine_referral_source_code: "5A", cine_cin_primary_need_code: "N1", cine_referral_nfa: "N", cine_close_date: "2025-02-01", cine_close_reason: "RC1" }],
  assessments: [{ cina_assessment_id: "A1", cina_person_id: "K1", cina_referral_id: "R1", cina_assessment_start_date: "2024-05-02", cina_assessment_auth_date: "2024-06-10" }],
  factors: [{ cinf_assessment_id: "A1", cinf_assessment_factors_json: '["3A"]' }],
  plans: [{ cinp_cin_plan_id: "P1", cinp_referral_id: "R1", cinp_person_id: "K1", cinp_cin_plan_start_date: "2024-06-11", cinp_cin_plan_end_date: "2024-06-20" }],
  s47: [{ s47e_s47_enquiry_id: "S1", s47e_referral_id: "R1", s47e_person_id: "K1", s47e_s47_start_date: "2024-06-03", s47e_s47_end_date: "2024-06-19", s47e_s47_nfa: "N" }],
  icpc: [{ icpc_icpc_id: "I1", icpc_s47_enquiry_id: "S1", icpc_referral_id: "R1", icpc_person_id: "K1", icpc_icpc_target_date: "2024-06-24", icpc_icpc_date: "2024-06-19" }],
  cpp: [
    { cppl_cp_plan_id: "CP0", cppl_referral_id: "R0", cppl_person_id: "K1", cppl_cp_plan_start_date: "2021-01-05", cppl_cp_plan_end_date: "2021-09-01", cppl_cp_plan_initial_category: "EMO", cppl_cp_plan_latest_category: "EMO" },
    { cppl_cp_plan_id: "CP1", cppl_referral_id: "R1", cppl_person_id: "K1", cppl_cp_plan_start_date: "2024-06-20", cppl_cp_plan_end_date: "2025-01-20", cppl_cp_plan_initial_category: "NEG", cppl_cp_plan_latest_category: "NEG" },
  ],
  cpReviews: [{ cppr_cp_plan_id: "CP1", cppr_cp_review_date: "2024-09-20" }],
};

test("the census follows the XSD's sequences, which are the DfE sample's order: ReferralNFA after the section 47s and before the plans", async () => {
  const sample = await readDoc(readFileSync(fileURLToPath(new URL("../../../../shared/samples/cin_census_fake/CIN_Census_2024.xml", import.meta.url)), "utf8"));
  assert.deepEqual(outOfOrder(sample), [], "the sample is in the XSD's order");
  const doc = await readDoc(cinHeaderXml("202", year, new Date("2025-05-01T09:00:00Z")) + cinChildXml(new CinIndex(FULL, year), "K1") + CIN_FOOTER);
  assert.deepEqual(outOfOrder(doc), []);
  const details = all(doc, "CINdetails")[0]!;
  assert.deepEqual(
    details.children.map((c) => c.name),
    ["CINreferralDate", "ReferralSource", "PrimaryNeedCode", "CINclosureDate", "ReasonForClosure", "Assessments", "CINPlanDates", "Section47", "ReferralNFA", "ChildProtectionPlans"],
  );
});

test("yes/no is written 1 or 0 (the XSD's yesnotype), and each plan says its number of previous plans: the earlier plans held, or the count recorded, whichever is more, else 0", async () => {
  const text = (n: XmlNode, name: string) => all(n, name).map((x) => x.text);
  const doc = await readDoc(cinChildXml(new CinIndex(FULL, year), "K1"));
  assert.deepEqual(text(doc, "ReferralNFA"), ["0"]);
  assert.deepEqual(text(doc, "ICPCnotRequired"), ["0"]);
  assert.deepEqual(text(doc, "NumberOfPreviousCPP"), ["1"], "the 2021 plan is held though outside the census");
  const nfa = await readDoc(cinChildXml(new CinIndex({ ...FULL, episodes: [{ ...FULL.episodes[0]!, cine_referral_nfa: "Y" }], s47: [{ ...FULL.s47[0]!, s47e_s47_nfa: "Y" }] }, year), "K1"));
  assert.deepEqual([...text(nfa, "ReferralNFA"), ...text(nfa, "ICPCnotRequired")], ["1", "1"]);
  const only = [FULL.cpp[1]!];
  const counted = await readDoc(cinChildXml(new CinIndex({ ...FULL, cpp: [{ ...only[0]!, cppl_previous_plans: 3 }] }, year), "K1"));
  assert.deepEqual(text(counted, "NumberOfPreviousCPP"), ["3"]);
  const none = await readDoc(cinChildXml(new CinIndex({ ...FULL, cpp: only }, year), "K1"));
  assert.deepEqual(text(none, "NumberOfPreviousCPP"), ["0"]);
});
