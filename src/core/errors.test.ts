import assert from "node:assert/strict";
import { test } from "node:test";
import { listedToCorrect } from "./errors.ts";

test("listedToCorrect: 'the rows listed' only when an error names a row", () => {
  assert.equal(listedToCorrect([{ code: "X", severity: "error", file: "a.csv", row: 3, message: "m" }]), "the rows listed");
  assert.equal(listedToCorrect([{ code: "X", severity: "error", file: "a.csv", message: "m" }, { code: "W", severity: "warning", file: "b.csv", row: 2, message: "m" }]), "the files listed");
  assert.equal(listedToCorrect([{ code: "X", severity: "error", message: "m" }]), "the problems listed");
});

test("clipIssue cuts a long value, column or message short, saying how long it was, and keeps where to look", async () => {
  const { clipIssue } = await import("./errors.ts");
  const short = { code: "X", severity: "error" as const, file: "a.csv", row: 2, column: "pers_dob", value: "13/13/2020", message: "not a date" };
  assert.equal(clipIssue(short), short, "a short issue is left as it is");
  const long = { ...short, column: "c".repeat(5000), value: "v".repeat(60_000), message: `the header has ${"h".repeat(100_000)}` };
  const c = clipIssue(long);
  assert.equal(c.value, `${"v".repeat(200)}… (60,000 characters in all)`);
  assert.equal(c.column, `${"c".repeat(200)}… (5,000 characters in all)`);
  assert.ok(c.message.length < 2100 && c.message.endsWith("(100,015 characters in all)"), c.message.slice(-40));
  assert.deepEqual([c.file, c.row, c.code], ["a.csv", 2, "X"]);
});
