// Backup and restore on the store the suite runs on (DuckDB, and PostgreSQL under test:pg): every
// table and every awkward value (dates in British Summer Time, integers beyond 2^53, the doubles
// JSON cannot spell, text with newlines and emoji, NULLs, booleans) comes back exactly; a file
// cut short or damaged is refused and the store left exactly as it was, even when the damage is
// only found halfway through loading; a store holding data is refused without `replace`; both
// ends are audited and the audit chain still verifies.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { gunzipSync, gzipSync } from "node:zlib";
import { storeContents, tempDir, tempStore } from "../../test/fixtures.ts";
import { isLanternError } from "../core/errors.ts";
import { auditEvent, verifyAuditChain } from "./audit.ts";
import { readBackup, restoreBackup, tablesWithData, writeBackup } from "./backup.ts";
import type { Store } from "./port.ts";

const DOUBLES = [0.1 + 0.2, 1 / 3, 5e-324, 1.7976931348623157e308, -0, NaN, Infinity, -Infinity, 1e21, -2.5e-7];
const TEXTS = ["line\nbreak", "tab\there", "back\\slash \\N", 'quote"s, and commas', "ünïcødé £ 👶", "crlf\r\n", ""];
/** 2^53 + 1: a JS number cannot hold it, so only a lossless path keeps it. */
const BIG = "9007199254740993";

/** Fill a store with awkward values across several of Lantern's tables. */
async function fill(store: Store): Promise<void> {
  // 31 March 2024 (the clocks go forward), 1 June (in BST) and 27 October (the clocks go back).
  for (const [d, wd, w] of [
    ["2024-03-31", 1, false],
    ["2024-06-01", 2, false],
    ["2024-10-27", 3, false],
    ["2024-10-28", 4, true],
  ] as const) {
    await store.run(`INSERT INTO lantern_calendar (d, wd, is_working_day) VALUES (CAST($1 AS DATE), $2, $3)`, [d, wd, w]);
  }
  await store.run(`INSERT INTO lantern_snapshot_file (snapshot_id, file_name, source_path, sha256, bytes, table_name, row_count) VALUES (1, 'a.csv', '/x/a.csv', 'abc', ${BIG}, NULL, 3)`);
  await store.run(`INSERT INTO lantern_snapshot_file (snapshot_id, file_name, source_path, sha256, bytes, table_name, row_count) VALUES (1, 'b.csv', '/x/b.csv', 'def', -1, 'ssd_person', 0)`);
  for (let i = 0; i < DOUBLES.length; i++) {
    await store.run(
      `INSERT INTO lantern_indicator_value (snapshot_id, la_code, indicator_id, period_id, breakdown, category, value, numerator, denominator, reason) VALUES (1, '202', $1, '2024-25', '', '', CAST($2 AS DOUBLE PRECISION), NULL, $3, $4)`,
      // As text: DuckDB's driver binds an integral JS number (1e21, Infinity) as a BIGINT.
      [`i${i}`, Object.is(DOUBLES[i], -0) ? "-0" : String(DOUBLES[i]), i, TEXTS[i % TEXTS.length]!],
    );
  }
  for (let i = 0; i < TEXTS.length; i++) {
    await store.run(`INSERT INTO ssd_person (snapshot_id, la_code, pers_person_id, pers_forename, pers_dob) VALUES (1, '202', $1, $2, CAST($3 AS DATE))`, [`P${i}`, TEXTS[i]!, i % 2 ? "2015-06-01" : "2016-03-27"]);
  }
  await store.run(`INSERT INTO ssd_person (snapshot_id, la_code, pers_person_id, pers_forename, pers_dob) VALUES (1, '202', 'PN', NULL, NULL)`);
  await store.run(
    `INSERT INTO lantern_user (user_id, username, display_name, role, password_hash, oidc_subject, disabled, created_at, updated_at) VALUES ('u1', 'ann', 'Ann Ó Séaghdha', 'analyst', '$argon2id$v=19$m=1', NULL, FALSE, '2024-06-01T00:30:00.000Z', '2024-06-01T00:30:00.000Z')`,
  );
  await store.run(`INSERT INTO lantern_user (user_id, username, display_name, role, password_hash, oidc_subject, disabled, created_at, updated_at) VALUES ('u2', 'bob', 'Bob', 'member', NULL, 'sub|1', TRUE, 'x', 'y')`);
  await auditEvent(store, { actor: "ann", action: "records.view", target: "cla_rate", detail: { rows: 12, note: "línea\nnueva" } }, () => new Date("2024-06-01T00:30:00Z"));
  await auditEvent(store, { actor: "ann", action: "data.load", laCode: "202" }, () => new Date("2024-10-27T01:30:00Z"));
}

/** What a failed restore must leave untouched: every table but the audit log, and the audit log. */
async function snapshot(store: Store) {
  return { contents: await storeContents(store), held: await tablesWithData(store) };
}

async function bigValue(store: Store): Promise<string | undefined> {
  const [r] = await store.all<{ b: string }>(`SELECT CAST(bytes AS VARCHAR) AS b FROM lantern_snapshot_file WHERE file_name = 'a.csv'`);
  return r?.b;
}

test("every table and every awkward value comes back exactly through a backup file; both ends audited", async () => {
  const a = await tempStore();
  const b = await tempStore();
  const dir = tempDir();
  try {
    await fill(a.store);
    const before = await storeContents(a.store);
    const file = join(dir.dir, "nested", "lantern.backup.gz");
    const r = await writeBackup(a.store, file, { actor: "ann", now: () => new Date("2025-06-30T23:30:00Z") });
    assert.equal(r.header.createdAt, "2025-06-30T23:30:00.000Z");
    assert.equal(r.header.source.kind, a.store.kind);
    assert.ok(r.tables.length >= 50, "every table is in the file, empty ones too");
    assert.equal(r.tables.find((t) => t.table === "lantern_indicator_value")?.rows, DOUBLES.length);
    if (a.store.kind === "duckdb") await assert.rejects(writeBackup(a.store, a.store.location, { actor: "ann" }), /is the store's own database file/);

    const restored = await restoreBackup(b.store, file, { actor: "bob" });
    assert.equal(restored.sha256, r.sha256, "the file restored is the file written");
    assert.deepEqual(restored.replaced, []);
    const after = await storeContents(b.store);
    for (const [table, rows] of before) {
      if (table === "lantern_audit") continue;
      assert.deepEqual(after.get(table), rows, `${table} comes back the same`);
    }
    assert.deepEqual([...after.keys()], [...before.keys()], "the same tables");
    assert.equal(await bigValue(b.store), BIG, "a BIGINT beyond 2^53 keeps every digit");
    const days = await b.store.all<{ d: string }>(`SELECT d FROM lantern_calendar ORDER BY d`);
    assert.deepEqual(
      days.map((x) => x.d),
      ["2024-03-31", "2024-06-01", "2024-10-27", "2024-10-28"],
      "dates in British Summer Time stay on their day",
    );
    const vals = await b.store.all<{ indicator_id: string; value: number | null }>(`SELECT indicator_id, value FROM lantern_indicator_value`);
    for (const v of vals) {
      const want = DOUBLES[Number(v.indicator_id.slice(1))]!;
      assert.ok(Object.is(v.value, want), `${v.indicator_id}: ${v.value} should be ${want}`);
    }

    // The source records the backup; the restored store has the source's log, then its restore.
    const srcLog = await a.store.all<{ action: string; detail: string }>(`SELECT action, detail FROM lantern_audit ORDER BY audit_id`);
    assert.deepEqual(
      srcLog.map((e) => e.action),
      ["records.view", "data.load", "export.backup"],
    );
    assert.deepEqual(JSON.parse(srcLog[2]!.detail), { file, bytes: r.bytes, sha256: r.sha256, tables: r.tables.length, rows: r.header.rows, schemaVersion: r.header.schemaVersion });
    const log = await b.store.all<{ action: string; actor: string; detail: string }>(`SELECT action, actor, detail FROM lantern_audit ORDER BY audit_id`);
    assert.deepEqual(
      log.map((e) => e.action),
      ["records.view", "data.load", "store.restore"],
    );
    assert.equal(log[2]!.actor, "bob");
    assert.equal(JSON.parse(log[2]!.detail).sha256, r.sha256);
    const chain = await verifyAuditChain(b.store);
    assert.deepEqual({ ...chain, head: chain.head?.auditId }, { ok: true, checked: 3, unchained: 0, head: 3 });
  } finally {
    await a.cleanup();
    await b.cleanup();
    dir.cleanup();
  }
});

test("a file cut short, damaged or too new is refused and the store is left exactly as it was, even when found halfway", async () => {
  const a = await tempStore();
  const b = await tempStore();
  const dir = tempDir();
  try {
    await fill(a.store);
    const good = join(dir.dir, "good.gz");
    await writeBackup(a.store, good, { actor: "ann" });
    // The target holds other data, which a failed restore must not lose.
    await b.store.run(`INSERT INTO lantern_authority (la_code, la_name, like_code, created_at) VALUES ('999', 'Kept', NULL, 'then')`);
    await auditEvent(b.store, { actor: "kim", action: "data.load" });
    const kept = await snapshot(b.store);

    const bytes = readFileSync(good);
    const text = gunzipSync(bytes).toString("utf8");
    const lines = text.split("\n");
    const bad: Record<string, Buffer> = {
      "cut.gz": bytes.subarray(0, Math.floor(bytes.length / 2)),
      "no-end.gz": gzipSync(lines.slice(0, -2).join("\n") + "\n"),
      "edited.gz": gzipSync(text.replace("ann", "amy")),
      "newer.gz": gzipSync(text.replace(/"schemaVersion":\d+/, '"schemaVersion":999')),
      "not-a-backup.csv": Buffer.from("pers_person_id\nP1\n"),
    };
    const expected: Record<string, RegExp> = {
      "cut.gz": /^The backup .*cut\.gz is incomplete: the compressed data ends early/,
      "no-end.gz": /^The backup .*no-end\.gz is incomplete: it ends without its end marker/,
      "edited.gz": /^The backup .*edited\.gz is damaged: .*checksum does not match/,
      "newer.gz": /^The backup .*newer\.gz cannot be restored by this Lantern: .*newer Lantern \(store schema 999/,
      "not-a-backup.csv": /not-a-backup\.csv is not a Lantern backup: it is not gzip-compressed/,
    };
    for (const [name, data] of Object.entries(bad)) {
      const f = join(dir.dir, name);
      writeFileSync(f, data);
      await assert.rejects(
        restoreBackup(b.store, f, { actor: "bob", replace: true }),
        (e: unknown) => isLanternError(e) && e.code === (name === "newer.gz" ? "LANTERN_BACKUP_TOO_NEW" : "LANTERN_BACKUP_INVALID") && expected[name]!.test(e.message) && /Nothing was restored/.test(e.hint ?? ""),
        name,
      );
      assert.deepEqual(await snapshot(b.store), kept, `${name}: the store is as it was`);
    }

    // Damage found only while loading (the check passed on a good copy that was then replaced by a
    // cut one): the tables were already emptied and partly filled inside the transaction, which
    // rolls back.
    const checked = await readBackup(good);
    const swapped = join(dir.dir, "swapped.gz");
    writeFileSync(swapped, gzipSync(lines.slice(0, -2).join("\n") + "\n"));
    await assert.rejects(restoreBackup(b.store, swapped, { actor: "bob", replace: true, checked }), /incomplete: it ends without its end marker/);
    assert.deepEqual(await snapshot(b.store), kept, "rolled back: the store is as it was");
  } finally {
    await a.cleanup();
    await b.cleanup();
    dir.cleanup();
  }
});

test("a store holding data is refused without replace; with it, the backup takes its place entirely", async () => {
  const a = await tempStore();
  const b = await tempStore();
  const dir = tempDir();
  try {
    await fill(a.store);
    const file = join(dir.dir, "a.gz");
    await writeBackup(a.store, file, { actor: "ann" });
    const want = await storeContents(a.store);

    // Tables Lantern fills by itself (calendar, settings) do not count as data.
    await b.store.run(`INSERT INTO lantern_setting (name, value) VALUES ('calendar_holidays', 'x')`);
    await b.store.run(`INSERT INTO lantern_calendar (d, wd, is_working_day) VALUES (DATE '2030-01-01', 1, FALSE)`);
    assert.deepEqual(await tablesWithData(b.store), []);
    await restoreBackup(b.store, file, { actor: "bob" });
    assert.deepEqual((await storeContents(b.store)).get("lantern_calendar"), want.get("lantern_calendar"), "the restore replaced the calendar");

    const c = await tempStore();
    try {
      await c.store.run(`INSERT INTO ssd_person (snapshot_id, la_code, pers_person_id) VALUES (7, '999', 'Z1')`);
      await auditEvent(c.store, { actor: "kim", action: "data.load" });
      const kept = await storeContents(c.store);
      await assert.rejects(
        restoreBackup(c.store, file, { actor: "bob" }),
        (e: unknown) => isLanternError(e) && e.code === "LANTERN_STORE_NOT_EMPTY" && /already holds data: lantern_audit \(1\), ssd_person \(1\)\. Nothing was changed\./.test(e.message) && /--replace/.test(e.hint ?? ""),
      );
      assert.deepEqual(await storeContents(c.store), kept, "refused: nothing changed");
      const r = await restoreBackup(c.store, file, { actor: "bob", replace: true });
      assert.deepEqual(r.replaced, [
        { table: "lantern_audit", rows: 1 },
        { table: "ssd_person", rows: 1 },
      ]);
      const got = await storeContents(c.store);
      for (const [table, rows] of want) if (table !== "lantern_audit") assert.deepEqual(got.get(table), rows, table);
      const [last] = await c.store.all<{ action: string; detail: string }>(`SELECT action, detail FROM lantern_audit ORDER BY audit_id DESC LIMIT 1`);
      assert.equal(last?.action, "store.restore");
      assert.deepEqual(JSON.parse(last!.detail).replaced, r.replaced, "what was replaced is on record");
      assert.ok((await verifyAuditChain(c.store)).ok);
    } finally {
      await c.cleanup();
    }
  } finally {
    await a.cleanup();
    await b.cleanup();
    dir.cleanup();
  }
});

test("a backup from before the audit chain's start was recorded restores with it recorded, so stripping every hash afterwards is still tampering", async () => {
  const a = await tempStore();
  const b = await tempStore();
  const dir = tempDir();
  try {
    await auditEvent(a.store, { actor: "ann", action: "records.view" });
    await auditEvent(a.store, { actor: "ann", action: "data.load", laCode: "202" });
    // The store as a Lantern from before migration 8 kept it: no record of where the chain starts.
    await a.store.run(`DELETE FROM lantern_setting WHERE name = 'audit_chain_after'`);
    await a.store.run(`DELETE FROM lantern_migration WHERE version = 8`);
    const file = join(dir.dir, "old.gz");
    const w = await writeBackup(a.store, file, { actor: "ann" });
    assert.equal(w.header.schemaVersion, 7);
    await restoreBackup(b.store, file, { actor: "bob" });
    const [start] = await b.store.all<{ value: string }>(`SELECT value FROM lantern_setting WHERE name = 'audit_chain_after'`);
    assert.deepEqual(start, { value: "0" }, "every entry in the backup carries a hash: the chain starts at the first");
    assert.equal((await verifyAuditChain(b.store)).ok, true);
    await b.store.run(`UPDATE lantern_audit SET prev_hash = NULL, entry_hash = NULL`);
    const r = await verifyAuditChain(b.store);
    assert.equal(r.ok, false, "hashes stripped from every entry are seen");
    assert.equal(r.brokenAt?.auditId, 1);
  } finally {
    await a.cleanup();
    await b.cleanup();
    dir.cleanup();
  }
});

test("a TIMESTAMP keeps its microseconds and a table outside Lantern's own is carried too", async () => {
  const a = await tempStore();
  const b = await tempStore();
  const dir = tempDir();
  try {
    for (const s of [a.store, b.store]) await s.run(`CREATE TABLE zz_extra (t TIMESTAMP, b BIGINT, f DOUBLE PRECISION)`);
    await a.store.run(`INSERT INTO zz_extra VALUES (CAST('2024-06-01 00:30:00.123456' AS TIMESTAMP), -9223372036854775808, 0.1), (NULL, NULL, NULL)`);
    const file = join(dir.dir, "x.gz");
    await writeBackup(a.store, file, { actor: "ann" });
    await restoreBackup(b.store, file, { actor: "ann" });
    const rows = await b.store.all(`SELECT CAST(t AS VARCHAR) AS t, CAST(b AS VARCHAR) AS b, f FROM zz_extra ORDER BY b`);
    assert.deepEqual(rows, [
      { t: "2024-06-01 00:30:00.123456", b: "-9223372036854775808", f: 0.1 },
      { t: null, b: null, f: null },
    ]);
  } finally {
    await a.cleanup();
    await b.cleanup();
    dir.cleanup();
  }
});

test("a restore ends the sign-in sessions the backup held open, so a cookie from before it no longer signs anyone in", async () => {
  const { createSession, validateSession, revokeSession, hashToken } = await import("../web/auth/sessions.ts");
  const a = await tempStore();
  const b = await tempStore();
  const dir = tempDir();
  try {
    await fill(a.store);
    const now = new Date();
    const open = await createSession(a.store, "u1", "127.0.0.1", now);
    const closed = await createSession(a.store, "u1", null, now);
    await revokeSession(a.store, hashToken(closed), now);
    assert.ok(await validateSession(a.store, open, now), "live before the backup");
    const file = join(dir.dir, "s.backup.gz");
    await writeBackup(a.store, file, { actor: "ann" });
    const later = new Date(now.getTime() + 60_000);
    const r = await restoreBackup(b.store, file, { actor: "bob", now: () => later });
    assert.equal(r.sessionsEnded, 1, "only the one still open");
    assert.equal(await validateSession(b.store, open, later), null, "the restored store does not accept it");
    const rows = await b.store.all<{ token_hash: string; revoked_at: string }>(`SELECT token_hash, revoked_at FROM lantern_session ORDER BY revoked_at`);
    assert.deepEqual(
      rows.map((x) => [x.token_hash, x.revoked_at]),
      [
        [hashToken(closed), now.toISOString()],
        [hashToken(open), later.toISOString()],
      ],
      "the sign-out already recorded is kept as it was",
    );
    const [entry] = await b.store.all<{ detail: string }>(`SELECT detail FROM lantern_audit WHERE action = 'store.restore'`);
    assert.equal(JSON.parse(entry!.detail).sessionsEnded, 1);
    assert.ok(await validateSession(a.store, open, later), "the original store is untouched");
  } finally {
    await a.cleanup();
    await b.cleanup();
    dir.cleanup();
  }
});

test("on PostgreSQL a restore is refused while lantern serve is connected to the database, and nothing changes", async (t) => {
  const a = await tempStore();
  if (a.store.kind !== "postgres") {
    await a.cleanup();
    t.skip("only a PostgreSQL store can be shared with a running server");
    return;
  }
  const { openStore, storeConfig, SERVE_APPLICATION } = await import("./open.ts");
  const dir = tempDir();
  try {
    await fill(a.store);
    const file = join(dir.dir, "l.backup.gz");
    await writeBackup(a.store, file, { actor: "ann" });
    const before = await storeContents(a.store);
    const serve = await openStore(storeConfig(dir.dir, { LANTERN_DATABASE_URL: a.databaseUrl! }), { application: SERVE_APPLICATION });
    try {
      await serve.all(`SELECT 1`);
      await assert.rejects(
        restoreBackup(a.store, file, { actor: "bob", replace: true }),
        (e: unknown) => isLanternError(e) && e.code === "LANTERN_STORE_LOCKED" && /in use by lantern serve \(\d+ connections? from [^)]+\)/.test(e.message) && /Stop every lantern serve/.test(e.hint ?? ""),
      );
      assert.deepEqual(await storeContents(a.store), before, "nothing changed");
    } finally {
      await serve.close();
    }
    const r = await restoreBackup(a.store, file, { actor: "bob", replace: true });
    assert.ok(r.rows > 0, "with the server stopped, the restore goes ahead");
  } finally {
    await a.cleanup();
    dir.cleanup();
  }
});
