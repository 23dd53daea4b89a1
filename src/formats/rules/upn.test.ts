// The UPN check letter and parts: UPNs from the shared samples whose check letters are right
// (fake_CIN_data.xml, the 903 validator's header.csv and the demand model's 2017 header) and the
// CIN validator's own examples, a temporary UPN ending in a letter, and each part broken alone.
import assert from "node:assert/strict";
import { test } from "node:test";
import { CHECK_LETTERS, upnCheckLetter, upnLaCode, upnProblems, validUpn, withCheckLetter } from "./upn.ts";

test("the check letter: weights 2 to 13, a last letter by its place in the 23 letters, the sum mod 23 as a letter", () => {
  // From the samples, each valid in every part.
  for (const u of ["A383489771083", "T004199988970", "R005482628546"]) assert.deepEqual(upnProblems(u), [], u);
  // csc-validator-be-cin's rule 1510 examples: right check letters (their LA codes are not), and two wrong ones.
  assert.equal(upnCheckLetter("950000178301"), "A");
  assert.equal(upnCheckLetter("243278544154"), "H");
  assert.equal(upnCheckLetter("247962919251"), "Q", "not R");
  assert.equal(upnCheckLetter("428558133462"), "W", "not X");
  // A temporary UPN: 2×2 + 1×4 + 1×10 + 1×12 + A(0)×13 = 30, 30 mod 23 = 7, H.
  assert.equal(upnCheckLetter("20100000101A"), "H");
  assert.equal(CHECK_LETTERS.length, 23);
  assert.ok(!/[IOS]/.test(CHECK_LETTERS));
});

test("a UPN's problems, part by part: length, LA code, digits 5-12, character 13, check letter", () => {
  assert.deepEqual(upnProblems("B383489771083"), ["check"]);
  assert.deepEqual(upnProblems("A999489771083"), ["la", "check"]);
  assert.deepEqual(upnProblems("A3834897X1083"), ["digits", "check"]);
  assert.deepEqual(upnProblems("A38348977108I"), ["last", "check"]);
  assert.deepEqual(upnProblems("A38348977108"), ["length"]);
  assert.deepEqual(upnProblems("UN1"), ["length"]);
  assert.equal(validUpn("H20100000101A"), true);
  assert.equal(validUpn("a383489771083"), false, "the check letter is a capital");
  assert.equal(upnLaCode("001"), true, "a pseudo-LA code");
  assert.equal(upnLaCode("943"), true, "added in 2023-24");
  assert.equal(upnLaCode("000"), false);
  assert.equal(withCheckLetter("383489771083"), "A383489771083");
  assert.throws(() => withCheckLetter("38348977108"), RangeError);
});
