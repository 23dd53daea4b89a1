import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { test } from "node:test";
import { tempStore } from "../../test/fixtures.ts";

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
