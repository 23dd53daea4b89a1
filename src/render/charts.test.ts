import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { xmr } from "../analysis/spc.ts";
import { barChartSvg, pointColour, pointSymbol, runChartSvg, sparklineSvg, spcChartSvg, valueDomain } from "./charts.ts";

const GOLDEN = join(import.meta.dirname, "golden");

/** One tag per line and numbers to 2 d.p., so a golden diff is readable and float noise is not a change. */
export function normaliseSvg(svg: string): string {
  return svg
    .replace(/-?\d+\.\d+/g, (n) => String(Math.round(Number(n) * 100) / 100))
    .replace(/></g, ">\n<")
    .trim();
}

function golden(name: string, svg: string): void {
  const path = join(GOLDEN, `${name}.svg`);
  const got = normaliseSvg(svg) + "\n";
  if (process.env["LANTERN_UPDATE_GOLDEN"] === "1" || !existsSync(path)) {
    if (process.env["CI"] && !existsSync(path)) assert.fail(`golden file ${path} is missing`);
    writeFileSync(path, got);
  }
  assert.equal(got, readFileSync(path, "utf8"), `${name} differs from ${path}; rerun with LANTERN_UPDATE_GOLDEN=1 if the change is intended`);
}

// Sixteen months; month 14 (12) is far above the upper limit (mean 6.5, MR̄ ≈ 1.5 after screening).
const VALUES = [5, 6, 7, 5, 6, 8, 7, 6, 5, 6, 7, 6, 5, 12, 6, 7];
const POINTS = VALUES.map((value, i) => {
  const y = 2024 + Math.floor(i / 12);
  const m = (i % 12) + 1;
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { date: `${y}-${String(m).padStart(2, "0")}-${last}`, value };
});

test("spcChartSvg draws limits, coloured special causes, the target and annotations, with a title and description", () => {
  const spc = xmr(POINTS, { improvement: "down", target: 6 });
  assert.equal(spc.points[13]!.type, "special_cause_concern");
  const svg = spcChartSvg({ title: "Referrals <by month>", unit: "count", spc, annotations: [{ date: "2024-06-01", label: "New system & process" }] });
  assert.match(svg, /^<svg [^>]*role="img"[^>]*>/);
  assert.match(svg, /<title id="spc-referrals-by-month-title">Referrals &lt;by month&gt;<\/title>/);
  assert.match(svg, /<desc id="spc-referrals-by-month-desc">16 points from 2024-01-31 to 2025-04-30; latest 7;/);
  // The concern point is orange (MDC), the others dark grey; no inline styles for the CSP.
  assert.equal(pointColour("special_cause_concern", "down"), "#E46C0A");
  assert.equal((svg.match(/fill="#E46C0A"/g) ?? []).length, 1);
  // ...and told by shape as well as colour (WCAG 1.4.1): a diamond among 15 round dots.
  assert.match(svg, /<path fill="#E46C0A" d="M0,-[\d.]+L[\d.]+,0L0,[\d.]+L-[\d.]+,0Z"/);
  assert.equal((svg.match(/<circle/g) ?? []).length, 15);
  assert.doesNotMatch(svg, /<style|style="/);
  assert.doesNotMatch(svg, /aria-label=/, "one image: no labelled groups inside it (axe aria-prohibited-attr)");
  assert.match(svg, /<title>Target: 6<\/title>/);
  assert.match(svg, /<title>2024-06-01: New system &amp; process<\/title>/);
  assert.match(svg, /<title>2025-02-28: 12 \(Special cause variation — concern \(higher\), beyond a process limit\)<\/title>/);
  assert.equal(svg, spcChartSvg({ title: "Referrals <by month>", unit: "count", spc, annotations: [{ date: "2024-06-01", label: "New system & process" }] }), "deterministic");
  golden("spc", svg);
});

test("each kind of point has its own shape, so special causes are not told by colour alone", () => {
  const shapes = (["common_cause", "special_cause_improvement", "special_cause_concern", "special_cause_neutral_high", "special_cause_neutral_low"] as const).map((t) => pointSymbol(t).symbol);
  assert.deepEqual(shapes, ["circle", "triangle", "diamond", "square", "square"]);
});

test("spcChartSvg steps its limits at a rebase and leaves out annotations outside the series", () => {
  const spc = xmr(POINTS, { rebase: ["2024-09-01"] });
  assert.equal(spc.segments.length, 2);
  const svg = spcChartSvg({ title: "Rebased", unit: "percent", spc, annotations: [{ date: "2019-01-01", label: "long ago" }], description: "Custom words." });
  assert.doesNotMatch(svg, /long ago/);
  assert.match(svg, /<desc id="spc-rebased-desc">Custom words.<\/desc>/);
  // Text from users (annotation notes, titles) is escaped wherever it lands.
  const evil = spcChartSvg({ title: '<script>alert(1)</script>', spc, annotations: [{ date: "2024-06-01", label: '</title><script>x</script>' }], id: 'a" onload="x' });
  assert.doesNotMatch(evil, /<script/);
  assert.match(evil, /id="a--onload--x"/);
  golden("spc-rebased", svg);
});

test("runChartSvg draws the months' values with the target and annotations, no mean or limits, a month not shown as a gap, and says why", () => {
  const values = POINTS.slice(0, 8).map((p, i) => ({ date: p.date, value: i === 2 ? null : p.value }));
  const labels = new Map(values.map((v) => [v.date, `month ${v.date.slice(0, 7)}`]));
  const input = { title: "Referrals", values, labels, unit: "count" as const, target: 6, annotations: [{ date: "2024-04-15", label: "New form" }, { date: "2025-01-01", label: "outside" }], why: "only 8 months of values, and the chart needs 12" };
  const svg = runChartSvg(input);
  assert.match(svg, /<desc id="run-referrals-desc">7 monthly values from month 2024-01 to month 2024-08 \(1 not shown\), between 5 and 8; latest 6\. No mean or process limits: only 8 months of values, and the chart needs 12\.<\/desc>/);
  // One dot per value shown, titled; none for the month not shown.
  assert.equal((svg.match(/<circle/g) ?? []).length, 7);
  assert.match(svg, /<title>month 2024-02: 6<\/title>/);
  assert.doesNotMatch(svg, /month 2024-03:/);
  // The line breaks at the gap: two pieces of path, not one through the missing month.
  assert.equal((svg.match(/<path[^>]*d="M[^"]*M/g) ?? []).length, 1);
  assert.match(svg, /<title>Target: 6<\/title>/);
  assert.match(svg, /<title>2024-04-15: New form<\/title>/);
  assert.doesNotMatch(svg, /outside/);
  // No limits or mean: no dashed grey lines, no dark mean line.
  assert.doesNotMatch(svg, /stroke-dasharray="4,3"/);
  assert.doesNotMatch(svg, /<style|style="|aria-label=/);
  assert.equal(svg, runChartSvg(input), "deterministic");
  golden("run", svg);
});

test("the value axis never goes below 0 for figures that cannot, and is at least 1 wide, so a flat series at 0% has no '-0.1%' or repeated '0.0%' ticks", () => {
  assert.deepEqual(valueDomain([0, 0, 0]), [0, 1]);
  assert.deepEqual(valueDomain([50, 50]), [46, 54]);
  // A margin that would cross 0 stops at it; a series with a negative value keeps its margin.
  assert.deepEqual(valueDomain([0.5, 10.5]), [0, 11.3]);
  assert.deepEqual(valueDomain([-10, 15]), [-12, 17]);
  assert.deepEqual(valueDomain([]), [0, 1]);
  const flat = runChartSvg({ title: "Flat", unit: "percent", values: POINTS.slice(0, 4).map((p) => ({ date: p.date, value: 0 })), why: "too few" });
  const ticks = [...flat.matchAll(/<text[^>]*y="0\.32em">([^<]*)<\/text>/g)].map((m) => m[1]!);
  assert.ok(ticks.length >= 2, flat);
  assert.ok(ticks.every((t) => !t.startsWith("-")), ticks.join(" "));
  assert.equal(new Set(ticks).size, ticks.length, `no tick repeated: ${ticks.join(" ")}`);
});

test("sparklineSvg marks the latest value and tolerates gaps", () => {
  const values = POINTS.map((p, i) => ({ date: p.date, value: i === 3 ? null : p.value }));
  const svg = sparklineSvg({ title: "Referrals", values, unit: "count" });
  assert.match(svg, /<desc id="spark-referrals-desc">15 values from 2024-01 to 2025-04, between 5 and 12; latest 7.<\/desc>/);
  assert.doesNotMatch(svg, /<style|style="/);
  golden("sparkline", svg);
  assert.match(sparklineSvg({ title: "Empty", values: [] }), /<desc id="spark-empty-desc">No values.<\/desc>/);
});

test("sparklineSvg draws a value with a gap either side (a member's month between two not shown) as a dot, not a line of no length", () => {
  const at = ["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31", "2026-06-30"];
  const values = [5, null, 7, null, 9, 10].map((value, i) => ({ date: at[i]!, value }));
  const svg = sparklineSvg({ title: "Referrals", values, unit: "count" });
  assert.match(svg, /4 values from 2026-01 to 2026-06, between 5 and 10; latest 10\./);
  // January and March alone, and the latest (June) marked; April to May is a line.
  assert.equal([...svg.matchAll(/<circle /g)].length, 3);
  const untouched = sparklineSvg({ title: "Referrals", values: values.map((v, i) => ({ ...v, value: i < 2 ? 6 : v.value })), unit: "count" });
  assert.equal([...untouched.matchAll(/<circle /g)].length, 1, "with none alone, only the latest is marked");
});

test("barChartSvg draws no bar for a value not there, and says what stands in its place (c for a hidden count)", () => {
  const svg = barChartSvg({
    title: "Flow",
    unit: "count",
    bars: [
      { label: "Contacts", value: 120 },
      { label: "Initial conferences", value: null, missing: "c — not shown to protect the children" },
      { label: "Children starting care", value: null },
    ],
  });
  assert.equal(svg.match(/<rect\b/g)?.length, 1, "one bar: only Contacts has a value");
  assert.doesNotMatch(svg, /<rect[^>]* width="0"/);
  assert.match(svg, />c — not shown to protect the children</);
  assert.match(svg, /Initial conferences: c — not shown to protect the children; Children starting care: no value\.<\/desc>/);
});

test("barChartSvg shows each stage in order with its note, and a missing value as such", () => {
  const svg = barChartSvg({
    title: "From contacts to care",
    unit: "count",
    bars: [
      { label: "Contacts", value: 12000 },
      { label: "Referrals", value: 3000, note: "25.0% of contacts" },
      { label: "Section 47 enquiries", value: null },
    ],
  });
  assert.match(svg, /<desc id="bars-from-contacts-to-care-desc">Contacts: 12,000; Referrals: 3,000 · 25.0% of contacts; Section 47 enquiries: no value.<\/desc>/);
  const order = ["Contacts", "Referrals", "Section 47 enquiries"].map((l) => svg.indexOf(`>${l}<`));
  assert.deepEqual([...order].sort((a, b) => a - b), order);
  assert.ok(order.every((i) => i > 0));
  golden("bars", svg);
});

// A public report's run chart ("Plans ending after 2 years or more") whose months after September
// 2024 were suppressed said "latest 0.0%" of September 2024 beside a report for September 2025.
test("a run chart or sparkline whose last months have no value shown names the month of its last value, not 'latest'", () => {
  const values = POINTS.map((p, i) => ({ date: p.date, value: i < 9 ? p.value : null }));
  const labels = new Map(values.map((v) => [v.date, `month ${v.date.slice(0, 7)}`]));
  const run = runChartSvg({ title: "Plans", values, labels, unit: "percent", why: "too few months" });
  assert.match(run, /<desc id="run-plans-desc">9 monthly values from month 2024-01 to month 2024-09 \(7 not shown\), between 5\.0% and 8\.0%; 5\.0% in month 2024-09, the last month with a value shown\. /);
  assert.doesNotMatch(run, /latest/);
  // Without labels, the month is named as a person names it.
  assert.match(runChartSvg({ title: "Plans", values, unit: "percent", why: "too few months" }), /; 5\.0% in September 2024, the last month with a value shown\./);
  const spark = sparklineSvg({ title: "Plans", values, unit: "percent" });
  assert.match(spark, /<desc id="spark-plans-desc">9 values from 2024-01 to 2024-09, between 5\.0% and 8\.0%; 5\.0% in September 2024, the last month with a value shown\.<\/desc>/);
  // Where the last point has a value, it is the latest.
  assert.match(runChartSvg({ title: "Plans", values: values.slice(0, 9), unit: "percent", why: "too few months" }), /; latest 5\.0%\./);
  assert.match(sparklineSvg({ title: "Plans", values: values.slice(0, 9), unit: "percent" }), /; latest 5\.0%\.<\/desc>/);
});
