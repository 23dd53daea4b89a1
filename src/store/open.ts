/**
 * @module
 * Choosing and opening the store: the embedded DuckDB file under the data directory by default
 * (`--data DIR`, env `LANTERN_DATA`, default `./lantern-data`), or the PostgreSQL server named by
 * `LANTERN_DATABASE_URL=postgres://…` (for many users and several instances). Every open brings
 * the schema up to date.
 */

import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { LanternError } from "../core/errors.ts";
import { duckDbPath, openDuckDbStore } from "./duckdb.ts";
import { migrate } from "./migrations.ts";
import { openPostgresStore, redactUrl } from "./postgres.ts";
import type { Store } from "./port.ts";

/** Where the store lives. */
export interface StoreConfig {
  readonly dataDir: string;
  readonly databaseUrl?: string;
}

/** Resolve the store settings from a `--data` flag and the environment. */
export function storeConfig(dataFlag: string | undefined, env: NodeJS.ProcessEnv = process.env): StoreConfig {
  const dataDir = resolve(dataFlag ?? env["LANTERN_DATA"] ?? "lantern-data");
  const url = env["LANTERN_DATABASE_URL"];
  return url ? { dataDir, databaseUrl: url } : { dataDir };
}

/**
 * Open the configured store and migrate it. `existing`: a command that only reads (or needs data
 * already loaded) must not make an empty store in a mistyped --data folder and then report that
 * nothing is loaded; it is told where it looked instead.
 */
export async function openStore(config: StoreConfig, opts: { readonly existing?: boolean; readonly application?: string } = {}): Promise<Store> {
  if (opts.existing && !config.databaseUrl && !existsSync(duckDbPath(config.dataDir))) {
    throw new LanternError("LANTERN_STORE_MISSING", `There is no Lantern store in ${config.dataDir}.`, {
      hint: "Check --data (or LANTERN_DATA), or make one there with `lantern demo --data DIR` or `lantern import FILES --authority CODE --data DIR`.",
    });
  }
  let store: Store;
  if (config.databaseUrl) {
    if (!/^postgres(ql)?:\/\//i.test(config.databaseUrl)) {
      throw new LanternError("LANTERN_BAD_OPTION", `LANTERN_DATABASE_URL must be a postgres:// URL; got ${JSON.stringify(redactUrl(config.databaseUrl))}.`, {
        hint: "Set LANTERN_DATABASE_URL=postgres://user:password@host:5432/database, or unset it to use the embedded store in the --data folder.",
      });
    }
    store = await openPostgresStore(config.databaseUrl, opts.application ? { applicationName: opts.application } : {});
  } else {
    store = await openDuckDbStore(config.dataDir);
  }
  try {
    await migrate(store);
  } catch (e) {
    await store.close();
    // PostgreSQL's "permission denied" (SQLSTATE 42501): the role cannot create Lantern's tables.
    if (store.kind === "postgres" && (e as { code?: unknown }).code === "42501") {
      throw new LanternError("LANTERN_STORE_FAILED", `The database role cannot create or change Lantern's tables in ${store.location}: ${(e as Error).message}.`, {
        hint: "Lantern creates its tables on first use and work tables during a compute, so connect as a role that owns the database (or has CREATE on its schema: GRANT CREATE ON SCHEMA public TO lantern). See docs/store.md, 'Database role'.",
      });
    }
    throw e;
  }
  return store;
}

/** The name `lantern serve` gives its PostgreSQL connections (pg_stat_activity), so maintenance can see it. */
export const SERVE_APPLICATION = "lantern serve";

/**
 * Refuse work that replaces a whole PostgreSQL store (a restore, or a migrate-store copy into it)
 * while a `lantern serve` is connected to the same database: its sign-ins, session updates and
 * audit entries would interleave with the replacement. An embedded store needs no check: only one
 * process can hold its file.
 */
export async function refuseWhileServed(store: Store, what: string): Promise<void> {
  if (store.kind !== "postgres") return;
  const [r] = await store.all<{ n: number; hosts: string | null }>(
    `SELECT count(*) AS n, string_agg(DISTINCT coalesce(host(client_addr), 'this machine'), ', ') AS hosts
     FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1 AND pid <> pg_backend_pid()`,
    [SERVE_APPLICATION],
  );
  const n = Number(r?.n ?? 0);
  if (!n) return;
  throw new LanternError("LANTERN_STORE_LOCKED", `${store.location} is in use by lantern serve (${n} connection${n === 1 ? "" : "s"} from ${r?.hosts ?? "another machine"}), so ${what} would interleave with the people using it.`, {
    hint: "Stop every lantern serve that uses this database, run the command again, then start them again. Nothing was changed.",
  });
}
