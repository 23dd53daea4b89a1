// A compute spread over several connections (`workers`) stores exactly what one connection stores,
// and one that fails part way stores nothing and leaves no scratch table behind. Runs on both
// stores (the PostgreSQL run is `npm run test:pg`).
import assert from "node:assert/strict";
import { test } from "node:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { tempDir, tempStore, testStoreKind } from "../../test/fixtures.ts";
import { openStore, storeConfig } from "../store/open.ts";
import { generateToDirectory } from "../generate/index.ts";
import { importSsd } from "../ingest/ssd-import.ts";
import type { Store } from "../store/port.ts";
import { computeAndStore, computedSnapshots, computeUncomputed, computeValues, computeWorkers, storedValues } from "./compute.ts";
import { indicatorLibrary } from "./library/index.ts";
import { resolveTargets } from "./targets.ts";

async function storedRows(store: Store): Promise<string[]> {
  return (await store.all(`SELECT * FROM lantern_indicator_value`)).map((r) => JSON.stringify(r)).sort();
}

async function scratchTables(store: Store): Promise<number> {
  const [r] =
    store.kind === "duckdb"
      ? await store.all<{ n: number }>(`SELECT count(*) AS n FROM information_schema.tables WHERE table_catalog = 'lantern_shared'`)
      : await store.all<{ n: number }>(`SELECT count(*) AS n FROM pg_tables WHERE tablename LIKE 'lantern_work_%'`);
  return Number(r!.n);
}

test("a compute on three connections stores exactly what one stores; a failed one changes nothing", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const out = tempDir();
    await generateToDirectory({ out: out.dir, seed: 3, population: 1500, from: "2023-04", to: "2025-03", authorities: 1, shocks: [] });
    // Without the missing-episode table: those indicators' nulls are made in JavaScript, not SQL.
    rmSync(join(out.dir, "X001", "ssd_missing.csv"));
    await importSsd(store, { paths: [out.dir] });
    out.cleanup();
    const one = await computeAndStore(store, { workers: 1 });
    const byOne = await storedRows(store);
    assert.ok(byOne.filter((r) => JSON.parse(r).indicator_id === "contacts" && JSON.parse(r).value > 0).length > 20, "contacts counted from SQL");
    assert.ok(byOne.some((r) => /cannot be computed: no ssd_missing/.test(r)));
    const progress: number[] = [];
    const three = await computeAndStore(store, { workers: 3, onProgress: (done) => progress.push(done) });
    assert.deepEqual(await storedRows(store), byOne);
    assert.equal(three.values, one.values);
    assert.deepEqual(
      three.timings.map((t) => t.indicator),
      one.timings.map((t) => t.indicator),
    );
    assert.equal(progress.at(-1), three.indicators, "progress ends at every indicator done");
    assert.ok(progress.every((d, i) => i === 0 || d >= progress[i - 1]!), "progress never goes back");
    assert.equal(await scratchTables(store), 0);

    // A table the front-door indicators read goes missing: they fail on their connection, the
    // others stop, and the stored values are those of the last good compute.
    await store.run(`ALTER TABLE ssd_cin_episodes RENAME TO ssd_cin_episodes_away`);
    await assert.rejects(computeAndStore(store, { workers: 3 }), /ssd_cin_episodes/);
    await store.run(`ALTER TABLE ssd_cin_episodes_away RENAME TO ssd_cin_episodes`);
    assert.deepEqual(await storedRows(store), byOne);
    assert.equal(await scratchTables(store), 0, "the compute's shared table was dropped");
    const [c] = await store.all<{ n: number }>(`SELECT count(*) AS n FROM lantern_compute`);
    assert.equal(Number(c!.n), 2, "the failed compute left no record");
  } finally {
    await cleanup();
  }
});

test("a rate stored with its count is its count per 10,000, exactly as from its own records; without the count's tables, from its own", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const out = tempDir();
    await generateToDirectory({ out: out.dir, seed: 5, population: 1500, from: "2023-04", to: "2025-03", authorities: 1, shocks: [] });
    // Children looked after at the end need the placements; their rate does not.
    rmSync(join(out.dir, "X001", "ssd_cla_placement.csv"));
    await importSsd(store, { paths: [out.dir] });
    out.cleanup();
    await computeAndStore(store);
    const targets = await resolveTargets(store);
    const lib = indicatorLibrary();
    const rates = lib.list().filter((d) => d.rateOf !== undefined);
    assert.deepEqual(rates.map((d) => d.id).sort(), ["cin_rate", "cla_rate", "cla_start_rate", "cpp_rate", "icpc_rate", "referral_rate", "s47_rate"]);
    for (const rate of rates) {
      const stored = (await storedValues(store, { snapshots: targets.map((t) => t.snapshot_id), indicators: [rate.id] })).map(({ snapshot: _, ...v }) => v);
      const own = (await computeValues(store, targets, [rate])).values.map(({ snapshot: _, ...v }) => v);
      assert.deepEqual(stored, own, `${rate.id} stored differs from its own records`);
      assert.ok(stored.filter((v) => (v.value ?? 0) > 0).length > 20, `${rate.id} has figures`);
    }
    const atEnd = await storedValues(store, { snapshots: targets.map((t) => t.snapshot_id), indicators: ["cla_at_end"] });
    assert.ok(atEnd.length > 20 && atEnd.every((v) => v.value === null && /no ssd_cla_placement/.test(v.reason ?? "")));
  } finally {
    await cleanup();
  }
});

test("LANTERN_COMPUTE_WORKERS sets how many connections a compute uses, and a bad value says what is expected", () => {
  assert.equal(computeWorkers({ LANTERN_COMPUTE_WORKERS: "3" }), 3);
  assert.equal(computeWorkers({ LANTERN_COMPUTE_WORKERS: "1" }), 1);
  const auto = computeWorkers({});
  assert.ok(auto >= 1 && auto <= 4, String(auto));
  for (const bad of ["0", "two", "2.5", "-1", "33"]) assert.throws(() => computeWorkers({ LANTERN_COMPUTE_WORKERS: bad }), /whole number from 1 to 32/);
});

test("a load without figures (its compute stopped or failed) is computed before it is read, once", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const out = tempDir();
    await generateToDirectory({ out: out.dir, seed: 4, population: 800, from: "2024-04", to: "2025-03", authorities: 2, shocks: [] });
    await importSsd(store, { paths: [out.dir] });
    out.cleanup();
    const targets = await resolveTargets(store);
    // One authority computed, the other as a load whose compute never finished.
    await computeAndStore(store, { snapshot: targets[0]!.snapshot_id });
    const before = await storedRows(store);
    const told: string[] = [];
    const made = await computeUncomputed(store, targets, {
      each: (t) => {
        told.push(t.la_code);
        return undefined;
      },
    });
    assert.deepEqual(made, [targets[1]!.snapshot_id]);
    assert.deepEqual(told, [targets[1]!.la_code]);
    assert.deepEqual([...(await computedSnapshots(store))].sort(), targets.map((t) => t.snapshot_id).sort());
    const after = await storedRows(store);
    assert.ok(after.length > before.length, "the second authority's figures are stored");
    assert.deepEqual(after.filter((r) => JSON.parse(r).snapshot_id === targets[0]!.snapshot_id), before, "the first authority's are as they were");
    assert.deepEqual(await computeUncomputed(store, targets), [], "nothing left to compute");
  } finally {
    await cleanup();
  }
});

test("two computes of one snapshot at once, from two processes on PostgreSQL, store each value once", { skip: testStoreKind() !== "postgres" ? "PostgreSQL only: one process owns a DuckDB file" : false }, async () => {
  const { store, databaseUrl, cleanup } = await tempStore();
  const dir = tempDir();
  try {
    const out = tempDir();
    await generateToDirectory({ out: out.dir, seed: 5, population: 600, from: "2024-04", to: "2025-03", authorities: 1, shocks: [] });
    await importSsd(store, { paths: [out.dir] });
    out.cleanup();
    const other = await openStore(storeConfig(dir.dir, { LANTERN_DATABASE_URL: databaseUrl! }));
    try {
      // While another process is replacing snapshot 1's values (it holds their lock), a compute
      // waits to replace them until that one has committed.
      let release!: () => void;
      const held = new Promise<void>((r) => {
        release = r;
      });
      let locked!: () => void;
      const isLocked = new Promise<void>((r) => {
        locked = r;
      });
      const holder = other.transaction(async () => {
        await other.transactionLock("values:1");
        locked();
        await held;
      });
      await isLocked;
      let finished = false;
      const waiting = computeAndStore(store, { workers: 1 }).then((r) => {
        finished = true;
        return r;
      });
      await new Promise((r) => setTimeout(r, 4000));
      const waited = !finished;
      release();
      await holder;
      await waiting;
      assert.ok(waited, "the compute waited for the other replacement to commit");
      const [a] = await Promise.all([computeAndStore(store, { workers: 1 }), computeAndStore(other, { workers: 1 })]);
      const [n] = await store.all<{ n: number }>(`SELECT count(*) AS n FROM lantern_indicator_value`);
      assert.equal(Number(n!.n), a.values);
      const [dup] = await store.all<{ n: number }>(
        `SELECT count(*) AS n FROM (SELECT 1 FROM lantern_indicator_value GROUP BY snapshot_id, la_code, indicator_id, period_id, breakdown, category HAVING count(*) > 1) d`,
      );
      assert.equal(Number(dup!.n), 0);
    } finally {
      await other.close();
    }
  } finally {
    dir.cleanup();
    await cleanup();
  }
});
