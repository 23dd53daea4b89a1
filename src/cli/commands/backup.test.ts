import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
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

test("lantern restore --check --json gives the file as the absolute path it read, resolved against the working directory", async () => {
  const t = tempDir();
  try {
    const data = join(t.dir, "store");
    await (await openStore(storeConfig(data, {}))).close();
    const backups = join(t.dir, "backups");
    mkdirSync(backups);
    assert.equal(await main(["backup", "--out", join(backups, "lantern.backup.gz"), "--data", data], capture()), 0);
    // Run from another folder than this test's, naming the file relative to it.
    const bin = fileURLToPath(new URL("../../../bin/lantern.mjs", import.meta.url));
    const { LANTERN_DATABASE_URL: _, ...inherited } = process.env;
    const env = { ...inherited, LANTERN_DATA: join(t.dir, "unused") };
    const run = (args: string[]) => promisify(execFile)(process.execPath, [bin, "restore", ...args], { cwd: backups, env });
    const json = JSON.parse((await run(["lantern.backup.gz", "--check", "--json"])).stdout) as { file: string; ok: boolean };
    assert.equal(json.ok, true);
    assert.equal(json.file, join(backups, "lantern.backup.gz"));
    assert.ok(isAbsolute(json.file));
    const up = JSON.parse((await run([join("..", "backups", "lantern.backup.gz"), "--check", "--json"])).stdout) as { file: string };
    assert.equal(up.file, join(backups, "lantern.backup.gz"), "../ is resolved, not kept");
    // The text names the file as it was typed, for the person who typed it.
    assert.match((await run(["lantern.backup.gz", "--check"])).stdout, /^lantern\.backup\.gz is a complete Lantern backup, /);
    // The same path as the JSON of backup and of a restore that loads.
    const restored = JSON.parse((await promisify(execFile)(process.execPath, [bin, "restore", "lantern.backup.gz", "--json", "--data", join(t.dir, "restored")], { cwd: backups, env })).stdout) as { file: string };
    assert.equal(restored.file, json.file);
  } finally {
    t.cleanup();
  }
});
