import assert from "node:assert/strict";
import { test } from "node:test";
import { capture, tempDir } from "../../../test/fixtures.ts";
import { auditEvent } from "../../store/audit.ts";
import { openStore, storeConfig } from "../../store/open.ts";
import { main } from "../main.ts";

test("lantern audit lists with filters and --verify finds an altered entry (exit 3)", async () => {
  const t = tempDir();
  try {
    const store = await openStore(storeConfig(t.dir, {}));
    await auditEvent(store, { actor: "ann", action: "auth.sign_in", target: "ann" }, () => new Date("2026-04-01T08:00:00Z"));
    await auditEvent(store, { actor: "ann", action: "records.view", target: "cla_rate", detail: { rows: 12 } }, () => new Date("2026-04-02T08:00:00Z"));
    await auditEvent(store, { actor: "bob", action: "auth.sign_in_failed", target: "bob" }, () => new Date("2026-04-03T08:00:00Z"));
    await store.close();

    const o1 = capture();
    assert.equal(await main(["audit", "--user", "ann", "--json", "--data", t.dir], o1), 0);
    const j = JSON.parse(o1.stdout());
    assert.deepEqual([j.total, j.entries.map((e: { action: string }) => e.action), j.entries[0].detail], [2, ["records.view", "auth.sign_in"], { rows: 12 }]);
    const o2 = capture();
    assert.equal(await main(["audit", "--action", "auth.*", "--from", "2026-04-02", "--data", t.dir], o2), 0);
    assert.match(o2.stdout(), /^3\s+2026-04-03 08:00:00\s+bob\s+auth\.sign_in_failed\s+bob\s+\{\}$/m);
    assert.equal(o2.stdout().trim().split("\n").length, 3);

    const o3 = capture();
    assert.equal(await main(["audit", "--verify", "--data", t.dir], o3), 0);
    const [intact, headLine] = o3.stdout().split("\n");
    assert.equal(intact, "The audit chain is intact: 3 entries checked.");
    const head = /^Head: (3:[0-9a-f]{16}) /.exec(headLine!)?.[1];
    assert.ok(head, headLine);
    assert.equal(await main(["audit", "--verify", "--expect", head!, "--data", t.dir], capture()), 0);
    assert.equal(await main(["audit", "--verify", "--expect", "3:nothex", "--data", t.dir], capture()), 1);

    // The newest entry removed: the chain alone still holds, the recorded head shows it.
    const s1 = await openStore(storeConfig(t.dir, {}));
    const kept = await s1.all(`SELECT * FROM lantern_audit WHERE audit_id = 3`);
    await s1.run(`DELETE FROM lantern_audit WHERE audit_id = 3`);
    await s1.close();
    assert.equal(await main(["audit", "--verify", "--data", t.dir], capture()), 0);
    const cut = capture();
    assert.equal(await main(["audit", "--verify", "--expect", head!, "--data", t.dir], cut), 3);
    assert.match(cut.stderr(), /entry 3: it was recorded earlier but is no longer there: the entries after 2 were removed/);
    const s3 = await openStore(storeConfig(t.dir, {}));
    const cols = Object.keys(kept[0]!);
    await s3.run(`INSERT INTO lantern_audit (${cols.join(", ")}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(", ")})`, cols.map((c) => kept[0]![c]!));
    await s3.close();
    assert.equal(await main(["audit", "--verify", "--expect", head!, "--data", t.dir], capture()), 0, "put back, as it was");

    const s2 = await openStore(storeConfig(t.dir, {}));
    await s2.run(`UPDATE lantern_audit SET detail = '{"rows":1}' WHERE audit_id = 2`);
    await s2.close();
    const o4 = capture();
    assert.equal(await main(["audit", "--verify", "--data", t.dir], o4), 3);
    assert.match(o4.stderr(), /LANTERN_AUDIT_TAMPERED: The audit log has been altered: entry 2: its contents were changed after it was written\./);
    assert.equal(await main(["audit", "--from", "April", "--data", t.dir], capture()), 1);
  } finally {
    t.cleanup();
  }
});

test("lantern audit refuses a --from or --to that is not a real day, rather than matching nothing", async () => {
  const t = tempDir();
  try {
    const store = await openStore(storeConfig(t.dir, {}));
    await auditEvent(store, { actor: "ann", action: "auth.sign_in", target: "ann" }, () => new Date("2026-04-01T08:00:00Z"));
    await store.close();
    for (const [flag, value] of [
      ["--from", "2026-13-01"],
      ["--to", "2025-02-30"],
      ["--from", "2026-00-10"],
      ["--to", "2026-4-1"],
    ] as const) {
      const o = capture();
      assert.equal(await main(["audit", flag, value, "--data", t.dir], o), 1, `${flag} ${value}`);
      assert.equal(o.stderr(), `error LANTERN_BAD_OPTION: ${flag} ${value} is not a date; write a real date as YYYY-MM-DD, for example 2025-04-01.\n`);
      assert.equal(o.stdout(), "");
    }
    const back = capture();
    assert.equal(await main(["audit", "--from", "2026-05-01", "--to", "2026-04-01", "--data", t.dir], back), 1);
    assert.match(back.stderr(), /--from 2026-05-01 is after --to 2026-04-01/);
    const ok = capture();
    assert.equal(await main(["audit", "--from", "2026-04-01", "--to", "2026-04-01", "--json", "--data", t.dir], ok), 0);
    assert.equal((JSON.parse(ok.stdout()) as { total: number }).total, 1);
  } finally {
    t.cleanup();
  }
});

test("lantern audit --verify --json on an altered log prints one JSON document: the chain and the error, exit 3", async () => {
  const t = tempDir();
  try {
    const store = await openStore(storeConfig(t.dir, {}));
    await auditEvent(store, { actor: "ann", action: "auth.sign_in", target: "ann" }, () => new Date("2026-04-01T08:00:00Z"));
    await auditEvent(store, { actor: "ann", action: "records.view", target: "cla_rate", detail: { rows: 12 } }, () => new Date("2026-04-02T08:00:00Z"));
    await store.run(`UPDATE lantern_audit SET detail = '{"rows":1}' WHERE audit_id = 2`);
    await store.close();
    const o = capture();
    assert.equal(await main(["audit", "--verify", "--json", "--data", t.dir], o), 3);
    // A script reads stdout as one document: the chain's result and the error together.
    const j = JSON.parse(o.stdout()) as { chain: { ok: boolean; brokenAt: { auditId: number } }; error: { code: string; message: string; hint: string } };
    assert.equal(j.chain.ok, false);
    assert.equal(j.chain.brokenAt.auditId, 2);
    assert.equal(j.error.code, "LANTERN_AUDIT_TAMPERED");
    assert.match(j.error.message, /entry 2: its contents were changed after it was written/);
    assert.match(j.error.hint, /Restore the store from a backup/);
    assert.equal(o.stderr(), "");
  } finally {
    t.cleanup();
  }
});
