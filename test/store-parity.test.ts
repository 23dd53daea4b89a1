// The same data gives the same indicator values on DuckDB and on PostgreSQL: a small generated
// authority is loaded into both stores, the whole indicator library is computed on each, and every
// stored value (every indicator, period, breakdown and category) is compared.
import assert from "node:assert/strict";
import { test } from "node:test";
import { generateToDirectory } from "../src/generate/index.ts";
import { importSsd } from "../src/ingest/ssd-import.ts";
import { computeAndStore } from "../src/kpi/compute.ts";
import { indicatorLibrary } from "../src/kpi/library/index.ts";
import type { Store } from "../src/store/port.ts";
import { tempDir, tempStore } from "./fixtures.ts";
import { pgSkipReason } from "./postgres-cluster.ts";

/** Every stored value as one comparable line (numbers to 12 significant digits). */
export async function valueLines(store: Store): Promise<string[]> {
  const rows = await store.all(
    `SELECT v.la_code, v.indicator_id, v.period_id, v.breakdown, v.category, v.value, v.numerator, v.denominator, v.reason
     FROM lantern_indicator_value v ORDER BY v.la_code, v.indicator_id, v.period_id, v.breakdown, v.category`,
  );
  const num = (x: unknown) => (typeof x === "number" ? Number(x.toPrecision(12)) : x);
  return rows.map((r) => JSON.stringify([r["la_code"], r["indicator_id"], r["period_id"], r["breakdown"], r["category"], num(r["value"]), num(r["numerator"]), num(r["denominator"]), r["reason"]]));
}

test("the whole indicator library gives identical values on DuckDB and PostgreSQL", { skip: pgSkipReason() }, async () => {
  const out = tempDir();
  const duck = await tempStore("duckdb");
  const pg = await tempStore("postgres");
  try {
    await generateToDirectory({ out: out.dir, seed: 3, population: 3000, from: "2023-04", to: "2025-03", authorities: 1, shocks: [] });
    const lines: string[][] = [];
    for (const s of [duck, pg]) {
      await importSsd(s.store, { paths: [out.dir], now: () => new Date("2025-04-02T09:00:00Z") });
      await computeAndStore(s.store, { dataDir: s.dataDir });
      lines.push(await valueLines(s.store));
    }
    const [d, p] = lines as [string[], string[]];
    // The comparison means something: every indicator produced values, most of them numbers.
    const ids = new Set(d.map((l) => JSON.parse(l)[1]));
    const fromRecords = indicatorLibrary()
      .list()
      .filter((x) => x.source !== "measures");
    assert.equal(ids.size, fromRecords.length, "every indicator computed from records has values");
    assert.ok(d.filter((l) => JSON.parse(l)[5] !== null).length > 1000, "over a thousand non-null values");
    assert.equal(p.length, d.length, "same number of values");
    const differ = d.filter((l, i) => l !== p[i]);
    assert.deepEqual(differ.slice(0, 10), [], `${differ.length} values differ; first ones (DuckDB) shown`);
  } finally {
    await duck.cleanup();
    await pg.cleanup();
    out.cleanup();
  }
});
