// Loads under pressure, on both stores: two loads for one authority at once never interleave (the
// second waits and then sees the first's snapshot), and a load stopped half way — its process
// killed inside the commit, or (PostgreSQL) its database connection terminated — leaves the
// previous snapshot exactly as it was and the store usable for the next load.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import pg from "pg";
import { loadFormats } from "../src/formats/load.ts";
import { importSsd } from "../src/ingest/ssd-import.ts";
import { openStore, storeConfig } from "../src/store/open.ts";
import type { Store } from "../src/store/port.ts";
import { smallExport, storeKinds, tempDir, tempStore, writeExport } from "./fixtures.ts";
import { clusterUrl, pgSkipReason } from "./postgres-cluster.ts";

/** What a snapshot looks like from outside: snapshots per authority and the current rows per table. */
async function picture(store: Store): Promise<unknown> {
  const snaps = await store.all(`SELECT snapshot_id, la_code FROM lantern_snapshot ORDER BY snapshot_id`);
  const latest = await store.all(`SELECT la_code, snapshot_id FROM lantern_latest_snapshot ORDER BY la_code`);
  const contacts = await store.all(`SELECT count(*) AS n FROM current_ssd_contacts`);
  const all = await store.all(`SELECT count(*) AS n FROM ssd_contacts`);
  const people = await store.all(`SELECT count(*) AS n FROM ssd_person`);
  return { snaps, latest, contacts, all, people };
}

function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => {
    open = r;
  });
  return { wait, open };
}

for (const { kind, skip } of storeKinds()) {
  test(`two loads at once for one authority are serialised, never interleaved (${kind})`, { skip }, async () => {
    const s = await tempStore(kind);
    // On PostgreSQL the second load comes through a second connection pool, as from another instance.
    const other = s.databaseUrl ? await openStore(storeConfig(s.dataDir, { LANTERN_DATABASE_URL: s.databaseUrl })) : s.store;
    try {
      const dir = writeExport(smallExport());
      const inCommit = gate();
      const release = gate();
      const first = importSsd(s.store, {
        paths: [dir],
        authority: "202",
        duringCommit: async () => {
          inCommit.open();
          await release.wait;
        },
      });
      await inCommit.wait;
      let waited: readonly string[] | undefined;
      const second = importSsd(other, { paths: [dir], authority: "202", onWait: (a) => (waited = a) });
      // Give the second load every chance to run ahead; it must be queued behind the first.
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(waited, ["202"], "the second load was told it waits");
      // (DuckDB's single connection holds reads back until the open commit ends, so only PostgreSQL can look.)
      if (kind === "postgres") assert.deepEqual(await other.all(`SELECT snapshot_id FROM lantern_snapshot`), [], "nothing committed yet");
      release.open();
      const [a, b] = await Promise.all([first, second]);
      assert.equal(a.authorities[0]!.status, "loaded");
      // The second ran after the first committed, so it found the same files already loaded.
      assert.equal(b.authorities[0]!.status, "unchanged");
      assert.equal(b.authorities[0]!.identicalTo?.snapshotId, a.authorities[0]!.snapshotId);
      assert.deepEqual(await s.store.all(`SELECT snapshot_id FROM lantern_snapshot`), [{ snapshot_id: a.authorities[0]!.snapshotId! }]);
      // Another authority is not held up by a load in progress.
      const c = await importSsd(other, { paths: [dir], authority: "203" });
      assert.equal(c.authorities[0]!.status, "loaded");
    } finally {
      if (other !== s.store) await other.close();
      await s.cleanup();
    }
  });

  test(`loads for different authorities at once each keep their own rows (${kind})`, { skip }, async () => {
    const s = await tempStore(kind);
    try {
      // Different files for each authority, so rows that strayed into the other load would show.
      const files = (drop: number) => {
        const f = smallExport();
        const lines = f["ssd_contacts.csv"]!.split("\n");
        return writeExport({ ...f, "ssd_contacts.csv": lines.slice(0, lines.length - drop).join("\n") });
      };
      // The census sample is LEA 201's: a copy naming 204, the third authority here.
      const sample = readFileSync(join(import.meta.dirname, "..", "..", "shared", "samples", "cin_census_fake", "CIN_Census_2024.xml"), "utf8");
      const cin = join(tempDir("lantern-cin-").dir, "cin-204.xml");
      writeFileSync(cin, sample.replace("<LEA>201</LEA>", "<LEA>204</LEA>"));
      const [a, b, c] = await Promise.all([
        importSsd(s.store, { paths: [files(0)], authority: "202" }),
        importSsd(s.store, { paths: [files(2)], authority: "203" }),
        loadFormats(s.store, { paths: [cin], authority: "204", dfeErrorsAsQueries: true }),
      ]);
      assert.deepEqual([a.authorities[0]!.status, b.authorities[0]!.status, c.status], ["loaded", "loaded", "loaded"]);
      const count = (store: Store, table: string) => store.all(`SELECT la_code, count(*) AS n FROM current_${table} GROUP BY la_code ORDER BY la_code`);
      assert.deepEqual(await count(s.store, "ssd_contacts"), [
        { la_code: "202", n: 3 },
        { la_code: "203", n: 1 },
      ]);
      // The census alone, for comparison.
      const solo = await tempStore(kind);
      try {
        await loadFormats(solo.store, { paths: [cin], authority: "204", dfeErrorsAsQueries: true });
        for (const table of ["ssd_person", "ssd_cin_episodes"]) {
          const alone = await count(solo.store, table);
          assert.ok(alone[0] && Number(alone[0]["n"]) > 0, `the census has ${table} rows`);
          assert.deepEqual(await count(s.store, table), [{ la_code: "202", n: table === "ssd_person" ? 3 : 2 }, { la_code: "203", n: table === "ssd_person" ? 3 : 2 }, ...alone], table);
        }
      } finally {
        await solo.cleanup();
      }
    } finally {
      await s.cleanup();
    }
  });

  test(`a load killed inside its commit leaves the previous snapshot intact and the store usable (${kind})`, { skip }, async () => {
    const s = await tempStore(kind);
    let store: Store | undefined = s.store;
    try {
      const first = writeExport(smallExport());
      await importSsd(store, { paths: [first], authority: "202" });
      const before = await picture(store);
      // DuckDB: one process at a time, so hand the file over to the child.
      if (kind === "duckdb") {
        await store.close();
        store = undefined;
      }
      const env = { ...process.env, ...(s.databaseUrl ? { LANTERN_DATABASE_URL: s.databaseUrl } : {}) };
      delete (env as Record<string, string | undefined>)["LANTERN_TEST_STORE"];
      if (!s.databaseUrl) delete (env as Record<string, string | undefined>)["LANTERN_DATABASE_URL"];
      const child = spawn(process.execPath, [join(import.meta.dirname, "load-child.ts"), s.dataDir, first], { env, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      let err = "";
      child.stderr.on("data", (d) => (err += d));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on("data", (d) => {
          out += d;
          if (out.includes("COMMITTING")) resolve();
        });
        child.on("exit", (code) => reject(new Error(`the load ended before its commit (exit ${code}): ${out}${err}`)));
      });
      child.kill("SIGKILL");
      await once(child, "exit");
      assert.ok(!out.includes("COMMITTED"));
      store ??= await openStore(storeConfig(s.dataDir, s.databaseUrl ? { LANTERN_DATABASE_URL: s.databaseUrl } : {}));
      assert.deepEqual(await picture(store), before, "the killed load left no trace");
      const again = await importSsd(store, { paths: [first], authority: "202", force: true });
      assert.equal(again.authorities[0]!.status, "loaded");
      assert.equal(again.authorities[0]!.snapshotId, 2);
    } finally {
      if (store && store !== s.store) {
        await store.close();
        if (s.databaseUrl) await s.cleanup().catch(() => undefined);
      } else await s.cleanup();
    }
  });
}

test("a load whose database connection is terminated half way leaves the previous snapshot intact (postgres)", { skip: pgSkipReason() }, async () => {
  const s = await tempStore("postgres");
  const admin = new pg.Client({ connectionString: clusterUrl() });
  await admin.connect();
  try {
    const dir = writeExport(smallExport());
    await importSsd(s.store, { paths: [dir], authority: "202" });
    const before = await picture(s.store);
    let terminated = false;
    await assert.rejects(
      importSsd(s.store, {
        paths: [dir],
        authority: "202",
        force: true,
        duringCommit: async () => {
          const [me] = await s.store.all<{ pid: number }>(`SELECT pg_backend_pid() AS pid`);
          const r = await admin.query(`SELECT pg_terminate_backend($1) AS ok`, [me!.pid]);
          terminated = r.rows[0].ok === true;
        },
      }),
    );
    assert.ok(terminated, "the load's connection was terminated inside its commit");
    assert.deepEqual(await picture(s.store), before, "nothing of the dropped load remains");
    // The same store (its pool) carries on: the next load takes a fresh connection and the lock is free.
    const again = await importSsd(s.store, { paths: [dir], authority: "202", force: true });
    assert.equal(again.authorities[0]!.status, "loaded");
    const [n] = await s.store.all(`SELECT count(*) AS n FROM lantern_snapshot`);
    assert.equal(n!["n"], 2);
  } finally {
    await admin.end();
    await s.cleanup();
  }
});
