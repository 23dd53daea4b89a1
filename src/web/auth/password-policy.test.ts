import assert from "node:assert/strict";
import { test } from "node:test";
import { checkPassword, PASSWORD_MIN } from "./password-policy.ts";
import { DEMO_PASSWORD } from "./users.ts";

const refused = (pw: string, username?: string): string => {
  try {
    checkPassword(pw, username);
  } catch (e) {
    assert.equal((e as { code?: string }).code, "LANTERN_AUTH_WEAK_PASSWORD", JSON.stringify(pw));
    return (e as Error).message;
  }
  return "";
};

test("passwords: blank, whitespace-only and one repeated character are refused, with what is required", () => {
  for (const pw of [" ".repeat(12), "\t".repeat(12), " \t \n".repeat(4), "\u00a0".repeat(12)]) assert.match(refused(pw), /^The password is blank: it is only spaces\. Use 12 to 256 characters, not only spaces/, JSON.stringify(pw));
  for (const pw of ["a".repeat(12), "1".repeat(40), "é".repeat(12), "a a a a a a a", "-_-_-_-_-_-_"]) assert.match(refused(pw), /^The password is one character repeated .* Use 12 to 256 characters/, pw);
  assert.match(refused("short"), /^The password must be 12 to 256 characters long/);
  assert.match(refused("x".repeat(257)), /^The password must be 12 to 256 characters long/);
});

test("passwords: the commonest ones and the product's name are refused whatever the case or separators; the user name too", () => {
  for (const pw of ["password1234", "Password1234", "PASSWORD 1234", "123456789012", "qwertyuiopas", "lanternlantern", "Lantern-Lantern", "lantern.lantern", "1qaz2wsx3edc", "correct horse battery staple"]) {
    assert.match(refused(pw), /^The password is one of the commonest passwords, which are tried first\. Use 12 to 256 characters/, pw);
  }
  assert.match(refused("jane.smith@council", "jane.smith@council"), /^The password is the user name\./);
  assert.match(refused("Jane Smith Council", "jane_smith_council"), /^The password is the user name\./);
  assert.equal(refused("jane.smith@council", "other.person"), "");
});

test("passwords: ordinary long passwords, and the demo's, are accepted", () => {
  for (const pw of [DEMO_PASSWORD, "correct horse battery", "first admin password", "ab".repeat(6), "  leading and trailing  ", "xy".repeat(128), "a".repeat(11) + "b"]) {
    assert.equal(refused(pw, "admin"), "", pw);
  }
});

test("the deny-list holds only entries that could pass the length rule, already normalised", async () => {
  const source = (await import("node:fs")).readFileSync(new URL("./password-policy.ts", import.meta.url), "utf8");
  const list = /const COMMON = new Set\(\[([^\]]*)\]\)/.exec(source)![1]!;
  const entries = [...list.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
  assert.ok(entries.length >= 50 && entries.length <= 200, `${entries.length} entries: short and local`);
  for (const e of entries) {
    assert.ok(e.length >= PASSWORD_MIN, `${e} is shorter than the minimum, so the length rule already refuses it`);
    assert.equal(e, e.toLowerCase().replace(/[\s._-]+/g, ""), `${e} is not normalised`);
    assert.match(refused(e), /commonest|one character repeated/, e);
  }
  assert.ok(!entries.includes(DEMO_PASSWORD.replaceAll("-", "")), "the demo password stays usable");
});
