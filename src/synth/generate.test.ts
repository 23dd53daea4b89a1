import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { addYears, dayNumber } from "../calendar/dates.ts";
import { SSD_TABLES } from "../store/ssd-schema.ts";
import { tempDir } from "../../test/fixtures.ts";
import type { AuthorityRows } from "./authority.ts";
import { authorityPopulations, generateRows, generateToDirectory, parseShock } from "./index.ts";

function digest(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string) => {
    for (const name of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (name.isDirectory()) walk(join(d, name.name), `${prefix}${name.name}/`);
      else out[`${prefix}${name.name}`] = createHash("sha256").update(readFileSync(join(d, name.name))).digest("hex");
    }
  };
  walk(dir, "");
  return out;
}

const small = { seed: 3, population: 4000, from: "2022-04", to: "2024-03", authorities: 2, shocks: [] };

test("the same seed gives byte-identical files; another seed does not", async () => {
  const a = tempDir();
  const b = tempDir();
  const c = tempDir();
  try {
    await generateToDirectory({ ...small, out: a.dir });
    await generateToDirectory({ ...small, out: b.dir });
    await generateToDirectory({ ...small, seed: 4, out: c.dir });
    const da = digest(a.dir);
    assert.equal(Object.keys(da).length, 2 * SSD_TABLES.length + 2);
    assert.deepEqual(digest(b.dir), da);
    assert.notDeepEqual(digest(c.dir)["X001/ssd_contacts.csv"], da["X001/ssd_contacts.csv"]);
    const header = readFileSync(join(a.dir, "X001", "ssd_cin_episodes.csv"), "utf8").split("\n")[0];
    assert.equal(header, SSD_TABLES.find((t) => t.name === "ssd_cin_episodes")!.columns.map((x) => x.name).join(","));
    const pop = readFileSync(join(a.dir, "population.csv"), "utf8").trim().split("\n");
    assert.equal(pop[0], "la_code,year,population_0_17");
    assert.equal(pop.length, 1 + 2 * 4, "mid-2021 to mid-2024 estimates for two authorities");
  } finally {
    a.cleanup();
    b.cleanup();
    c.cleanup();
  }
});

/** Every consistency rule a journey must keep; returns the broken ones. */
function journeyProblems(rows: AuthorityRows, toDay: number): string[] {
  const problems: string[] = [];
  const get = (t: string) => rows.get(t) ?? [];
  const keys = new Map<string, Set<string>>();
  for (const t of SSD_TABLES) {
    const seen = new Set<string>();
    for (const r of get(t.name)) {
      const k = String(r[t.key]);
      if (seen.has(k)) problems.push(`${t.name}: duplicate ${k}`);
      seen.add(k);
    }
    keys.set(t.name, seen);
  }
  for (const t of SSD_TABLES) {
    for (const c of t.columns) {
      if (c.references) {
        const [tt] = c.references.split(".") as [string];
        for (const r of get(t.name)) if (r[c.name] !== null && r[c.name] !== undefined && !keys.get(tt)!.has(String(r[c.name]))) problems.push(`${t.name}.${c.name} ${r[c.name]} missing in ${tt}`);
      }
      if (c.required) for (const r of get(t.name)) if (r[c.name] === null || r[c.name] === undefined) problems.push(`${t.name}.${c.name} blank`);
      if (c.kind === "date") for (const r of get(t.name)) if (typeof r[c.name] === "number" && (r[c.name] as number) > toDay) problems.push(`${t.name}.${c.name} after the extract`);
    }
    for (const [a, b] of t.dateOrder ?? []) for (const r of get(t.name)) if (typeof r[b] === "number" && (r[b] as number) < (r[a] as number)) problems.push(`${t.name}: ${b} before ${a}`);
  }
  const dob = new Map(get("ssd_person").map((p) => [p["pers_person_id"] as string, p["pers_dob"] as number]));
  const ref = new Map(get("ssd_cin_episodes").map((e) => [e["cine_referral_id"] as string, e]));
  const s47 = new Map(get("ssd_s47_enquiry").map((e) => [e["s47e_s47_enquiry_id"] as string, e]));
  const icpc = new Map(get("ssd_initial_cp_conference").map((e) => [e["icpc_icpc_id"] as string, e]));
  for (const a of get("ssd_cin_assessments")) {
    const e = ref.get(a["cina_referral_id"] as string);
    if (e && (a["cina_assessment_start_date"] as number) < (e["cine_referral_date"] as number)) problems.push(`assessment ${a["cina_assessment_id"]} before its referral`);
  }
  for (const q of s47.values()) {
    const e = ref.get(q["s47e_referral_id"] as string);
    if (e && (q["s47e_s47_start_date"] as number) < (e["cine_referral_date"] as number)) problems.push(`s47 ${q["s47e_s47_enquiry_id"]} before its referral`);
  }
  for (const i of icpc.values()) {
    const q = i["icpc_s47_enquiry_id"] ? s47.get(i["icpc_s47_enquiry_id"] as string) : undefined;
    if (q && (i["icpc_icpc_date"] as number) < (q["s47e_s47_start_date"] as number)) problems.push(`conference ${i["icpc_icpc_id"]} before its enquiry`);
    if (!q && i["icpc_icpc_transfer_in"] !== "Y") problems.push(`conference ${i["icpc_icpc_id"]} has no enquiry and is not a transfer-in`);
  }
  for (const p of get("ssd_cp_plans")) {
    const i = icpc.get(p["cppl_icpc_id"] as string);
    if (i && i["icpc_icpc_date"] !== p["cppl_cp_plan_start_date"]) problems.push(`plan ${p["cppl_cp_plan_id"]} does not start at its conference`);
  }
  const spans = (table: string, person: string, s: string, e: string, group?: string) => {
    const by = new Map<string, [number, number][]>();
    const grouped = new Map<string, [number, number, string]>();
    for (const r of get(table)) {
      const start = r[s] as number;
      const end = (r[e] as number | null) ?? toDay + 1;
      if (group) {
        const g = `${r[person]}|${r[group]}`;
        const cur = grouped.get(g);
        grouped.set(g, cur ? [Math.min(cur[0], start), Math.max(cur[1], end), r[person] as string] : [start, end, r[person] as string]);
      } else {
        by.set(r[person] as string, [...(by.get(r[person] as string) ?? []), [start, end]]);
      }
    }
    for (const [, [a, b, p]] of grouped) by.set(p, [...(by.get(p) ?? []), [a, b]]);
    for (const [p, list] of by) {
      list.sort((x, y) => x[0] - y[0]);
      for (let i = 1; i < list.length; i++) if (list[i]![0] < list[i - 1]![1]) problems.push(`${table}: overlapping for ${p}`);
      for (const [a] of list) if (dob.has(p) && a < dob.get(p)!) problems.push(`${table}: before ${p} was born`);
    }
  };
  spans("ssd_cla_placement", "clap_person_id", "clap_cla_placement_start_date", "clap_cla_placement_end_date");
  spans("ssd_cla_episodes", "clae_person_id", "clae_cla_episode_start_date", "clae_cla_episode_ceased_date", "clae_cla_id");
  for (const [table, person, col] of [
    ["ssd_cin_episodes", "cine_person_id", "cine_close_date"],
    ["ssd_cp_plans", "cppl_person_id", "cppl_cp_plan_end_date"],
    ["ssd_s47_enquiry", "s47e_person_id", "s47e_s47_start_date"],
    ["ssd_cla_episodes", "clae_person_id", "clae_cla_episode_ceased_date"],
    ["ssd_contacts", "cont_person_id", "cont_contact_date"],
  ] as const) {
    for (const r of get(table)) {
      const d = r[col] as number | null;
      const b = dob.get(r[person] as string)!;
      if (d === null) continue;
      if (d < b) problems.push(`${table}: ${col} before birth`);
      if (d > addYears(b, 18)) problems.push(`${table}: ${col} after the 18th birthday`);
    }
  }
  return problems;
}

test("journeys are consistent for many seeds (property)", () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 2000, max: 5000 }), (seed, population) => {
      for (const a of generateRows({ seed, population, from: "2023-04", to: "2025-03", authorities: 1, shocks: [] })) {
        const problems = journeyProblems(a.rows, dayNumber("2025-03-31"));
        assert.deepEqual(problems.slice(0, 10), [], `seed ${seed}`);
        assert.ok((a.rows.get("ssd_cin_episodes") ?? []).length > 50);
      }
    }),
    { numRuns: 12 },
  );
});

test("a shock steps referrals up from its month", () => {
  assert.deepEqual(parseShock("2024-01:+30%"), { month: "2024-01", factor: 1.3 });
  assert.deepEqual(parseShock("2024-01:-15%"), { month: "2024-01", factor: 0.85 });
  assert.throws(() => parseShock("January:+30%"), /YYYY-MM:\+30%/);
  assert.throws(() => parseShock("2024-13:+30%"), RangeError);
  const count = (shocks: { month: string; factor: number }[], from: string, to: string) => {
    const [a] = [...generateRows({ seed: 5, population: 40000, from: "2022-04", to: "2025-03", authorities: 1, shocks })];
    return a!.rows.get("ssd_cin_episodes")!.filter((e) => (e["cine_referral_date"] as number) >= dayNumber(from) && (e["cine_referral_date"] as number) <= dayNumber(to)).length;
  };
  const base = count([], "2024-01-01", "2024-12-31");
  const shocked = count([{ month: "2024-01", factor: 1.3 }], "2024-01-01", "2024-12-31");
  const ratio = shocked / base;
  assert.ok(ratio > 1.2 && ratio < 1.4, `referrals after the shock ×${ratio.toFixed(2)}`);
  assert.equal(count([{ month: "2024-01", factor: 1.3 }], "2023-01-01", "2023-12-31"), count([], "2023-01-01", "2023-12-31"), "nothing changes before the shock");
});

test("many authorities vary in size, some of them small", () => {
  const pops = authorityPopulations(7, 150, 60000);
  assert.equal(pops.length, 150);
  assert.equal(pops[0], 60000);
  assert.ok(pops.some((p) => p < 6000), "small authorities with small numbers");
  assert.ok(pops.some((p) => p > 150000));
  assert.deepEqual(authorityPopulations(7, 150, 60000), pops);
});
