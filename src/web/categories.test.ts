import assert from "node:assert/strict";
import { test } from "node:test";
import { categoryLabel, compareCategories } from "./categories.ts";

test("age bands sort youngest first, not as text; 'not recorded' goes last", () => {
  const bands = ["1-4", "10-15", "16-17", "5-9", "not recorded", "under 1", "unborn", "18 and over"];
  assert.deepEqual([...bands].sort((a, b) => compareCategories("age_band", a, b)), ["unborn", "under 1", "1-4", "5-9", "10-15", "16-17", "18 and over", "not recorded"]);
  assert.deepEqual(["19", "21", "20"].sort((a, b) => compareCategories("age", a, b)), ["19", "20", "21"]);
});

test("referral sources are named as the CIN census names them and kept in its order; sex is in words", () => {
  const codes = ["10", "1A", "2A", "5D", "6", "9", "not recorded", "3E"];
  assert.deepEqual(
    [...codes].sort((a, b) => compareCategories("source", a, b)).map((c) => categoryLabel("source", c)),
    ["1A Individual: self", "2A Schools", "3E Health services: A&E", "5D Early help", "6 Police", "9 Anonymous", "10 Unknown", "not recorded"],
  );
  assert.equal(categoryLabel("source", "ZZ"), "ZZ", "a code the census does not have is shown as it is");
  assert.deepEqual(["F", "M", "U"].map((c) => categoryLabel("sex", c)), ["Female", "Male", "U"]);
  assert.equal(categoryLabel("team", "2A"), "2A", "only the source breakdown is named from the code list");
});
