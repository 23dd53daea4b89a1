/**
 * @module
 * Small hand-written SSD exports for tests: a handful of children whose every figure can be
 * worked out by hand, written to a temporary folder, plus a throwaway store per test.
 */

import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import type { Output } from "../src/cli/output.ts";
import { openStore, storeConfig } from "../src/store/open.ts";
import type { Store } from "../src/store/port.ts";
import { freshDatabase, pgSkipReason } from "./postgres-cluster.ts";

/** The two stores Lantern runs on. */
export type StoreKind = Store["kind"];
export const STORE_KINDS: readonly StoreKind[] = ["duckdb", "postgres"];

/**
 * The stores a dual-store test loops over, each with its node:test `skip` value: PostgreSQL is
 * skipped (with the reason shown) only when it is not installed and this is not CI.
 * `for (const { kind, skip } of storeKinds()) test(`… (${kind})`, { skip }, async () => …)`
 */
export function storeKinds(): { kind: StoreKind; skip: string | false }[] {
  return STORE_KINDS.map((kind) => ({ kind, skip: kind === "postgres" ? pgSkipReason() : false }));
}

/** Debian's Chromium, or LANTERN_CHROMIUM: what PDF reports and the browser tests print and browse with. */
export const CHROMIUM = process.env["LANTERN_CHROMIUM"] ?? "/usr/bin/chromium";

/**
 * A node:test `skip` value for a test needing programs of the system (Chromium, poppler's
 * pdfinfo): the reason, naming the package to install, when one is missing and this is not CI;
 * else false (CI installs them in .ci/run, so there a missing one must fail the run loudly).
 */
export function needsPrograms(programs: readonly ("chromium" | "pdfinfo" | "pdftotext")[], env: NodeJS.ProcessEnv = process.env): string | false {
  if (env["CI"]) return false;
  const onPath = (name: string) => (env["PATH"] ?? "").split(delimiter).some((d) => d && existsSync(join(d, name)));
  const missing = programs.filter((p) => (p === "chromium" ? !existsSync(CHROMIUM) : !onPath(p)));
  if (!missing.length) return false;
  const packages = [...new Set(missing.map((p) => (p === "chromium" ? "chromium fonts-liberation" : "poppler-utils")))];
  return `needs ${missing.join(", ")} (apt-get install ${packages.join(" ")})`;
}

/** The store the store-using suites run on: `LANTERN_TEST_STORE=postgres` (see package.json test:pg), else DuckDB. */
export function testStoreKind(env: NodeJS.ProcessEnv = process.env): StoreKind {
  const k = env["LANTERN_TEST_STORE"] ?? "duckdb";
  if (k !== "duckdb" && k !== "postgres") throw new Error(`LANTERN_TEST_STORE=${k}: use duckdb or postgres`);
  return k;
}

const made = new Set<string>();
process.on("exit", () => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A fresh temporary folder, removed by the returned function (or when the process exits). */
export function tempDir(prefix = "lantern-test-"): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.add(dir);
  return {
    dir,
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
      made.delete(dir);
    },
  };
}

/** A fresh, migrated store: DuckDB in a temporary folder, or a new database on the test PostgreSQL server. */
export async function tempStore(kind: StoreKind = testStoreKind()): Promise<{
  store: Store;
  dataDir: string;
  /** For PostgreSQL, the database's URL (set it as LANTERN_DATABASE_URL for a child process). */
  databaseUrl?: string;
  cleanup: () => Promise<void>;
}> {
  const t = tempDir("lantern-store-");
  if (kind === "postgres") {
    const db = await freshDatabase();
    const store = await openStore(storeConfig(t.dir, { LANTERN_DATABASE_URL: db.url }));
    return {
      store,
      dataDir: t.dir,
      databaseUrl: db.url,
      cleanup: async () => {
        await store.close();
        await db.drop();
        t.cleanup();
      },
    };
  }
  const store = await openStore(storeConfig(t.dir, {}));
  return {
    store,
    dataDir: t.dir,
    cleanup: async () => {
      await store.close();
      t.cleanup();
    },
  };
}

/** The small export: file name → CSV text. */
export function smallExport(): Record<string, string> {
  return {
    "ssd_person.csv": [
      "pers_person_id,pers_sex,pers_dob,pers_ethnicity",
      "P1,M,2015-06-01,WBRI",
      "P2,F,01/02/2010,MWBC",
      "P3,F,2019-11-30,ASIN",
    ].join("\n"),
    "ssd_contacts.csv": [
      "cont_contact_id,cont_person_id,cont_contact_date,cont_contact_source_code,cont_contact_outcome_json",
      'C1,P1,2024-04-02,1A,"{""NEW_REFERRAL_FLAG"":""Y""}"',
      "C2,P2,03/04/2024,2B,",
      "C3,P3,2024-05-10 14:30:00,5A,",
    ].join("\n"),
    "ssd_cin_episodes.csv": [
      "cine_referral_id,cine_person_id,cine_referral_date,cine_referral_nfa,cine_close_date,cine_close_reason",
      "R1,P1,2024-04-03,N,,",
      "R2,P2,2024-04-05,Y,2024-04-20,RC8",
    ].join("\n"),
    "ssd_cin_assessments.csv": [
      "cina_assessment_id,cina_person_id,cina_referral_id,cina_assessment_start_date,cina_assessment_auth_date",
      "A1,P1,R1,2024-04-04,2024-05-20",
    ].join("\n"),
  };
}

/** Write an export to a new folder and return the folder. */
export function writeExport(files: Record<string, string | Buffer>, dir?: string): string {
  const out = dir ?? tempDir("lantern-export-").dir;
  mkdirSync(out, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(out, name), text);
  return out;
}

/** A value as comparable text: JSON, with the doubles JSON cannot spell (NaN, ±Infinity, -0) spelt out. */
function comparable(v: unknown): unknown {
  if (typeof v !== "number") return v;
  if (Object.is(v, -0)) return "-0";
  return Number.isFinite(v) ? v : String(v);
}

/**
 * Every base table of a store (views left out) and its rows, each row as one JSON line, sorted:
 * two stores hold the same data exactly when these agree. Read with plain `SELECT *`, through
 * the adapters' own normalisation, independently of the backup code under test.
 */
export async function storeContents(store: Store, except: readonly string[] = ["lantern_migration"]): Promise<Map<string, string[]>> {
  const tables = await store.all<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database() AND table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const out = new Map<string, string[]>();
  for (const { table_name } of tables) {
    if (except.includes(table_name)) continue;
    const rows = await store.all(`SELECT * FROM ${table_name}`);
    out.set(
      table_name,
      rows.map((r) => JSON.stringify(Object.entries(r).map(([k, v]) => [k, comparable(v)]))).sort(),
    );
  }
  return out;
}

/** CLI output captured for a test: what went to stdout and to stderr, apart. */
export function capture(): Output & { stdout: () => string; stderr: () => string } {
  let out = "";
  let err = "";
  return {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    isTTY: false,
    color: false,
    stdout: () => out,
    stderr: () => err,
  };
}
