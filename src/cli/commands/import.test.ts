/**
 * `lantern import` on the files Lantern itself writes beside an export: a folder `lantern
 * generate` wrote, named with --authority, and the population file and authorities.csv beside
 * a return. They are read for what they are (or skipped with a note), never refused as unknown.
 */

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { capture, smallExport, tempDir, writeExport } from "../../../test/fixtures.ts";
import { generateToDirectory } from "../../generate/index.ts";
import { openStore, storeConfig } from "../../store/open.ts";
import { main } from "../main.ts";

const S = fileURLToPath(new URL("../../../../shared/samples/", import.meta.url));

async function populationIn(data: string): Promise<string[]> {
  const store = await openStore(storeConfig(data, {}));
  try {
    const rows = await store.all<{ la_code: string; year: number; population_0_17: number }>(`SELECT la_code, year, population_0_17 FROM lantern_population ORDER BY la_code, year`);
    return rows.map((r) => `${r.la_code} ${r.year} ${r.population_0_17}`);
  } finally {
    await store.close();
  }
}

test("a folder written by generate, named with --authority, loads that authority's folder with the population file beside them", async () => {
  const { dir: gen } = tempDir();
  await generateToDirectory({ out: gen, seed: 3, population: 500, from: "2024-04", to: "2025-03", authorities: 2, shocks: [] });
  const { dir: data } = tempDir();
  const dry = capture();
  assert.equal(await main(["import", gen, "--authority", "X002", "--dry-run", "--data", data], dry), 0, dry.stderr());
  assert.match(dry.stdout(), /^X002: checked [\d,]+ rows in \d+ files; no errors/);
  assert.doesNotMatch(dry.stdout() + dry.stderr(), /FORMAT_FILE_UNKNOWN|not a format Lantern reads/);
  const o = capture();
  assert.equal(await main(["import", gen, "--authority", "X002", "--no-compute", "--data", data], o), 0, o.stderr());
  const pop = await populationIn(data);
  assert.ok(pop.length > 0 && pop.every((r) => r.startsWith("X002 ")), pop.join("; "));
  // An authority it does not hold is refused, saying which it holds and how to load one as another.
  const other = capture();
  assert.equal(await main(["import", gen, "--authority", "202", "--dry-run", "--data", data], other), 1);
  assert.match(other.stderr(), /written by `lantern generate`, for X001, X002 .*--authority 202 is not one of them/);
  assert.match(other.stderr(), /lantern import \S+X001 --authority 202/);
});

test("a population file and authorities.csv beside a return: the population is loaded for the authority, authorities.csv skipped with a note", async () => {
  const { dir } = tempDir();
  for (const f of ["2021-header.csv", "2021-episodes.csv"]) copyFileSync(`${S}ssda903_multiyear_demand_model/${f}`, join(dir, f));
  writeFileSync(join(dir, "population.csv"), "la_code,year,population_0_17\n903,2020,41000\n903,2021,41500\n");
  writeFileSync(join(dir, "authorities.csv"), "la_code,la_name,population_0_17\n903,Lanternshire,41500\n");
  const { dir: data } = tempDir();
  const o = capture();
  assert.equal(await main(["import", dir, "--authority", "903", "--dfe-errors-as-queries", "--no-compute", "--data", data], o), 0, o.stderr());
  assert.doesNotMatch(o.stdout() + o.stderr(), /FORMAT_FILE_UNKNOWN/);
  assert.match(o.stdout(), /population\.csv\s+population \(children aged 0-17\)\s+2/);
  assert.match(o.stderr(), /FORMAT_FILE_NOT_READ at authorities\.csv: authorities\.csv is the list of authorities `lantern generate` writes/);
  assert.deepEqual(await populationIn(data), ["903 2020 41000", "903 2021 41500"]);
});

test("a population file of another authority beside a return is refused at its row, naming both codes; nothing is loaded", async () => {
  const { dir } = tempDir();
  for (const f of ["2021-header.csv", "2021-episodes.csv"]) copyFileSync(`${S}ssda903_multiyear_demand_model/${f}`, join(dir, f));
  writeFileSync(join(dir, "population.csv"), "la_code,year,population_0_17\nX001,2021,500\n");
  const { dir: data } = tempDir();
  const o = capture();
  assert.equal(await main(["import", dir, "--authority", "903", "--dfe-errors-as-queries", "--no-compute", "--data", data], o), 2);
  assert.match(o.stderr(), /POPULATION_AUTHORITY at population\.csv, row 2, column la_code: population\.csv is the population of X001, with no row for 903/);
  assert.deepEqual(await populationIn(data), []);
});

test("a refused import says in plain text when a file's checking stopped part way, and where the rest of the errors are", async () => {
  const t = tempDir();
  try {
    const dir = join(t.dir, "bad");
    mkdirSync(dir);
    writeFileSync(join(dir, "ssd_person.csv"), ["pers_person_id,pers_sex,pers_dob", ...Array.from({ length: 80 }, (_, i) => `P${i},M,${45000 + i}`)].join("\n"));
    const o = capture();
    assert.equal(await main(["import", dir, "--authority", "202", "--data", join(t.dir, "data")], o), 2, o.stderr());
    assert.match(o.stderr(), /… and 30 more listed with --json\.\n/);
    assert.match(o.stderr(), /ssd_person\.csv: checking stopped after 50 errors; correct those first\./);
    assert.doesNotMatch(o.stderr(), /see every one/);
  } finally {
    t.cleanup();
  }
});

test("a return with more DfE queries than a load keeps says how many were kept with the snapshot, not that all were", async () => {
  const { dir } = tempDir();
  for (const f of ["2017-header.csv", "2017-episodes.csv", "2017-missing.csv", "2017-oc2.csv", "2017-oc3.csv", "2017-previous_permanence.csv", "2017-reviews.csv", "2017-uasc.csv"]) copyFileSync(`${S}ssda903_multiyear_demand_model/${f}`, join(dir, f));
  const { dir: data } = tempDir();
  const o = capture();
  assert.equal(await main(["import", dir, "--authority", "903", "--dfe-errors-as-queries", "--no-compute", "--data", data], o), 0, o.stderr());
  const m = /(\d+) warning\(s\), of which (\d+) DfE queries \(([^)]*)\)/.exec(o.stderr());
  assert.ok(m, o.stderr().slice(0, 400));
  assert.ok(Number(m[2]) > 500, m[0]);
  assert.match(m[3]!, /^the first 500 kept with the snapshot; `lantern validate PATH --report FILE\.html` lists every one$/);
});

test("a load whose rates find no population says so, and what to load; the folder with its population file does not", async () => {
  const { dir: gen } = tempDir();
  await generateToDirectory({ out: gen, seed: 3, population: 500, from: "2024-04", to: "2025-03", authorities: 1, shocks: [] });
  const { dir: data } = tempDir();
  // The authority's own folder alone: its population file is in the folder above.
  const alone = capture();
  assert.equal(await main(["import", join(gen, "X001"), "--authority", "X001", "--data", data], alone), 0, alone.stderr());
  assert.match(alone.stderr(), /^X001: no population of children aged 0-17 for mid-2024, so the rates per 10,000 children have no value for the periods that need it\. Load a population\.csv \(la_code,year,population_0_17\) with the data/m);
  const json = capture();
  assert.equal(await main(["import", join(gen, "X001"), "--authority", "X001", "--force", "--json", "--data", data], json), 0);
  assert.deepEqual(JSON.parse(json.stdout()).populationMissing.map((g: { authority: string; years: number[] }) => [g.authority, g.years]), [["X001", [2024]]]);
  const { dir: data2 } = tempDir();
  const whole = capture();
  assert.equal(await main(["import", gen, "--authority", "X001", "--data", data2], whole), 0, whole.stderr());
  assert.doesNotMatch(whole.stderr(), /no population/);
});

test("a dry run of a return or Annex A refuses what the load refuses: no --authority is a usage error either way", async () => {
  const { dir } = tempDir();
  for (const f of ["2021-header.csv", "2021-episodes.csv"]) copyFileSync(`${S}ssda903_multiyear_demand_model/${f}`, join(dir, f));
  const { dir: annex } = tempDir();
  writeFileSync(join(annex, "list1.csv"), "Child Unique ID,Gender,Ethnicity,Date of Birth,Age,Date of Contact,Contact Source\nK1,Female,a) WBRI,2015-01-25,6,2020-09-16,q) 6: Police\n");
  const { dir: data } = tempDir();
  for (const path of [dir, annex]) {
    for (const dry of [["--dry-run"], []]) {
      const o = capture();
      assert.equal(await main(["import", path, ...dry, "--dfe-errors-as-queries", "--no-compute", "--data", data], o), 1, `${path} ${dry.join(" ")}: ${o.stdout()}`);
      assert.match(o.stderr(), /error LANTERN_USAGE: Say which authority the data is for with --authority CODE\./);
      assert.doesNotMatch(o.stdout(), /no errors/);
    }
  }
  // With the authority, the population file beside the return is checked against it in a dry run too.
  writeFileSync(join(dir, "population.csv"), "la_code,year,population_0_17\nX001,2021,500\n");
  const o = capture();
  assert.equal(await main(["import", dir, "--authority", "903", "--dry-run", "--dfe-errors-as-queries", "--data", data], o), 2);
  assert.match(o.stderr(), /POPULATION_AUTHORITY at population\.csv, row 2/);
});

test("a 903 of header rows only is refused alike by validate, a dry run and a load (SSD_LOAD_EMPTY); import --json counts errors and warnings as validate --json does", async () => {
  const { dir } = tempDir();
  writeFileSync(join(dir, "header.csv"), "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n");
  const { dir: data } = tempDir();
  const v = capture();
  assert.equal(await main(["validate", dir, "--json"], v), 2, v.stdout());
  const validated = JSON.parse(v.stdout()) as { errorCount: number; warningCount: number; issues: { code: string }[] };
  assert.deepEqual(validated.issues.map((i) => i.code), ["SSD_LOAD_EMPTY"]);
  for (const dry of [["--dry-run"], []]) {
    const o = capture();
    assert.equal(await main(["import", dir, "--authority", "903", ...dry, "--no-compute", "--json", "--data", data], o), 2, o.stderr());
    const refused = JSON.parse(o.stdout()) as { error: { code: string; issues: { code: string }[] }; errorCount: number; warningCount: number };
    assert.equal(refused.error.code, "LANTERN_DATA_REJECTED");
    assert.deepEqual(refused.error.issues.map((i) => i.code), ["SSD_LOAD_EMPTY"]);
    assert.deepEqual([refused.errorCount, refused.warningCount], [validated.errorCount, validated.warningCount]);
    assert.equal(refused.errorCount, 1);
  }
});

test("import --json on a refused SSD export counts its errors and warnings", async () => {
  const t = tempDir();
  const dir = join(t.dir, "bad");
  mkdirSync(dir);
  writeFileSync(join(dir, "ssd_person.csv"), ["pers_person_id,pers_sex,pers_dob", ...Array.from({ length: 30 }, (_, i) => `P${i},M,${45000 + i}`)].join("\n"));
  const o = capture();
  assert.equal(await main(["import", dir, "--authority", "202", "--json", "--data", join(t.dir, "data")], o), 2, o.stderr());
  const refused = JSON.parse(o.stdout()) as { errorCount: number; warningCount: number; error: { issues: { severity: string }[] } };
  assert.equal(refused.errorCount, 30);
  assert.equal(refused.warningCount, refused.error.issues.filter((i) => i.severity === "warning").length);
});

test("a compute that fails after the load has committed says the data is stored and how to compute it, not that Lantern crashed", async () => {
  const { dir: data } = tempDir();
  // A column the compute's INSERT does not fill: the load commits, then storing its values fails.
  const store = await openStore(storeConfig(data, {}));
  await store.run(`ALTER TABLE lantern_indicator_value ADD COLUMN junk INTEGER`);
  await store.close();
  const o = capture();
  assert.equal(await main(["import", writeExport(smallExport()), "--authority", "202", "--data", data], o), 3, o.stderr());
  assert.match(o.stdout(), /^202: loaded snapshot 1: /m);
  assert.match(o.stderr(), /LANTERN_NOT_COMPUTED/);
  assert.match(o.stderr(), /202's load \(snapshot 1\) is stored, but its figures could not be computed/);
  assert.match(o.stderr(), /lantern compute --snapshot 1/);
  assert.doesNotMatch(o.stderr(), /failed unexpectedly|Please report/);
  const j = capture();
  assert.equal(await main(["import", writeExport(smallExport()), "--authority", "203", "--json", "--data", data], j), 3);
  assert.deepEqual((JSON.parse(j.stdout()) as { notComputed: { authority: string }[] }).notComputed.map((u) => u.authority), ["203"]);
});

test("import of a path that does not exist names it and creates no store, in --data or the default folder; restore of a missing file likewise", async () => {
  const { dir } = tempDir();
  const data = join(dir, "store");
  const real = writeExport(smallExport());
  const missing = join(dir, "exprot");
  for (const argv of [
    ["import", missing, "--authority", "X001"],
    ["import", real, missing, "--authority", "X001"],
    ["import", missing, "--authority", "X001", "--dry-run"],
    // A figures file needs no --authority.
    ["import", join(dir, "workforce-2025.csv")],
  ]) {
    const o = capture();
    assert.equal(await main([...argv, "--data", data], o), 1, argv.join(" "));
    const named = argv.find((a) => a.startsWith(dir) && a !== real)!;
    assert.match(o.stderr(), new RegExp(`^error LANTERN_FILE_NOT_FOUND: ${named.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} does not exist\\.\\nWhat to do: Check the path`), argv.join(" "));
    assert.ok(!existsSync(data), `${argv.join(" ")} created no store`);
  }
  // An option refused for what the paths hold is refused before the store is opened too.
  const replace = capture();
  assert.equal(await main(["import", real, "--authority", "X001", "--replace", "--data", data], replace), 1);
  assert.match(replace.stderr(), /^error LANTERN_BAD_OPTION: --replace is for measures\.csv files only\./);
  assert.ok(!existsSync(data), "--replace on an SSD export created no store");
  const r = capture();
  assert.equal(await main(["restore", join(dir, "lantern.backup.gz"), "--data", data], r), 1);
  assert.match(r.stderr(), /^error LANTERN_FILE_NOT_FOUND: .*lantern\.backup\.gz/);
  assert.ok(!existsSync(data), "restore created no store");
  // Without --data, the default folder ./lantern-data is not made either.
  const bin = fileURLToPath(new URL("../../../bin/lantern.mjs", import.meta.url));
  const env = { ...process.env };
  delete env.LANTERN_DATA;
  delete env.LANTERN_DATABASE_URL;
  const child = spawnSync(process.execPath, [bin, "import", "exprot", "--authority", "X001"], { cwd: dir, env, encoding: "utf8" });
  assert.equal(child.status, 1, child.stderr);
  assert.match(child.stderr, /^error LANTERN_FILE_NOT_FOUND: exprot does not exist\./);
  assert.ok(!existsSync(join(dir, "lantern-data")), "no default store folder");
});

test("import of a folder holding nothing Lantern loads is refused before any store is made: empty, only a README or an old .xls, only a population file", async () => {
  const { dir } = tempDir();
  const data = join(dir, "store");
  const empty = join(dir, "empty");
  mkdirSync(empty);
  const junk = join(dir, "junk");
  mkdirSync(junk);
  writeFileSync(join(junk, "README.txt"), "Exported by the case management system\n");
  writeFileSync(join(junk, "contacts.xls"), Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]));
  const pop = join(dir, "pop");
  mkdirSync(pop);
  writeFileSync(join(pop, "population.csv"), "la_code,year,population_0_17\n202,2024,41000\n");
  for (const [argv, exit, said] of [
    [["import", empty, "--authority", "202"], 1, /^error LANTERN_NO_FILES: No files were found in .*empty\./],
    [["import", empty, "--authority", "202", "--dry-run"], 1, /^error LANTERN_NO_FILES: No files were found/],
    [["import", junk, "--authority", "202"], 2, /FORMAT_FILE_UNKNOWN at README\.txt: README\.txt is not a format Lantern reads[\s\S]*FORMAT_FILE_UNKNOWN at contacts\.xls: .*old-style Excel \.xls/],
    [["import", pop, "--authority", "202"], 1, /^error LANTERN_NO_FILES: No export, return or figures file was found in .*pop: it holds only population\.csv/],
  ] as const) {
    const o = capture();
    assert.equal(await main([...argv, "--data", data], o), exit, `${argv.join(" ")}: ${o.stderr()}`);
    assert.match(o.stderr(), said, argv.join(" "));
    assert.ok(!existsSync(data), `${argv.join(" ")} created no store`);
  }
});

test("a file named twice (a folder and a file in it, or one path given twice) is read once, as a figures file is: an SSD export, a 903 and a CIN census", async () => {
  const { dir: data } = tempDir();
  const ssd = writeExport(smallExport());
  const { dir: r903 } = tempDir();
  for (const f of ["2021-header.csv", "2021-episodes.csv"]) copyFileSync(`${S}ssda903_multiyear_demand_model/${f}`, join(r903, f));
  const census = `${S}cin_census_fake/CIN_Census_2024.xml`;
  for (const [once, twice] of [
    [["import", ssd, "--authority", "X001"], ["import", ssd, join(ssd, "ssd_person.csv"), "--authority", "X001"]],
    [["import", ssd, "--authority", "X001"], ["import", ssd, `${ssd}/`, "--authority", "X001"]],
    [["import", r903, "--authority", "903", "--dfe-errors-as-queries"], ["import", r903, join(r903, "2021-header.csv"), "--authority", "903", "--dfe-errors-as-queries"]],
    [["import", census, "--dfe-errors-as-queries"], ["import", census, census, "--dfe-errors-as-queries"]],
  ] as const) {
    const a = capture();
    assert.equal(await main([...once, "--dry-run", "--json", "--data", data], a), 0, a.stdout());
    const b = capture();
    assert.equal(await main([...twice, "--dry-run", "--json", "--data", data], b), 0, `${twice.join(" ")}: ${b.stdout()}`);
    const summary = (s: string) => {
      const j = JSON.parse(s) as { rows: number; files?: unknown[]; authorities?: { tables: unknown[] }[] };
      return [j.rows, j.files?.length ?? j.authorities?.[0]?.tables.length];
    };
    assert.deepEqual(summary(b.stdout()), summary(a.stdout()), twice.join(" "));
  }
});
