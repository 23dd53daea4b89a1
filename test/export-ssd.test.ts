// The SSD export round trip: load a synthetic authority, export it, load the export into a new
// store, and every table's rows and every stored figure come back the same; the export is audited.
import assert from "node:assert/strict";
import { test } from "node:test";
import { main } from "../src/cli/main.ts";
import { generateToDirectory } from "../src/generate/index.ts";
import { storedValues } from "../src/kpi/compute.ts";
import { openStore, storeConfig } from "../src/store/open.ts";
import { SSD_TABLES } from "../src/store/ssd-schema.ts";
import { tempDir } from "./fixtures.ts";

const quiet = { out: () => {}, err: () => {}, isTTY: false, color: false };

async function contents(dataDir: string) {
  const store = await openStore(storeConfig(dataDir, {}));
  try {
    const tables: Record<string, string> = {};
    for (const t of SSD_TABLES) {
      const cols = t.columns.map((c) => c.name).join(", ");
      tables[t.name] = JSON.stringify(await store.all(`SELECT ${cols} FROM current_${t.name} ORDER BY ${cols}`));
    }
    const [s] = await store.all<{ snapshot_id: number }>(`SELECT snapshot_id FROM lantern_latest_snapshot`);
    const values = (await storedValues(store, { snapshots: [s!.snapshot_id] })).map((v) => `${v.indicator}|${v.period}|${v.breakdown ?? ""}|${v.category ?? ""}|${v.value}`);
    const audit = await store.all<{ action: string }>(`SELECT action FROM lantern_audit`);
    return { tables, values, audit: audit.map((a) => a.action) };
  } finally {
    await store.close();
  }
}

test("an SSD export loads back into another store with identical rows and figures", async () => {
  const gen = tempDir();
  const a = tempDir();
  const b = tempDir();
  const out = tempDir();
  try {
    await generateToDirectory({ out: gen.dir, seed: 3, population: 8000, from: "2022-04", to: "2024-03", authorities: 1, shocks: [] });
    assert.equal(await main(["import", gen.dir, "--data", a.dir], quiet), 0);
    assert.equal(await main(["export", "--format", "ssd", "--out", out.dir, "--data", a.dir], quiet), 0);
    assert.equal(await main(["import", out.dir, "--authority", "X001", "--data", b.dir], quiet), 0);
    const before = await contents(a.dir);
    const after = await contents(b.dir);
    for (const t of SSD_TABLES) assert.equal(after.tables[t.name], before.tables[t.name], `${t.name} comes back the same`);
    assert.ok(before.values.length > 1000);
    assert.deepEqual(after.values, before.values);
    assert.ok(before.audit.includes("export.ssd"), "the export is audited");
    assert.equal(await main(["export", "--format", "ssda903", "--out", out.dir, "--data", a.dir], quiet), 1);
  } finally {
    for (const d of [gen, a, b, out]) d.cleanup();
  }
});
