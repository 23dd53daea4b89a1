// The shared text reader's byte-level UTF-8 check: the same answer however the bytes are split.
import assert from "node:assert/strict";
import { isUtf8 } from "node:buffer";
import { test } from "node:test";
import fc from "fast-check";
import { sniffEncoding, Utf8Check, utf8Sequences } from "./text.ts";

function checked(bytes: Uint8Array, cuts: readonly number[]): boolean {
  const c = new Utf8Check();
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    c.push(bytes.subarray(at, cut));
    at = cut;
  }
  c.push(bytes.subarray(at));
  return c.end();
}

test("Utf8Check: a character split between chunks is checked whole; a bad or cut-off byte is found", () => {
  const text = Buffer.from("Zoë, Łukasz, 😀, \uFFFD itself");
  for (let cut = 0; cut <= text.length; cut++) assert.equal(checked(text, [cut]), true, `split at ${cut}`);
  assert.equal(checked(Buffer.from([0x41, 0xe9, 0x42]), []), false, "Windows-1252 é");
  assert.equal(checked(Buffer.from([0x41, 0xe2, 0x82]), [2]), false, "a file that ends inside a character");
  assert.equal(checked(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80]), [3]), false, "continuation bytes with no start");
});

test("Utf8Check agrees with Node's isUtf8 on the whole, however the bytes are split (property)", () => {
  const bytes = fc.oneof(
    fc.uint8Array({ maxLength: 40 }),
    fc.string({ unit: "binary", maxLength: 20 }).map((s) => new Uint8Array(Buffer.from(s))),
  );
  fc.assert(
    fc.property(bytes, fc.array(fc.nat(), { maxLength: 4 }), (b, raw) => {
      const cuts = raw.map((n) => (b.length ? n % (b.length + 1) : 0));
      return checked(b, cuts) === isUtf8(b);
    }),
    { numRuns: 3000 },
  );
});

test("sniffEncoding: Windows-1252 text stays Windows-1252, even with an É before a curly quote; UTF-8 with a stray Windows-1252 byte is read as UTF-8", () => {
  const cp1252 = (s: string) => new Uint8Array([...s].map((c) => WIN1252.get(c) ?? c.charCodeAt(0)));
  // Excel's plain "CSV": é, ï, £, and "JOSÉ’S" (É then ’ is C9 92, which is also a UTF-8 sequence).
  const excel = cp1252("name,town\nZoë Brontë,Haworth\nJOSÉ’S CAFÉ,Bradford £5\nRenée,Chloé\n");
  assert.equal(sniffEncoding(excel), "windows-1252");
  assert.deepEqual(utf8Sequences(excel).valid, 1);
  // UTF-8 names throughout, and one "é" saved as Windows-1252 (a row pasted in from Excel).
  const mixed = new Uint8Array([...Buffer.from("name,town\nZoë Brontë,Haworth\nŁukasz Żak,Łódź\nJosé,"), 0x43, 0x61, 0x66, 0xe9, ...Buffer.from(" Nord\n")]);
  assert.equal(sniffEncoding(mixed), "utf-8");
  assert.deepEqual(utf8Sequences(mixed), { valid: 8, invalid: 1 });
  // Plain UTF-8 and plain ASCII as before.
  assert.equal(sniffEncoding(Buffer.from("name\nZoë\n")), "utf-8");
  assert.equal(sniffEncoding(Buffer.from("name\nZoe\n")), "utf-8");
});

/** The Windows-1252 bytes of the characters the test above writes that differ from Latin-1 or are above 127. */
const WIN1252 = new Map<string, number>([
  ["ë", 0xeb],
  ["É", 0xc9],
  ["’", 0x92],
  ["£", 0xa3],
  ["é", 0xe9],
]);
