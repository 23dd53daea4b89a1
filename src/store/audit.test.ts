import assert from "node:assert/strict";
import { test } from "node:test";
import { tempDir, tempStore, testStoreKind } from "../../test/fixtures.ts";
import { openStore, storeConfig } from "./open.ts";
import { audit, auditEvent, entryHash, GENESIS_HASH, listAudit, verifyAuditChain } from "./audit.ts";
import { writeSnapshot } from "./snapshot-write.ts";

const at = (iso: string) => () => new Date(iso);

test("entries chain by hash: each points to the one before, the first to the genesis hash", async () => {
  const { store, cleanup } = await tempStore();
  try {
    await auditEvent(store, { actor: "ann", action: "auth.sign_in", target: "ann", detail: { ip: "127.0.0.1" } }, at("2026-01-02T09:00:00.000Z"));
    await audit(store, { actor: "bob", action: "data.load", la_code: "202", detail: { rows: 3 } }, at("2026-01-02T10:00:00.000Z"));
    const rows = await store.all<{ audit_id: number; prev_hash: string; entry_hash: string; target: string | null; la_code: string | null }>(
      `SELECT audit_id, prev_hash, entry_hash, target, la_code FROM lantern_audit ORDER BY audit_id`,
    );
    assert.equal(rows.length, 2);
    assert.equal(rows[0]!.prev_hash, GENESIS_HASH);
    assert.equal(rows[1]!.prev_hash, rows[0]!.entry_hash);
    // The first hash recomputed by hand from its fields.
    assert.equal(
      rows[0]!.entry_hash,
      entryHash(GENESIS_HASH, { audit_id: 1, logged_at: "2026-01-02T09:00:00.000Z", actor: "ann", action: "auth.sign_in", la_code: null, target: "ann", detail: '{"ip":"127.0.0.1"}' }),
    );
    assert.deepEqual(await verifyAuditChain(store), { ok: true, checked: 2, unchained: 0, head: { auditId: 2, hash: rows[1]!.entry_hash } });
  } finally {
    await cleanup();
  }
});

test("verifyAuditChain names the first modified, removed or unhashed entry", async () => {
  const { store, cleanup } = await tempStore();
  try {
    for (let i = 1; i <= 4; i++) await auditEvent(store, { actor: "ann", action: "records.view", target: `ind${i}`, detail: { rows: i } }, at(`2026-01-0${i}T09:00:00.000Z`));
    assert.equal((await verifyAuditChain(store)).ok, true);

    await store.run(`UPDATE lantern_audit SET detail = '{"rows":0}' WHERE audit_id = 2`);
    assert.deepEqual(await verifyAuditChain(store), { ok: false, checked: 1, unchained: 0, brokenAt: { auditId: 2, reason: "its contents were changed after it was written" } });
    await store.run(`UPDATE lantern_audit SET detail = '{"rows":2}' WHERE audit_id = 2`);
    assert.equal((await verifyAuditChain(store)).ok, true);

    await store.run(`UPDATE lantern_audit SET actor = 'someone else' WHERE audit_id = 4`);
    assert.equal((await verifyAuditChain(store)).brokenAt?.auditId, 4);
    await store.run(`UPDATE lantern_audit SET actor = 'ann' WHERE audit_id = 4`);

    await store.run(`DELETE FROM lantern_audit WHERE audit_id = 3`);
    assert.deepEqual((await verifyAuditChain(store)).brokenAt, { auditId: 4, reason: "entry 3 is missing" });
  } finally {
    await cleanup();
  }
});

test("a row rewritten with a fresh hash of its own still breaks the link from the next row", async () => {
  const { store, cleanup } = await tempStore();
  try {
    for (let i = 1; i <= 3; i++) await auditEvent(store, { actor: "ann", action: "export.csv", detail: { n: i } }, at(`2026-02-0${i}T09:00:00.000Z`));
    const [r1] = await store.all<{ entry_hash: string }>(`SELECT entry_hash FROM lantern_audit WHERE audit_id = 1`);
    const forged = entryHash(r1!.entry_hash, { audit_id: 2, logged_at: "2026-02-02T09:00:00.000Z", actor: "ann", action: "export.csv", la_code: null, target: null, detail: '{"n":99}' });
    await store.run(`UPDATE lantern_audit SET detail = '{"n":99}', entry_hash = $1 WHERE audit_id = 2`, [forged]);
    assert.deepEqual((await verifyAuditChain(store)).brokenAt, { auditId: 3, reason: "it does not point to the entry before it (an entry was removed or inserted)" });
  } finally {
    await cleanup();
  }
});

test("concurrent writers never fork the chain", async () => {
  const { store, cleanup } = await tempStore();
  try {
    await Promise.all(Array.from({ length: 20 }, (_, i) => auditEvent(store, { actor: `u${i}`, action: "records.view", detail: {} })));
    const r = await verifyAuditChain(store);
    assert.deepEqual({ ...r, head: r.head?.auditId }, { ok: true, checked: 20, unchained: 0, head: 20 });
  } finally {
    await cleanup();
  }
});

test("an entry from outside a transaction, asked for while a load's transaction is open, waits for the load's own entry instead of hanging both", async () => {
  const { store, cleanup } = await tempStore();
  try {
    let signIn!: () => void;
    // Begun outside the load's transaction, as a sign-in request is while an upload commits.
    const outside = new Promise<void>((r) => {
      signIn = r;
    }).then(() => auditEvent(store, { actor: "ann", action: "auth.sign_in", target: "ann" }));
    const load = store.transaction(async () => {
      await store.run(`INSERT INTO lantern_authority (la_code, la_name, like_code, created_at) VALUES ('202', NULL, NULL, 'x')`);
      signIn();
      await new Promise((r) => setTimeout(r, 100));
      await writeSnapshot(store, { authority: "202", format: "ssd", loadedBy: "bob", at: "2025-04-02T09:00:00.000Z", forced: false, fingerprint: "f", files: [], tables: new Map(), warnings: [] });
    });
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("the load and the sign-in waited for each other")), 10_000);
    });
    try {
      await Promise.race([Promise.all([load, outside]), hung]);
    } finally {
      clearTimeout(timer);
    }
    const log = await store.all<{ action: string }>(`SELECT action FROM lantern_audit ORDER BY audit_id`);
    assert.deepEqual(log.map((e) => e.action).sort(), ["auth.sign_in", "data.load"]);
    const r = await verifyAuditChain(store);
    assert.deepEqual({ ...r, head: r.head?.auditId }, { ok: true, checked: 2, unchained: 0, head: 2 });
  } finally {
    await cleanup();
  }
});

test("listAudit filters by user, exact action or prefix* and inclusive date range, newest first, paginated", async () => {
  const { store, cleanup } = await tempStore();
  try {
    await auditEvent(store, { actor: "ann", action: "auth.sign_in" }, at("2026-03-01T08:00:00.000Z"));
    await auditEvent(store, { actor: "bob", action: "auth.sign_in_failed" }, at("2026-03-02T23:59:59.000Z"));
    await auditEvent(store, { actor: "ann", action: "records.view" }, at("2026-03-03T00:00:00.000Z"));
    await auditEvent(store, { actor: "ann", action: "auth.sign_out" }, at("2026-03-04T12:00:00.000Z"));
    const ids = async (f: Parameters<typeof listAudit>[1]) => (await listAudit(store, f)).rows.map((r) => r.auditId);
    assert.deepEqual(await ids({ actor: "ann", limit: 10, offset: 0 }), [4, 3, 1]);
    assert.deepEqual(await ids({ action: "auth.sign_in", limit: 10, offset: 0 }), [1]);
    assert.deepEqual(await ids({ action: "auth.*", limit: 10, offset: 0 }), [4, 2, 1]);
    assert.deepEqual(await ids({ from: "2026-03-02", to: "2026-03-03", limit: 10, offset: 0 }), [3, 2]);
    const p2 = await listAudit(store, { limit: 2, offset: 2 });
    assert.deepEqual([p2.total, p2.rows.map((r) => r.auditId)], [4, [2, 1]]);
  } finally {
    await cleanup();
  }
});

test("entries written before the chain began are counted as unchained; an unhashed entry after it is tampering", async () => {
  const { store, cleanup } = await tempStore();
  try {
    await store.run(`INSERT INTO lantern_audit (audit_id, logged_at, actor, action, la_code, detail) VALUES (1, '2025-01-01T00:00:00.000Z', 'old', 'data.load', '202', '{}')`);
    // As the upgrade of a store holding that one entry records it.
    await store.run(`UPDATE lantern_setting SET value = '1' WHERE name = 'audit_chain_after'`);
    await auditEvent(store, { actor: "ann", action: "auth.sign_in" });
    const r = await verifyAuditChain(store);
    assert.deepEqual({ ...r, head: r.head?.auditId }, { ok: true, checked: 1, unchained: 1, head: 2 });
    await store.run(`INSERT INTO lantern_audit (audit_id, logged_at, actor, action, la_code, detail) VALUES (3, '2025-01-01T00:00:00.000Z', 'x', 'y', NULL, '{}')`);
    assert.deepEqual((await verifyAuditChain(store)).brokenAt, { auditId: 3, reason: "an entry after the chain began has no hash" });
  } finally {
    await cleanup();
  }
});

test("stripping every hash, or removing an entry from before the chain, is tampering: the chain's start is recorded, and ids run from 1", async () => {
  const { store, cleanup } = await tempStore();
  try {
    for (let i = 0; i < 5; i++) await auditEvent(store, { actor: "ann", action: "records.view", target: `referrals ${i}` });
    assert.equal((await verifyAuditChain(store)).ok, true);
    // A store made with the chain: entry 3 and every hash removed.
    await store.run(`DELETE FROM lantern_audit WHERE audit_id = 3`);
    await store.run(`UPDATE lantern_audit SET entry_hash = NULL, prev_hash = NULL`);
    assert.deepEqual((await verifyAuditChain(store)).brokenAt, { auditId: 1, reason: "it has no hash, though the chain began after entry 0: its hash was removed" });
    // Even were the chain's start moved past them, the gap shows.
    await store.run(`UPDATE lantern_setting SET value = '99' WHERE name = 'audit_chain_after'`);
    assert.deepEqual((await verifyAuditChain(store)).brokenAt, { auditId: 4, reason: "entry 3 is missing" });
  } finally {
    await cleanup();
  }
});

test("two processes appending to one PostgreSQL database at once keep one unbroken chain", { skip: testStoreKind() !== "postgres" ? "PostgreSQL only: one process owns a DuckDB file" : false }, async () => {
  const { store, databaseUrl, cleanup } = await tempStore();
  const dir = tempDir();
  // A second store on the same database stands for a second server: a pool of its own, no queue shared.
  const other = await openStore(storeConfig(dir.dir, { LANTERN_DATABASE_URL: databaseUrl! }));
  try {
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => audit(i % 2 ? store : other, { actor: `u${i}`, action: "export.csv", la_code: "X001", detail: { i } })),
    );
    const [n] = await store.all<{ n: number }>(`SELECT count(*) AS n FROM lantern_audit`);
    assert.equal(Number(n!.n), 40, "no entry lost to a clash of ids");
    const report = await verifyAuditChain(store);
    assert.equal(report.ok, true, JSON.stringify(report));
    assert.equal(report.checked, 40);
  } finally {
    await other.close();
    dir.cleanup();
    await cleanup();
  }
});
