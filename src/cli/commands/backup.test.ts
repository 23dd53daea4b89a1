import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { capture, tempDir } from "../../../test/fixtures.ts";
import { openStore, storeConfig } from "../../store/open.ts";
import { main } from "../main.ts";

test("lantern backup --out through a file is refused with what to do, not a crash to report", async () => {
  const t = tempDir();
  try {
    await (await openStore(storeConfig(t.dir, {}))).close();
    const file = join(t.dir, "notes.txt");
    writeFileSync(file, "x\n");
    const o = capture();
    assert.equal(await main(["backup", "--out", join(file, "lantern.backup.gz"), "--data", t.dir], o), 3);
    assert.match(o.stderr(), /^error LANTERN_WRITE_FAILED: Could not make the folder .*notes\.txt for --out .*notes\.txt\/lantern\.backup\.gz: /);
    assert.match(o.stderr(), /\nWhat to do: /);
    assert.doesNotMatch(o.stderr(), /LANTERN_INTERNAL|Please report this|\n\s+at /);
    const json = capture();
    assert.equal(await main(["backup", "--out", join(file, "lantern.backup.gz"), "--data", t.dir, "--json"], json), 3);
    assert.equal((JSON.parse(json.stdout()) as { error: { code: string } }).error.code, "LANTERN_WRITE_FAILED");
    // A folder that does not exist yet is still made for the backup.
    const made = capture();
    assert.equal(await main(["backup", "--out", join(t.dir, "backups", "lantern.backup.gz"), "--data", t.dir], made), 0);
    assert.ok(existsSync(join(t.dir, "backups", "lantern.backup.gz")));
  } finally {
    t.cleanup();
  }
});
