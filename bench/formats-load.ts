/**
 * @module
 * One measured load for the statutory-formats section of `npm run bench`, run in its own process
 * so its peak memory (maxRSS) is its own: `node bench/formats-load.ts lantern|validate|duckdb DIR|FILE[,FILE…]` (`validate`: the same
 * checks without a store). Prints one JSON line: rows, milliseconds, peak resident memory in MB,
 * and how the SSDA903 files were read.
 */

import { DuckDBInstance } from "@duckdb/node-api";
import { loadFormats } from "../src/formats/load.ts";
import { openStore, storeConfig } from "../src/store/open.ts";
import { tempDir } from "../test/fixtures.ts";

const [mode, path] = process.argv.slice(2) as [string, string];
const t0 = performance.now();
let rows = 0;
let mode903: string | undefined;
if (mode === "duckdb") {
  const inst = await DuckDBInstance.create(":memory:", { threads: "2" });
  const con = await inst.connect();
  await con.run(`CREATE TABLE t AS SELECT * FROM read_csv('${path.replaceAll("'", "''")}', header = true, auto_detect = true)`);
  const r = await con.runAndReadAll(`SELECT count(*) FROM t`);
  rows = Number(r.getRows()[0]![0]);
  con.closeSync();
  inst.closeSync();
} else if (mode === "validate") {
  const r = await loadFormats(undefined, { paths: path.split(","), dfeErrorsAsQueries: true, maxIssues: 100, on903Read: (m) => (mode903 = m) });
  rows = r.rows;
} else {
  const t = tempDir("lantern-bench-formats-");
  const store = await openStore(storeConfig(t.dir, {}));
  const r = await loadFormats(store, { paths: path.split(","), authority: "999", dfeErrorsAsQueries: true, maxIssues: 100, on903Read: (m) => (mode903 = m) });
  rows = r.rows;
  await store.close();
  t.cleanup();
}
const ms = performance.now() - t0;
console.log(JSON.stringify({ rows, ms, peakMb: Math.round(process.resourceUsage().maxRSS / 1024), ...(mode903 ? { mode903 } : {}) }));
