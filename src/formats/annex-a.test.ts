// Annex A's option cells read as codes: Ofsted's own options, bare codes, names, and a code
// followed by its name without a colon, as councils' own spreadsheets write them; and the window
// the lists cover, from their earliest event.
import assert from "node:assert/strict";
import { test } from "node:test";
import { annexWindowStart, matchAnnexList, sourceCode } from "./annex-a.ts";
import { ANNEX_A_HEADINGS } from "./writers/annex-a.ts";

test("a contact or referral source is read from Ofsted's option, a code, a name, or a code and its name", () => {
  const cases: [string, string | null][] = [
    ["q) 6: Police", "6"],
    ["6", "6"],
    ["a) 1A: Individual", "1A"],
    ["6 Police", "6"],
    ["1A Individual", "1A"],
    ["5A Social care", "5A"],
    ["10 Unknown", "10"],
    ["", null],
    ["Not sure", null],
    // A number that is no source code, with words after it, is not read as one.
    ["12 Other", null],
  ];
  for (const [cell, code] of cases) assert.equal(sourceCode(cell), code, cell);
});

test("the lists' window starts on the 1st when their earliest event is in the month's first week", () => {
  // 1 April 2024 was Easter Monday: the first contact came the next day.
  assert.equal(annexWindowStart("2024-04-02"), "2024-04-01");
  assert.equal(annexWindowStart("2024-04-01"), "2024-04-01");
  assert.equal(annexWindowStart("2024-06-07"), "2024-06-01");
  // Later in the month: the window began then (the data's first whole month is the next).
  assert.equal(annexWindowStart("2024-06-08"), "2024-06-08");
  assert.equal(annexWindowStart("2024-01-15"), "2024-01-15");
});

test("the full 2024 template Lantern writes is read: each list found, every column it reads in its place, none missing or twice", () => {
  for (const [n, headings] of Object.entries(ANNEX_A_HEADINGS)) {
    const m = matchAnnexList(headings);
    assert.deepEqual([m?.list, m?.missing, m?.duplicates], [Number(n), [], []], `List ${n}`);
  }
  const at = (n: number, key: string) => ANNEX_A_HEADINGS[n]![matchAnnexList(ANNEX_A_HEADINGS[n]!)!.slots.get(key)!];
  assert.equal(at(8, "legal"), "Child's Legal Status");
  assert.equal(at(8, "legal_start"), "Start date of current legal status");
  assert.equal(at(8, "placements_12m"), "Number of Placements in the Last 12 months");
  assert.equal(at(10, "adm"), "Date of Decision that Child Should be Placed for Adoption");
  assert.equal(at(10, "reversed"), "Date of Decision that Child Should No Longer be Placed for Adoption");
  assert.equal(at(9, "worker"), "Allocated Worker");
});
