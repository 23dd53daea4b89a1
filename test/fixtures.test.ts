// The tests' own helpers where a mistake would hide a failure: a test needing a system program is
// skipped, naming what to install, only off CI; on CI it runs (and fails loudly if it is missing).
import assert from "node:assert/strict";
import { test } from "node:test";
import { needsPrograms } from "./fixtures.ts";

test("needsPrograms: a missing program skips with the package to install, except on CI", () => {
  assert.equal(needsPrograms(["pdfinfo", "pdftotext"], { PATH: "/no/such/dir" }), "needs pdfinfo, pdftotext (apt-get install poppler-utils)");
  assert.equal(needsPrograms(["pdfinfo"], { PATH: "/no/such/dir", CI: "1" }), false);
  // `sh` is on every PATH a test runs with.
  assert.equal(needsPrograms(["sh" as "pdfinfo"], { PATH: "/usr/bin:/bin" }), false);
});
