// The shared text reader's byte-level UTF-8 check: the same answer however the bytes are split.
import assert from "node:assert/strict";
import { isUtf8 } from "node:buffer";
import { test } from "node:test";
import fc from "fast-check";
import { Utf8Check } from "./text.ts";

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
