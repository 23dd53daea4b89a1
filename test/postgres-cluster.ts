/**
 * @module
 * A throwaway PostgreSQL 15 server for the tests, so the same suites run against a real server
 * and not only DuckDB. `initdb` into a temporary folder (as the `postgres` OS user when the tests
 * run as root, since initdb refuses root), trust authentication, listening only on a unix socket
 * inside that folder (no TCP port to collide with anyone), tuned for speed (fsync off). Stopped
 * and deleted when the process ends, also on failure.
 *
 * One cluster serves a whole `npm test`: `test/global-setup.ts` starts it and passes its URL to
 * the test processes in `LANTERN_TEST_PG_URL`; a test file run on its own starts its own. Each
 * test then gets a fresh database (`freshDatabase()`), so tests never see each other's data.
 * Missing binaries: with CI=1 a test FAILURE with a clear message; otherwise the PostgreSQL
 * variants are skipped with that message shown (`pgSkipReason()`), never silently.
 */

import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

/** Where the Debian/Ubuntu `postgresql-15` package puts its programs (override: LANTERN_PG_BIN). */
export const PG_BIN = process.env["LANTERN_PG_BIN"] ?? "/usr/lib/postgresql/15/bin";

/** Why PostgreSQL cannot be started here (binaries missing), or undefined when it can. */
export function pgMissing(): string | undefined {
  const initdb = join(PG_BIN, "initdb");
  if (existsSync(initdb) && existsSync(join(PG_BIN, "pg_ctl"))) return undefined;
  return (
    `PostgreSQL 15 is not installed: ${initdb} does not exist. The PostgreSQL variants of the tests need it ` +
    "(apt-get install postgresql-15, or set LANTERN_PG_BIN to the folder holding initdb and pg_ctl)."
  );
}

/**
 * A `skip` value for node:test: the reason when PostgreSQL is missing and this is not CI, else
 * false (in CI a missing PostgreSQL must fail the run, so the test runs and fails loudly).
 */
export function pgSkipReason(env: NodeJS.ProcessEnv = process.env): string | false {
  const missing = pgMissing();
  if (!missing || env["CI"]) return false;
  return `SKIPPED (PostgreSQL): ${missing}`;
}

/** A running cluster. */
export interface Cluster {
  /** URL of the `postgres` database as superuser `postgres` (unix socket). */
  readonly url: string;
  readonly dir: string;
  stop(): void;
}

function asPostgres(cmd: string, args: string[]): [string, string[]] {
  // initdb and postgres refuse to run as root: run them as the postgres OS user.
  if (process.getuid?.() === 0) return ["runuser", ["-u", "postgres", "--", cmd, ...args]];
  return [cmd, args];
}

function run(cmd: string, args: string[], asUser = true): void {
  const [c, a] = asUser ? asPostgres(cmd, args) : [cmd, args];
  const r = spawnSync(c, a, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${[c, ...a].join(" ")} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
}

/**
 * Start a new cluster in a temporary folder. Throws with a clear message when PostgreSQL is
 * missing. `settings` (postgresql.conf lines) override the test defaults: the benchmark runs with
 * durable writes and more memory.
 */
export function startCluster(settings: readonly string[] = []): Cluster {
  const initdb = join(PG_BIN, "initdb");
  const missing = pgMissing();
  if (missing) throw new Error(missing);
  // A short path: the socket path must fit in 107 bytes.
  const dir = mkdtempSync(join(tmpdir(), "lpg-"));
  const data = join(dir, "data");
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(dir, uid, gid);
  }
  let started = false;
  const stop = (): void => {
    if (started) {
      const [c, a] = asPostgres(join(PG_BIN, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]);
      spawnSync(c, a, { encoding: "utf8" });
      started = false;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    run(initdb, ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
    const conf = [
      "listen_addresses = ''",
      `unix_socket_directories = '${dir}'`,
      "fsync = off",
      "synchronous_commit = off",
      "full_page_writes = off",
      "max_connections = 200",
      "shared_buffers = 64MB",
      "timezone = 'Europe/London'",
      "log_min_messages = fatal",
      ...settings,
    ].join("\n");
    writeFileSync(join(data, "postgresql.auto.conf"), `${conf}\n`);
    if (process.getuid?.() === 0) run("chown", ["postgres", join(data, "postgresql.auto.conf")], false);
    run(join(PG_BIN, "pg_ctl"), ["-D", data, "-l", join(dir, "server.log"), "-w", "-t", "60", "start"]);
    started = true;
  } catch (e) {
    stop();
    throw e;
  }
  return { url: `postgres://postgres@localhost/postgres?host=${encodeURIComponent(dir)}`, dir, stop };
}

let own: Cluster | undefined;

/** The admin URL of the cluster for this test run (shared, or started now for this process). */
export function clusterUrl(): string {
  const failed = process.env["LANTERN_TEST_PG_ERROR"];
  if (failed) throw new Error(`The test PostgreSQL server could not start: ${failed}`);
  const shared = process.env["LANTERN_TEST_PG_URL"];
  if (shared) return shared;
  if (!own) {
    own = startCluster();
    const c = own;
    process.on("exit", () => c.stop());
    for (const sig of ["SIGINT", "SIGTERM"] as const) {
      process.once(sig, () => {
        c.stop();
        process.exit(130);
      });
    }
  }
  return own.url;
}

let counter = 0;

/** Swap the database name in a PostgreSQL URL. */
export function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

/** A new empty database on the test cluster (or the cluster whose admin URL is given); `drop` removes it. */
export async function freshDatabase(admin: string = clusterUrl()): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = `t_${process.pid}_${++counter}_${Date.now().toString(36)}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  try {
    await c.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`);
  } finally {
    await c.end();
  }
  return {
    url: withDatabase(admin, name),
    name,
    drop: async () => {
      const d = new pg.Client({ connectionString: admin });
      await d.connect();
      try {
        await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await d.end();
      }
    },
  };
}
