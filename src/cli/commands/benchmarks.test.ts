import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { capture, tempDir, writeExport } from "../../../test/fixtures.ts";
import { openStore, storeConfig } from "../../store/open.ts";
import { main } from "../main.ts";
import { ordinal } from "./benchmarks.ts";

async function run(args: string[]) {
  const o = capture();
  const code = await main(args, o);
  return { code, out: o.stdout(), err: o.stderr() };
}

/** A synthetic authority's year: contacts across 2024-25, three assessments, two within 45 working days. */
function yearExport(): Record<string, string> {
  return {
    "ssd_person.csv": ["pers_person_id,pers_sex,pers_dob,pers_ethnicity", "P1,M,2015-06-01,WBRI", "P2,F,2010-02-01,MWBC", "P3,F,2019-11-30,ASIN"].join("\n"),
    "ssd_contacts.csv": ["cont_contact_id,cont_person_id,cont_contact_date,cont_contact_source_code,cont_contact_outcome_json", "C1,P1,2024-04-01,1A,", "C2,P2,2024-06-03,2B,", "C3,P3,2025-03-28,5A,"].join("\n"),
    "ssd_cin_episodes.csv": [
      "cine_referral_id,cine_person_id,cine_referral_date,cine_referral_nfa,cine_close_date,cine_close_reason",
      "R1,P1,2024-04-03,N,,",
      "R2,P2,2024-06-03,N,,",
      "R3,P3,2024-09-02,N,,",
    ].join("\n"),
    "ssd_cin_assessments.csv": [
      "cina_assessment_id,cina_person_id,cina_referral_id,cina_assessment_start_date,cina_assessment_auth_date",
      "A1,P1,R1,2024-04-04,2024-05-20",
      "A2,P2,R2,2024-06-04,2024-07-01",
      "A3,P3,R3,2024-09-03,2025-01-31",
    ].join("\n"),
  };
}

test("benchmarks --help teaches the figures, with examples", async () => {
  const r = await run(["benchmarks", "--help"]);
  assert.equal(r.code, 0);
  assert.match(r.out, /^lantern benchmarks/);
  assert.match(r.out, /Examples:\n {2}lantern benchmarks /);
  assert.match(r.out, /quartile band/);
});

test("a real authority: a readable table and JSON, hand-checked figures", async () => {
  const t = tempDir();
  try {
    const r = await run(["benchmarks", "--authority", "358", "--indicator", "rereferral_pct", "--year", "2024-25", "--data", t.dir]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Re-referrals within 12 months — Trafford \(358\), 2024-25/);
    assert.match(r.out, /England\s+22\.6%/);
    assert.match(r.out, /North West\s+21\.7%/);
    assert.match(r.out, /Neighbour mean\s+21\.6%\s+\(10 of 10 neighbours had a value\)/);
    assert.match(r.out, /Neighbour median\s+22\.0%/);
    assert.match(r.out, /National rank\s+51st of 153/);
    assert.match(r.out, /Quartile band\s+B \(second-best quarter\)/);
    assert.match(r.out, /Hertfordshire\s+15\.8%\s+Very close/);
    assert.match(r.out, /Open Government Licence v3\.0/);
    const j = await run(["benchmarks", "--authority", "E08000009", "--indicator", "rereferral_pct", "--year", "2025", "--json", "--data", t.dir]);
    assert.equal(j.code, 0);
    const parsed = JSON.parse(j.out);
    assert.deepEqual(parsed.rank, { position: 51, of: 153, inserted: false });
    assert.equal(parsed.quartileBand, "B");
    assert.equal(parsed.neighboursWithValue, 10);
    assert.deepEqual(parsed.own.value, { value: 18 });
  } finally {
    t.cleanup();
  }
});

test("suppressed neighbours show their symbol and the count; symbols are never 0", async () => {
  const t = tempDir();
  try {
    const r = await run(["benchmarks", "--authority", "890", "--indicator", "cpp_2yr_ceased_pct", "--year", "2024-25", "--data", t.dir]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /\(6 of 10 neighbours had a value\)/);
    assert.match(r.out, /Hartlepool\s+- \(missing or suppressed \(LAIT does not say which\)\)/);
    assert.match(r.out, /Neighbour mean\s+4\.8%/); // 29 / 6
    const j = JSON.parse((await run(["benchmarks", "--authority", "850", "--indicator", "cin_at31", "--year", "2024", "--json", "--data", t.dir])).out);
    assert.deepEqual(j.own.value, { symbol: "u" });
    assert.equal(j.rank, null);
    assert.equal(j.quartileBand, null);
  } finally {
    t.cleanup();
  }
});

test("errors: local measure, unknown indicator, unknown authority without --like, --like on a real authority", async () => {
  const t = tempDir();
  try {
    const local = await run(["benchmarks", "--authority", "202", "--indicator", "assess_median_wd", "--data", t.dir]);
    assert.equal(local.code, 1);
    assert.match(local.err, /local measure, no national benchmark/);
    assert.match(local.err, /What to do:/);
    const unknown = await run(["benchmarks", "--authority", "202", "--indicator", "nope", "--data", t.dir]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /Unknown indicator nope/);
    // A store that exists but records no --like for X001 (with no store at all it is LANTERN_STORE_MISSING).
    await (await openStore(storeConfig(t.dir, {}))).close();
    const who = await run(["benchmarks", "--authority", "X001", "--indicator", "assess_45wd_pct", "--data", t.dir]);
    assert.equal(who.code, 1);
    assert.match(who.err, /--like/);
    const realLike = await run(["benchmarks", "--authority", "358", "--like", "202", "--indicator", "assess_45wd_pct", "--data", t.dir]);
    assert.equal(realLike.code, 1);
    const missing = await run(["benchmarks", "--indicator", "assess_45wd_pct", "--data", t.dir]);
    assert.equal(missing.code, 1);
    const json = await run(["benchmarks", "--authority", "202", "--indicator", "assess_median_wd", "--json", "--data", t.dir]);
    assert.equal(json.code, 1);
    assert.equal(JSON.parse(json.out).error.code, "LANTERN_BAD_OPTION");
  } finally {
    t.cleanup();
  }
});

test("--like: a synthetic authority's stored Lantern value is ranked among the published ones, and the like is remembered", async () => {
  const t = tempDir();
  try {
    assert.equal((await run(["import", writeExport(yearExport()), "--authority", "X001", "--data", t.dir])).code, 0);
    assert.equal((await run(["compute", "--data", t.dir])).code, 0);
    const r = await run(["benchmarks", "--authority", "X001", "--like", "202", "--indicator", "assess_45wd_pct", "--year", "2024-25", "--json", "--data", t.dir]);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    // Two of three assessments within 45 working days (A1: 31, A2: 19, A3: far over) → 66.67%.
    assert.equal(j.own.from, "lantern");
    const own = j.own.value.value as number;
    assert.ok(Math.abs(own - 200 / 3) < 1e-9, String(own));
    // Rank by hand from the shipped LAIT file: published LA values above it, plus one.
    const csv = readFileSync(fileURLToPath(new URL("../../../data/benchmarks/lait_values_csc.csv", import.meta.url)), "utf8").split(/\r?\n/);
    const vals = csv
      .filter((l) => l.startsWith("Continue_Assess_Comp,2025,"))
      .map((l) => l.split(","))
      .filter((c) => c.at(-2) !== "NA" && c.at(-1) !== "-")
      .map((c) => Number(c.at(-1)));
    assert.equal(vals.length, 152);
    assert.deepEqual(j.rank, { position: 1 + vals.filter((v) => v > own).length, of: 153, inserted: true });
    assert.equal(j.region.name, "London");
    assert.equal(j.neighbours[0].name, "Islington");
    assert.deepEqual(j.authority.like, { code: "202", name: "Camden" });
    // Remembered: a later call needs no --like, and the table says the value was inserted.
    const again = await run(["benchmarks", "--authority", "X001", "--indicator", "assess_45wd_pct", "--year", "2024-25", "--data", t.dir]);
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, /like Camden \(202\)/);
    assert.match(again.out, /Lantern's value for 2024-25\)\s+66\.7%/);
    assert.match(again.out, /of 153 \(Lantern's value placed among the published ones\)/);
    const store = await openStore(storeConfig(t.dir, {}));
    try {
      assert.deepEqual(await store.all(`SELECT la_code, like_code FROM lantern_authority WHERE la_code = 'X001'`), [{ la_code: "X001", like_code: "202" }]);
    } finally {
      await store.close();
    }
  } finally {
    t.cleanup();
  }
});

test("ordinals read as English", () => {
  assert.deepEqual([1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111, 152].map(ordinal), ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th", "152nd"]);
});
