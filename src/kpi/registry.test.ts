import assert from "node:assert/strict";
import { test } from "node:test";
import { indicatorLibrary } from "./library/index.ts";
import { IndicatorRegistry } from "./registry.ts";
import type { IndicatorDef } from "./types.ts";

const figure: IndicatorDef = {
  id: "test_figure",
  title: "A figure",
  area: "workforce",
  unit: "count",
  polarity: "none",
  measure: "snapshot",
  periods: ["month"],
  definition: "A figure loaded from measures.csv, defined at enough length for a reader.",
  needs: [],
  source: "measures",
  sql: "",
};

test("registry: only a count can be an average, and a plausibility ceiling is above 0", () => {
  assert.doesNotThrow(() => new IndicatorRegistry().add({ ...figure, average: true, plausibleBelow: 1000 }));
  assert.throws(() => new IndicatorRegistry().add({ ...figure, unit: "percent", average: true }), /only a count can be an average/);
  assert.throws(() => new IndicatorRegistry().add({ ...figure, plausibleBelow: 0 }), /plausibleBelow must be above 0/);
  const caseload = indicatorLibrary().get("sw_caseload")!;
  assert.deepEqual([caseload.unit, caseload.average, caseload.plausibleBelow], ["count", true, 1000]);
});

test("registry: a rate worked out from a count must share its count's periods, tables and judgement", () => {
  const lib = indicatorLibrary();
  const count = lib.get("cla_at_end")!;
  const rate = lib.get("cla_rate")!;
  const reg = () => new IndicatorRegistry().add(count);
  assert.doesNotThrow(() => reg().add(rate));
  assert.throws(() => new IndicatorRegistry().add(rate), /rateOf names cla_at_end, which is not registered before it/);
  assert.throws(() => reg().add({ ...rate, unit: "percent" }), /only a rate can have rateOf/);
  assert.throws(() => reg().add({ ...rate, periods: ["month"] }), /rateOf cla_at_end covers other periods/);
  assert.throws(() => reg().add({ ...rate, measure: "flow" }), /rateOf cla_at_end is a snapshot measure, this a flow/);
  assert.throws(() => reg().add({ ...rate, needs: [...rate.needs, "cin_episodes"], sql: `${rate.sql} /* {cin_episodes} */` }), /rateOf cla_at_end does not need cin_episodes/);
  assert.throws(() => reg().add({ ...rate, unknown: { when: "any", reason: "not known" } }), /cannot have unknown rules/);
  assert.throws(() => new IndicatorRegistry().add(lib.get("cla_ceased")!).add({ ...rate, rateOf: "cla_ceased" }), /rateOf cla_ceased is a flow measure/);
});

test("registry: a denominator that is the sum of other indicators' figures names two or more registered before it, over the same periods", () => {
  const lib = indicatorLibrary();
  const atEnd = lib.get("cla_at_end")!;
  const ceased = lib.get("cla_ceased")!;
  const missing = lib.get("cla_missing_pct")!;
  assert.deepEqual(missing.denominatorSumOf, ["cla_at_end", "cla_ceased"]);
  assert.deepEqual(lib.get("cla_away_pct")!.denominatorSumOf, ["cla_at_end", "cla_ceased"]);
  const reg = () => new IndicatorRegistry().add(atEnd).add(ceased);
  assert.doesNotThrow(() => reg().add(missing));
  assert.throws(() => new IndicatorRegistry().add(atEnd).add(missing), /denominatorSumOf names cla_ceased, which is not registered before it/);
  assert.throws(() => reg().add({ ...missing, denominatorSumOf: ["cla_at_end"] }), /two or more different indicators/);
  assert.throws(() => reg().add({ ...missing, denominatorSumOf: ["cla_at_end", "cla_at_end"] }), /two or more different indicators/);
  assert.throws(() => reg().add({ ...missing, periods: ["month"] }), /denominatorSumOf cla_at_end covers other periods/);
  assert.throws(() => reg().add({ ...missing, unit: "rate" }), /only a percentage or a median has a denominator of records other indicators count/);
});

test("every indicator's title is a complete phrase, not one cut off", () => {
  // QA: "Care leavers in education, employment or training, excluding those unable to be".
  const dangling = /\b(a|an|the|of|to|be|and|or|for|in|on|by|from|those|unable|excluding|within|than|at)$/i;
  const cut = indicatorLibrary()
    .list()
    .filter((d) => dangling.test(d.title.trim()))
    .map((d) => `${d.id}: ${d.title}`);
  assert.deepEqual(cut, []);
  assert.equal(indicatorLibrary().get("cl_eet_excl_unable_pct")?.title, "Care leavers in education, employment or training, excluding those unable to take part");
});

test("registry: categories outside the headline need their breakdown and a headline column", () => {
  const eet = indicatorLibrary().get("cl_eet_pct")!;
  assert.deepEqual(eet.breakdownOnly, { dimension: "age", categories: ["17", "18"] });
  assert.doesNotThrow(() => new IndicatorRegistry().add(eet));
  assert.throws(() => new IndicatorRegistry().add({ ...eet, breakdowns: ["sex"] }), /breakdownOnly names age, which is not one of its breakdowns/);
  assert.throws(() => new IndicatorRegistry().add({ ...eet, sql: eet.sql.replace(/AS headline/, "AS headline_flag") }), /breakdownOnly needs a headline column/);
  const rr = indicatorLibrary().get("rereferral_pct")!;
  assert.deepEqual(rr.lookback, { table: "cin_episodes", column: "cine_referral_date", months: 12, what: "previous referrals" });
  assert.throws(() => new IndicatorRegistry().add({ ...rr, lookback: { ...rr.lookback!, table: "cla_placement" } }), /lookback reads cla_placement, which is not one of the tables it needs/);
  assert.throws(() => new IndicatorRegistry().add({ ...rr, lookback: { ...rr.lookback!, column: "cine_referral_source_code" } }), /not a date column of ssd_cin_episodes/);
  assert.throws(() => new IndicatorRegistry().add({ ...rr, lookback: { ...rr.lookback!, months: 0 } }), /not a whole number of months/);
});

test("registry: disjointFrom names a percentage registered before, and is a percentage itself", () => {
  const lib = indicatorLibrary();
  const [eet, neet, contacts] = [lib.get("cl_eet_pct")!, lib.get("cl_neet_pct")!, lib.get("contacts")!];
  assert.equal(neet.disjointFrom, "cl_eet_pct");
  assert.throws(() => new IndicatorRegistry().add(neet), /disjointFrom names cl_eet_pct, which is not registered before it/);
  assert.throws(() => new IndicatorRegistry().add(contacts).add({ ...neet, disjointFrom: "contacts" }), /only a percentage is disjoint/);
  assert.doesNotThrow(() => new IndicatorRegistry().add(eet).add(neet));
});
