// safeNext decides where sign-in sends the browser: browsers strip tabs and newlines from a URL
// and read a backslash as a slash, so anything but a plain local path must become "/", and what
// is kept must be a valid Location header (non-ASCII percent-encoded).
import assert from "node:assert/strict";
import { test } from "node:test";
import { safeNext } from "./access.ts";

test("safeNext keeps a plain local path, query and percent escapes included", () => {
  assert.equal(safeNext("/indicators/referrals?la=X001&period=2026-09"), "/indicators/referrals?la=X001&period=2026-09");
  assert.equal(safeNext("/records?x=%20y"), "/records?x=%20y");
  assert.equal(safeNext("/"), "/");
});

test("safeNext turns anything that could leave the site into /", () => {
  const evil = [
    "/\t/evil.example/phish",
    "/\n/evil.example",
    "/\r/evil.example",
    "/\v/evil.example",
    "/\f/evil.example",
    "/\u0000/evil.example",
    "/\u007f/evil.example",
    "/ /evil.example",
    "/\u00a0/evil.example",
    "/\u2028/evil.example",
    "/\u2029/evil.example",
    "/\ufeff/evil.example",
    "/\u200b/evil.example",
    "/\u202e/evil.example",
    "//evil.example",
    "/\\evil.example",
    "/a\\b",
    "https://evil.example/",
    "evil.example",
    "",
    "/\ud800",
    `/${"a".repeat(600)}`,
  ];
  for (const next of evil) assert.equal(safeNext(next), "/", JSON.stringify(next));
  for (const next of [undefined, null, 42, ["/a"], { a: 1 }]) assert.equal(safeNext(next), "/");
});

test("safeNext percent-encodes characters outside ASCII, so the Location header is valid", () => {
  assert.equal(safeNext("/中"), "/%E4%B8%AD");
  assert.equal(safeNext("/é"), "/%C3%A9");
  assert.equal(safeNext("/😀?q=ü"), "/%F0%9F%98%80?q=%C3%BC");
  for (const next of ["/中", "/é", "/😀"]) assert.match(safeNext(next), /^\/[\x21-\x7e]*$/);
});
