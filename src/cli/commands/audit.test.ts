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
    assert.equal(o3.stdout(), "The audit chain is intact: 3 entries checked.\n");

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
