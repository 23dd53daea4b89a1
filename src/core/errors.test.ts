import assert from "node:assert/strict";
import { test } from "node:test";
import { listedToCorrect } from "./errors.ts";

test("listedToCorrect: 'the rows listed' only when an error names a row", () => {
  assert.equal(listedToCorrect([{ code: "X", severity: "error", file: "a.csv", row: 3, message: "m" }]), "the rows listed");
  assert.equal(listedToCorrect([{ code: "X", severity: "error", file: "a.csv", message: "m" }, { code: "W", severity: "warning", file: "b.csv", row: 2, message: "m" }]), "the files listed");
  assert.equal(listedToCorrect([{ code: "X", severity: "error", message: "m" }]), "the problems listed");
});
