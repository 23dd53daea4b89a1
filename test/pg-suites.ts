/**
 * @module
 * `npm run test:pg`: the store, ingest, KPI and web suites again, this time on a real PostgreSQL
 * server (`LANTERN_TEST_STORE=postgres` makes `tempStore()` and `demoApp()` open a fresh database
 * on the throwaway cluster that test/global-setup.ts starts and stops). The big generated-data
 * analysis tests (digest, forecast, calibration) stay DuckDB-only: they test statistics, not the
 * store, and the KPI parity test (test/store-parity.test.ts) already proves both stores agree.
 * Without PostgreSQL installed this prints why and exits 0, except under CI=1, where it fails.
 */

import { spawnSync } from "node:child_process";
import { pgMissing } from "./postgres-cluster.ts";

/** The suites that run on both stores. */
export const PG_SUITES = [
  "src/store/**/*.test.ts",
  "src/ingest/**/*.test.ts",
  "src/kpi/**/*.test.ts",
  "src/formats/load.test.ts",
  "src/analysis/annotations.test.ts",
  "src/web/**/*.test.ts",
];

const missing = pgMissing();
if (missing) {
  if (process.env["CI"]) {
    process.stderr.write(`FAIL: ${missing}\n`);
    process.exit(1);
  }
  process.stderr.write(`\n*** SKIPPED the PostgreSQL suites: ${missing}\n\n`);
  process.exit(0);
}
const args = ["--test", "--test-global-setup=test/global-setup.ts", `--test-reporter=${process.env["LANTERN_TEST_REPORTER"] ?? "spec"}`, ...PG_SUITES];
const r = spawnSync(process.execPath, args, { stdio: "inherit", env: { ...process.env, TZ: "Europe/London", LANTERN_TEST_STORE: "postgres" } });
process.exit(r.status ?? 1);
