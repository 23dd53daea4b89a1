/**
 * @module
 * Test-run set-up (`node --test --test-global-setup=test/global-setup.ts`): one throwaway
 * PostgreSQL cluster for the whole run, its URL handed to every test process in
 * `LANTERN_TEST_PG_URL`, stopped and deleted at the end. When PostgreSQL cannot start, the DuckDB
 * tests still run and every PostgreSQL test fails with the reason (`LANTERN_TEST_PG_ERROR`).
 */

import { type Cluster, pgSkipReason, startCluster } from "./postgres-cluster.ts";

let cluster: Cluster | undefined;

export async function globalSetup(): Promise<void> {
  const skip = pgSkipReason();
  if (skip) {
    process.stderr.write(`\n*** ${skip}\n\n`);
    return;
  }
  try {
    cluster = startCluster();
    process.env["LANTERN_TEST_PG_URL"] = cluster.url;
    const c = cluster;
    process.on("exit", () => c.stop());
    for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
      process.once(sig, () => {
        c.stop();
        process.exit(130);
      });
    }
  } catch (e) {
    process.env["LANTERN_TEST_PG_ERROR"] = e instanceof Error ? e.message : String(e);
  }
}

export async function globalTeardown(): Promise<void> {
  cluster?.stop();
  cluster = undefined;
}
