import assert from "node:assert/strict";
import { chmodSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { test } from "node:test";
import { tempDir, tempStore, testStoreKind } from "../../test/fixtures.ts";
import { duckDbPath } from "./duckdb.ts";
import { openStore, storeConfig } from "./open.ts";
import type { Store } from "./port.ts";

test("work outside a transaction waits for it instead of joining it, and transactions queue", async () => {
  const { store, cleanup } = await tempStore();
  try {
    await store.run(`CREATE TABLE t (who VARCHAR)`);
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    // A load that writes, pauses, then fails: everything it wrote must go.
    const failing = store.transaction(async () => {
      await store.run(`INSERT INTO t VALUES ('load')`);
      await gate;
      throw new Error("load refused");
    });
    await sleep(10);
    // Meanwhile a web request writes an audit row and another transaction starts.
    const audit = store.run(`INSERT INTO t VALUES ('audit')`);
    const second = store.transaction(async () => {
      await store.run(`INSERT INTO t VALUES ('second')`);
      return (await store.all<{ n: number }>(`SELECT count(*) AS n FROM t WHERE who = 'load'`))[0]!.n;
    });
    await sleep(10);
    release();
    await assert.rejects(failing, /load refused/);
    await audit;
    assert.equal(await second, 0, "the second transaction began after the failed load was undone");
    const rows = (await store.all<{ who: string }>(`SELECT who FROM t ORDER BY who`)).map((r) => r.who);
    assert.deepEqual(rows, ["audit", "second"]);
  } finally {
    await cleanup();
  }
});

test("a transaction inside a transaction joins it", async () => {
  const { store, cleanup } = await tempStore();
  try {
    await store.run(`CREATE TABLE t (n INTEGER)`);
    await assert.rejects(
      store.transaction(async () => {
        await store.run(`INSERT INTO t VALUES (1)`);
        await store.transaction(async () => store.run(`INSERT INTO t VALUES (2)`));
        throw new Error("undo both");
      }),
    );
    assert.deepEqual(await store.all(`SELECT * FROM t`), []);
  } finally {
    await cleanup();
  }
});

test("a bulk writer's rows all arrive while other work uses the store, and none go with another caller's failed transaction", async () => {
  const { store, cleanup } = await tempStore();
  try {
    await store.run(`CREATE TABLE t (who VARCHAR)`);
    const opened = gateOf();
    const released = gateOf();
    // Another caller (started outside the writer's session), whose transaction is open while the
    // rows are appended and then fails.
    const failing = (async () => {
      await opened.wait;
      await store.transaction(async () => {
        await store.run(`INSERT INTO t VALUES ('load')`);
        await released.wait;
        throw new Error("load refused");
      });
    })();
    const refused = assert.rejects(failing, /load refused/);
    // Another caller reading meanwhile.
    let reads = 0;
    const reader = (async () => {
      await opened.wait;
      for (let i = 0; i < 40; i++) {
        await store.all(`SELECT count(*) AS n FROM t`);
        reads++;
        await sleep(1);
      }
    })();
    await store.session(async () => {
      const cols = [
        { name: "id", type: "int" },
        { name: "name", type: "text" },
      ] as const;
      await store.createStaging("stg_writer_test", cols);
      const w = await store.bulkWriter("stg_writer_test", cols);
      opened.open();
      await sleep(10);
      // The caller reuses one array for every row, as the importers do.
      const row: (string | number | null)[] = [0, ""];
      for (let i = 0; i < 10_000; i++) {
        row[0] = i;
        row[1] = `n${i}`;
        w.append(row);
        if (i % 500 === 0) await sleep(1);
      }
      // Finished while the other caller's transaction is still open: the rows must not join it.
      const closed = w.close();
      await sleep(20);
      released.open();
      await closed;
      await reader;
      await refused;
      assert.equal(reads, 40);
      const [got] = await store.all<{ n: number; s: number; names: number; ok: number }>(
        `SELECT count(*) AS n, sum(id) AS s, count(DISTINCT name) AS names, sum(CASE WHEN name = 'n' || CAST(id AS VARCHAR) THEN 1 ELSE 0 END) AS ok FROM stg_writer_test`,
      );
      assert.deepEqual({ n: Number(got!.n), s: Number(got!.s), names: Number(got!.names), ok: Number(got!.ok) }, { n: 10_000, s: 49_995_000, names: 10_000, ok: 10_000 });
      await store.run(`DROP TABLE stg_writer_test`);
    });
    assert.deepEqual(await store.all(`SELECT who FROM t`), [], "the failed transaction left nothing");
  } finally {
    await cleanup();
  }
});

function gateOf(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => {
    open = r;
  });
  return { wait, open };
}

test("staging tables a stopped load left in the DuckDB file are gone when the store is next opened", { skip: testStoreKind() !== "duckdb" && "DuckDB only" }, async () => {
  const t = tempDir("lantern-store-");
  let store: Store | undefined;
  try {
    store = await openStore(storeConfig(t.dir, {}));
    await store.createStaging("stg_7_ssd_contacts", [{ name: "x", type: "int" }], { onDisk: true });
    await store.run(`CREATE TABLE keep_me (x INTEGER)`);
    await store.close();
    store = await openStore(storeConfig(t.dir, {}));
    const names = (await store.all<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_name IN ('stg_7_ssd_contacts', 'keep_me')`)).map((r) => r.table_name);
    assert.deepEqual(names, ["keep_me"]);
  } finally {
    await store?.close();
    t.cleanup();
  }
});

test("the data folder is the owner's alone (700) and the database file too (600), made so or narrowed to it", { skip: (testStoreKind() !== "duckdb" && "DuckDB only") || (process.platform === "win32" && "POSIX modes only") }, async () => {
  const t = tempDir("lantern-store-");
  const mode = (p: string) => statSync(p).mode & 0o777;
  let store: Store | undefined;
  try {
    // A fresh store under the usual umask: before, the folder was 755 and the database 644.
    const dir = join(t.dir, "data");
    const umask = process.umask(0o022);
    try {
      store = await openStore(storeConfig(dir, {}));
      await store.run(`CREATE TABLE child (id VARCHAR)`);
      await store.run(`INSERT INTO child VALUES ('C1')`);
      assert.equal(mode(dir).toString(8), "700");
      assert.equal(mode(duckDbPath(dir)).toString(8), "600");
      await store.close();
      store = undefined;
      // A store made by an older Lantern, readable by everyone: narrowed when next opened.
      chmodSync(dir, 0o755);
      chmodSync(duckDbPath(dir), 0o644);
      store = await openStore(storeConfig(dir, {}));
      assert.equal(mode(dir).toString(8), "700");
      assert.equal(mode(duckDbPath(dir)).toString(8), "600");
      await store.close();
      store = undefined;
      // A folder that is not Lantern's (it holds other files and no database) is left as it is.
      const shared = join(t.dir, "shared");
      mkdirSync(shared, { mode: 0o755 });
      writeFileSync(join(shared, "notes.txt"), "x");
      store = await openStore(storeConfig(shared, {}));
      assert.equal(mode(shared).toString(8), "755");
      assert.equal(mode(duckDbPath(shared)).toString(8), "600");
    } finally {
      process.umask(umask);
    }
  } finally {
    await store?.close();
    t.cleanup();
  }
});
