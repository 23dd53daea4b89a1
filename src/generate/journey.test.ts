// Every generated journey is consistent with itself, for many seeds, sizes, spans and authority
// leanings (property test over the in-memory rows; no disk). No data-quality faults are modelled
// on purpose, so every rule here must hold without exception.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { addYears } from "../calendar/dates.ts";
import { defaultCalendar } from "../calendar/working-days.ts";
import { validUpn } from "../formats/rules/upn.ts";
import { SSD_TABLES } from "../store/ssd-schema.ts";
import { authoritySpecs, generateAuthorityRows } from "./index.ts";
import type { AuthorityRows, Row } from "./rows.ts";

const num = (v: unknown): number | null => (typeof v === "number" ? v : null);

/** Every consistency rule a set of journeys must keep; returns the broken ones (first few per rule). */
export function journeyProblems(rows: AuthorityRows, toDay: number): string[] {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  const fail = (rule: string, detail: string) => {
    const n = seen.get(rule) ?? 0;
    seen.set(rule, n + 1);
    if (n < 3) problems.push(`${rule}: ${detail}`);
  };
  const get = (t: string): Row[] => rows.get(t) ?? [];
  for (const name of rows.keys()) if (!SSD_TABLES.some((t) => t.name === name)) fail("unknown table", name);

  // Keys unique; required cells present; references resolve; dates in order and within the extract.
  const keys = new Map<string, Set<string>>();
  for (const t of SSD_TABLES) {
    const set = new Set<string>();
    for (const r of get(t.name)) {
      const k = r[t.key];
      if (typeof k !== "string" || k === "") fail("key blank", t.name);
      else if (set.has(k)) fail("duplicate key", `${t.name} ${k}`);
      else set.add(k);
    }
    keys.set(t.name, set);
  }
  const person = keys.get("ssd_person")!;
  // Every UPN one the DfE's rules accept (check letter, LA code, digits: 903 168, CIN 1510-1550), so an export validates clean.
  for (const r of get("ssd_person")) if (r["pers_upn"] !== null && !validUpn(String(r["pers_upn"]))) fail("UPN invalid", `${r["pers_person_id"]} ${r["pers_upn"]}`);
  const link = (table: string, col: string, target: Set<string>) => {
    for (const r of get(table)) {
      const v = r[col];
      if (v !== null && v !== undefined && !target.has(String(v))) fail("dangling id", `${table}.${col} ${v}`);
    }
  };
  for (const t of SSD_TABLES) {
    for (const c of t.columns) {
      if (c.required) for (const r of get(t.name)) if (r[c.name] === null || r[c.name] === undefined || r[c.name] === "") fail("required blank", `${t.name}.${c.name}`);
      if (c.references) link(t.name, c.name, keys.get(c.references.split(".")[0]!)!);
      if (c.name.endsWith("_person_id")) link(t.name, c.name, person);
      if (c.kind === "date") for (const r of get(t.name)) if ((num(r[c.name]) ?? 0) > toDay) fail("after the extract", `${t.name}.${c.name}`);
      if (c.codes) for (const r of get(t.name)) if (r[c.name] !== null && r[c.name] !== undefined && !c.codes.includes(String(r[c.name]))) fail("bad code", `${t.name}.${c.name} ${r[c.name]}`);
    }
    for (const [a, b] of t.dateOrder ?? []) for (const r of get(t.name)) if (num(r[b]) !== null && num(r[b])! < num(r[a])!) fail("end before start", `${t.name} ${r[t.key]}: ${b} < ${a}`);
  }
  // Links the registry does not declare.
  const workers = keys.get("ssd_professionals")!;
  const teams = keys.get("ssd_department")!;
  for (const [t, col] of [
    ["ssd_cin_episodes", "cine_referral_worker_id"],
    ["ssd_cin_assessments", "cina_assessment_worker_id"],
    ["ssd_cin_plans", "cinp_cin_plan_worker_id"],
    ["ssd_s47_enquiry", "s47e_s47_completed_by_worker_id"],
    ["ssd_initial_cp_conference", "icpc_icpc_worker_id"],
    ["ssd_care_leavers", "clea_care_leaver_worker_id"],
  ] as const)
    link(t, col, workers);
  for (const [t, col] of [
    ["ssd_cin_episodes", "cine_referral_team"],
    ["ssd_involvements", "invo_professional_team"],
    ["ssd_professionals", "prof_professional_department"],
  ] as const)
    link(t, col, teams);
  link("ssd_initial_cp_conference", "icpc_cp_plan_id", keys.get("ssd_cp_plans")!);
  const claIds = new Set(get("ssd_cla_episodes").map((e) => String(e["clae_cla_id"])));
  link("ssd_cla_placement", "clap_cla_id", claIds);
  link("ssd_cla_reviews", "clar_cla_id", claIds);
  link("ssd_cla_visits", "clav_cla_id", claIds);
  link("ssd_permanence", "perm_cla_id", claIds);

  // The journey's order.
  const byId = (t: string, k: string) => new Map(get(t).map((r) => [String(r[k]), r]));
  const ref = byId("ssd_cin_episodes", "cine_referral_id");
  const s47 = byId("ssd_s47_enquiry", "s47e_s47_enquiry_id");
  const icpc = byId("ssd_initial_cp_conference", "icpc_icpc_id");
  const refDate = (id: unknown) => num(ref.get(String(id))?.["cine_referral_date"]);
  const samePerson = (t: string, r: Row, pcol: string, other: Row | undefined, ocol: string) => {
    if (other && other[ocol] !== r[pcol]) fail("linked record of another child", `${t} ${r[pcol]} vs ${other[ocol]}`);
  };
  for (const a of get("ssd_cin_assessments")) {
    if (num(a["cina_assessment_start_date"])! < (refDate(a["cina_referral_id"]) ?? -Infinity)) fail("assessment before referral", String(a["cina_assessment_id"]));
    samePerson("assessment", a, "cina_person_id", ref.get(String(a["cina_referral_id"])), "cine_person_id");
  }
  for (const q of s47.values()) {
    if (num(q["s47e_s47_start_date"])! < (refDate(q["s47e_referral_id"]) ?? -Infinity)) fail("s47 before referral", String(q["s47e_s47_enquiry_id"]));
    samePerson("s47", q, "s47e_person_id", ref.get(String(q["s47e_referral_id"])), "cine_person_id");
  }
  for (const p of get("ssd_cin_plans")) if (num(p["cinp_cin_plan_start_date"])! < (refDate(p["cinp_referral_id"]) ?? -Infinity)) fail("CIN plan before referral", String(p["cinp_cin_plan_id"]));
  for (const i of icpc.values()) {
    const q = i["icpc_s47_enquiry_id"] === null ? undefined : s47.get(String(i["icpc_s47_enquiry_id"]));
    if (q && num(i["icpc_icpc_date"])! < num(q["s47e_s47_start_date"])!) fail("conference before its enquiry", String(i["icpc_icpc_id"]));
    if (!q && i["icpc_icpc_transfer_in"] !== "Y") fail("conference without enquiry not a transfer-in", String(i["icpc_icpc_id"]));
    if (num(i["icpc_icpc_date"])! < (refDate(i["icpc_referral_id"]) ?? -Infinity)) fail("conference before referral", String(i["icpc_icpc_id"]));
    samePerson("icpc", i, "icpc_person_id", q, "s47e_person_id");
  }
  for (const p of get("ssd_cp_plans")) {
    const i = icpc.get(String(p["cppl_icpc_id"]));
    if (!i) fail("plan without conference", String(p["cppl_cp_plan_id"]));
    else {
      if (i["icpc_icpc_date"] !== p["cppl_cp_plan_start_date"]) fail("plan does not start at its conference", String(p["cppl_cp_plan_id"]));
      if (i["icpc_cp_plan_id"] !== p["cppl_cp_plan_id"]) fail("conference names another plan", String(p["cppl_cp_plan_id"]));
      samePerson("plan", p, "cppl_person_id", i, "icpc_person_id");
    }
    if (!["NEG", "PHY", "SAB", "EMO", "MUL"].includes(String(p["cppl_cp_plan_initial_category"]))) fail("bad category", String(p["cppl_cp_plan_initial_category"]));
  }
  const plans = byId("ssd_cp_plans", "cppl_cp_plan_id");
  for (const [t, pcol, dcol] of [
    ["ssd_cp_visits", "cppv_cp_plan_id", "cppv_cp_visit_date"],
    ["ssd_cp_reviews", "cppr_cp_plan_id", "cppr_cp_review_date"],
  ] as const) {
    for (const v of get(t)) {
      const p = plans.get(String(v[pcol]));
      const d = num(v[dcol])!;
      if (p && (d < num(p["cppl_cp_plan_start_date"])! || d > (num(p["cppl_cp_plan_end_date"]) ?? Infinity))) fail("outside its plan", `${t} ${d}`);
    }
  }

  // No overlapping placements, no overlapping periods of care, for any child.
  const overlaps = (label: string, spans: Map<string, [number, number][]>) => {
    for (const [p, list] of spans) {
      list.sort((x, y) => x[0] - y[0]);
      for (let i = 1; i < list.length; i++) if (list[i]![0] < list[i - 1]![1]) fail(label, p);
    }
  };
  const placements = new Map<string, [number, number][]>();
  for (const r of get("ssd_cla_placement")) {
    const p = String(r["clap_person_id"]);
    placements.set(p, [...(placements.get(p) ?? []), [num(r["clap_cla_placement_start_date"])!, num(r["clap_cla_placement_end_date"]) ?? toDay + 1]]);
  }
  overlaps("overlapping placements", placements);
  const periods = new Map<string, [number, number, string]>();
  const episodes = new Map<string, [number, number][]>();
  for (const r of get("ssd_cla_episodes")) {
    const k = String(r["clae_cla_id"]);
    const s = num(r["clae_cla_episode_start_date"])!;
    const e = num(r["clae_cla_episode_ceased_date"]) ?? toDay + 1;
    const cur = periods.get(k);
    if (cur && cur[2] !== r["clae_person_id"]) fail("period of care of two children", k);
    periods.set(k, cur ? [Math.min(cur[0], s), Math.max(cur[1], e), cur[2]] : [s, e, String(r["clae_person_id"])]);
    const p = String(r["clae_person_id"]);
    episodes.set(p, [...(episodes.get(p) ?? []), [s, e]]);
  }
  overlaps("overlapping episodes", episodes);
  const perChild = new Map<string, [number, number][]>();
  for (const [s, e, p] of periods.values()) perChild.set(p, [...(perChild.get(p) ?? []), [s, e]]);
  overlaps("overlapping periods of care", perChild);
  // Episodes of one period follow on without gaps.
  const byPeriod = new Map<string, [number, number][]>();
  for (const r of get("ssd_cla_episodes")) {
    const k = String(r["clae_cla_id"]);
    byPeriod.set(k, [...(byPeriod.get(k) ?? []), [num(r["clae_cla_episode_start_date"])!, num(r["clae_cla_episode_ceased_date"]) ?? toDay + 1]]);
  }
  for (const [k, list] of byPeriod) {
    list.sort((x, y) => x[0] - y[0]);
    for (let i = 1; i < list.length; i++) if (list[i]![0] !== list[i - 1]![1]) fail("gap or overlap between episodes of a period", k);
  }

  // Nothing before birth; nothing on or after the 18th birthday except care-leaver records (an
  // end date may fall on the birthday: care and other services end at 18, as the SSDA903 records).
  const dob = new Map(get("ssd_person").map((p) => [String(p["pers_person_id"]), num(p["pers_dob"])!]));
  const sendPerson = new Map(get("ssd_send").map((s) => [String(s["send_table_id"]), String(s["send_person_id"])]));
  const reqPerson = new Map(get("ssd_ehcp_requests").map((r) => [String(r["ehcr_ehcp_request_id"]), sendPerson.get(String(r["ehcr_send_table_id"]))]));
  const asmtPerson = new Map(get("ssd_ehcp_assessment").map((a) => [String(a["ehca_ehcp_assessment_id"]), reqPerson.get(String(a["ehca_ehcp_request_id"]))]));
  const personOf: Record<string, (r: Row) => string | undefined> = {
    ssd_ehcp_requests: (r) => sendPerson.get(String(r["ehcr_send_table_id"])),
    ssd_ehcp_assessment: (r) => reqPerson.get(String(r["ehca_ehcp_request_id"])),
    ssd_ehcp_named_plan: (r) => asmtPerson.get(String(r["ehcn_ehcp_asmt_id"])),
    ssd_ehcp_active_plans: (r) => reqPerson.get(String(r["ehcp_ehcp_request_id"])),
  };
  for (const t of SSD_TABLES) {
    if (t.name === "ssd_person") continue;
    const who = t.person ? (r: Row) => String(r[t.person!]) : personOf[t.name];
    if (!who) continue;
    const ends = new Set((t.dateOrder ?? []).map(([, b]) => b));
    const dates = t.columns.filter((c) => c.kind === "date").map((c) => c.name);
    for (const r of get(t.name)) {
      const p = who(r);
      const b = p === undefined ? undefined : dob.get(p);
      if (b === undefined) {
        fail("no child for record", t.name);
        continue;
      }
      const eighteen = addYears(b, 18);
      for (const col of dates) {
        const d = num(r[col]);
        if (d === null) continue;
        if (d < b) fail("before birth", `${t.name}.${col}`);
        if (t.name === "ssd_care_leavers") continue;
        if (ends.has(col) ? d > eighteen : d >= eighteen) fail("after the 18th birthday", `${t.name}.${col} ${p}`);
      }
    }
  }
  // Each of a child's disability codes is recorded once (the CIN census lists each once, DfE rule 8794).
  const disabilities = new Set<string>();
  for (const d of get("ssd_disability")) {
    const k = `${d["disa_person_id"]} ${d["disa_disability_code"]}`;
    if (disabilities.has(k)) fail("disability recorded twice", k);
    disabilities.add(k);
  }
  // Care leavers left care at 16 or over, and have no looked-after episode open after.
  for (const l of get("ssd_care_leavers")) {
    const p = String(l["clea_person_id"]);
    const eps = episodes.get(p) ?? [];
    if (!eps.length) fail("care leaver never in care", p);
    else if (Math.max(...eps.map((e) => e[1])) > toDay) fail("care leaver still in care", p);
  }
  return problems;
}

test("journeys are consistent for many seeds, sizes and spans (property)", () => {
  const cal = defaultCalendar();
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      fc.integer({ min: 2000, max: 5000 }),
      fc.constantFrom("2021-04", "2022-01", "2022-04", "2023-04"),
      fc.integer({ min: 2, max: 3 }),
      fc.integer({ min: 0, max: 149 }),
      fc.array(fc.record({ month: fc.constantFrom("2023-06", "2024-01", "2024-09"), factor: fc.double({ min: 0.6, max: 1.6, noNaN: true }) }), { maxLength: 2 }),
      (seed, population, from, years, index, shocks) => {
        const y = Number(from.slice(0, 4)) + years;
        const to = `${y}-${from.slice(5, 7) === "01" ? "12" : "03"}`;
        const [spec] = authoritySpecs({ seed, population, from, to, authorities: 1, shocks });
        // Another authority's leanings, as in a many-authority run.
        const leaning = authoritySpecs({ seed, population, from, to, authorities: index + 1, shocks })[index]!.propensity;
        const rows = generateAuthorityRows({ ...spec!, index, propensity: leaning }, cal);
        const problems = journeyProblems(rows, spec!.toDay);
        assert.deepEqual(problems, [], `seed ${seed}, population ${population}, ${from}..${to}, index ${index}`);
        assert.ok((rows.get("ssd_cin_episodes") ?? []).length > 100, "a real caseload");
        assert.ok((rows.get("ssd_cla_episodes") ?? []).length > 0, "some children in care");
      },
    ),
    { numRuns: Number(process.env["JOURNEY_RUNS"] ?? 30) },
  );
});

test("the checker catches broken journeys", () => {
  const [spec] = authoritySpecs({ seed: 5, population: 3000, from: "2023-04", to: "2025-03", authorities: 1, shocks: [] });
  const fresh = () => generateAuthorityRows(spec!, defaultCalendar());
  assert.deepEqual(journeyProblems(fresh(), spec!.toDay), []);
  const breakIt = (mutate: (rows: AuthorityRows) => void, rule: RegExp) => {
    const rows = fresh();
    mutate(rows);
    assert.match(journeyProblems(rows, spec!.toDay).join("\n"), rule);
  };
  breakIt((r) => {
    const a = r.get("ssd_cin_assessments")![0]!;
    a["cina_assessment_start_date"] = (a["cina_assessment_start_date"] as number) - 400;
  }, /assessment before referral/);
  breakIt((r) => {
    const p = r.get("ssd_cla_placement")!;
    p.push({ ...p[0]!, clap_cla_placement_id: "dup-placement" });
  }, /overlapping placements/);
  breakIt((r) => {
    const e = r.get("ssd_cin_episodes")!;
    e.push({ ...e[0]!, cine_referral_id: "late", cine_referral_date: (r.get("ssd_person")![0]!["pers_dob"] as number) + 18 * 366, cine_close_date: null });
  }, /after the 18th birthday|after the extract/);
  breakIt((r) => {
    r.get("ssd_cin_episodes")!.push({ ...r.get("ssd_cin_episodes")![0]! });
  }, /duplicate key/);
  breakIt((r) => {
    r.get("ssd_cp_plans")![0]!["cppl_cp_plan_start_date"] = (r.get("ssd_cp_plans")![0]!["cppl_cp_plan_start_date"] as number) + 1;
  }, /plan does not start at its conference/);
  breakIt((r) => {
    const d = r.get("ssd_disability")!;
    d.push({ ...d[0]!, disa_table_id: "dup-disability" });
  }, /disability recorded twice/);
});

test("a child referred again is not given the same disability code twice, and many children have more than one code", () => {
  // A run big enough that, when every referral drew a code afresh, the same code came up twice for many children.
  const [spec] = authoritySpecs({ seed: 7, population: 60000, from: "2019-04", to: "2025-03", authorities: 1, shocks: [] });
  const rows = generateAuthorityRows(spec!, defaultCalendar()).get("ssd_disability") ?? [];
  const pairs = rows.map((d) => `${d["disa_person_id"]} ${d["disa_disability_code"]}`);
  assert.equal(new Set(pairs).size, pairs.length, "each child's code once");
  const perChild = new Map<string, number>();
  for (const d of rows) perChild.set(String(d["disa_person_id"]), (perChild.get(String(d["disa_person_id"])) ?? 0) + 1);
  assert.ok([...perChild.values()].some((n) => n > 1), "different codes for one child are all kept");
  // Deterministic: the same spec gives the same rows.
  assert.deepEqual(generateAuthorityRows(spec!, defaultCalendar()).get("ssd_disability"), rows);
});
