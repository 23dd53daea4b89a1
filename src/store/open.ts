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
export async function openStore(config: StoreConfig, opts: { readonly existing?: boolean } = {}): Promise<Store> {
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
    store = await openPostgresStore(config.databaseUrl);
  } else {
    store = await openDuckDbStore(config.dataDir);
  }
  try {
    await migrate(store);
  } catch (e) {
    await store.close();
    throw e;
  }
  return store;
}
