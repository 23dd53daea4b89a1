import assert from "node:assert/strict";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../../test/fixtures.ts";
import { requireReadable } from "./in-paths.ts";

test("requireReadable names a missing path with the hint, and accepts files and folders that exist", () => {
  const { dir } = tempDir();
  writeFileSync(join(dir, "a.csv"), "x\n");
  requireReadable([dir, join(dir, "a.csv")], "hint");
  assert.throws(() => requireReadable([dir, join(dir, "b.csv")], "Check the path."), (e: Error & { code?: string; hint?: string }) => e.code === "LANTERN_FILE_NOT_FOUND" && e.message === `${join(dir, "b.csv")} does not exist.` && e.hint === "Check the path.");
});

// The superuser may read anything, so permissions can be tested only as another account.
test("requireReadable refuses a file or folder Lantern may not read, naming it", { skip: process.getuid?.() === 0 ? "run as root, who may read any file" : false }, () => {
  const { dir } = tempDir();
  const file = join(dir, "secret.csv");
  writeFileSync(file, "x\n");
  const folder = join(dir, "locked");
  mkdirSync(folder);
  chmodSync(file, 0o000);
  chmodSync(folder, 0o000);
  try {
    for (const p of [file, folder]) {
      assert.throws(() => requireReadable([p], "hint"), (e: Error & { code?: string }) => e.code === "LANTERN_FILE_UNREADABLE" && e.message.startsWith(`${p} cannot be read`));
    }
  } finally {
    chmodSync(file, 0o600);
    chmodSync(folder, 0o700);
  }
});
