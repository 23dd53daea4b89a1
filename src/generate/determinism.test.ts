// Same options, same bytes: two runs with one seed give identical files (sha256 of every file),
// another seed gives different ones; the layout is the one the importer expects.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parse } from "csv-parse/sync";
import { SSD_TABLES } from "../store/ssd-schema.ts";
import { generateToDirectory } from "./index.ts";

function digest(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${prefix}${e.name}/`);
      else out[`${prefix}${e.name}`] = createHash("sha256").update(readFileSync(join(d, e.name))).digest("hex");
    }
  };
  walk(dir, "");
  return out;
}

const small = { seed: 11, population: 3000, from: "2023-04", to: "2025-03", authorities: 3, shocks: [{ month: "2024-06", factor: 1.2 }] };

test("the same seed gives byte-identical files; another seed does not", async () => {
  const root = mkdtempSync(join(tmpdir(), "lantern-gen-det-"));
  try {
    const progress: string[] = [];
    const sa = await generateToDirectory({ ...small, out: join(root, "a") }, (done, total) => progress.push(`${done}/${total}`));
    await generateToDirectory({ ...small, out: join(root, "b") });
    await generateToDirectory({ ...small, seed: 12, out: join(root, "c") });
    const a = digest(join(root, "a"));
    const b = digest(join(root, "b"));
    const c = digest(join(root, "c"));
    assert.equal(Object.keys(a).length, 3 * SSD_TABLES.length + 2);
    assert.equal(sa.files, Object.keys(a).length);
    assert.deepEqual(progress, ["0/3", "1/3", "2/3", "3/3"]);
    assert.deepEqual(b, a, "same seed, same bytes");
    for (const f of ["X001/ssd_person.csv", "X001/ssd_cin_episodes.csv", "X002/ssd_contacts.csv", "population.csv"]) assert.notEqual(c[f], a[f], `${f} differs with another seed`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("the export is RFC 4180 CSV with the registry's headers, one folder per authority", async () => {
  const root = mkdtempSync(join(tmpdir(), "lantern-gen-csv-"));
  try {
    const summary = await generateToDirectory({ ...small, out: root });
    const authorities = readFileSync(join(root, "authorities.csv"), "utf8");
    assert.match(authorities, /^la_code,la_name,population_0_17\nX001,Lanternshire,3000\nX002,[A-Z][a-z]+,\d+\nX003,[A-Z][a-z]+,\d+\n$/);
    const pop = readFileSync(join(root, "population.csv"), "utf8").trimEnd().split("\n");
    assert.equal(pop[0], "la_code,year,population_0_17");
    assert.deepEqual(
      pop.slice(1, 5).map((l) => l.split(",").slice(0, 2).join(",")),
      ["X001,2022", "X001,2023", "X001,2024", "X001,2025"],
      "mid-2022 (the year before from) to mid-2025 (the year of to)",
    );
    assert.equal(pop.length, 1 + 3 * 4);
    for (const a of summary.authorities) {
      for (const t of SSD_TABLES) {
        const bytes = readFileSync(join(root, a.code, `${t.name}.csv`));
        assert.notEqual(bytes[0], 0xef, "no byte-order mark");
        const text = bytes.toString("utf8");
        assert.ok(!text.includes("\r"), "\\n line endings");
        assert.equal(text.split("\n")[0], t.columns.map((c) => c.name).join(","));
        const rows = parse(text, { columns: true, relax_column_count: false }) as Record<string, string>[];
        assert.equal(rows.length, a.rows[t.name], `${a.code} ${t.name} row count`);
        for (const c of t.columns) {
          if (c.kind !== "date") continue;
          for (const r of rows) if (r[c.name]) assert.match(r[c.name]!, /^\d{4}-\d{2}-\d{2}$/);
        }
        if (t.name === "ssd_assessment_factors" && rows.length) assert.ok(Array.isArray(JSON.parse(rows[0]!["cinf_assessment_factors_json"]!)), "json columns survive quoting");
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
