import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { benchmarkData } from "./benchmark-data.ts";
import {
  type BenchmarkData,
  BenchmarkProblem,
  benchmark,
  laitYearFor,
  lanternPeriodFor,
  type Published,
  quantile7,
  quartileBandOf,
  rankOf,
  readPublished,
  type YearValues,
  yearPhrase,
} from "./benchmarks.ts";

const data = benchmarkData();
const close = (a: number | null, b: number, eps = 1e-9) => assert.ok(a !== null && Math.abs(a - b) < eps, `${a} ≉ ${b}`);

// ---------------------------------------------------------------------------------------------
// An independent oracle: the shipped LAIT file read with a hand-written splitter, and LAIT's
// method re-stated in the plainest way (sort, count, textbook type-7 interpolation).
// ---------------------------------------------------------------------------------------------

function splitLine(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === "," && !quoted) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const laitRows = readFileSync(here("../../data/benchmarks/lait_values_csc.csv"), "utf8")
  .split(/\r?\n/)
  .slice(1)
  .filter(Boolean)
  .map(splitLine)
  .map(([measure, year, name, code, region, value]) => ({ measure: measure!, year: Number(year), name: name!, code: code!, region: region!, value: value! }));
const snRows = readFileSync(here("../../data/benchmarks/sn_may_2025_long.csv"), "utf8")
  .split(/\r?\n/)
  .slice(1)
  .filter(Boolean)
  .map(splitLine);
const polarityOf = new Map(
  readFileSync(here("../../data/benchmarks/lait_measures_csc.csv"), "utf8")
    .split(/\r?\n/)
    .slice(1)
    .filter(Boolean)
    .map(splitLine)
    .map((r) => [r[0]!, r[2]!] as const),
);

function oracle(measure: string, year: number, la: string) {
  const rows = laitRows.filter((r) => r.measure === measure && r.year === year);
  const las = rows.filter((r) => r.region !== "NA");
  const num = (v: string | undefined) => (v === undefined || v === "-" || v === "" ? null : Number(v));
  const all = las.map((r) => num(r.value)).filter((v): v is number => v !== null);
  const own = num(las.find((r) => r.code === la)?.value);
  const snCodes = snRows.filter((r) => r[0] === la).sort((a, b) => Number(a[4]) - Number(b[4])).map((r) => r[5]!);
  const snVals = snCodes.map((c) => num(las.find((r) => r.code === c)?.value)).filter((v): v is number => v !== null);
  const sorted = [...all].sort((a, b) => a - b);
  const q = [0, 0.25, 0.5, 0.75, 1].map((p) => {
    const h = (sorted.length - 1) * p;
    const lo = Math.floor(h);
    return lo + 1 < sorted.length ? sorted[lo]! + (h - lo) * (sorted[lo + 1]! - sorted[lo]!) : sorted[lo]!;
  });
  const pol = polarityOf.get(measure)!;
  let rank: number | null = null;
  let band: string | null = null;
  if (own !== null && pol !== "-") {
    rank = 1 + all.filter((v) => (pol === "High" ? v > own : v < own)).length;
    const fromLow = own <= q[1]! ? 0 : own <= q[2]! ? 1 : own <= q[3]! ? 2 : 3;
    band = (pol === "Low" ? "ABCD" : "DCBA")[fromLow]!;
  }
  const snSorted = [...snVals].sort((a, b) => a - b);
  const mid = snSorted.length / 2;
  return {
    own,
    england: num(rows.find((r) => r.code === "970")?.value),
    of: all.length,
    rank,
    band,
    q,
    snCodes,
    snWith: snVals.length,
    snMean: snVals.length ? snVals.reduce((a, b) => a + b, 0) / snVals.length : null,
    snMedian: snVals.length ? (snSorted.length % 2 ? snSorted[Math.floor(mid)]! : (snSorted[mid - 1]! + snSorted[mid]!) / 2) : null,
  };
}

const num = (p: Published | undefined) => (p && "value" in p ? p.value : null);

test("real authorities: every figure equals the independent re-computation from the shipped LAIT file", () => {
  const cases: [string, string, number][] = [];
  for (const la of ["358", "202", "890", "370", "877", "420", "201", "850"]) {
    for (const measure of ["ReReferral", "Continue_Assess_Comp", "CPPlans2yrs", "CareLeaverAcc", "CIN", "LACStable_2016on", "SEN_EHC_Excpt_20wks", "Work_Force_Vac_Rate"]) {
      for (const year of [2022, 2024, 2025]) if (!(measure === "SEN_EHC_Excpt_20wks" && year === 2025)) cases.push([la, measure, year]);
    }
  }
  for (const [la, measure, year] of cases) {
    const r = benchmark({ authority: la, indicator: measure, year: String(year) }, data);
    const o = oracle(measure, year, la);
    const what = `${la} ${measure} ${year}`;
    assert.equal(r.year.lait, year, what);
    assert.equal(num(r.own.value), o.own, what);
    assert.equal(num(r.england), o.england, what);
    assert.deepEqual(
      r.neighbours.map((n) => n.code),
      o.snCodes,
      what,
    );
    assert.equal(r.neighboursWithValue, o.snWith, what);
    if (o.snMean === null) assert.equal(r.neighbourMean, null, what);
    else close(r.neighbourMean, o.snMean);
    if (o.snMedian === null) assert.equal(r.neighbourMedian, null, what);
    else close(r.neighbourMedian, o.snMedian);
    assert.equal(r.rank?.position ?? null, o.rank, what);
    if (o.rank !== null) assert.equal(r.rank?.of, o.of, what);
    assert.equal(r.quartileBand, o.band, what);
    for (const [i, q] of r.quartiles!.entries()) close(q, o.q[i]!, 1e-9);
  }
});

test("Trafford (358), re-referrals 2024-25, lower is better: hand-checked with awk", () => {
  // awk over lait_values_csc.csv: ReReferral 2025, 153 LAs with a value; 50 below 18.0 → rank 51;
  // sorted values 1st/39th/77th/115th/153rd = 0, 16.9, 20, 23, 46.7 (n−1 = 152 divides by 4, so
  // the type-7 cut points are LA values); neighbours 919 356 825 931 936 305 895 873 916 334 sum
  // to 215.8 → mean 21.58; their middle two 21.5 and 22.4 → median 21.95.
  const r = benchmark({ authority: "358", indicator: "rereferral_pct", year: "2024-25" }, data);
  assert.equal(r.authority.name, "Trafford");
  assert.equal(r.polarity, "Low");
  assert.deepEqual(r.own.value, { value: 18 });
  assert.deepEqual(r.england, { value: 22.6 });
  assert.deepEqual(r.region, { name: "North West", value: { value: 21.7 } });
  assert.deepEqual(r.neighbours.map((n) => n.name).slice(0, 3), ["Hertfordshire", "Stockport", "Buckinghamshire"]);
  close(r.neighbourMean, 21.58);
  close(r.neighbourMedian, 21.95);
  assert.equal(r.neighboursWithValue, 10);
  assert.deepEqual(r.rank, { position: 51, of: 153, inserted: false });
  assert.deepEqual(r.quartiles, [0, 16.9, 20, 23, 46.7]);
  assert.equal(r.quartileBand, "B");
  // Same authority by its ONS code; and the default year is the latest with data (2025).
  assert.deepEqual(benchmark({ authority: "E08000009", indicator: "rereferral_pct" }, data).rank, r.rank);
  assert.equal(benchmark({ authority: "358", indicator: "rereferral_pct" }, data).year.lait, 2025);
});

test("quartile edge, lower is better: a value exactly on a cut point takes the better band", () => {
  // ReReferral 2025 cut points 16.9 / 20 / 23 (above). Warrington 877 = 16.9, Northumberland 929
  // = 20, Cheshire West and Chester 896 = 23 (awk).
  assert.equal(benchmark({ authority: "877", indicator: "ReReferral", year: 2025 }, data).quartileBand, "A");
  assert.equal(benchmark({ authority: "929", indicator: "ReReferral", year: 2025 }, data).quartileBand, "B");
  assert.equal(benchmark({ authority: "896", indicator: "ReReferral", year: 2025 }, data).quartileBand, "C");
});

test("higher is better: ties share the lowest rank, and a value on a cut point takes the worse band", () => {
  // CareLeaverAcc 2025 (High): 149 LAs with a value, cut points 45 / 87 / 91 / 93 / 99 (awk);
  // 29 LAs above 93 → the 22 LAs at 93 (Barnsley 370, Bath 800, …) are all 30th; BCP 839 = 87:
  // 109 above → 110th. 93 = q75 → (q50, q75] → B; 87 = q25 → [q0, q25] → D.
  const barnsley = benchmark({ authority: "370", indicator: "cl_suitable_acc_pct", year: "2024-25" }, data);
  assert.equal(barnsley.polarity, "High");
  assert.deepEqual(barnsley.quartiles, [45, 87, 91, 93, 99]);
  assert.deepEqual(barnsley.rank, { position: 30, of: 149, inserted: false });
  assert.equal(barnsley.quartileBand, "B");
  assert.deepEqual(benchmark({ authority: "800", indicator: "CareLeaverAcc", year: 2025 }, data).rank, { position: 30, of: 149, inserted: false });
  const bcp = benchmark({ authority: "839", indicator: "CareLeaverAcc", year: 2025 }, data);
  assert.deepEqual(bcp.rank, { position: 110, of: 149, inserted: false });
  assert.equal(bcp.quartileBand, "D");
  // Barnsley's neighbours: 93 88 90 86 93 93 86 93 89 86 → mean 89.7, median (89 + 90) / 2.
  close(barnsley.neighbourMean, 89.7);
  close(barnsley.neighbourMedian, 89.5);
  assert.deepEqual(barnsley.england, { value: 89 });
  assert.deepEqual(barnsley.region, { name: "Yorkshire and the Humber", value: { value: 90 } });
  // Camden, assessments within 45 working days 2024-25 (High): 89.2, 48 LAs above → 49th of 152;
  // q75 is R's (1 − h)·x + h·y = 91.39999999999999, so 89.2 is in (85.35, q75] → B.
  const camden = benchmark({ authority: "202", indicator: "assess_45wd_pct", year: "2024-25" }, data);
  assert.deepEqual(camden.rank, { position: 49, of: 152, inserted: false });
  assert.equal(camden.quartileBand, "B");
  // 114th and 115th of the 152 sorted values are 91.3 and 91.7 (awk); index 1 + 151 × 0.75 = 114.25.
  assert.equal(camden.quartiles![3], 0.75 * 91.3 + 0.25 * 91.7);
  assert.equal(camden.quartiles![3], 91.39999999999999);
  assert.deepEqual(camden.region, { name: "London", value: { value: 87.2 } });
  assert.deepEqual(camden.subRegion, { name: "London (Inner)", value: { value: 87.2 } });
});

test("suppressed neighbours are left out, counted, and kept as symbols", () => {
  // Blackpool 890, CP plans lasting 2+ years ceasing 2024-25 (Low). Neighbours (awk):
  // 805 -, 806 4.9, 394 -, 341 1.5, 393 -, 807 -, 354 6.5, 880 8, 355 5.4, 861 2.7
  // → 6 of 10, mean 29 / 6, median (4.9 + 5.4) / 2; Blackpool 4: 55 of 133 below → 56th;
  // cut points 0 / 3 / 4.7 / 6.4 / 15.6 → 4 in (3, 4.7] → B.
  const r = benchmark({ authority: "890", indicator: "cpp_2yr_ceased_pct", year: "2024-25" }, data);
  assert.equal(r.neighbourCount, 10);
  assert.equal(r.neighboursWithValue, 6);
  assert.deepEqual(
    r.neighbours.filter((n) => "symbol" in n.value).map((n) => [n.code, n.value]),
    [
      ["805", { symbol: "-" }],
      ["394", { symbol: "-" }],
      ["393", { symbol: "-" }],
      ["807", { symbol: "-" }],
    ],
  );
  close(r.neighbourMean, 29 / 6);
  close(r.neighbourMedian, 5.15);
  assert.deepEqual(r.rank, { position: 56, of: 133, inserted: false });
  assert.equal(r.quartileBand, "B");
  assert.deepEqual(r.england, { value: 4.4 });
  assert.match(r.notes.join(" "), /4 neighbour\(s\) had no published value/);
});

test("no polarity: no rank and no band, but the comparisons are still given", () => {
  const r = benchmark({ authority: "358", indicator: "cin_rate", year: "2025" }, data);
  assert.equal(r.polarity, "-");
  assert.equal(r.rank, null);
  assert.equal(r.quartileBand, null);
  assert.deepEqual(r.own.value, { value: 267.4 });
  assert.deepEqual(r.england, { value: 330.3 });
  assert.equal(r.year.label, "31 March 2025 (2024-25)");
});

test("GSS symbols from the CSC tables stay symbols: Hampshire's 2024 CIN count is 'u', never 0", () => {
  const r = benchmark({ authority: "850", indicator: "cin_at31", year: "2023-24" }, data);
  assert.deepEqual(r.own.value, { symbol: "u" });
  assert.deepEqual(r.england, { value: 399460 });
  const yv = data.series.get("CSC_CIN_At31")!.get(2023)!;
  assert.deepEqual(yv.las.get("420")?.value, { symbol: "c" }); // Isles of Scilly 2023
  // CP plans starting: City of London 2025 is "c"; it is not among the numbers ranked.
  const d3 = data.series.get("CSC_CPP_start")!.get(2025)!;
  assert.deepEqual(d3.las.get("201")?.value, { symbol: "c" });
  // Plans start over the year; children in need are counted on its last day.
  assert.equal(benchmark({ authority: "202", indicator: "cpp_starts", year: "2024-25" }, data).year.label, "2024-25 (year to 31 March 2025)");
  assert.equal(benchmark({ authority: "202", indicator: "cin_at31", year: "2024-25" }, data).year.label, "31 March 2025 (2024-25)");
});

test("readPublished: every symbol is kept; only real numbers are numbers", () => {
  for (const s of ["c", "x", "z", "u", "k", "low", "-"]) assert.deepEqual(readPublished(s), { symbol: s });
  assert.deepEqual(readPublished("LOW"), { symbol: "low" });
  assert.deepEqual(readPublished(""), { symbol: "missing" });
  assert.deepEqual(readPublished(":"), { symbol: "missing" });
  assert.deepEqual(readPublished("0"), { value: 0 });
  assert.deepEqual(readPublished("4.4"), { value: 4.4 });
  assert.deepEqual(readPublished("-3"), { value: -3 });
});

test("a tiny hand-made data set: c, k and low neighbours are excluded from mean, median, rank and quartiles, not read as 0", () => {
  const v = (value: number): Published => ({ value });
  const las = new Map<string, { code: string; name: string; value: Published }>([
    ["1", { code: "1", name: "One", value: v(10) }],
    ["2", { code: "2", name: "Two", value: { symbol: "c" } }],
    ["3", { code: "3", name: "Three", value: { symbol: "k" } }],
    ["4", { code: "4", name: "Four", value: v(30) }],
    ["5", { code: "5", name: "Five", value: { symbol: "low" } }],
    ["6", { code: "6", name: "Six", value: v(20) }],
  ]);
  const year: YearValues = { england: v(25), regions: new Map([["north east", { code: "980", name: "North East", value: { symbol: "x" } }]]), las };
  const d: BenchmarkData = {
    measures: new Map([["M", { short: "M", title: "A measure", polarity: "Low", unit: "%", yearType: "Financial Year", source: "test" }]]),
    series: new Map([["M", new Map([[2025, year]])]]),
    authorities: new Map([...las.values()].map((a) => [a.code, { code: a.code, name: a.name, region: "North East" }])),
    onsToDfe: new Map(),
    neighbours: new Map([["1", ["2", "3", "4", "5", "6"].map((code, i) => ({ rank: i + 1, code, name: code, closeness: "Close" }))]]),
    neighbourSource: "test",
  };
  const r = benchmark({ authority: "1", indicator: "M", year: "2025" }, d);
  assert.equal(r.neighboursWithValue, 2);
  close(r.neighbourMean, 25); // (30 + 20) / 2 — with the symbols read as 0 it would be 10
  close(r.neighbourMedian, 25);
  assert.deepEqual(r.rank, { position: 1, of: 3, inserted: false }); // 3 values ranked, not 6
  assert.deepEqual(r.quartiles, [10, 15, 20, 25, 30]);
  assert.deepEqual(r.region, { name: "North East", value: { symbol: "x" } });
  // A synthetic authority like "4" whose own value ties the best published one: inserted, shares rank 1.
  const s = benchmark({ authority: "NEW1", like: "1", indicator: "M", year: 2025, ownValue: 10 }, d);
  assert.deepEqual(s.rank, { position: 1, of: 4, inserted: true });
  assert.equal(s.quartileBand, "A");
  assert.equal(s.authority.real, false);
  assert.deepEqual(s.authority.like, { code: "1", name: "One" });
  assert.match(s.notes.join(" "), /inserted among the 3 published LA values/);
});

test("--like: a synthetic authority uses the real one's region and neighbours and is ranked by its own value", () => {
  const own = 66.7;
  const r = benchmark({ authority: "X001", like: "202", indicator: "assess_45wd_pct", year: "2024-25", ownValue: own }, data);
  const camden = benchmark({ authority: "202", indicator: "assess_45wd_pct", year: "2024-25" }, data);
  assert.deepEqual(r.neighbours, camden.neighbours);
  assert.deepEqual(r.region, camden.region);
  assert.deepEqual(r.own, { value: { value: own }, from: "lantern", compared: own });
  const all = laitRows.filter((x) => x.measure === "Continue_Assess_Comp" && x.year === 2025 && x.region !== "NA" && x.value !== "-").map((x) => Number(x.value));
  assert.deepEqual(r.rank, { position: 1 + all.filter((x) => x > own).length, of: all.length + 1, inserted: true });
  const q = quantile7([...all, own]);
  assert.equal(r.quartileBand, own <= q[1] ? "D" : own <= q[2] ? "C" : own <= q[3] ? "B" : "A");
  // Without an own value: comparisons, but no rank or band.
  const none = benchmark({ authority: "X001", like: "E09000007", indicator: "assess_45wd_pct" }, data);
  assert.equal(none.rank, null);
  assert.equal(none.own.from, "none");
  assert.equal(none.authority.like?.code, "202");
});

test("problems: unknown indicator, local measure, unknown authority without --like, a year with no data", () => {
  const kind = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      assert.ok(e instanceof BenchmarkProblem);
      return e.kind;
    }
    return "none";
  };
  assert.equal(kind(() => benchmark({ authority: "202", indicator: "no_such_thing" }, data)), "unknown-indicator");
  assert.equal(kind(() => benchmark({ authority: "202", indicator: "assess_median_wd" }, data)), "local-indicator");
  assert.equal(kind(() => benchmark({ authority: "X001", indicator: "rereferral_pct" }, data)), "unknown-authority");
  assert.equal(kind(() => benchmark({ authority: "X001", like: "999", indicator: "rereferral_pct" }, data)), "bad-like");
  assert.equal(kind(() => benchmark({ authority: "202", indicator: "rereferral_pct", year: "1999" }, data)), "no-data");
  assert.equal(kind(() => benchmark({ authority: "202", indicator: "rereferral_pct", year: "2024-26" }, data)), "bad-year");
});

test("years: financial year, LAIT labels, and each year type", () => {
  assert.deepEqual(laitYearFor("2024-25", "Financial Year"), { year: 2025 });
  assert.deepEqual(laitYearFor("2024-25", "Annual"), { year: 2025 });
  assert.deepEqual(laitYearFor("2024-25", "Annual - January"), { year: 2025 });
  assert.equal(laitYearFor("2024-25", "Calendar Year")?.year, 2024);
  assert.equal(laitYearFor("2024-25", "Annual (end of Sept)")?.year, 2024);
  assert.deepEqual(laitYearFor("2025", "Calendar Year"), { year: 2025 });
  assert.equal(laitYearFor("25", "Annual"), null);
  assert.equal(lanternPeriodFor(2025, "Financial Year"), "2024-25");
  assert.equal(lanternPeriodFor(2024, "Calendar Year"), "2024");
  assert.equal(lanternPeriodFor(2024, "Annual (end of Sept)"), "2024-09");
  // England figures confirm the labels: re-referrals 2025 = 22.6 (2024-25); EHC plans within
  // 20 weeks LAIT 2024 = 46.4 (calendar 2024, the SEN2 2025 release); vacancy rate 2025 = 14.2
  // (30 September 2025).
  const e = (indicator: string, year: string) => benchmark({ authority: "202", indicator, year }, data);
  assert.deepEqual(e("rereferral_pct", "2024-25").england, { value: 22.6 });
  assert.deepEqual(e("ehcp_20wk_excl_pct", "2024-25").england, { value: 46.4 });
  assert.equal(e("ehcp_20wk_excl_pct", "2024-25").year.label, "calendar year 2024");
  assert.equal(benchmark({ authority: "202", indicator: "ehcp_20wk_excl_pct" }, data).year.lait, 2024); // latest with data
  assert.deepEqual(e("sw_vacancy_rate", "2025").england, { value: 14.2 });
  assert.equal(e("sw_vacancy_rate", "2025").year.label, "30 September 2025");
});

test("R quantile type 7 and LAIT's band rules on LAIT's own unit-test vectors", () => {
  assert.deepEqual(quantile7([1, 2, 3, 4]), [1, 1.75, 2.5, 3.25, 4]); // R: quantile(1:4)
  assert.deepEqual(quantile7([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), [1, 3.25, 5.5, 7.75, 10]); // R: quantile(1:10)
  assert.deepEqual(quantile7([5]), [5, 5, 5, 5, 5]);
  const cuts = [0, 25, 50, 75, 100];
  // LAIT tests/testthat/test-fn_analysis.R: 0 → A, 25 → A, 50 → B, 75 → C, 100 → D (Low).
  assert.deepEqual([0, 10, 25, 30, 50, 60, 75, 80, 100].map((x) => quartileBandOf(x, cuts, "Low")), ["A", "A", "A", "B", "B", "C", "C", "D", "D"]);
  assert.deepEqual([0, 10, 25, 30, 50, 60, 75, 80, 100].map((x) => quartileBandOf(x, cuts, "High")), ["D", "D", "D", "C", "C", "B", "B", "A", "A"]);
  assert.equal(quartileBandOf(50, cuts, "-"), null);
  assert.equal(quartileBandOf(110, cuts, "Low"), null);
  assert.equal(rankOf(20, [10, 20, 20, 30, 40], "Low"), 2); // LAIT calculate_rank ties test
  assert.equal(rankOf(30, [10, 20, 20, 30, 40], "Low"), 4);
  assert.equal(rankOf(20, [10, 20, 20, 30, 40], "High"), 3);
});

test("yearPhrase gives each kind of LAIT year the preposition it takes in a sentence: on a date, in a year or census", () => {
  assert.equal(yearPhrase(2025, "Annual"), "on 31 March 2025 (2024-25)");
  assert.equal(yearPhrase(2025, "Annual (end of Sept)"), "on 30 September 2025");
  assert.equal(yearPhrase(2025, "Annual - January"), "in the January 2025 census");
  assert.equal(yearPhrase(2024, "Calendar Year"), "in calendar year 2024");
  assert.equal(yearPhrase(2025, "Financial Year"), "in 2024-25 (year to 31 March 2025)");
});

test("a Lantern figure is compared as the DfE publishes the measure: children-looked-after percentages in whole numbers", () => {
  // The DfE publishes LACStable_2016on in whole numbers: 10.6% is 11%, ranked among them as 11.
  const r = benchmark({ authority: "X001", like: "202", indicator: "cla_3plus_placements_pct", year: "2024-25", ownValue: 10.6 }, data);
  assert.deepEqual(r.own, { value: { value: 10.6 }, from: "lantern", compared: 11 });
  const all = laitRows.filter((x) => x.measure === "LACStable_2016on" && x.year === 2025 && x.region !== "NA" && x.value !== "-").map((x) => Number(x.value));
  assert.ok(all.every((x) => Number.isInteger(x)), "published in whole numbers");
  assert.deepEqual(r.rank, { position: 1 + all.filter((x) => x < 11).length, of: all.length + 1, inserted: true });
  assert.match(r.notes.join(" "), /\(10\.6\) is compared as 11/);
  // A measure published to one decimal place keeps its figure to one decimal place.
  const a = benchmark({ authority: "X001", like: "202", indicator: "assess_45wd_pct", year: "2024-25", ownValue: 66.74 }, data);
  assert.deepEqual(a.own, { value: { value: 66.74 }, from: "lantern", compared: 66.7 });
});

test("the workforce census is compared with the figure loaded for its month (2024-09), where measures.csv puts it", () => {
  const r = benchmark({ authority: "X001", like: "202", indicator: "sw_vacancy_rate", year: "2024-25", ownValue: 16 }, data);
  assert.equal(r.year.lanternPeriod, "2024-09");
  assert.equal(r.year.lait, 2024);
});
