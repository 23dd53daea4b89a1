import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { test } from "node:test";
import { smallExport, tempDir, tempStore, writeExport } from "../../test/fixtures.ts";
import { COMMANDS, main } from "./main.ts";
import type { Output } from "./output.ts";

function capture(): Output & { stdout: () => string; stderr: () => string } {
  let out = "";
  let err = "";
  return {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    isTTY: false,
    color: false,
    stdout: () => out,
    stderr: () => err,
  };
}

test("every command has --help with a worked example, and the top-level help lists them", async () => {
  const top = capture();
  assert.equal(await main(["--help"], top), 0);
  for (const name of Object.keys(COMMANDS)) {
    assert.match(top.stdout(), new RegExp(`\\b${name}\\b`));
    const o = capture();
    assert.equal(await main([name, "--help"], o), 0);
    assert.match(o.stdout(), new RegExp(`^lantern ${name}`));
    assert.match(o.stdout(), /Examples?:\n\s+lantern /);
  }
});

test("usage errors exit 1 and say what to do", async () => {
  const o = capture();
  assert.equal(await main(["frobnicate"], o), 1);
  assert.match(o.stderr(), /LANTERN_UNKNOWN_COMMAND.*\nWhat to do: Run `lantern --help`/s);
  const t = tempDir();
  try {
    const o2 = capture();
    assert.equal(await main(["import", writeExport(smallExport()), "--data", t.dir], o2), 1);
    assert.match(o2.stderr(), /--authority CODE/);
    const o3 = capture();
    assert.equal(await main(["import", "x", "--nonsense", "--data", t.dir], o3), 1);
    assert.match(o3.stderr(), /nonsense/);
    const o4 = capture();
    assert.equal(await main(["generate", "--out", t.dir, "--from", "2024-13"], o4), 1);
    assert.match(o4.stderr(), /YYYY-MM/);
  } finally {
    t.cleanup();
  }
});

test("import: rejected data exits 2 naming file, row and column; --json gives scripts the same", async () => {
  const t = tempDir();
  try {
    const files = smallExport();
    files["ssd_contacts.csv"] += "\nC9,P1,31/02/2024,1A,";
    const dir = writeExport(files);
    const o = capture();
    assert.equal(await main(["import", dir, "--authority", "202", "--data", t.dir], o), 2);
    assert.match(o.stderr(), /SSD_DATE_INVALID at ssd_contacts\.csv, row 5, column cont_contact_date: .*value "31\/02\/2024"; expected a date/);
    assert.match(o.stderr(), /Nothing was loaded/);
    const j = capture();
    assert.equal(await main(["import", dir, "--authority", "202", "--data", t.dir, "--json"], j), 2);
    const parsed = JSON.parse(j.stdout());
    assert.equal(parsed.error.code, "LANTERN_DATA_REJECTED");
    assert.equal(parsed.error.issues[0].row, 5);

    const good = writeExport(smallExport());
    const ok = capture();
    assert.equal(await main(["import", good, "--authority", "202", "--data", t.dir, "--json"], ok), 0);
    assert.equal(JSON.parse(ok.stdout()).authorities[0].snapshotId, 1);
    const again = capture();
    assert.equal(await main(["import", good, "--authority", "202", "--data", t.dir], again), 0);
    assert.match(again.stdout(), /identical to snapshot 1 .*nothing was added\. Use --force/);
    const list = capture();
    assert.equal(await main(["snapshots", "--data", t.dir, "--json"], list), 0);
    assert.equal(JSON.parse(list.stdout()).snapshots.length, 1);
  } finally {
    t.cleanup();
  }
});

test("a second process is told the store is in use (exit 3)", async () => {
  const { dataDir, cleanup } = await tempStore();
  try {
    const bin = fileURLToPath(new URL("../../bin/lantern.mjs", import.meta.url));
    const run = promisify(execFile);
    const r = await run(process.execPath, [bin, "snapshots", "--data", dataDir]).then(
      () => assert.fail("expected a refusal"),
      (e: { code: number; stderr: string }) => e,
    );
    assert.equal(r.code, 3);
    assert.match(r.stderr, /LANTERN_STORE_LOCKED: .*in use by another Lantern process/);
  } finally {
    await cleanup();
  }
});
