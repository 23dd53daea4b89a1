import assert from "node:assert/strict";
import { test } from "node:test";
import { capture, smallExport, tempDir, writeExport } from "../../../test/fixtures.ts";
import { main } from "../main.ts";

test("revisions --authority refuses an authority never loaded, with the error indicators gives, instead of saying nothing changed", async () => {
  const t = tempDir();
  try {
    assert.equal(await main(["import", writeExport(smallExport()), "--authority", "202", "--data", t.dir], capture()), 0);
    const run = async (...args: string[]) => {
      const o = capture();
      return { code: await main([...args, "--data", t.dir], o), out: o.stdout(), err: o.stderr() };
    };
    const r = await run("revisions", "--authority", "ZZZ");
    assert.equal(r.code, 1, r.err);
    assert.equal(r.out, "");
    assert.match(r.err, /^error LANTERN_BAD_OPTION: No data has been loaded for authority ZZZ\.\nWhat to do: Run `lantern snapshots` to see the authorities loaded\./);
    assert.equal((await run("indicators", "--authority", "ZZZ")).err, r.err);
    const json = await run("revisions", "--authority", "ZZZ", "--json");
    assert.equal(JSON.parse(json.out).error.code, "LANTERN_BAD_OPTION");
    const loaded = await run("revisions", "--authority", "202");
    assert.deepEqual([loaded.code, loaded.out], [0, "No figure has changed between loads.\n"]);
  } finally {
    t.cleanup();
  }
});
