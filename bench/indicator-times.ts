// Each indicator's compute time on DuckDB and on PostgreSQL for one generated data set, one
// indicator at a time, with a statement timeout on PostgreSQL, so a slow indicator's SQL can be
// found and fixed without waiting for the whole bench. Values are compared between the two
// stores as they are computed (the parity test does the same on a small fixture).
//
//   node bench/indicator-times.ts [--authorities K] [--population N] [--timeout S] [--only id,id]
import { parseArgs } from "node:util";
import { join } from "node:path";
import pg from "pg";
import { generateToDirectory } from "../src/generate/index.ts";
import { importSsd } from "../src/ingest/ssd-import.ts";
import { computeAndStore, computeValues, selectIndicators } from "../src/kpi/compute.ts";
import { resolveTargets } from "../src/kpi/targets.ts";
import { openStore, storeConfig } from "../src/store/open.ts";
import type { Store } from "../src/store/port.ts";
import { tempDir } from "../test/fixtures.ts";
import { freshDatabase, pgMissing, startCluster } from "../test/postgres-cluster.ts";

const { values: args } = parseArgs({
  options: {
    authorities: { type: "string", default: "1" },
    population: { type: "string", default: "20000" },
    timeout: { type: "string", default: "60" },
    only: { type: "string" },
  },
});
const missing = pgMissing();
if (missing) throw new Error(`PostgreSQL is needed: ${missing}`);

const t = tempDir("lantern-itimes-");
const cluster = startCluster(["shared_buffers = '1GB'"]);
try {
  const out = join(t.dir, "export");
  await generateToDirectory({ out, seed: 1, population: Number(args.population), from: "2019-04", to: "2025-03", authorities: Number(args.authorities), shocks: [] });
  const db = await freshDatabase(cluster.url);
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  await admin.query(`ALTER DATABASE ${JSON.stringify(db.name)} SET statement_timeout = '${Number(args.timeout)}s'`);
  await admin.end();
  const stores: [string, Store][] = [
    ["duckdb", await openStore(storeConfig(join(t.dir, "duck"), {}))],
    ["postgres", await openStore(storeConfig(join(t.dir, "pg"), { LANTERN_DATABASE_URL: db.url }))],
  ];
  for (const [, s] of stores) {
    await importSsd(s, { paths: [out] });
    // The calendar and periods are written by a compute: one cheap indicator makes them.
    await computeAndStore(s, { indicators: ["contacts"] });
  }
  const { defs } = selectIndicators(args.only?.split(","));
  const targets = new Map<Store, Awaited<ReturnType<typeof resolveTargets>>>();
  for (const [, s] of stores) targets.set(s, await resolveTargets(s, {}));
  for (const def of defs) {
    const line: string[] = [def.id.padEnd(30)];
    const got: string[] = [];
    for (const [kind, s] of stores) {
      const t0 = performance.now();
      try {
        const r = await computeValues(s, targets.get(s)!, [def]);
        if (!r.values.some((v) => v.value !== null)) throw new Error("no values");
        line.push(`${kind} ${((performance.now() - t0) / 1000).toFixed(2).padStart(7)} s`);
        got.push(
          JSON.stringify(
            r.values
              .map((v) => [v.authority, v.period, v.numerator, v.denominator, v.value === null ? null : Number(v.value.toFixed(6))])
              .sort((a, b) => String(a).localeCompare(String(b))),
          ),
        );
      } catch (e) {
        line.push(`${kind} failed after ${((performance.now() - t0) / 1000).toFixed(1)} s: ${(e as Error).message.slice(0, 60)}`);
        got.push("failed");
      }
    }
    if (got.length === 2 && got[0] !== got[1] && !got.includes("failed")) line.push("VALUES DIFFER");
    console.log(line.join("  "));
  }
  for (const [, s] of stores) await s.close();
  await db.drop();
} finally {
  cluster.stop();
  t.cleanup();
}
