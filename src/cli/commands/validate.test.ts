/**
 * `lantern validate` and `lantern import` on statutory returns, through the CLI: exit codes,
 * reports in CSV, JSON and HTML, and the import summary naming the indicators a return cannot
 * feed. Uses the shared SSDA903 fake data (../shared/samples).
 */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { tempDir } from "../../../test/fixtures.ts";
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
