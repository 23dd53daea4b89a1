import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { dayNumber, isoDate } from "../calendar/dates.ts";
import { isProblem, parseCell, parseDate } from "./values.ts";

test("dates: ISO, DD/MM/YYYY, with times, and refusals that say why", () => {
  assert.equal(parseDate("2024-03-31"), dayNumber("2024-03-31"));
  assert.equal(parseDate("31/03/2024"), dayNumber("2024-03-31"));
  assert.equal(parseDate("1/4/2024"), dayNumber("2024-04-01"));
  assert.equal(parseDate("2024-03-31 23:59:59"), dayNumber("2024-03-31"));
  assert.equal(parseDate("2024-03-31T10:00:00.000Z"), dayNumber("2024-03-31"));
  assert.equal(parseDate("31/03/2024 09:15"), dayNumber("2024-03-31"));
  const bad = parseDate("31/04/2024");
  assert.ok(isProblem(bad) && /real calendar date/.test(bad.problem));
  const serial = parseDate("45382");
  assert.ok(isProblem(serial) && /Excel serial/.test(serial.problem));
  const us = parseDate("03/31/2024");
  assert.ok(isProblem(us));
  assert.ok(isProblem(parseDate("2023-02-29")));
});

test("refusals say the real reason: a number too large with the limit, a year out of range (an open end is left blank); a UK date with fractional seconds is read", () => {
  const big = parseCell("int", "3000000000");
  assert.ok(isProblem(big));
  assert.equal(big.problem, "is too large: a whole number here is at most 2,147,483,647");
  const small = parseCell("int", "-3000000000");
  assert.ok(isProblem(small) && small.problem === "is too small: a whole number here is at least -2,147,483,647");
  const far = parseDate("9999-12-31");
  assert.ok(isProblem(far));
  assert.match(far.problem, /^has the year 9999, outside the years Lantern reads \(1900 to 2100\): a date not yet known, such as the end of an episode still open, is left blank/);
  assert.ok(isProblem(parseDate("31/12/9999")) && /year 9999/.test((parseDate("31/12/9999") as { problem: string }).problem));
  assert.ok(isProblem(parseDate("31/04/2024")) && /real calendar date/.test((parseDate("31/04/2024") as { problem: string }).problem));
  assert.equal(parseDate("31/03/2024 00:00:00.000"), dayNumber("2024-03-31"));
  assert.equal(parseDate("2024-03-31 00:00:00.000"), dayNumber("2024-03-31"));
});

test("dates round-trip in both shapes (property)", () => {
  fc.assert(
    fc.property(fc.integer({ min: dayNumber("1950-01-01"), max: dayNumber("2090-12-31") }), (day) => {
      const iso = isoDate(day);
      assert.equal(parseDate(iso), day);
      const [y, m, d] = iso.split("-");
      assert.equal(parseDate(`${d}/${m}/${y}`), day);
    }),
  );
});

test("cells by kind", () => {
  assert.equal(parseCell("int", " 12 "), 12);
  assert.ok(isProblem(parseCell("int", "12.5")));
  assert.equal(parseCell("float", "12.5"), 12.5);
  assert.ok(isProblem(parseCell("float", "twelve")));
  assert.equal(parseCell("flag", "yes", ["Y", "N"]), "Y");
  assert.equal(parseCell("flag", "0", ["Y", "N"]), "N");
  assert.ok(isProblem(parseCell("flag", "maybe", ["Y", "N"])));
  assert.equal(parseCell("text", "  "), null);
  assert.equal(parseCell("id", "NULL"), null);
  assert.equal(parseCell("date", "null"), null);
  // A name is free text: only SQL Server's own marker is a missing value.
  assert.equal(parseCell("text", "NULL"), null);
  assert.equal(parseCell("text", "Null"), "Null");
  assert.equal(parseCell("text", " null "), "null");
  assert.equal(parseCell("id", " P1 "), "P1");
});

test("looksCutShort: the start of a date or a code, never a number or free text", async () => {
  const { looksCutShort } = await import("./values.ts");
  for (const v of ["2024-0", "2024-05-1", "2024", "05/03/20", "5/", "2024-05-10 14:3", "05/03/2024 14:"]) assert.ok(looksCutShort("date", v), v);
  for (const v of ["2024-13-01", "31/02/2024", "19 Mar 2024", "45123", "", "maybe"]) assert.ok(!looksCutShort("date", v), v);
  assert.ok(looksCutShort("text", "WB", ["WBRI", "WIRI"]));
  assert.ok(looksCutShort("flag", "ye", ["Y", "N"]));
  assert.ok(!looksCutShort("flag", "maybe", ["Y", "N"]));
  assert.ok(!looksCutShort("int", "12"));
  assert.ok(!looksCutShort("text", "anything"));
});
