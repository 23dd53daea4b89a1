// A generated year's headline figures sit near England's (2024-25, DfE), computed here with plain
// SQL over the imported data — the importer also proves the generated export is valid SSD.
// Tolerances (stated in CALIBRATION) were chosen to hold across seeds with margin.
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadBankHolidays } from "../calendar/working-days.ts";
import { importSsd } from "../ingest/ssd-import.ts";
import { ensureReferenceTables } from "../kpi/reference-tables.ts";
import { tempDir, tempStore } from "../../test/fixtures.ts";
import { CALIBRATION, headlineFigures } from "./headline-sql.ts";
import { generateToDirectory } from "./index.ts";

for (const seed of [1, 2]) {
  test(`a generated 2024-25 is near England's figures (seed ${seed})`, async () => {
    const out = tempDir();
    const { store, cleanup } = await tempStore();
    try {
      await generateToDirectory({ out: out.dir, seed, population: 60000, from: "2019-04", to: "2025-03", authorities: 1, shocks: [] });
      const res = await importSsd(store, { paths: [out.dir] });
      assert.equal(res.authorities[0]!.status, "loaded");
      await ensureReferenceTables(store, loadBankHolidays());
      const f = await headlineFigures(store, "X001", 2024, 60000);
      const misses: string[] = [];
      for (const c of CALIBRATION) {
        const v = f[c.id]!;
        const ok = c.relative ? Math.abs(v - c.england) <= c.tolerance * c.england : Math.abs(v - c.england) <= c.tolerance;
        if (!ok) misses.push(`${c.id} ${v.toFixed(1)} vs England ${c.england} (±${c.relative ? `${c.tolerance * 100}%` : `${c.tolerance} points`})`);
      }
      assert.deepEqual(misses, []);
    } finally {
      await cleanup();
      out.cleanup();
    }
  });
}
