// Small-number suppression hides a figure wherever another shown figure would give it away, but
// only through the relations the library declares (denominatorOf, denominatorSumOf, rateOf). A
// relation left undeclared is a leak: children looked after at any time in the period (the
// denominator of the share who went missing) is those looked after at the end plus those who
// ceased, so a member subtracted a hidden count of children ceasing from two figures shown. This
// test searches every stored headline series of the demo authority for such identities and fails
// on any the library does not declare, so a new indicator that creates one is caught here.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { demoApp } from "../../test/web-fixture.ts";
import { storedValues } from "../kpi/compute.ts";
import { indicatorLibrary } from "../kpi/library/index.ts";
import { resolveTargets } from "../kpi/targets.ts";
import type { IndicatorDef, IndicatorValue } from "../kpi/types.ts";
import type { Store } from "../store/port.ts";
import { Gate } from "../web/gate.ts";
import { breakdownHiding, viewerHiding, type WebContext } from "../web/model.ts";
import { categoryKey } from "./suppression.ts";

let store: Store;
let close: () => Promise<void>;
before(async () => {
  ({ store, close } = await demoApp());
});
after(async () => {
  await close();
});

/** A number a member may be shown, period by period: a count's value, or a ratio's numerator. */
interface Term {
  readonly name: string;
  readonly indicator: string;
  readonly at: Map<string, number>;
}

/** At least this many periods must hold every side of an identity, so no coincidence counts. */
const MIN_PERIODS = 24;

function series(values: readonly IndicatorValue[], part: "value" | "numerator" | "denominator"): Map<string, number> {
  const out = new Map<string, number>();
  for (const v of values) if (v[part] !== null && v.value !== null) out.set(v.period, v[part]);
  return out;
}

/** Whether `sides` (each a series) satisfy target = sum of the others in every period all of them hold, and in enough of them. */
function holds(target: Map<string, number>, terms: readonly Map<string, number>[]): boolean {
  let n = 0;
  for (const [p, t] of target) {
    let sum = 0;
    for (const s of terms) {
      const x = s.get(p);
      if (x === undefined) {
        sum = Number.NaN;
        break;
      }
      sum += x;
    }
    if (Number.isNaN(sum)) continue;
    if (sum !== t) return false;
    n++;
  }
  return n >= MIN_PERIODS;
}

/**
 * Whether `a`'s identity with `terms` is declared. A rate's numerator is its count's figure
 * (`rateOf`, linked both ways), so a rate stands for its count.
 */
function declared(a: IndicatorDef, terms: readonly string[]): boolean {
  const lib = indicatorLibrary();
  const counted = terms.map((t) => lib.get(t)?.rateOf ?? t);
  if (counted.length === 1) return a.denominatorOf === counted[0] || a.rateOf === counted[0];
  const sum = a.denominatorSumOf ?? [];
  return sum.length === counted.length && counted.every((t) => sum.includes(t));
}

/**
 * Identities of the care leavers' figures that hold on the demo's data but not by definition:
 * its generator records every care leaver in the cohort as in touch, in suitable accommodation
 * and with an activity known, so the cohort (each percentage's denominator) equals those in
 * touch, those suitably housed, and those in education, employment or training plus those not.
 * Real data has young people not in touch and activities not known, who are in none of these
 * numerators. Where an authority's data does make one hold, the figures share the cohort as their
 * denominator, so the percentage whose numerator is the cohort less a small hidden count is
 * hidden by `suppressRatio`'s difference rule (tested in suppression.test.ts).
 */
const DEMO_COINCIDENCES = new Set([
  "cl_in_touch_pct.denominator = cl_suitable_acc_pct.numerator",
  "cl_in_touch_pct.denominator = cl_eet_pct.numerator + cl_neet_pct.numerator",
  "cl_in_touch_pct.denominator = cl_neet_pct.numerator + cl_eet_excl_unable_pct.numerator",
  "cl_suitable_acc_pct.denominator = cl_in_touch_pct.numerator",
  "cl_suitable_acc_pct.denominator = cl_eet_pct.numerator + cl_neet_pct.numerator",
  "cl_suitable_acc_pct.denominator = cl_neet_pct.numerator + cl_eet_excl_unable_pct.numerator",
  "cl_eet_pct.denominator = cl_in_touch_pct.numerator",
  "cl_eet_pct.denominator = cl_suitable_acc_pct.numerator",
  "cl_eet_pct.denominator = cl_neet_pct.numerator + cl_eet_excl_unable_pct.numerator",
  "cl_neet_pct.denominator = cl_in_touch_pct.numerator",
  "cl_neet_pct.denominator = cl_suitable_acc_pct.numerator",
  "cl_eet_excl_unable_pct.denominator = cl_eet_pct.numerator",
]);

test("every identity between stored headline figures that suppression must know is declared in the library", async () => {
  const lib = indicatorLibrary();
  const [t] = await resolveTargets(store);
  const values = (await storedValues(store, { snapshots: [t!.snapshot_id] })).filter((v) => v.authority === t!.la_code);
  const byIndicator = new Map<string, IndicatorValue[]>();
  for (const v of values) byIndicator.set(v.indicator, [...(byIndicator.get(v.indicator) ?? []), v]);
  // Terms: every count's value and every ratio's numerator that is not zero throughout (a zero
  // series would add nothing to a sum, making "A = B + 0" look like a second identity).
  const terms: Term[] = [];
  for (const [id, vs] of byIndicator) {
    const def = lib.get(id)!;
    const at = series(vs, def.unit === "count" ? "value" : "numerator");
    if ([...at.values()].some((x) => x !== 0)) terms.push({ name: `${id}.${def.unit === "count" ? "value" : "numerator"}`, indicator: id, at });
  }
  const found: string[] = [];
  const undeclared: string[] = [];
  for (const [id, vs] of byIndicator) {
    const def = lib.get(id)!;
    if (def.unit === "count") continue;
    // A percentage's or median's denominator, and a rate's numerator (its denominator is the population).
    const part = def.unit === "rate" ? "numerator" : "denominator";
    const target = series(vs, part);
    const mine = (x: Term) => x.indicator === id;
    for (const b of terms) {
      if (mine(b)) continue;
      if (holds(target, [b.at])) {
        const said = `${id}.${part} = ${b.name}`;
        found.push(said);
        if (!declared(def, [b.indicator]) && !DEMO_COINCIDENCES.has(said)) undeclared.push(said);
      }
    }
    for (let i = 0; i < terms.length; i++) {
      for (let j = i + 1; j < terms.length; j++) {
        const b = terms[i]!;
        const c = terms[j]!;
        if (mine(b) || mine(c) || b.indicator === c.indicator) continue;
        if (!holds(target, [b.at, c.at])) continue;
        const said = `${id}.${part} = ${b.name} + ${c.name}`;
        found.push(said);
        if (!declared(def, [b.indicator, c.indicator]) && !DEMO_COINCIDENCES.has(said)) undeclared.push(said);
      }
    }
  }
  // The search does find what is declared: the two shares of children looked after at any time among them.
  assert.ok(found.includes("cla_missing_pct.denominator = cla_at_end.value + cla_ceased.value"), found.join("; "));
  assert.ok(found.filter((f) => !DEMO_COINCIDENCES.has(f)).length >= 10, found.join("; "));
  assert.deepEqual(undeclared, [], "identities a member could subtract with, not declared in the library (denominatorOf, denominatorSumOf, rateOf)");
});

test("a member's breakdown of a share of children looked after at any time hides each category where children looked after at the end or ceasing are hidden", async () => {
  const lib = indicatorLibrary();
  const [t] = await resolveTargets(store);
  const ctx: WebContext = { store, dataDir: "", gate: new Gate() };
  const h = await viewerHiding(ctx, t!, true);
  const headline = async (id: string) => (await storedValues(store, { snapshots: [t!.snapshot_id], indicators: [id] })).filter((v) => v.authority === t!.la_code);
  let checked = 0;
  for (const dim of ["age_band", "sex"]) {
    const missing = await breakdownHiding(ctx, t!, lib.get("cla_missing_pct")!, dim, await headline("cla_missing_pct"), h);
    const held = new Set(missing.values.map((v) => categoryKey(v.period, v.category ?? "")));
    for (const term of ["cla_at_end", "cla_ceased"]) {
      const hidden = (await breakdownHiding(ctx, t!, lib.get(term)!, dim, await headline(term), h)).hidden;
      for (const k of hidden) {
        if (!held.has(k)) continue;
        checked++;
        assert.ok(missing.hidden.has(k), `${term} ${dim} ${k} is c, so the share who went missing must be`);
      }
    }
  }
  assert.ok(checked > 10, `${checked} hidden categories checked`);
});
