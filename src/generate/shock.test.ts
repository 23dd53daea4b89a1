// Shocks: the spec parser, and a +30% step raising referrals from its month by about that much
// while leaving everything before it untouched.
import assert from "node:assert/strict";
import { test } from "node:test";
import { dayNumber } from "../calendar/dates.ts";
import { generateRows, parseShock } from "./index.ts";

test("parseShock reads +P% and -P% steps and refuses anything else", () => {
  assert.deepEqual(parseShock("2024-01:+30%"), { month: "2024-01", factor: 1.3 });
  assert.deepEqual(parseShock("2024-01:-15%"), { month: "2024-01", factor: 0.85 });
  assert.deepEqual(parseShock(" 2023-11:+2.5% "), { month: "2023-11", factor: 1.025 });
  for (const bad of ["January:+30%", "2024-13:+30%", "2024-00:+30%", "2024-01:30%", "2024-01:+30", "2024-1:+30%", "2024-01:-100%", "2024-01:-150%", ""]) {
    assert.throws(() => parseShock(bad), (e: unknown) => e instanceof RangeError && /YYYY-MM:\+30%|above -100%/.test(e.message), bad);
  }
});

test("a +30% shock raises referrals (and contacts) after its month by roughly 30%", () => {
  const count = (shocks: { month: string; factor: number }[]) => {
    const [a] = [...generateRows({ seed: 5, population: 40000, from: "2022-04", to: "2025-03", authorities: 1, shocks })];
    const inSpan = (t: string, col: string, from: string, to: string) => (a!.rows.get(t) ?? []).filter((e) => (e[col] as number) >= dayNumber(from) && (e[col] as number) <= dayNumber(to)).length;
    return {
      before: inSpan("ssd_cin_episodes", "cine_referral_date", "2022-04-01", "2023-12-31"),
      after: inSpan("ssd_cin_episodes", "cine_referral_date", "2024-01-01", "2024-12-31"),
      contactsAfter: inSpan("ssd_contacts", "cont_contact_date", "2024-01-01", "2024-12-31"),
    };
  };
  const base = count([]);
  const shocked = count([{ month: "2024-01", factor: 1.3 }]);
  assert.equal(shocked.before, base.before, "nothing changes before the shock");
  const ratio = shocked.after / base.after;
  assert.ok(ratio > 1.2 && ratio < 1.4, `referrals after the shock ×${ratio.toFixed(2)}`);
  const cRatio = shocked.contactsAfter / base.contactsAfter;
  assert.ok(cRatio > 1.2 && cRatio < 1.4, `contacts after the shock ×${cRatio.toFixed(2)}`);
});
