// The statutory-return writers end to end, for three synthetic authorities (seeds 1 to 3): each
// one's SSDA903 and CIN census for 2024-25, and its Annex A for the 12 months to March 2025, are
// written by `lantern export`, read back by Lantern's own readers into fresh stores,
// and every figure the return can carry comes back the same, month by month, quarter by quarter
// and for the year (Annex A also for seed 8, whose first contact in the year is on 2 April, and
// written again from what was read). The returns pass every structural check and DfE rule (the generator makes
// data a council's system would accept), the exports are audited, and the writers' pure parts are
// checked on hand-built rows: a return is as at its year's end.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parsePeriod } from "../src/calendar/periods.ts";
import { main } from "../src/cli/main.ts";
import type { Output } from "../src/cli/output.ts";
import { storedValues } from "../src/kpi/compute.ts";
import { CinIndex, cinChildXml } from "../src/formats/writers/cin-census.ts";
import { ssda903Tables } from "../src/formats/writers/ssda903.ts";
import { openStore, storeConfig } from "../src/store/open.ts";
import { tempDir } from "./fixtures.ts";

const quiet: Output = { out: () => {}, err: () => {}, isTTY: false, color: false };
function capture(): Output & { text: () => string } {
  let s = "";
  return { out: (t) => (s += t), err: () => {}, isTTY: false, color: false, text: () => s };
}

/** Runs a command that must succeed; on failure the assertion shows everything it said. */
async function ok(args: string[]): Promise<void> {
  let said = "";
  const o: Output = { out: (t) => (said += t), err: (t) => (said += t), isTTY: false, color: false };
  const code = await main(args, o);
  assert.equal(code, 0, `lantern ${args.join(" ")} exited ${code}:\n${said.slice(-4000)}`);
}

/** Every stored headline value of the indicators, in periods inside 2024-25, by key. */
async function valuesIn(dir: string, indicators: readonly string[], yearEndOnly: readonly string[] = []): Promise<Map<string, number | null>> {
  const store = await openStore(storeConfig(dir, {}));
  try {
    const out = new Map<string, number | null>();
    const [latest] = await store.all<{ id: number }>(`SELECT max(snapshot_id) AS id FROM lantern_snapshot`);
    for (const v of await storedValues(store, { snapshots: [latest!.id], indicators: [...indicators] })) {
      const p = parsePeriod(v.period);
      if (!p || v.breakdown || p.kind === "rolling" || p.start < "2024-04-01" || p.end > "2025-03-31") continue;
      // Figures over the 12 months to a date look back before the year: a return carries them at its year end.
      if (yearEndOnly.includes(v.indicator) && p.end !== "2025-03-31") continue;
      out.set(`${v.indicator} ${v.period}`, v.value);
    }
    return out;
  } finally {
    await store.close();
  }
}

/** Children-in-care figures over the 12 months to the period's end. */
const LOOKBACK = ["cla_3plus_placements_pct", "cla_multiple_sw_pct"];
// Not the care-leaver figures: the generator dates each care leaver's one record near the extract's
// end (September 2025), which a return as at 31 March 2025 cannot carry (OC3 holds the records made
// by the year's end: see the writer's own tests).
const CARE = ["cla_at_end", "cla_started", "cla_ceased", "cla_3plus_placements_pct", "cla_other_placements_pct", "cla_uasc_at_end", "cla_missing_pct", "cla_away_pct", "cla_multiple_sw_pct"];
const NEED = ["referrals", "referral_nfa_pct", "cin_at_end", "cin_plans_started", "s47_started", "icpc", "icpc_15wd_pct", "cpp_started", "cpp_second_pct", "cpp_at_end", "cpp_2yr_open_pct", "cpp_2yr_ceased_pct"];

/** What Annex A's lists carry in full for their window (no look-back, no visits, no placement history). */
const ANNEX = ["contacts", "referrals", "referral_nfa_pct", "assessments_completed", "assess_45wd_pct", "assess_median_wd", "eh_started", "cin_at_end", "s47_started", "icpc_15wd_pct", "cpp_started", "cpp_at_end", "cla_at_end", "cla_started", "cla_ceased", "cla_uasc_at_end", "cl_in_touch_pct", "cl_eet_pct"];

/**
 * Annex A for the 12 months to March 2025 from the store `src`, read back into a fresh store: the
 * same figures for what its lists carry, from April; and written again from what was read and read
 * back, the same figures again, every one.
 */
async function annexRoundTrip(dir: string, src: string): Promise<void> {
  const out = join(dir, "annex-a.xlsx");
  const said = capture();
  assert.equal(await main(["export", "--format", "annex-a", "--period", "2024-25", "--out", out, "--data", src, "--json"], said), 0);
  const r = JSON.parse(said.text()) as { files: { file: string; rows: number }[] };
  assert.deepEqual(
    r.files.map((f) => f.file),
    Array.from({ length: 11 }, (_, i) => `List ${i + 1}`),
  );
  assert.ok(r.files[0]!.rows > 100, "contacts in the window");
  const back = join(dir, "annex-store");
  await ok(["import", out, "--authority", "X001", "--data", back]);
  // Every month, quarter and the year from 1 April, though the first contact may come later (1 April
  // 2024 was Easter Monday); but for ICPCs within 15 working days, from May: a conference in April
  // may follow an enquiry begun in March, which List 5 (enquiries begun in the window) does not hold.
  const fromMay = (m: Map<string, number | null>) => new Map([...m].filter(([k]) => !k.startsWith("icpc_15wd_pct ") || parsePeriod(k.split(" ")[1]!)!.start >= "2024-05-01"));
  const before = fromMay(await valuesIn(src, ANNEX));
  const after = await valuesIn(back, ANNEX);
  assert.ok(before.size >= (ANNEX.length - 1) * 17 + 14, `${before.size} values compared`);
  assert.deepEqual([...before].filter(([k, v]) => after.get(k) !== v).map(([k, v]) => `${k}: ${v} → ${after.get(k)}`), []);
  // List 8 holds each child's latest placement: three or more placements has no value, never 0.
  const three = await valuesIn(back, ["cla_3plus_placements_pct"]);
  assert.equal(three.size, 17);
  assert.deepEqual([...three].filter(([, v]) => v !== null), []);
  // Written again for the same year from the store it was read into, and read back: the same figures, every one.
  const again = join(dir, "annex-a-again.xlsx");
  await ok(["export", "--format", "annex-a", "--period", "2024-25", "--out", again, "--data", back]);
  const back2 = join(dir, "annex-store-2");
  await ok(["import", again, "--authority", "X001", "--data", back2]);
  const all = [...new Set([...ANNEX, ...CARE, ...NEED, "cla_3plus_placements_pct"])];
  const first = await valuesIn(back, all);
  const second = await valuesIn(back2, all);
  assert.ok(first.size >= ANNEX.length * 17, `${first.size} values compared`);
  assert.deepEqual([...first].filter(([k, v]) => second.get(k) !== v).map(([k, v]) => `${k}: ${v} → ${second.get(k)}`), []);
}

for (const seed of [1, 2, 3]) describe(`SSDA903, CIN census and Annex A round trips, synthetic authority seed ${seed}`, () => {
  const t = tempDir("lantern-returns-");
  const src = join(t.dir, "source");
  before(async () => {
    const gen = join(t.dir, "generated");
    await ok(["generate", "--out", gen, "--seed", String(seed), "--population", "5000", "--from", "2021-04", "--to", "2025-09"]);
    await ok(["import", gen, "--data", src]);
  });
  after(() => t.cleanup());

  test("the SSDA903 for 2024-25 reads back with the same children-in-care and care-leaver figures", async () => {
    const out = join(t.dir, "903");
    const said = capture();
    assert.equal(await main(["export", "--format", "ssda903", "--period", "2024-25", "--out", out, "--data", src, "--json"], said), 0);
    const r = JSON.parse(said.text()) as { authority: string; period: string; files: { file: string; rows: number }[] };
    assert.equal(r.authority, "X001");
    assert.ok(r.files.find((f) => f.file === "episodes.csv")!.rows > 20);
    const episodes = readFileSync(join(out, "episodes.csv"), "utf8").split("\r\n");
    assert.equal(episodes[0], "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN");
    // As at 31 March 2025: no date after the year's end.
    for (const line of episodes.slice(1).filter(Boolean)) {
      const dec = line.split(",")[7]!;
      if (dec) assert.ok(dec.split("/").reverse().join("-") <= "2025-03-31", line);
    }
    // OC3: only young people with their 17th to 21st birthday in the year (DfE rule 391).
    const oc3 = existsSync(join(out, "oc3.csv")) ? readFileSync(join(out, "oc3.csv"), "utf8").split("\r\n").slice(1).filter(Boolean) : [];
    for (const line of oc3) {
      const [, m, y] = line.split(",")[1]!.split("/").map(Number) as [number, number, number];
      const turns = (m > 3 ? 2024 : 2025) - y;
      assert.ok(turns >= 17 && turns <= 21, line);
    }
    // It passes every structural check and every DfE rule Lantern runs.
    const report = join(t.dir, "903-report.json");
    await ok(["validate", out, "--report", report]);
    const issues = (JSON.parse(readFileSync(report, "utf8")) as { issues: { code: string; severity: string; message: string }[] }).issues;
    assert.deepEqual(issues.filter((i) => i.severity === "error").map((i) => `${i.code}: ${i.message}`), []);
    const back = join(t.dir, "903-store");
    await ok(["import", out, "--authority", "X001", "--data", back]);
    const before = await valuesIn(src, CARE, LOOKBACK);
    const after = await valuesIn(back, CARE, LOOKBACK);
    assert.ok(before.size >= (CARE.length - LOOKBACK.length) * 17, `${before.size} values compared`);
    assert.deepEqual([...before].filter(([k, v]) => after.get(k) !== v).map(([k, v]) => `${k}: ${v} → ${after.get(k)}`), []);
  });

  test("the SSDA903 read back and exported again is the same files, byte for byte", async () => {
    // The store the test before read its export into: exported again, every table in the same order.
    const first = join(t.dir, "903");
    const again = join(t.dir, "903-again");
    await ok(["export", "--format", "ssda903", "--period", "2024-25", "--out", again, "--data", join(t.dir, "903-store")]);
    assert.deepEqual(readdirSync(again).sort(), readdirSync(first).sort());
    for (const f of readdirSync(first)) assert.ok(readFileSync(join(again, f)).equals(readFileSync(join(first, f))), `${f} differs after a round trip`);
  });

  test("the CIN census for 2024-25 reads back with the same children-in-need and child-protection figures", async () => {
    const out = join(t.dir, "cin.xml");
    await ok(["export", "--format", "cin-census", "--period", "2024-25", "--out", out, "--data", src]);
    const xml = readFileSync(out, "utf8");
    assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<Message>\n {2}<Header>\n {4}<CollectionDetails>\n {6}<Collection>CIN<\/Collection>\n {6}<Year>2025<\/Year>\n {6}<ReferenceDate>2025-03-31<\/ReferenceDate>/);
    assert.match(xml, /<LEA>X001<\/LEA>/);
    assert.ok(xml.endsWith("  </Children>\n</Message>\n"));
    for (const d of xml.matchAll(/<(CINclosureDate|CPPendDate|CINPlanEndDate|AssessmentAuthorisationDate)>([^<]+)</g)) assert.ok(d[2]! <= "2025-03-31", d[0]);
    // No errors; the DfE's queries (an assessment open past 45 working days) are warnings, as in a real census.
    const report = join(t.dir, "cin-report.json");
    await ok(["validate", out, "--report", report]);
    const issues = (JSON.parse(readFileSync(report, "utf8")) as { issues: { code: string; severity: string; message: string }[] }).issues;
    assert.deepEqual(issues.filter((i) => i.severity === "error").map((i) => `${i.code}: ${i.message}`), []);
    const back = join(t.dir, "cin-store");
    // No --authority: the census names its LA in its header.
    await ok(["import", out, "--data", back]);
    const before = await valuesIn(src, NEED);
    const after = await valuesIn(back, NEED);
    assert.ok(before.size >= NEED.length * 17, `${before.size} values compared`);
    assert.deepEqual([...before].filter(([k, v]) => after.get(k) !== v).map(([k, v]) => `${k}: ${v} → ${after.get(k)}`), []);
    // Read back and written again, it is the same document, element for element (but its DateTime).
    const again = join(t.dir, "cin-again.xml");
    await ok(["export", "--format", "cin-census", "--period", "2024-25", "--out", again, "--data", back]);
    const noTime = (s: string) => s.replace(/<DateTime>[^<]*<\/DateTime>/, "");
    assert.equal(noTime(readFileSync(again, "utf8")), noTime(xml));
  });

  test("Annex A for the 12 months to March 2025 reads back with the same figures for what its lists carry, from April, and is written again the same from what was read", async () => {
    await annexRoundTrip(t.dir, src);
  });

  test("both exports are in the audit log", async () => {
    const o = capture();
    assert.equal(await main(["audit", "--json", "--data", src], o), 0);
    const actions = (JSON.parse(o.text()) as { entries: { action: string }[] }).entries.map((e) => e.action);
    assert.ok(actions.includes("export.ssda903"));
    assert.ok(actions.includes("export.cin_census"));
    assert.ok(actions.includes("export.annex_a"));
  });

  test("an export needs a collection year, and says so", async () => {
    const o = { ...quiet, err: (s: string) => (msg += s) };
    let msg = "";
    assert.equal(await main(["export", "--format", "ssda903", "--out", join(t.dir, "x"), "--data", src], o), 1);
    assert.match(msg, /needs --period, the collection year/);
    msg = "";
    assert.equal(await main(["export", "--format", "cin-census", "--period", "2024-25-Q1", "--out", join(t.dir, "x.xml"), "--data", src], o), 1);
    assert.match(msg, /is not a financial year/);
    assert.deepEqual(readdirSync(t.dir).filter((f) => f.startsWith("x")), []);
  });
});

// Seed 8's first contact of 2024-25 is on 2 April (1 April 2024 was Easter Monday): the lists'
// window, and so the data read back, still starts on 1 April.
describe("Annex A round trip, synthetic authority seed 8, whose first contact in 2024-25 is on 2 April", () => {
  const t = tempDir("lantern-annex-");
  const src = join(t.dir, "source");
  before(async () => {
    const gen = join(t.dir, "generated");
    await ok(["generate", "--out", gen, "--seed", "8", "--population", "5000", "--from", "2021-04", "--to", "2025-09"]);
    await ok(["import", gen, "--data", src]);
  });
  after(() => t.cleanup());

  test("the figures from 1 April come back, and the year can be written again", async () => {
    const store = await openStore(storeConfig(src, {}));
    try {
      const [first] = await store.all<{ d: string }>(`SELECT CAST(min(cont_contact_date) AS VARCHAR) AS d FROM current_ssd_contacts WHERE cont_contact_date >= DATE '2024-04-01'`);
      assert.equal(first!.d, "2024-04-02");
    } finally {
      await store.close();
    }
    await annexRoundTrip(t.dir, src);
  });
});

describe("the writers on hand-built rows", () => {
  const year = parsePeriod("2024-25")!;

  test("903: each episode with its placement and the legal status on its start date; later dates blank", () => {
    const tables = ssda903Tables(
      {
        person: [{ pers_person_id: "C1", pers_sex: "F", pers_dob: "2012-05-04", pers_ethnicity: "WBRI", pers_upn: "A1", pers_is_mother: "N" }],
        episodes: [
          { clae_person_id: "C1", clae_cla_placement_id: "P1", clae_cla_episode_start_date: "2024-01-10", clae_cla_episode_start_reason: "S", clae_cla_primary_need_code: "N1", clae_cla_episode_ceased_date: "2024-06-01", clae_cla_episode_ceased_reason: "X1" },
          { clae_person_id: "C1", clae_cla_placement_id: "P2", clae_cla_episode_start_date: "2024-06-01", clae_cla_episode_start_reason: "T", clae_cla_primary_need_code: "N1", clae_cla_episode_ceased_date: "2025-05-01", clae_cla_episode_ceased_reason: "E11" },
          // Ended before the year: not in this return.
          { clae_person_id: "C1", clae_cla_placement_id: "P0", clae_cla_episode_start_date: "2023-01-01", clae_cla_episode_start_reason: "S", clae_cla_episode_ceased_date: "2023-02-01", clae_cla_episode_ceased_reason: "E13" },
        ],
        placements: [
          { clap_cla_placement_id: "P1", clap_cla_placement_type: "U4", clap_cla_placement_provider: "PR1", clap_cla_placement_change_reason: "CARPL" },
          { clap_cla_placement_id: "P2", clap_cla_placement_type: "K2", clap_cla_placement_provider: "PR4", clap_cla_placement_urn: "SC123456", clap_cla_placement_change_reason: "OTHER" },
        ],
        legal: [
          { lega_person_id: "C1", lega_legal_status: "V2", lega_legal_status_start_date: "2024-01-10", lega_legal_status_end_date: "2024-06-01" },
          { lega_person_id: "C1", lega_legal_status: "C2", lega_legal_status_start_date: "2024-06-01", lega_legal_status_end_date: null },
        ],
        reviews: [{ clar_cla_person_id: "C1", clar_cla_review_date: "2024-07-01", clar_cla_review_participation: "PN1" }],
        immigration: [],
        missing: [{ miss_person_id: "C1", miss_missing_episode_start_date: "2025-03-30", miss_missing_episode_end_date: "2025-04-02", miss_missing_episode_type: "Missing" }],
        careLeavers: [],
        permanence: [],
        involvements: [],
      },
      year,
    );
    assert.deepEqual(tables.Header, [["C1", "F", "04/05/2012", "WBRI", "A1", "0", ""]]);
    assert.deepEqual(tables.Episodes, [
      ["C1", "10/01/2024", "S", "V2", "N1", "U4", "PR1", "01/06/2024", "X1", "CARPL", "", "", ""],
      // Open on 31 March 2025: no end date, reason or change reason yet.
      ["C1", "01/06/2024", "T", "C2", "N1", "K2", "PR4", "", "", "", "", "", "SC123456"],
    ]);
    assert.deepEqual(tables.Reviews, [["C1", "04/05/2012", "01/07/2024", "PN1"]]);
    assert.deepEqual(tables.Missing, [["C1", "04/05/2012", "M", "30/03/2025", ""]]);
  });

  test("CIN census: one child's XML, an unlinked assessment nested in the episode open on its date", () => {
    const ix = new CinIndex(
      {
        person: [{ pers_person_id: "K1", pers_dob: "2015-02-03", pers_sex: "M", pers_ethnicity: "BAFR", pers_upn: "U1" }],
        disability: [{ disa_person_id: "K1", disa_disability_code: "HAND" }],
        episodes: [{ cine_referral_id: "R1", cine_person_id: "K1", cine_referral_date: "2024-05-01", cine_referral_source_code: "5A", cine_cin_primary_need_code: "N1", cine_referral_nfa: "N", cine_close_date: "2025-06-30", cine_close_reason: "RC1" }],
        assessments: [{ cina_assessment_id: "A1", cina_person_id: "K1", cina_referral_id: null, cina_assessment_start_date: "2024-05-02", cina_assessment_auth_date: "2024-06-10" }],
        factors: [{ cinf_assessment_id: "A1", cinf_assessment_factors_json: '["3A","4B"]' }],
        plans: [],
        s47: [{ s47e_s47_enquiry_id: "S1", s47e_referral_id: "R1", s47e_person_id: "K1", s47e_s47_start_date: "2024-05-03", s47e_s47_end_date: "2024-05-20", s47e_s47_nfa: "N" }],
        icpc: [{ icpc_s47_enquiry_id: "S1", icpc_referral_id: "R1", icpc_icpc_date: "2024-05-20", icpc_icpc_target_date: "2024-05-24" }],
        cpp: [{ cppl_cp_plan_id: "CP1", cppl_referral_id: "R1", cppl_person_id: "K1", cppl_cp_plan_start_date: "2024-05-20", cppl_cp_plan_end_date: null, cppl_cp_plan_initial_category: "NEG", cppl_cp_plan_latest_category: "EMO" }],
        cpReviews: [{ cppr_cp_plan_id: "CP1", cppr_cp_review_date: "2024-08-20" }],
      },
      year,
    );
    assert.deepEqual(ix.children, ["K1"]);
    const x = cinChildXml(ix, "K1");
    const flat = x.replace(/\n\s*/g, "").trim();
    assert.equal(
      flat,
      "<Child><ChildIdentifiers><LAchildID>K1</LAchildID><UPN>U1</UPN><PersonBirthDate>2015-02-03</PersonBirthDate><Sex>M</Sex></ChildIdentifiers>" +
        "<ChildCharacteristics><Ethnicity>BAFR</Ethnicity><Disabilities><Disability>HAND</Disability></Disabilities></ChildCharacteristics>" +
        // Closed after the reference date: open in the census, so no closure date or reason.
        "<CINdetails><CINreferralDate>2024-05-01</CINreferralDate><ReferralSource>5A</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode>" +
        "<Assessments><AssessmentActualStartDate>2024-05-02</AssessmentActualStartDate><AssessmentAuthorisationDate>2024-06-10</AssessmentAuthorisationDate><FactorsIdentifiedAtAssessment><AssessmentFactors>3A</AssessmentFactors><AssessmentFactors>4B</AssessmentFactors></FactorsIdentifiedAtAssessment></Assessments>" +
        "<Section47><S47ActualStartDate>2024-05-03</S47ActualStartDate><InitialCPCtarget>2024-05-24</InitialCPCtarget><DateOfInitialCPC>2024-05-20</DateOfInitialCPC><ICPCnotRequired>0</ICPCnotRequired></Section47>" +
        // After the section 47s (the XSD's order), yes/no as 0/1; no earlier plan held, so 0 previous plans.
        "<ReferralNFA>0</ReferralNFA>" +
        "<ChildProtectionPlans><CPPstartDate>2024-05-20</CPPstartDate><InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse><LatestCategoryOfAbuse>EMO</LatestCategoryOfAbuse><NumberOfPreviousCPP>0</NumberOfPreviousCPP><Reviews><CPPreviewDate>2024-08-20</CPPreviewDate></Reviews></ChildProtectionPlans>" +
        "</CINdetails></Child>",
    );
  });
});
