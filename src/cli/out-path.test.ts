// The one --out check: a missing folder, a folder where a file goes (and the reverse) are refused
// as LANTERN_BAD_OPTION naming --out before any work; a failure while writing becomes
// LANTERN_WRITE_FAILED, and an error that is not about the output passes through unchanged.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { capture, tempDir } from "../../test/fixtures.ts";
import { isLanternError } from "../core/errors.ts";
import { reportError } from "./output.ts";
import { checkOutPath, writeFailure, writingTo } from "./out-path.ts";

const badOption = (pattern: RegExp) => (e: unknown) => isLanternError(e) && e.code === "LANTERN_BAD_OPTION" && pattern.test(e.message) && !!e.hint;

test("checkOutPath refuses a path that cannot be written, saying which and what to do", () => {
  const t = tempDir();
  try {
    const missing = join(t.dir, "no-such-folder", "deeper");
    assert.throws(() => checkOutPath(join(missing, "x.html"), "file", "report.html"), badOption(new RegExp(`^--out .*x\\.html: the folder ${missing} does not exist\\.$`)));
    assert.throws(() => checkOutPath(join(missing, "903"), "folder", "903-2024-25"), badOption(/the folder .*deeper does not exist/));
    assert.equal(existsSync(join(t.dir, "no-such-folder")), false, "nothing is created");
    // A folder where a file goes, and a file where a folder goes.
    assert.throws(() => checkOutPath(t.dir, "file", "report.pdf"), badOption(/is a folder, and this is written to a file/));
    const file = join(t.dir, "f.txt");
    writeFileSync(file, "x");
    assert.throws(() => checkOutPath(file, "folder", "ssd-copy"), badOption(/is a file, and this is written as a folder of files/));
    assert.throws(() => checkOutPath(join(file, "x.xml"), "file", "cin.xml"), badOption(/f\.txt is a file, not a folder/));
    assert.throws(() => checkOutPath("", "file", "x.html"), badOption(/--out is empty/));
    // What can be written: a new file or folder in a folder that exists, an existing file or folder.
    checkOutPath(join(t.dir, "new.html"), "file", "report.html");
    checkOutPath(file, "file", "report.html");
    checkOutPath(join(t.dir, "new-folder"), "folder", "ssd-copy");
    mkdirSync(join(t.dir, "old-folder"));
    checkOutPath(join(t.dir, "old-folder"), "folder", "ssd-copy");
  } finally {
    t.cleanup();
  }
});

test("a failure while writing becomes LANTERN_WRITE_FAILED (exit 3), never an internal error", { skip: existsSync("/dev/full") ? false : "no /dev/full here" }, async () => {
  // /dev/full accepts the open and fails every write with ENOSPC: a full disk.
  await assert.rejects(
    writingTo("/dev/full", () => writeFileSync("/dev/full", "x".repeat(100_000))),
    (e: unknown) => isLanternError(e) && e.code === "LANTERN_WRITE_FAILED" && e.exit === 3 && /Could not write --out \/dev\/full: the disk is full \(ENOSPC\)\. What was written there is incomplete/.test(e.message),
  );
  const o = capture();
  assert.equal(reportError(o, writeFailure(Object.assign(new Error("EACCES: permission denied, open '/srv/r.pdf'"), { code: "EACCES", syscall: "open", path: "/srv/r.pdf" }), "/srv/r.pdf"), false), 3);
  assert.match(o.stderr(), /^error LANTERN_WRITE_FAILED: Could not write --out \/srv\/r\.pdf: permission denied \(EACCES\)\.\n/);
  assert.doesNotMatch(o.stderr(), /incomplete|LANTERN_INTERNAL|\n\s+at /, "nothing was written by a failed open, and no stack");
});

test("errors that are not about the output pass through writingTo unchanged", async () => {
  const other = Object.assign(new Error("ENOENT: no such file, open '/data/lantern.duckdb'"), { code: "ENOENT", syscall: "open", path: "/data/lantern.duckdb" });
  await assert.rejects(
    writingTo("/tmp/out.html", () => Promise.reject(other)),
    (e: unknown) => e === other,
  );
  const bug = new TypeError("x is undefined");
  await assert.rejects(
    writingTo("/tmp/out.html", () => {
      throw bug;
    }),
    (e: unknown) => e === bug,
  );
  assert.equal(writeFailure(Object.assign(new Error("read"), { code: "EACCES", syscall: "read" }), "/tmp/out.html"), null);
  // A file inside a folder output is that output's.
  assert.ok(writeFailure(Object.assign(new Error("x"), { code: "ENOSPC", syscall: "open", path: "/tmp/903/episodes.csv" }), "/tmp/903"));
  assert.equal(writeFailure(Object.assign(new Error("x"), { code: "ENOSPC", syscall: "open", path: "/tmp/9030/episodes.csv" }), "/tmp/903"), null);
});
