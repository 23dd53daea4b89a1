import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { shippedPopulation } from "./reference-tables.ts";
import { ratePer10k, roundHalfUp } from "./rate.ts";

const england = (year: number) => shippedPopulation().find((r) => r.code === "E92000001" && r.year === year)!.population;

test("the rate function reproduces the DfE's published England rates from counts and populations", () => {
  // indicators.md §3: rates for year ending March T use the mid-(T-1) estimate.
  assert.equal(england(2024), 12183016);
  assert.equal(roundHalfUp(ratePer10k(632830, england(2024)), 1), 519.4); // referrals 2024-25
  assert.equal(roundHalfUp(ratePer10k(402400, england(2024)), 1), 330.3); // children in need 31 March 2025
  assert.equal(roundHalfUp(ratePer10k(49420, england(2024)), 1), 40.6); // CPP 31 March 2025
  assert.equal(roundHalfUp(ratePer10k(403090, england(2022)), 1), 338.7); // CIN 2023, revised
  assert.equal(roundHalfUp(ratePer10k(49900, england(2023)), 1), 41.4); // CPP 2024, revised
  assert.equal(roundHalfUp(ratePer10k(81770, england(2024)), 0), 67); // CLA 2025, whole number
});

test("rounding is half away from zero and exact on decimal halves", () => {
  assert.equal(roundHalfUp(519.35, 1), 519.4);
  assert.equal(roundHalfUp(1.005, 2), 1.01);
  assert.equal(roundHalfUp(-2.5, 0), -3);
  assert.equal(roundHalfUp(85.74999, 1), 85.7);
  fc.assert(
    fc.property(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: 0, max: 3 }), (n, dp) => {
      const v = n / 10 ** dp;
      assert.equal(roundHalfUp(v, dp), v, "already-rounded values are unchanged");
    }),
  );
});
