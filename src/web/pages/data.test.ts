// The upload form's words for the import's refusals: the form's fields, not the command line's
// options, and what was typed quoted as it was typed.
import assert from "node:assert/strict";
import { test } from "node:test";
import { forTheForm } from "./data.ts";

test("an authority code the import refuses is named as the form's field, quoted as typed", () => {
  for (const typed of ["Camden (202)", "../../etc"]) {
    const worded = forTheForm({ code: "LANTERN_BAD_OPTION", message: `--authority ${JSON.stringify(typed)} is not an authority code.`, hint: "Use the DfE local authority number (for example 202) or a short code of letters and digits (for example X001)." });
    assert.doesNotMatch(worded.message, /--authority/);
    assert.equal(worded.message, `The Authority code field holds ${JSON.stringify(typed)}, which is not an authority code.`);
    assert.match(worded.hint ?? "", /^Fill in the Authority code field with the DfE local authority number \(for example 202\) or the code already used \(for example X001\), and upload again\.$/);
  }
});

test("the files naming no authority: the form's field is named", () => {
  const worded = forTheForm({ code: "LANTERN_USAGE", message: "The files do not say which authority they are for: give --authority." });
  assert.equal(worded.message, "The files do not say which authority they are for.");
});
