/**
 * Every shared sample file loads (read from ../shared/samples beside the repository, as the SPC
 * tests read ../shared/benchmarks; the samples are MIT-licensed synthetic data kept outside the
 * repo): the SSDA903 fake data and its XML, the CIN census fake data and the 2024 and 2026
 * examples, the Annex A fake lists (ILACS and Area SEND), and the five years of the multi-year
 * 903 set as five snapshots. The fake data is built to fail DfE rules, so it loads with DfE
 * errors taken as queries, which are listed and kept; without that, the DfE errors block.
 */

import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { tempDir, tempStore } from "../../test/fixtures.ts";
import { isLanternError } from "../core/errors.ts";
import type { Store } from "../store/port.ts";
import { loadFormats } from "./load.ts";

const S = fileURLToPath(new URL("../../../shared/samples/", import.meta.url));
const count = async (store: Store, table: string, la: string) => (await store.all<{ n: number }>(`SELECT count(*) AS n FROM current_${table} WHERE la_code = $1`, [la]))[0]!.n;

test("SSDA903 fake data: 2,675 children; DfE errors block unless taken as queries, then listed and kept", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const csvs = readdirSync(`${S}ssda903_validator_fake`).filter((f) => f.endsWith(".csv")).map((f) => `${S}ssda903_validator_fake/${f}`);
    await assert.rejects(
      () => loadFormats(store, { paths: csvs, authority: "975" }),
      (e: unknown) => isLanternError(e) && e.code === "LANTERN_DATA_REJECTED" && e.issues.some((i) => i.code === "903-501"),
    );
    const r = await loadFormats(store, { paths: csvs, authority: "975", dfeErrorsAsQueries: true });
    assert.equal(r.status, "loaded");
    assert.equal(r.files.length, 12);
    assert.equal(await count(store, "ssd_person", "975"), 2675);
    assert.equal(await count(store, "ssd_cla_episodes", "975"), 5050);
    assert.equal(await count(store, "ssd_cla_reviews", "975"), 12582);
    assert.ok(r.queryCount > 1000, `${r.queryCount} queries`);
    const kept = await store.all<{ n: number }>(`SELECT count(*) AS n FROM lantern_dfe_query WHERE snapshot_id = $1`, [r.snapshotId!]);
    assert.ok(kept[0]!.n > 0);
  } finally {
    await cleanup();
  }
});

test("SSDA903 XML form: 253 children, 459 episodes", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const r = await loadFormats(store, { paths: [`${S}ssda903_validator_fake/fake_903.xml`], authority: "975", dfeErrorsAsQueries: true });
    assert.deepEqual(r.formats, ["ssda903-xml"]);
    assert.equal(await count(store, "ssd_person", "975"), 253);
    assert.equal(await count(store, "ssd_cla_episodes", "975"), 459);
    // Care-leaver and adoption records only for the children whose XML has them (six with
    // IN_TOUCH, three with DATE_INT), not one for every child with a date of birth.
    assert.equal(await count(store, "ssd_care_leavers", "975"), 6);
    assert.ok((await count(store, "ssd_permanence", "975")) < 50);
  } finally {
    await cleanup();
  }
});

test("CIN census fake data: 332 children, 402 CIN episodes, the LA taken from the file", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const r = await loadFormats(store, { paths: [`${S}cin_census_fake/fake_CIN_data.xml`], dfeErrorsAsQueries: true });
    assert.equal(r.authority, "975");
    assert.equal(await count(store, "ssd_person", "975"), 332);
    assert.equal(await count(store, "ssd_cin_episodes", "975"), 402);
    assert.ok(r.issues.some((i) => i.code === "CIN-8875"), "weekend conferences listed");
  } finally {
    await cleanup();
  }
});

test("CIN census 2024 and 2026 examples load under their LEA, 201 (mixed Sex coding, the new pre-proceedings block)", async () => {
  for (const f of ["CIN_Census_2024.xml", "CIN_Census_2026.xml"]) {
    const { store, cleanup } = await tempStore();
    try {
      const r = await loadFormats(store, { paths: [`${S}cin_census_fake/${f}`], authority: "201", dfeErrorsAsQueries: true });
      assert.equal(r.status, "loaded", f);
      assert.equal(await count(store, "ssd_person", "201"), 2, f);
      assert.ok(r.issues.some((i) => i.code === "CIN-1103"), `${f}: the child built to fail assessment rules is listed`);
      // The census day (2024-03-31) ends the collection year, though the fake children have dates after it.
      const cover = await store.all<{ table_name: string; d: string }>(`SELECT table_name, CAST(data_from AS VARCHAR) AS d FROM lantern_table_coverage WHERE snapshot_id = $1 ORDER BY table_name`, [r.snapshotId!]);
      assert.deepEqual(
        cover.map((c) => `${c.table_name} ${c.d.slice(0, 10)}`),
        ["ssd_assessment_factors", "ssd_cin_assessments", "ssd_cin_episodes", "ssd_cin_plans", "ssd_cp_plans", "ssd_cp_reviews", "ssd_initial_cp_conference", "ssd_s47_enquiry"].map((t) => `${t} 2023-04-01`),
        f,
      );
    } finally {
      await cleanup();
    }
  }
});

test("Annex A fake lists: all eleven recognised and loaded without errors; the Area SEND lists too", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const r = await loadFormats(store, { paths: [`${S}annex_a_fake_2024`], authority: "901" });
    assert.equal(r.errorCount, 0);
    assert.deepEqual(r.files.map((f) => f.format).sort(), Array.from({ length: 11 }, (_, i) => `Annex A List ${i + 1} (CSV)`).sort());
    assert.equal(await count(store, "ssd_contacts", "901"), 5);
    assert.equal(await count(store, "ssd_cla_episodes", "901"), 5);
    const send = await loadFormats(store, { paths: [`${S}annex_a_send_fake`], authority: "902" });
    assert.equal(send.errorCount, 0);
    assert.equal(await count(store, "ssd_send", "902"), 4, "two rows in each list; the trailing blank row is skipped");
  } finally {
    await cleanup();
  }
});

test("Annex A counts: previous child protection plans count towards second plans; a list holding only the latest placement gives no figure for three or more placements; a count in words is refused where it is", async () => {
  const { store, cleanup } = await tempStore();
  const t = tempDir();
  try {
    const r = await loadFormats(store, { paths: [`${S}annex_a_fake_2024`], authority: "901" });
    assert.equal(r.status, "loaded");
    const prev = await store.all<{ n: number | null }>(`SELECT cppl_previous_plans AS n FROM current_ssd_cp_plans WHERE la_code = '901' ORDER BY cppl_cp_plan_id`);
    assert.deepEqual(prev.map((x) => x.n), [0, 1, 1, 0, 0, 0, 0], "List 7's column, row by row");
    const moves = await store.all<{ n: number | null }>(`SELECT clae_placements_12m AS n FROM current_ssd_cla_episodes WHERE la_code = '901' ORDER BY clae_cla_episode_id`);
    assert.deepEqual(moves.map((x) => x.n), [1, 1, 1, 2, 1], "List 8's column, row by row");
    const { computeAndStore, storedValues } = await import("../kpi/compute.ts");
    await computeAndStore(store, { authority: "901", workers: 1, indicators: ["cla_3plus_placements_pct", "cla_at_end"] });
    const vs = await storedValues(store, { snapshots: [r.snapshotId!] });
    const three = vs.filter((v) => v.indicator === "cla_3plus_placements_pct");
    assert.ok(three.length > 0);
    for (const v of three) {
      assert.equal(v.value, null, v.period);
      assert.match(v.reason ?? "", /^cannot be computed: the data holds each child's latest placement only/, v.period);
    }
    assert.ok(vs.some((v) => v.indicator === "cla_at_end" && (v.value ?? 0) > 0), "the children in care are counted");
    // A count written in words, in a copy of List 7.
    const list7 = readFileSync(`${S}annex_a_fake_2024/annex_a_list_7.csv`, "utf8").split("\n");
    list7[2] = list7[2]!.replace(/,1,/, ",one,");
    writeFileSync(join(t.dir, "list7.csv"), list7.join("\n"));
    const bad = await loadFormats(undefined, { paths: [join(t.dir, "list7.csv")], authority: "901" });
    const e = bad.issues.find((i) => i.code === "FORMAT_NUMBER_INVALID");
    assert.deepEqual([e?.severity, e?.row, e?.column, e?.value], ["error", 3, "Number of Previous Child Protection Plans", "one"]);
    assert.equal(e?.message, 'Number of Previous Child Protection Plans "one" is not a whole number.');
  } finally {
    await cleanup();
    t.cleanup();
  }
});

test("Annex A with List 8's count of placements left blank: three or more placements has no value, with the reason, not 0", async () => {
  const { store, cleanup } = await tempStore();
  const t = tempDir();
  try {
    // The sample lists, List 8's "Number of Placements in the Last 12 months" blanked on every row
    // (its cells hold no commas or quotes, so the columns split on commas).
    const dir = `${S}annex_a_fake_2024`;
    for (const f of readdirSync(dir)) writeFileSync(join(t.dir, f), readFileSync(join(dir, f), "utf8"));
    const [head, ...rows] = readFileSync(join(dir, "annex_a_list_8.csv"), "utf8").split("\n");
    const at = head!.split(",").indexOf("Number of Placements in the Last 12 months");
    assert.ok(at > 0);
    writeFileSync(join(t.dir, "annex_a_list_8.csv"), [head, ...rows.map((r) => (r ? r.split(",").map((c, i) => (i === at ? "" : c)).join(",") : r))].join("\n"));
    const r = await loadFormats(store, { paths: [t.dir], authority: "901" });
    assert.equal(r.status, "loaded");
    const moves = await store.all<{ n: number | null }>(`SELECT clae_placements_12m AS n FROM current_ssd_cla_episodes WHERE la_code = '901'`);
    assert.deepEqual(moves.map((x) => x.n), [null, null, null, null, null]);
    const { computeAndStore, storedValues } = await import("../kpi/compute.ts");
    await computeAndStore(store, { authority: "901", workers: 1, indicators: ["cla_3plus_placements_pct", "cla_at_end"] });
    const three = (await storedValues(store, { snapshots: [r.snapshotId!] })).filter((v) => v.indicator === "cla_3plus_placements_pct");
    assert.ok(three.length > 0);
    for (const v of three) {
      assert.equal(v.value, null, v.period);
      assert.match(v.reason ?? "", /^cannot be computed: the data holds each child's latest placement only/, v.period);
    }
  } finally {
    await cleanup();
    t.cleanup();
  }
});

test("the multi-year SSDA903 set loads as five snapshots of one authority", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const dir = `${S}ssda903_multiyear_demand_model`;
    const expected: Record<string, number> = { "2017": 819, "2018": 572, "2019": 362, "2020": 226, "2021": 144 };
    const ids: number[] = [];
    for (const [year, children] of Object.entries(expected)) {
      const paths = readdirSync(dir).filter((f) => f.startsWith(`${year}-`)).map((f) => `${dir}/${f}`);
      const r = await loadFormats(store, { paths, authority: "903", dfeErrorsAsQueries: true });
      assert.equal(r.status, "loaded", year);
      ids.push(r.snapshotId!);
      assert.equal(await count(store, "ssd_person", "903"), children, year);
    }
    assert.deepEqual(ids, [1, 2, 3, 4, 5]);
    // A 903 has no contacts or referrals to start the KPI periods: each snapshot covers its
    // collection year, the financial year of its latest episode date (2017: 1 April 2018, within a week of its end).
    const cov = await store.all<{ data_from: string; data_to: string }>(`SELECT data_from, data_to FROM lantern_coverage WHERE snapshot_id = 1`);
    assert.deepEqual(cov, [{ data_from: "2017-04-01", data_to: "2018-03-31" }]);
  } finally {
    await cleanup();
  }
});
