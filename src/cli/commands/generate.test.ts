import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { capture, tempDir } from "../../../test/fixtures.ts";
import { main } from "../main.ts";

const SMALL = ["--population", "500", "--from", "2024-04", "--to", "2024-06"];

test("generate --out that cannot be a folder is refused by name with what to do, not a crash to report", async () => {
  const t = tempDir();
  try {
    const file = join(t.dir, "referrals.csv");
    writeFileSync(file, "date,value\n");
    // An existing file where the folder should go.
    const onFile = capture();
    assert.equal(await main(["generate", "--out", file, ...SMALL], onFile), 1);
    assert.match(onFile.stderr(), /^error LANTERN_BAD_OPTION: --out .*referrals\.csv is a file, and this is written as a folder of files\.\nWhat to do: /);
    assert.doesNotMatch(onFile.stderr(), /LANTERN_INTERNAL|Please report this|\n\s+at /);
    // A path through a file: the folder cannot be made.
    const under = capture();
    assert.equal(await main(["generate", "--out", join(file, "synthetic"), ...SMALL], under), 3);
    assert.match(under.stderr(), /^error LANTERN_WRITE_FAILED: Could not write --out .*referrals\.csv\/synthetic: part of the path is not a folder \(ENOTDIR\)\.\nWhat to do: /);
    assert.doesNotMatch(under.stderr(), /LANTERN_INTERNAL|Please report this/);
    const json = capture();
    assert.equal(await main(["generate", "--out", join(file, "synthetic"), ...SMALL, "--json"], json), 3);
    const j = JSON.parse(json.stdout()) as { error: { code: string; hint: string } };
    assert.equal(j.error.code, "LANTERN_WRITE_FAILED");
    assert.ok(j.error.hint);
    // A folder that does not exist yet is still made, as the help says.
    const made = capture();
    assert.equal(await main(["generate", "--out", join(t.dir, "new", "synthetic"), ...SMALL], made), 0);
    assert.match(made.stdout(), /Next: lantern import /);
  } finally {
    t.cleanup();
  }
});
