/**
 * `lantern validate` and `lantern import` on statutory returns, through the CLI: exit codes,
 * reports in CSV, JSON and HTML, and the import summary naming the indicators a return cannot
 * feed. Uses the shared SSDA903 fake data (../shared/samples).
 */

import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { smallExport, tempDir, writeExport } from "../../../test/fixtures.ts";
import { generateToDirectory } from "../../generate/index.ts";
import { main } from "../main.ts";
import type { Output } from "../output.ts";

const S = fileURLToPath(new URL("../../../../shared/samples/", import.meta.url));

function capture(): Output & { text: () => string } {
  let all = "";
  return {
    out: (t) => {
      all += t;
    },
    err: (t) => {
      all += t;
    },
    isTTY: false,
    color: false,
    text: () => all,
  };
}

test("lantern validate: errors exit 2 and every issue goes to the report (csv, json, html)", async () => {
  const { dir } = tempDir();
  const files = [`${S}ssda903_validator_fake/header.csv`, `${S}ssda903_validator_fake/episodes.csv`];
  const o = capture();
  assert.equal(await main(["validate", ...files, "--report", join(dir, "r.csv")], o), 2);
  assert.match(o.text(), /SSDA903 Episodes \(CSV\)/);
  const csv = readFileSync(join(dir, "r.csv"), "utf8").split("\r\n");
  assert.equal(csv[0], "severity,code,file,row,column,value,expected,message");
  assert.ok(csv.some((l) => l.startsWith("error,903-501,episodes.csv,")));
  assert.equal(await main(["validate", ...files, "--report", join(dir, "r.json")], capture()), 2);
  const json = JSON.parse(readFileSync(join(dir, "r.json"), "utf8")) as { errorCount: number; issues: { code: string; severity: string }[] };
  assert.equal(json.issues.filter((i) => i.severity === "error").length, json.errorCount, "every error is in the JSON report");
  assert.ok(json.issues.some((i) => i.code === "903-501"));
  assert.equal(await main(["validate", ...files, "--report", join(dir, "r.html"), "--dfe-errors-as-queries"], capture()), 0);
  const html = readFileSync(join(dir, "r.html"), "utf8");
  assert.match(html, /<h2>903-501/);
  assert.doesNotMatch(html, /<script|https?:\/\//);
  assert.equal(await main(["validate", ...files, "--report", join(dir, "r.txt")], capture()), 1);
});

test("lantern import: a 903 return loads as a snapshot and the summary names what it cannot feed", async () => {
  const { dir } = tempDir();
  const o = capture();
  const code = await main(["import", `${S}ssda903_multiyear_demand_model/2021-header.csv`, `${S}ssda903_multiyear_demand_model/2021-episodes.csv`, "--authority", "903", "--dfe-errors-as-queries", "--no-compute", "--data", dir], o);
  assert.equal(code, 0, o.text());
  assert.match(o.text(), /903: loaded snapshot 1 \(ssda903-csv\)/);
  assert.match(o.text(), /Cannot be computed from what is loaded .*contacts/s);
  assert.match(o.text(), /ssd_contacts/);
});

test("lantern validate on an SSD export (a folder of ssd_<table>.csv, or one written by generate) says it is one and that `lantern import … --dry-run` checks it, not that every table is a mix", async () => {
  const ssd = writeExport({ ...smallExport(), "population.csv": "la_code,year,population_0_17\n202,2024,60000\n" });
  const o = capture();
  assert.equal(await main(["validate", ssd], o), 1, o.text());
  assert.doesNotMatch(o.text(), /FORMAT_SSD_MIXED|load on their own|cannot feed/);
  assert.match(o.text(), /is an SSD export/);
  assert.match(o.text(), new RegExp(`lantern import ${ssd.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} --authority CODE --dry-run`));
  const { dir } = tempDir();
  await generateToDirectory({ out: dir, seed: 3, population: 500, from: "2024-04", to: "2025-03", authorities: 1, shocks: [] });
  const g = capture();
  assert.equal(await main(["validate", dir], g), 1, g.text());
  assert.doesNotMatch(g.text(), /FORMAT_FILE_UNKNOWN/);
  assert.match(g.text(), /written by `lantern generate`/);
  assert.match(g.text(), /--dry-run/);
  // A return's file among SSD files is still a mix, refused file by file.
  const mixed = writeExport({ ...smallExport(), "header.csv": readFileSync(`${S}ssda903_validator_fake/header.csv`, "utf8") });
  const m = capture();
  assert.equal(await main(["validate", mixed], m), 2);
  assert.match(m.text(), /FORMAT_SSD_MIXED/);
});

test("lantern validate on a figures file says it is one and that `lantern import … --dry-run` checks it", async () => {
  const f = join(writeExport({ "measures.csv": "indicator,authority,period,value\nsw_vacancy_rate,202,2025-09,14.2\n" }), "measures.csv");
  const o = capture();
  assert.equal(await main(["validate", f], o), 1, o.text());
  assert.doesNotMatch(o.text(), /FORMAT_MEASURES_MIXED/);
  assert.match(o.text(), /figures file/);
  assert.match(o.text(), /--dry-run/);
});

test("lantern validate --report in a folder that does not exist, or with a wrong extension, is refused before any checking, not a crash after it", async () => {
  const { dir } = tempDir();
  const files = [`${S}ssda903_validator_fake/header.csv`, `${S}ssda903_validator_fake/episodes.csv`];
  const missing = join(dir, "no-such-folder", "issues.html");
  const o = capture();
  assert.equal(await main(["validate", ...files, "--report", missing], o), 1);
  assert.match(o.text(), /^error LANTERN_BAD_OPTION: --report .*issues\.html: the folder .*no-such-folder does not exist\.\nWhat to do: Create it first/);
  // Refused before the files were checked: no table of files, no crash to report.
  assert.doesNotMatch(o.text(), /LANTERN_INTERNAL|Please report this|SSDA903 Episodes/);
  const ext = capture();
  assert.equal(await main(["validate", ...files, "--report", join(dir, "issues.txt")], ext), 1);
  assert.match(ext.text(), /^error LANTERN_BAD_OPTION: --report .*issues\.txt: the report must end in \.csv, \.json or \.html\./);
  assert.doesNotMatch(ext.text(), /SSDA903 Episodes/);
  const json = capture();
  assert.equal(await main(["validate", ...files, "--report", missing, "--json"], json), 1);
  assert.equal((JSON.parse(json.text()) as { error: { code: string } }).error.code, "LANTERN_BAD_OPTION");
});

test("lantern validate and lantern import given a CIN census and Annex A lists sharing children refuse the mix in one message (exit 1), not as duplicate ids; each alone validates", async () => {
  const { dir } = tempDir();
  const cin = join(dir, "cin.xml");
  const list = join(dir, "list1.csv");
  writeFileSync(
    cin,
    `<?xml version="1.0" encoding="utf-8"?>\n<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>2024</Year><ReferenceDate>2024-03-31</ReferenceDate></CollectionDetails>\n<Source><SourceLevel>L</SourceLevel><LEA>202</LEA></Source></Header><Children>\n` +
      "<Child><ChildIdentifiers><LAchildID>K1</LAchildID><PersonBirthDate>2015-01-01</PersonBirthDate><Sex>F</Sex></ChildIdentifiers><ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>" +
      "<CINdetails><CINreferralDate>2023-05-02</CINreferralDate><ReferralSource>1A</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode><ReferralNFA>false</ReferralNFA></CINdetails></Child>\n</Children></Message>\n",
  );
  writeFileSync(list, "Child Unique ID,Gender,Ethnicity,Date of Birth,Age,Date of Contact,Contact Source\nK1,F,WBRI,2015-01-01,8,2023-05-01,6\n");
  for (const args of [["validate", cin, list], ["validate", cin, list, "--json"], ["import", cin, list, "--authority", "202", "--data", join(dir, "store")]]) {
    const o = capture();
    assert.equal(await main(args, o), 1, o.text());
    assert.match(o.text(), /These files hold 2 different returns: a CIN census \(cin\.xml\) and Annex A lists \(list1\.csv\)/, args.join(" "));
    assert.doesNotMatch(o.text(), /occurs twice/);
    assert.match(o.text(), args[0] === "validate" ? /each return on its own.*lantern validate \S+cin\.xml, then lantern validate \S+list1\.csv/ : /lantern import \S+cin\.xml --authority 202, then lantern import \S+list1\.csv --authority 202/, args.join(" "));
  }
  for (const f of [cin, list]) {
    const o = capture();
    assert.equal(await main(["validate", f], o), 0, o.text());
  }
});

test("a return's file among an SSD export's files is named in each file's refusal, so the odd one out is seen among the first lines", async () => {
  const mixed = writeExport({ ...smallExport(), "header.csv": readFileSync(`${S}ssda903_validator_fake/header.csv`, "utf8") });
  const m = capture();
  assert.equal(await main(["import", mixed, "--authority", "202", "--dry-run", "--data", tempDir().dir], m), 2);
  const first = m.text().split("\n").find((l) => l.includes("FORMAT_SSD_MIXED"));
  assert.match(first ?? "", /ssd_\w+\.csv is an SSD table \(ssd_\w+\), here with the files of an SSDA903 return \(header\.csv\): an SSD export and a return load on their own, one after the other\./);
});
