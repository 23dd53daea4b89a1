// The engine's shortcuts change no value. Indicators whose rows depend on a period only through
// its last day are computed once per distinct end date and fanned out to every period ending
// then (a month, its rolling year, and any quarter or year ending that day); breakdowns are
// aggregated once per end date too; each child's ethnic group and disability are worked out once
// per child rather than on every record-level row; a rate stored with its count is worked out
// from the count's figures (`rateOf`) rather than from its records again. Here the whole library, on two small generated authorities,
// must come out identical — every value, numerator, denominator, reason and breakdown — to the
// reference path that binds every period separately and works the person groups out row by row.
import assert from "node:assert/strict";
import { test } from "node:test";
import { generateToDirectory } from "../src/generate/index.ts";
import { importSsd } from "../src/ingest/ssd-import.ts";
import { computeAndStore, computeValues, holidaysFor } from "../src/kpi/compute.ts";
import { addsUpOverMonths, breakdownsOf, computeIndicator, dependsOnlyOnPeriodEnd } from "../src/kpi/engine.ts";
import { indicatorLibrary } from "../src/kpi/library/index.ts";
import { ensureReferenceTables } from "../src/kpi/reference-tables.ts";
import { resolveTargets } from "../src/kpi/targets.ts";
import type { IndicatorValue } from "../src/kpi/types.ts";
import { tempDir, tempStore } from "./fixtures.ts";

const key = (v: IndicatorValue) => [v.authority, v.indicator, v.period, v.breakdown ?? "", v.category ?? ""].join("|");
const sorted = (vs: IndicatorValue[]) => [...vs].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

test("the optimised engine gives exactly the values of the per-period reference path, for the whole library", async () => {
  const out = tempDir();
  const s = await tempStore();
  try {
    await generateToDirectory({ out: out.dir, seed: 7, population: 4000, from: "2021-04", to: "2025-03", authorities: 2, shocks: [] });
    await importSsd(s.store, { paths: [out.dir] });
    await ensureReferenceTables(s.store, holidaysFor(undefined));
    const targets = await resolveTargets(s.store);
    assert.equal(targets.length, 2);
    const defs = indicatorLibrary().list();
    const collapsed = defs.filter((d) => d.source !== "measures" && dependsOnlyOnPeriodEnd(d.sql)).map((d) => d.id);
    // The shortcut must actually be taken, or this test would prove nothing.
    assert.ok(collapsed.includes("cla_at_end") && collapsed.includes("cin_at_end") && collapsed.length >= 10, collapsed.join(" "));
    const rolled = defs.filter((d) => d.source !== "measures" && !dependsOnlyOnPeriodEnd(d.sql) && addsUpOverMonths(d)).map((d) => d.id);
    assert.ok(rolled.includes("contacts") && rolled.includes("referrals") && rolled.length >= 10, rolled.join(" "));
    const fromCounts = defs.filter((d) => d.rateOf !== undefined).map((d) => d.id);
    assert.ok(fromCounts.includes("cla_rate") && fromCounts.includes("referral_rate") && fromCounts.length >= 7, fromCounts.join(" "));
    let nonZero = 0;
    let broken = 0;
    const all: IndicatorValue[] = [];
    for (const def of defs) {
      // With each child's dimensions worked out once, as a whole compute does.
      const fast = sorted((await computeValues(s.store, targets, [def])).values);
      for (const v of fast) all.push(v);
      const ref = sorted(await computeIndicator(s.store, def, targets, {}, { reference: true }));
      assert.deepEqual(fast, ref, `${def.id} differs from the reference path`);
      nonZero += fast.filter((v) => !v.breakdown && typeof v.value === "number" && v.value !== 0).length;
      broken += fast.filter((v) => v.breakdown).length;
    }
    // What a compute stores (written from SQL straight into the store, by three connections at
    // once) is exactly these values.
    const stored = await computeAndStore(s.store, { workers: 3 });
    assert.equal(stored.values, all.length);
    const key = (v: { snapshot: number; authority: string; indicator: string; period: string; breakdown?: string; category?: string; value: number | null; numerator: number | null; denominator: number | null; reason?: string }) =>
      JSON.stringify([v.snapshot, v.authority, v.indicator, v.period, v.breakdown ?? "", v.category ?? "", v.value, v.numerator, v.denominator, v.reason ?? null]);
    const rows = await s.store.all(`SELECT * FROM lantern_indicator_value`);
    const back = rows.map((r) =>
      JSON.stringify([Number(r["snapshot_id"]), r["la_code"], r["indicator_id"], r["period_id"], r["breakdown"], r["category"], r["value"], r["numerator"], r["denominator"], r["reason"]]),
    );
    assert.deepEqual(back.sort(), all.map(key).sort());
    // Every child-level count and percentage is split by age band (or age) and sex, and each
    // record falls in one category of each, so the categories add up to the headline's
    // numerator and denominator (care leavers aged 17 and 18 aside: `breakdownOnly`).
    const headline = new Map(all.filter((v) => !v.breakdown).map((v) => [`${v.authority}|${v.indicator}|${v.period}`, v]));
    const sums = new Map<string, { numerator: number; denominator: number }>();
    for (const def of defs.filter((d) => d.source !== "measures" && d.unit !== "rate" && d.area !== "workforce")) {
      const dims = breakdownsOf(def);
      assert.ok((dims.includes("age_band") || dims.includes("age")) && dims.includes("sex"), `${def.id} has no age or sex breakdown: ${dims.join(" ")}`);
    }
    for (const v of all) {
      if (!v.breakdown || (v.breakdown !== "age_band" && v.breakdown !== "sex" && v.breakdown !== "age")) continue;
      const def = indicatorLibrary().get(v.indicator)!;
      if (def.breakdownOnly?.dimension === v.breakdown && def.breakdownOnly.categories.includes(v.category ?? "")) continue;
      const k = `${v.authority}|${v.indicator}|${v.period}|${v.breakdown}`;
      const s0 = sums.get(k) ?? { numerator: 0, denominator: 0 };
      sums.set(k, { numerator: s0.numerator + (v.numerator ?? 0), denominator: s0.denominator + (v.denominator ?? 0) });
    }
    let checked = 0;
    for (const [k, sum] of sums) {
      const h = headline.get(k.split("|").slice(0, 3).join("|"))!;
      if (h.value === null) continue;
      assert.equal(sum.numerator, h.numerator ?? 0, `${k}: the categories' numerators add up to the headline's`);
      if (h.unit !== "count") assert.equal(sum.denominator, h.denominator ?? 0, `${k}: the categories' denominators add up to the headline's`);
      checked++;
    }
    assert.ok(checked > 1000, `only ${checked} breakdowns checked`);
    // Real data flowed through: plenty of non-zero totals and breakdown rows.
    assert.ok(nonZero > 1000, `only ${nonZero} non-zero values`);
    assert.ok(broken > 1000, `only ${broken} breakdown values`);
  } finally {
    await s.cleanup();
    out.cleanup();
  }
});
