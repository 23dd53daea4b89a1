import assert from "node:assert/strict";
import { test } from "node:test";
import { parseDecimal } from "./decimal.ts";

test("parseDecimal takes plain decimals only: no hexadecimal, binary, exponent, Infinity or blank", () => {
  const ok: [string, number][] = [
    ["85", 85],
    [" 12.5 ", 12.5],
    ["+3", 3],
    ["-3", -3],
    [".5", 0.5],
    ["7.", 7],
    ["0", 0],
    ["-0", 0],
    ["007", 7],
    ["99999999999999999999", 1e20],
  ];
  for (const [text, n] of ok) assert.equal(parseDecimal(text), n, text);
  assert.ok(Object.is(parseDecimal("-0"), 0), "-0 is read as 0");
  for (const text of ["", " ", "0x10", "0b11", "0o7", "1e3", "1E+21", "Infinity", "-Infinity", "NaN", "1,000", "1 000", "12.5.1", ".", "+", "-", "--1", "1-", "£5", "5%", "٣", `1${"0".repeat(400)}`]) {
    assert.equal(parseDecimal(text), undefined, JSON.stringify(text));
  }
});

test("parseGroupedDecimal also takes numbers grouped in thousands by commas, and refuses a comma anywhere else", async () => {
  const { isMisgrouped, parseGroupedDecimal } = await import("./decimal.ts");
  const ok: [string, number][] = [
    ["1,234", 1234],
    [" 12,345.6 ", 12345.6],
    ["1,234,567", 1234567],
    ["-1,000", -1000],
    ["+60,000", 60000],
    ["999", 999],
    ["12.5", 12.5],
  ];
  for (const [text, n] of ok) assert.equal(parseGroupedDecimal(text), n, text);
  for (const text of ["1,23", "1234,567", "12,34,567", "1,5", ",123", "1,", "1,,234", "1,234.5,6", "0x1,000", "1e3", "", "1 234", "1,234.5.6"]) {
    assert.equal(parseGroupedDecimal(text), undefined, JSON.stringify(text));
  }
  for (const text of ["1,23", "1234,567", "12,34,567", "1,5", ",123", "1,", "1,,234"]) assert.ok(isMisgrouped(text), JSON.stringify(text));
  for (const text of ["1,234", "12.5", "abc", "1e3", "", "£1,000"]) assert.ok(!isMisgrouped(text), JSON.stringify(text));
});

test("parseGroupedDecimal refuses a comma after a leading zero ('0,125', written for 0.125), which is no thousands grouping, rather than reading it as 125", async () => {
  const { isMisgrouped, parseGroupedDecimal } = await import("./decimal.ts");
  for (const text of ["0,125", "-0,500", "00,500", "01,234", "0,000"]) {
    assert.equal(parseGroupedDecimal(text), undefined, JSON.stringify(text));
    assert.ok(isMisgrouped(text), JSON.stringify(text));
  }
  for (const [text, n] of [["10,250", 10250], ["100,000.5", 100000.5], ["0.125", 0.125], ["0", 0]] as const) assert.equal(parseGroupedDecimal(text), n, text);
});
