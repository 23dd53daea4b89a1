// Copying a whole store into another (on the suite's store kind: DuckDB into DuckDB, or
// PostgreSQL into PostgreSQL under test:pg; DuckDB into PostgreSQL is test/backup-restore.test.ts):
// every table identical and proved so before commit, audited on both sides; a copy that differs
// is rolled back and reported table by table; a target holding data is refused without replace.
import assert from "node:assert/strict";
import { test } from "node:test";
import { storeContents, tempStore } from "../../test/fixtures.ts";
import { isLanternError } from "../core/errors.ts";
import { auditEvent, verifyAuditChain } from "./audit.ts";
import { tablesWithData } from "./backup.ts";
import { migrateStore, VALUE_TABLE } from "./migrate-store.ts";
import type { Store } from "./port.ts";

async function fill(store: Store): Promise<void> {
  await store.run(`INSERT INTO lantern_authority (la_code, la_name, like_code, created_at) VALUES ('202', 'Camden', NULL, '2024-06-01T00:30:00Z')`);
  await store.run(`INSERT INTO ssd_person (snapshot_id, la_code, pers_person_id, pers_forename, pers_dob) VALUES (1, '202', 'P1', 'Zoë\nline', DATE '2015-06-01'), (1, '202', 'P2', NULL, NULL)`);
  for (let i = 0; i < 30; i++) {
    await store.run(
      `INSERT INTO lantern_indicator_value (snapshot_id, la_code, indicator_id, period_id, breakdown, category, value, numerator, denominator, reason) VALUES (1, '202', 'cla_rate', $1, '', '', CAST($2 AS DOUBLE PRECISION), $3, $4, NULL)`,
      [`2024-${String((i % 12) + 1).padStart(2, "0")}-${i}`, String(i / 7), i, 7],
    );
  }
  await auditEvent(store, { actor: "ann", action: "data.load", laCode: "202" });
}

test("a store is copied with every table identical, proved before commit, and audited on both sides", async () => {
  const a = await tempStore();
  const b = await tempStore();
  try {
    await fill(a.store);
    const before = await storeContents(a.store);
    const r = await migrateStore(a.store, b.store, { actor: "ann" });
    assert.equal(r.ok, true);
    assert.ok(r.tables.length >= 50, "every table compared");
    assert.ok(
      r.tables.every((t) => t.same && t.source === t.target),
      JSON.stringify(r.tables.filter((t) => !t.same)),
    );
    assert.deepEqual(r.indicatorValues, { source: 30, target: 30, same: true });
    assert.equal(r.tables.find((t) => t.table === "lantern_migration"), undefined, "each store keeps its own migration record");
    const after = await storeContents(b.store);
    for (const [table, rows] of before) if (table !== "lantern_audit") assert.deepEqual(after.get(table), rows, table);

    const src = await a.store.all<{ action: string; detail: string }>(`SELECT action, detail FROM lantern_audit ORDER BY audit_id`);
    assert.deepEqual(
      src.map((e) => e.action),
      ["data.load", "export.migrate_store"],
    );
    assert.equal(JSON.parse(src[1]!.detail).indicatorValues, 30);
    const dst = await b.store.all<{ action: string }>(`SELECT action FROM lantern_audit ORDER BY audit_id`);
    assert.deepEqual(
      dst.map((e) => e.action),
      ["data.load", "store.migrate"],
    );
    assert.ok((await verifyAuditChain(b.store)).ok);
  } finally {
    await a.cleanup();
    await b.cleanup();
  }
});

test("a copy that differs from the original is rolled back and the differing tables are named", async () => {
  const a = await tempStore();
  const b = await tempStore();
  try {
    await fill(a.store);
    const empty = await storeContents(b.store);
    const r = await migrateStore(a.store, b.store, {
      actor: "ann",
      // One value off in the 12th significant digit, and one row lost: what a lossy copy would do.
      beforeVerify: async () => {
        await b.store.run(`UPDATE ${VALUE_TABLE} SET value = value * (1 + 1e-12) WHERE period_id = '2024-02-1'`);
        await b.store.run(`DELETE FROM ssd_person WHERE pers_person_id = 'P2'`);
      },
    });
    assert.equal(r.ok, false);
    assert.deepEqual(
      r.tables.filter((t) => !t.same),
      [
        { table: VALUE_TABLE, source: 30, target: 30, same: false },
        { table: "ssd_person", source: 2, target: 1, same: false },
      ],
    );
    assert.deepEqual(r.indicatorValues, { source: 30, target: 30, same: false });
    assert.deepEqual(await storeContents(b.store), empty, "the target is as it was");
    const src = await a.store.all<{ action: string }>(`SELECT action FROM lantern_audit`);
    assert.deepEqual(
      src.map((e) => e.action),
      ["data.load"],
      "nothing left the store, so nothing to audit",
    );
  } finally {
    await a.cleanup();
    await b.cleanup();
  }
});

test("a target holding data is refused unless replace, which puts the original in its place", async () => {
  const a = await tempStore();
  const b = await tempStore();
  try {
    await fill(a.store);
    await b.store.run(`INSERT INTO lantern_authority (la_code, la_name, like_code, created_at) VALUES ('999', 'Elsewhere', NULL, 'then')`);
    await assert.rejects(
      migrateStore(a.store, b.store, { actor: "ann" }),
      (e: unknown) => isLanternError(e) && e.code === "LANTERN_STORE_NOT_EMPTY" && /lantern_authority \(1\)/.test(e.message),
    );
    assert.deepEqual(await tablesWithData(b.store), [{ table: "lantern_authority", rows: 1 }]);
    if (b.store.kind === "postgres") {
      // Not while a lantern serve is connected to the target database.
      const { openStore, storeConfig, SERVE_APPLICATION } = await import("./open.ts");
      const serve = await openStore(storeConfig(b.dataDir, { LANTERN_DATABASE_URL: b.databaseUrl! }), { application: SERVE_APPLICATION });
      try {
        await assert.rejects(migrateStore(a.store, b.store, { actor: "ann", replace: true }), (e: unknown) => isLanternError(e) && e.code === "LANTERN_STORE_LOCKED");
      } finally {
        await serve.close();
      }
      assert.deepEqual(await tablesWithData(b.store), [{ table: "lantern_authority", rows: 1 }], "nothing changed");
    }
    const r = await migrateStore(a.store, b.store, { actor: "ann", replace: true });
    assert.equal(r.ok, true);
    assert.deepEqual(r.replaced, [{ table: "lantern_authority", rows: 1 }]);
    assert.deepEqual(
      await b.store.all(`SELECT la_code FROM lantern_authority`),
      [{ la_code: "202" }],
    );
  } finally {
    await a.cleanup();
    await b.cleanup();
  }
});
