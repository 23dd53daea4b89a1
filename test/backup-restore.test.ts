// The backup, restore and migrate-store commands end to end on a small demo store (generated,
// loaded and computed by `lantern demo --no-serve`, as a new user would), across both kinds of
// store: DuckDB → DuckDB through a file, DuckDB → PostgreSQL → DuckDB through files, and
// migrate-store DuckDB → PostgreSQL. Every table and every stored indicator value must come
// back identical; the PostgreSQL copy also recomputes headline indicators to the same figures.
import assert from "node:assert/strict";
import { statSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { main } from "../src/cli/main.ts";
import { computeValues, selectIndicators, storedValues } from "../src/kpi/compute.ts";
import { resolveTargets } from "../src/kpi/targets.ts";
import { verifyAuditChain } from "../src/store/audit.ts";
import { openStore, storeConfig } from "../src/store/open.ts";
import type { Store } from "../src/store/port.ts";
import { capture, storeContents, tempDir } from "./fixtures.ts";
import { freshDatabase, pgSkipReason } from "./postgres-cluster.ts";

/** Run the CLI with LANTERN_DATABASE_URL set (or unset) for the call, as a shell would. */
async function lantern(args: string[], databaseUrl?: string): Promise<{ code: number; out: string; err: string }> {
  const o = capture();
  const saved = process.env["LANTERN_DATABASE_URL"];
  if (databaseUrl) process.env["LANTERN_DATABASE_URL"] = databaseUrl;
  else delete process.env["LANTERN_DATABASE_URL"];
  try {
    const code = await main(args, o);
    return { code, out: o.stdout(), err: o.stderr() };
  } finally {
    if (saved === undefined) delete process.env["LANTERN_DATABASE_URL"];
    else process.env["LANTERN_DATABASE_URL"] = saved;
  }
}

async function withStore<T>(dataDir: string, databaseUrl: string | undefined, fn: (s: Store) => Promise<T>): Promise<T> {
  const s = await openStore(storeConfig(dataDir, databaseUrl ? { LANTERN_DATABASE_URL: databaseUrl } : {}));
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

const demo = tempDir("lantern-backup-demo-");
const work = tempDir("lantern-backup-work-");
/** The demo store's contents (every table but the migration record), read once before anything else runs. */
let original: Map<string, string[]>;

before(async () => {
  const r = await lantern(["demo", "--data", demo.dir, "--population", "1500", "--no-serve"]);
  assert.equal(r.code, 0, r.err);
  original = await withStore(demo.dir, undefined, storeContents);
  assert.ok((original.get("lantern_indicator_value")?.length ?? 0) > 10_000, "the demo computed its indicators");
  assert.ok((original.get("lantern_user")?.length ?? 0) > 0 && (original.get("ssd_person")?.length ?? 0) > 1000);
});

after(() => {
  demo.cleanup();
  work.cleanup();
});

/**
 * Every table identical to the demo store's; the audit log holds the demo's entries and more (the
 * backups, restores and copies since, which each test checks at the end of the log).
 */
function assertSameAsOriginal(got: Map<string, string[]>, what: string): void {
  assert.deepEqual([...got.keys()], [...original.keys()], `${what}: the same tables`);
  for (const [table, rows] of original) {
    if (table === "lantern_audit") continue;
    assert.deepEqual(got.get(table), rows, `${what}: ${table} identical`);
  }
  const audit = got.get("lantern_audit")!;
  assert.ok(audit.length > original.get("lantern_audit")!.length, `${what}: audit entries added`);
  for (const line of original.get("lantern_audit")!) assert.ok(audit.includes(line), `${what}: the original audit entries are kept`);
}

async function auditActions(dataDir: string, databaseUrl?: string): Promise<string[]> {
  return withStore(dataDir, databaseUrl, async (s) => (await s.all<{ action: string }>(`SELECT action FROM lantern_audit ORDER BY audit_id`)).map((r) => r.action));
}

test("lantern backup and restore: DuckDB to DuckDB with every table and indicator value identical, audited", async () => {
  const file = join(work.dir, "duck.backup.gz");
  const b = await lantern(["backup", "--out", file, "--data", demo.dir, "--json"]);
  assert.equal(b.code, 0, b.err);
  const j = JSON.parse(b.out);
  assert.equal(j.file, file);
  assert.equal(j.source.kind, "duckdb");
  assert.equal(j.bytes, statSync(file).size);
  assert.equal(statSync(file).mode & 0o777, 0o600, "child-level data: readable by its owner only");
  assert.match(j.sha256, /^[0-9a-f]{64}$/);
  assert.equal(j.tables.find((t: { table: string }) => t.table === "lantern_indicator_value").rows, original.get("lantern_indicator_value")!.length);
  assert.deepEqual((await auditActions(demo.dir)).at(-1), "export.backup");

  const check = await lantern(["restore", file, "--check"]);
  assert.equal(check.code, 0, check.err);
  assert.match(check.out, /is a complete Lantern backup, made .* from the embedded store .* \(schema \d+\): [\d,]+ rows in \d+ tables; its checksum matches\./);

  const into = join(work.dir, "restored-duck");
  const r = await lantern(["restore", file, "--data", into]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^Restored [\d,]+ rows in \d+ tables into .*restored-duck.*lantern\.duckdb/);
  assertSameAsOriginal(await withStore(into, undefined, storeContents), "DuckDB → DuckDB");
  assert.deepEqual((await auditActions(into)).at(-1), "store.restore");
  assert.ok(await withStore(into, undefined, async (s) => (await verifyAuditChain(s)).ok), "the audit chain runs on through the restore");

  // A second restore into the same, now full, store is refused and changes nothing.
  const again = await lantern(["restore", file, "--data", into]);
  assert.equal(again.code, 1);
  assert.match(again.err, /error LANTERN_STORE_NOT_EMPTY: The store .* already holds data: .*Nothing was changed\.\nWhat to do: .*--replace/);
  const replaced = await lantern(["restore", file, "--data", into, "--replace", "--json"]);
  assert.equal(replaced.code, 0, replaced.err);
  assert.ok(JSON.parse(replaced.out).replaced.length > 10, "what was replaced is reported");
  assertSameAsOriginal(await withStore(into, undefined, storeContents), "replaced");

  // Usage errors before any store is touched.
  assert.equal((await lantern(["backup", "--data", demo.dir])).code, 1);
  assert.equal((await lantern(["restore", "--data", into])).code, 1);
  const missing = await lantern(["restore", join(work.dir, "nope.gz"), "--data", join(work.dir, "never-made")]);
  assert.equal(missing.code, 1);
  assert.throws(() => statSync(join(work.dir, "never-made")), "a missing file creates no store");
  const help = await lantern(["backup", "--help"]);
  assert.match(help.out, /child-level data/);
  assert.match(help.out, /Examples:\n {2}lantern backup --out/);
});

test("DuckDB → PostgreSQL → DuckDB through backup files: every table and indicator value identical", { skip: pgSkipReason() }, async () => {
  const db = await freshDatabase();
  try {
    const file = join(work.dir, "for-pg.backup.gz");
    assert.equal((await lantern(["backup", "--out", file, "--data", demo.dir])).code, 0);
    const r = await lantern(["restore", file, "--json"], db.url);
    assert.equal(r.code, 0, r.err);
    assert.equal(JSON.parse(r.out).source.kind, "duckdb");
    assertSameAsOriginal(await withStore(work.dir, db.url, storeContents), "DuckDB → PostgreSQL");

    const back = join(work.dir, "from-pg.backup.gz");
    const b = await lantern(["backup", "--out", back, "--json"], db.url);
    assert.equal(b.code, 0, b.err);
    assert.equal(JSON.parse(b.out).source.kind, "postgres");
    const into = join(work.dir, "from-pg");
    const r2 = await lantern(["restore", back, "--data", into]);
    assert.equal(r2.code, 0, r2.err);
    assertSameAsOriginal(await withStore(into, undefined, storeContents), "PostgreSQL → DuckDB");
    // The demo's backup for PostgreSQL, the restore into it, then this restore. (A backup's own
    // export.backup entry is written after the file is complete, so it is not in that file.)
    assert.deepEqual((await auditActions(into)).slice(-3), ["export.backup", "store.restore", "store.restore"]);
    assert.deepEqual((await auditActions(work.dir, db.url)).slice(-2), ["store.restore", "export.backup"]);
  } finally {
    await db.drop();
  }
});

test("lantern migrate-store copies the demo store into PostgreSQL, proves it identical, and the copy computes the same figures", { skip: pgSkipReason() }, async () => {
  const db = await freshDatabase();
  try {
    const m = await lantern(["migrate-store", "--data", demo.dir, "--to", db.url, "--json"]);
    assert.equal(m.code, 0, m.err);
    const j = JSON.parse(m.out);
    assert.equal(j.ok, true);
    assert.equal(j.source.kind, "duckdb");
    assert.equal(j.target.kind, "postgres");
    assert.deepEqual(
      j.tables.filter((t: { same: boolean }) => !t.same),
      [],
    );
    assert.equal(j.indicatorValues.same, true);
    assert.equal(j.indicatorValues.target, original.get("lantern_indicator_value")!.length);
    assertSameAsOriginal(await withStore(work.dir, db.url, storeContents), "migrate-store");
    assert.deepEqual((await auditActions(work.dir, db.url)).at(-1), "store.migrate");
    assert.deepEqual((await auditActions(demo.dir)).at(-1), "export.migrate_store");

    // PostgreSQL computes the same headline figures from the copied records as DuckDB stored.
    const ids = ["referrals", "assess_45wd_pct", "cpp_second_pct", "cla_rate"];
    const line = (v: { indicator: string; period: string; value: number | null; numerator: number | null; denominator: number | null }) =>
      JSON.stringify([v.indicator, v.period, ...[v.value, v.numerator, v.denominator].map((x) => (x === null ? null : Number(x.toPrecision(12))))]);
    const stored = await withStore(demo.dir, undefined, async (s) => {
      const targets = await resolveTargets(s);
      return (await storedValues(s, { snapshots: targets.map((t) => t.snapshot_id), indicators: ids })).map(line).sort();
    });
    const recomputed = await withStore(work.dir, db.url, async (s) => {
      const { values } = await computeValues(s, await resolveTargets(s), selectIndicators(ids).defs);
      return values.filter((v) => !v.breakdown).map(line).sort();
    });
    assert.ok(stored.length > 100);
    assert.deepEqual(recomputed, stored);

    // Again into the same database: refused without --replace, then replaced.
    const again = await lantern(["migrate-store", "--data", demo.dir, "--to", db.url]);
    assert.equal(again.code, 1);
    assert.match(again.err, /LANTERN_STORE_NOT_EMPTY/);
    const replaced = await lantern(["migrate-store", "--data", demo.dir, "--to", db.url, "--replace"]);
    assert.equal(replaced.code, 0, replaced.err);
    assert.match(replaced.out, /Indicator values: [\d,]+ stored, [\d,]+ in the copy, every one identical\.\nEvery table is identical; the copy is committed/);

    const bad = await lantern(["migrate-store", "--data", demo.dir, "--to", "mysql://x@y/z"]);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /--to must be a postgres:\/\/ URL/);
  } finally {
    await db.drop();
  }
});
