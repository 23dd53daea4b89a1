import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import {
  ASSURANCE_ICONS,
  assuranceFor,
  describeSpc,
  type Improvement,
  partOfRun,
  runMarks,
  type SpcInputPoint,
  type SpcOptions,
  type SpcRule,
  trendMarks,
  twoInThreeFlags,
  twoInThreeWindows,
  VARIATION_ICONS,
  xmr,
} from "./spc.ts";

// The fixtures live beside the repository (../shared); CI checks ../shared out beside the clone.
const FIXTURES = JSON.parse(readFileSync(new URL("../../../shared/benchmarks/spc_fixtures/xmr_fixtures.json", import.meta.url), "utf8")) as Fixtures;

interface FixtureCase {
  id: string;
  source: string;
  input: { y: number[]; x?: string[]; x_start?: string; x_step?: string; improvement_direction: string; screen_outliers: boolean; target?: number };
  oracle: Record<string, unknown>;
  derived?: { mean: number; lpl: number; upl: number; special_cause_type: string[]; point_type: string[] };
}
interface Fixtures {
  _about: string;
  cases: FixtureCase[];
  rule_unit_cases: Record<string, unknown>;
  python_port_limits_cases: { _source: string; cases: { y: number[]; expected: [number, number, number, number, number] }[] };
}

/** Daily ISO dates from `start`. */
function days(n: number, start = "2020-01-01"): string[] {
  const t0 = Date.parse(`${start}T00:00:00Z`);
  return Array.from({ length: n }, (_, i) => new Date(t0 + i * 86_400_000).toISOString().slice(0, 10));
}

function series(values: readonly number[], start?: string): SpcInputPoint[] {
  const d = days(values.length, start);
  return values.map((value, i) => ({ date: d[i]!, value }));
}

function improvementOf(dir: string): Improvement {
  const m: Record<string, Improvement> = { increase: "up", decrease: "down", neutral: "neutral" };
  assert.ok(m[dir], `unknown improvement_direction ${dir}`);
  return m[dir]!;
}

/** Half a unit in the last decimal place printed (or the stated "N d.p."): as tight as the fixture. */
function tolerance(x: number, source = ""): number {
  const printed = (String(x).split(".")[1] ?? "").length;
  const stated = /(\d+) d\.p\./.exec(source);
  const decimals = stated ? Number(stated[1]) : printed;
  return 0.5 * 10 ** -decimals + 1e-12;
}

function close(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} is not within ${tol} of ${expected}`);
}

const DERIVED = (x: number) => 1e-9 * Math.max(1, Math.abs(x));

/** NHSRplotthedots special_cause_type labels → our (rule, direction). Unknown labels fail. */
const LABELS: Record<string, { rule: SpcRule; direction: 1 | -1 } | null> = {
  "Common Cause": null,
  "Above UCL": { rule: "astronomical", direction: 1 },
  "Below LCL": { rule: "astronomical", direction: -1 },
  "2 in 3 Above CL": { rule: "two_in_three", direction: 1 },
  "2 in 3 Below CL": { rule: "two_in_three", direction: -1 },
};

const ASSURANCE_NAMES: Record<string, string | null> = { inconsistent: "hit_and_miss", consistent_pass: "consistently_passing", consistent_fail: "consistently_failing" };

function runCase(c: FixtureCase, twoInThree: "mdc" | "nhsr-legacy") {
  const { input } = c;
  if (input.x_step !== undefined) assert.equal(input.x_step, "1 day", "only daily x_step is supported by this test");
  const dates = input.x ?? days(input.y.length, input.x_start);
  const points = input.y.map((value, i) => ({ date: dates[i]!, value }));
  const options: SpcOptions = { improvement: improvementOf(input.improvement_direction), screenOutliers: input.screen_outliers, twoInThree };
  return xmr(points, input.target === undefined ? options : { ...options, target: input.target });
}

describe("xmr_fixtures.json cases (NHSRplotthedots oracles and derived values)", () => {
  assert.ok(FIXTURES.cases.length >= 7);
  for (const c of FIXTURES.cases) {
    test(c.id, () => {
      const r = runCase(c, "mdc");
      const seg = r.segments[0]!;
      assert.equal(r.segments.length, 1);
      for (const [key, expected] of Object.entries(c.oracle)) {
        switch (key) {
          case "mean":
          case "lpl":
          case "upl":
            close(seg[key], expected as number, tolerance(expected as number, c.source), `oracle ${key}`);
            for (const p of r.points) assert.equal(p[key], seg[key]);
            break;
          case "n":
            assert.equal(r.points.length, expected);
            break;
          case "common_cause":
          case "special_cause_improvement":
            assert.equal(r.points.filter((p) => p.type === key).length, expected, key);
            break;
          case "relative_to_mean_first13":
            assert.deepEqual(
              r.points.slice(0, 13).map((p) => Math.sign(p.value - p.mean)),
              expected,
            );
            break;
          case "outside_limits_first8":
            assert.deepEqual(
              r.points.slice(0, 8).map((p) => p.rules.some((h) => h.rule === "astronomical")),
              expected,
            );
            break;
          case "point_5":
            assert.equal(r.points[4]!.type, expected);
            break;
          case "others":
            assert.deepEqual(
              r.points.filter((_, i) => i !== 4).map((p) => p.type),
              r.points.slice(1).map(() => expected),
            );
            break;
          case "last_two_point_type":
            assert.deepEqual(
              r.points.slice(-2).map((p) => p.type),
              expected,
            );
            break;
          case "variation_type":
            assert.equal(r.variation, expected);
            break;
          case "assurance_type":
            assert.equal(r.assurance, ASSURANCE_NAMES[expected as string]);
            break;
          default:
            assert.fail(`oracle key ${key} in ${c.id} has no assertion; add one`);
        }
      }
      if (c.derived) {
        close(seg.mean, c.derived.mean, DERIVED(c.derived.mean), "derived mean");
        close(seg.lpl, c.derived.lpl, DERIVED(c.derived.lpl), "derived lpl");
        close(seg.upl, c.derived.upl, DERIVED(c.derived.upl), "derived upl");
        assert.deepEqual(
          r.points.map((p) => p.type),
          c.derived.point_type,
        );
        c.derived.special_cause_type.forEach((label, i) => {
          assert.ok(label in LABELS, `unknown special_cause_type label "${label}"; map it in LABELS`);
          const want = LABELS[label];
          const p = r.points[i]!;
          if (!want) assert.equal(p.rule, null, `point ${i + 1}`);
          else {
            assert.equal(p.rule, want.rule, `point ${i + 1}`);
            assert.equal(p.rules[0]!.direction, want.direction, `point ${i + 1}`);
          }
        });
      }
    });
    test(`${c.id}: the NHSRplotthedots legacy two-in-three gives the same point types here`, () => {
      const a = runCase(c, "mdc");
      const b = runCase(c, "nhsr-legacy");
      assert.deepEqual(
        b.points.map((p) => p.type),
        a.points.map((p) => p.type),
      );
      if (c.derived) assert.deepEqual(
        b.points.map((p) => p.type),
        c.derived.point_type,
      );
    });
  }
});

describe("xmr_fixtures.json rule_unit_cases (NHSRplotthedots test-ptd_calculate_point_type.R)", () => {
  const groups = Object.entries(FIXTURES.rule_unit_cases).filter(([k]) => !k.startsWith("_") && !k.endsWith("_note"));
  test("every group is known and non-empty", () => {
    const known = ["seven_point_one_side_mean", "part_of_seven", "seven_point_trend", "two_in_three", "part_of_two_in_three", "assurance"];
    for (const [k, v] of groups) {
      assert.ok(known.includes(k), `rule_unit_cases.${k} has no test; add one`);
      assert.ok(Array.isArray(v) && v.length > 0, k);
    }
  });
  const g = FIXTURES.rule_unit_cases as Record<string, Record<string, unknown>[]>;
  test("seven_point_one_side_mean → runMarks", () => {
    for (const c of g["seven_point_one_side_mean"]!) assert.deepEqual(runMarks(c["relative_to_mean"] as number[], 7), c["expected"]);
  });
  test("part_of_seven → partOfRun", () => {
    for (const c of g["part_of_seven"]!) assert.deepEqual(partOfRun(c["input"] as number[], 7), c["expected"]);
  });
  test("seven_point_trend → trendMarks", () => {
    for (const c of g["seven_point_trend"]!) assert.deepEqual(trendMarks(c["y"] as number[], 7), c["expected"]);
  });
  test("two_in_three → twoInThreeWindows", () => {
    for (const c of g["two_in_three"]!) assert.deepEqual(twoInThreeWindows(c["close_to_limits"] as number[], c["relative_to_mean"] as number[]), c["expected"]);
  });
  test("part_of_two_in_three → twoInThreeFlags", () => {
    for (const c of g["part_of_two_in_three"]!) assert.deepEqual(twoInThreeFlags(c["close_to_limits"] as number[], c["relative_to_mean"] as number[]), c["expected"]);
  });
  test("assurance → assuranceFor", () => {
    for (const c of g["assurance"]!) {
      const want = c["expected"] === null ? null : ASSURANCE_NAMES[c["expected"] as string];
      assert.notEqual(want, undefined, `unknown assurance ${c["expected"]}`);
      assert.equal(assuranceFor(c["lpl"] as number, c["upl"] as number, c["target"] as number, improvementOf(c["improvement_direction"] as string)), want);
    }
  });
});

describe("xmr_fixtures.json python_port_limits_cases (nhspy-plotthedots test_limits_calculations.py)", () => {
  assert.ok(FIXTURES.python_port_limits_cases.cases.length >= 8);
  FIXTURES.python_port_limits_cases.cases.forEach((c, k) => {
    test(`case ${k + 1}: [${c.y.join(", ")}] → (mean, lpl, upl, nlpl, nupl)`, () => {
      const r = xmr(series(c.y), { screenOutliers: true });
      const s = r.segments[0]!;
      const got = [s.mean, s.lpl, s.upl, s.nlpl, s.nupl];
      c.expected.forEach((e, i) => {
        close(got[i]!, e, 1e-12 * Math.max(1, Math.abs(e)), ["mean", "lpl", "upl", "nlpl", "nupl"][i]!);
      });
      for (const p of r.points) assert.deepEqual([p.mean, p.lpl, p.upl, p.nlpl, p.nupl], got);
      assert.equal(r.warnings.some((w) => w.code === "trial_limits"), c.y.length < 13);
    });
  });
});

describe("rules in context", () => {
  test("a point on the mean breaks a run", () => {
    assert.deepEqual(runMarks([1, 1, 1, 0, 1, 1, 1, 1, 1, 1], 7), [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual(runMarks([1, 1, 1, 1, 1, 1, 1], 7).at(-1), 1);
    // mean exactly 0: six above, one exactly on the mean, six above → no shift anywhere
    const ys = [-1, -2, -1, -2, -1, -2, 1, 2, 1, 2, 1, 2, 0, 2, 1, 2, 1, 2, 1, -2, -1, -2, -1, -2, -1];
    const r = xmr(series(ys), { improvement: "up" });
    assert.equal(r.segments[0]!.mean, 0);
    assert.ok(r.points.every((p) => p.type === "common_cause"));
    const unbroken = xmr(series(ys.map((y, i) => (i === 12 ? 1.5 : y))), { improvement: "up" });
    assert.deepEqual(
      unbroken.points.map((p) => p.rule === "shift"),
      ys.map((_, i) => i >= 6 && i <= 18),
    );
  });

  test("rare jumps in a series of mostly one value: screening that would leave MR̄ 0 is not applied, so the usual value stays common cause", () => {
    // 33 months of 0% with three months near 4% (children placed away in a small authority).
    const ys = Array.from({ length: 33 }, (_, i) => (i === 10 ? 3.57 : i === 20 ? 4.17 : i === 31 ? 4.35 : 0));
    const r = xmr(series(ys), { improvement: "down" });
    const seg = r.segments[0]!;
    // Unscreened: MR̄ = 2 × (3.57 + 4.17 + 4.35) / 32 = 0.755625; mean = 12.09 / 33 = 0.366364.
    assert.ok(Math.abs(seg.mean - 12.09 / 33) < 1e-9);
    assert.ok(Math.abs(seg.mrBar - 24.18 / 32) < 1e-9);
    assert.equal(seg.movingRangesScreened, 0);
    assert.ok(Math.abs(seg.upl - (12.09 / 33 + 2.66 * (24.18 / 32))) < 1e-9);
    assert.ok(seg.upl > seg.lpl);
    // The months at 0 are within the limits (long runs of them below the mean are still shifts,
    // as the rules say); the three jumps are above the upper limit (2.38).
    assert.deepEqual(
      r.points.map((p) => p.rules.some((h) => h.rule === "astronomical")),
      ys.map((y) => y > 0),
    );
    assert.ok(r.points.filter((_, i) => ys[i]! > 0).every((p) => p.type === "special_cause_concern"));
    // Screening still removes a few outlying ranges where ordinary ones remain (the deviations series).
    const dev = xmr(series([1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]));
    assert.equal(dev.segments[0]!.movingRangesScreened, 2);
  });

  test("a value exactly on the upper limit is common cause; just above is astronomical", () => {
    const base = [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1];
    const r = xmr(series(base), { fixAfter: 14 });
    const upl = r.segments[0]!.upl;
    const on = xmr(series([...base, upl]), { fixAfter: 14 });
    assert.equal(on.points.at(-1)!.type, "common_cause");
    const above = xmr(series([...base, upl + 1e-9]), { fixAfter: 14 });
    assert.equal(above.points.at(-1)!.type, "special_cause_neutral_high");
    assert.equal(above.points.at(-1)!.rule, "astronomical");
  });

  test("a repeated value breaks a trend; a trend of 7 flags all 7 points", () => {
    const noise = [0, 6, 0, 6, 0, 6, 0, 6];
    const flat = xmr(series([...noise, 1, 2, 3, 3, 4, 5, 6]));
    assert.ok(flat.points.every((p) => !p.rules.some((h) => h.rule === "trend")));
    const rising = xmr(series([...noise, 1, 1.5, 2, 2.5, 3, 3.5, 4]));
    assert.deepEqual(
      rising.points.map((p) => p.rules.some((h) => h.rule === "trend")),
      [...noise.map(() => false), true, true, true, true, true, true, true],
    );
  });

  test("trend colour follows the direction of movement; improvement beats concern; precedence labels", () => {
    // A falling run entirely above the mean, within the limits, after noise: trend ↓ and shift ↑ both hit.
    const ys = [0, 6, 0, 6, 0, 6, 0, 6, 0, 6, 5.9, 5.8, 5.7, 5.6, 5.5, 5.4, 5.3];
    const neutral = xmr(series(ys));
    const last = neutral.points.at(-1)!;
    assert.ok(last.value <= last.nupl, "within 2σ: only trend and shift can fire");
    assert.deepEqual(
      last.rules.map((h) => [h.rule, h.direction]),
      [
        ["trend", -1],
        ["shift", 1],
      ],
    );
    assert.equal(last.type, "special_cause_neutral_low", "trend outranks shift; its colour follows the fall, not the side of the mean");
    assert.equal(last.rule, "trend");
    const down = xmr(series(ys), { improvement: "down" });
    assert.equal(down.points.at(-1)!.type, "special_cause_improvement");
    assert.equal(down.points.at(-1)!.rule, "trend");
    assert.equal(down.variationIcon, "improvement_low");
    const up = xmr(series(ys), { improvement: "up" });
    assert.equal(up.points.at(-1)!.type, "special_cause_improvement", "shift above the mean is an improvement and wins over the falling trend");
    assert.equal(up.points.at(-1)!.rule, "shift");
    assert.equal(up.variationIcon, "improvement_high");
  });

  test("two-in-three needs all three on one side; 'mdc' counts points beyond the limits, 'nhsr-legacy' does not", () => {
    // limits fixed on 20 points of ±1 noise: mean 0, MR̄ 2 → 2σ ±3.55, limits ±5.32
    const noise = [1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1];
    const ys = [...noise, 1, 4, 30, 1];
    const mdc = xmr(series(ys), { improvement: "up", fixAfter: 20 });
    const s = mdc.segments[0]!;
    const [a, b, c] = mdc.points.slice(-4, -1);
    assert.ok(a!.value > s.mean && a!.value < s.nupl && b!.value > s.nupl && b!.value < s.upl && c!.value > s.upl, "construction");
    assert.deepEqual(
      b!.rules.map((h) => h.rule),
      ["two_in_three"],
    );
    assert.equal(b!.type, "special_cause_improvement");
    assert.equal(a!.type, "common_cause", "the third point is flagged only if beyond 2σ itself");
    assert.deepEqual(
      c!.rules.map((h) => h.rule),
      ["astronomical", "two_in_three"],
    );
    assert.equal(c!.rule, "astronomical", "astronomical outranks two-in-three");
    const legacy = xmr(series(ys), { improvement: "up", fixAfter: 20, twoInThree: "nhsr-legacy" });
    assert.equal(legacy.points.at(-3)!.type, "common_cause");
    assert.deepEqual(
      legacy.points.at(-2)!.rules.map((h) => h.rule),
      ["astronomical"],
    );
    // Opposite sides of the mean never count, beyond the limits or not.
    const opposite = xmr(series([...noise, -4, 4, 30]), { improvement: "up", fixAfter: 20 });
    assert.deepEqual(
      opposite.points.slice(-3).map((p) => p.rules.map((h) => h.rule)),
      [[], [], ["astronomical"]],
    );
  });

  test("run and trend lengths are parameters (6 = run-chart convention)", () => {
    const ys = [0, 6, 0, 6, 0, 6, 0, 6, 0, 6, 0, 6, 0, 5.5, 5.4, 5.3, 5.2, 5.1, 5.0];
    const seven = xmr(series(ys));
    const six = xmr(series(ys), { runLength: 6, trendLength: 6 });
    assert.ok(seven.points.every((p) => p.rules.length === 0));
    assert.ok(six.points.at(-1)!.rules.some((h) => h.rule === "trend"));
    assert.ok(six.points.at(-1)!.rules.some((h) => h.rule === "shift"));
    assert.throws(() => xmr(series(ys), { runLength: 1 }), RangeError);
    assert.throws(() => xmr(series(ys), { trendLength: 2.5 }), RangeError);
  });

  test("outlier screening drops moving ranges ≥ 3.267 MR̄ once", () => {
    const ys = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1];
    const s = xmr(series(ys)).segments[0]!;
    assert.equal(s.movingRangesScreened, 2);
    assert.equal(s.movingRangesUsed, 15);
    assert.equal(s.mrBar, 1);
    const u = xmr(series(ys), { screenOutliers: false }).segments[0]!;
    assert.equal(u.movingRangesScreened, 0);
    assert.equal(u.mrBar, 32 / 17);
    // a moving range exactly 3.267 × MR̄ is screened (≥, as NHSRplotthedots keeps only mr < 3.267 × amr)
    const ranges = [3267, 748, 748, 748, 748, 748, 748, 748, 748, 749];
    const edge = [0];
    ranges.forEach((r, i) => {
      edge.push(edge.at(-1)! + (i % 2 ? -r : r));
    });
    const e = xmr(series(edge)).segments[0]!;
    assert.equal(e.movingRangesScreened, 1);
    assert.equal(e.mrBar, 6733 / 9);
    // all-equal values: MR̄ = 0, nothing to screen, limits collapse on the mean
    const flat = xmr(series([5, 5, 5, 5])).segments[0]!;
    assert.deepEqual([flat.mrBar, flat.lpl, flat.upl], [0, 5, 5]);
  });
});

describe("segments, fixing, warnings, icons", () => {
  test("rebasing makes segments: rules and limits per segment; the moving range across a break is not used", () => {
    const before = [10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 10, 12];
    const after = [30, 31, 30, 31, 30, 31, 30, 31, 30, 31, 30, 31, 30];
    const pts = series([...before, ...after], "2023-04-01");
    const rebaseDate = pts[before.length]!.date;
    const r = xmr(pts, { improvement: "down", target: 20, rebase: [rebaseDate] });
    assert.equal(r.segments.length, 2);
    const [s0, s1] = r.segments;
    assert.equal(s0!.mean, 11);
    assert.equal(s0!.mrBar, 2);
    assert.equal(s1!.mean, 30 + 6 / 13);
    assert.equal(s1!.mrBar, 1, "the 12 → 30 range across the break is not used");
    assert.equal(s1!.start, rebaseDate);
    assert.equal(r.points[before.length]!.movingRange, null);
    assert.ok(r.points.every((p) => p.type === "common_cause"), "no shift: each segment judged against its own mean");
    assert.equal(r.assurance, "consistently_failing", "assurance from the latest segment (target 20 < its lower limit, lower is better)");
    assert.equal(r.warnings.length, 0);
    const unrebased = xmr(pts, { improvement: "down", target: 20 });
    assert.equal(unrebased.variation, "special_cause_concern");
    assert.equal(unrebased.assurance, "hit_and_miss");
    // a rebase date between points starts at the first point on or after it
    const weekly = pts.map((p, i) => ({ date: days(pts.length * 7, "2023-04-03")[i * 7]!, value: p.value }));
    const between = xmr(weekly, { rebase: ["2023-07-05"] });
    assert.equal(weekly[13]!.date, "2023-07-03");
    assert.equal(between.segments[1]!.start, "2023-07-10");
  });

  test("rebase dates outside the series are ignored with a warning; a 1-point segment is refused", () => {
    const pts = series([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    const r = xmr(pts, { rebase: ["2019-01-01", "2030-01-01"] });
    assert.equal(r.segments.length, 1);
    assert.deepEqual(
      r.warnings.map((w) => w.code),
      ["rebase_ignored", "rebase_ignored"],
    );
    assert.throws(() => xmr(pts, { rebase: [pts.at(-1)!.date] }), /at least 2/);
    assert.throws(() => xmr(pts, { rebase: ["2020-02-30"] }), RangeError);
  });

  test("fixAfter computes mean and MR̄ from the first N points of each segment; N < 12 is a RangeError", () => {
    const ys = [1, 3, 1, 3, 1, 3, 1, 3, 1, 3, 1, 3, 50, 60, 70];
    const r = xmr(series(ys), { fixAfter: 12, improvement: "up" });
    const s = r.segments[0]!;
    assert.deepEqual([s.mean, s.mrBar, s.baselineN, s.fixed], [2, 2, 12, true]);
    assert.deepEqual(
      r.points.slice(-3).map((p) => p.type),
      ["special_cause_improvement", "special_cause_improvement", "special_cause_improvement"],
    );
    assert.throws(() => xmr(series(ys), { fixAfter: 11 }), RangeError);
    assert.throws(() => xmr(series(ys), { fixAfter: 12.5 }), RangeError);
    const short = xmr(series(ys.slice(0, 10)), { fixAfter: 12 });
    assert.equal(short.segments[0]!.fixed, false);
  });

  test("trial-limit warning under 13 points only", () => {
    const twelve = xmr(series([1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2]));
    assert.equal(twelve.segments[0]!.trial, true);
    assert.deepEqual(
      twelve.warnings.map((w) => w.code),
      ["trial_limits"],
    );
    assert.match(twelve.warnings[0]!.message, /12 points.*trial limits/);
    const thirteen = xmr(series([1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]));
    assert.equal(thirteen.segments[0]!.trial, false);
    assert.equal(thirteen.warnings.length, 0);
  });

  test("variation comes from the last point; assurance needs a target and a direction; equality is hit and miss", () => {
    const ys = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1];
    const r = xmr(series(ys), { improvement: "up" });
    assert.equal(r.points[4]!.type, "special_cause_improvement");
    assert.equal(r.variation, "common_cause");
    assert.equal(r.assurance, null);
    assert.equal(xmr(series(ys), { target: 1 }).assurance, null, "neutral direction: no assurance");
    const s = r.segments[0]!;
    assert.equal(xmr(series(ys), { improvement: "up", target: s.lpl }).assurance, "hit_and_miss");
    assert.equal(xmr(series(ys), { improvement: "up", target: s.upl }).assurance, "hit_and_miss");
    assert.equal(xmr(series(ys), { improvement: "up", target: s.lpl - 0.01 }).assurance, "consistently_passing");
    assert.equal(xmr(series(ys), { improvement: "down", target: s.lpl - 0.01 }).assurance, "consistently_failing");
    assert.equal(xmr(series([...ys, 10]), { improvement: "down" }).variation, "special_cause_concern");
    assert.equal(xmr(series([...ys, 10]), { improvement: "down" }).variationIcon, "concern_high");
  });

  test("input validation", () => {
    assert.throws(() => xmr([]), RangeError);
    assert.throws(() => xmr(series([1])), RangeError);
    assert.throws(() => xmr([{ date: "2020-01-02", value: 1 }, { date: "2020-01-01", value: 2 }]), /strictly increasing/);
    assert.throws(() => xmr([{ date: "2020-01-01", value: 1 }, { date: "2020-01-01", value: 2 }]), /strictly increasing/);
    assert.throws(() => xmr(series([1, Number.NaN])), /finite/);
    assert.throws(() => xmr([{ date: "01/01/2020", value: 1 }, { date: "2020-01-02", value: 2 }]), /YYYY-MM-DD/);
    assert.throws(() => xmr(series([1, 2]), { improvement: "sideways" as Improvement }), RangeError);
    assert.throws(() => xmr(series([1, 2]), { twoInThree: "new" as "mdc" }), RangeError);
    assert.throws(() => xmr(series([1, 2]), { target: Number.POSITIVE_INFINITY }), RangeError);
  });

  test("icons as data: every id, a hex colour, a letter and a meaning", () => {
    assert.deepEqual(Object.keys(VARIATION_ICONS).sort(), ["common_cause", "concern_high", "concern_low", "improvement_high", "improvement_low", "neutral_high", "neutral_low"]);
    assert.deepEqual(Object.keys(ASSURANCE_ICONS).sort(), ["consistently_failing", "consistently_passing", "hit_and_miss"]);
    for (const [id, icon] of [...Object.entries(VARIATION_ICONS), ...Object.entries(ASSURANCE_ICONS)]) {
      assert.equal(icon.id, id);
      assert.match(icon.colour, /^#[0-9A-F]{6}$/);
      assert.ok(icon.meaning.length > 20 && icon.label.length > 5);
    }
    assert.deepEqual(
      Object.values(VARIATION_ICONS).map((i) => [i.id, i.colour, i.letter]),
      [
        ["common_cause", "#A6A6A6", ""],
        ["improvement_high", "#00B0F0", "H"],
        ["improvement_low", "#00B0F0", "L"],
        ["concern_high", "#E46C0A", "H"],
        ["concern_low", "#E46C0A", "L"],
        ["neutral_high", "#490092", "H"],
        ["neutral_low", "#490092", "L"],
      ],
    );
    assert.deepEqual(
      Object.values(ASSURANCE_ICONS).map((i) => i.letter),
      ["P", "F", "?"],
    );
  });

  test("describeSpc: the text equivalent of the icons", () => {
    const rqm = FIXTURES.cases.find((c) => c.id === "nhsr_readme_rqm_ae_breaches")!;
    const r = runCase(rqm, "mdc");
    const text = describeSpc(r);
    assert.match(text, /^Common cause variation: /);
    assert.match(text, /The target of 1,200 is within the process limits, so it will sometimes be met and sometimes missed\.$/);
    assert.match(describeSpc(r, { unitLabel: "breaches" }), /between 740\.4 breaches and 2,349\.94 breaches/);
    const concern = xmr(series([...rqm.input.y, 3000], "2016-04-01"), { improvement: "down", target: 1200 });
    assert.equal(concern.variation, "special_cause_concern");
    assert.match(describeSpc(concern), /^Special cause variation — concern: the latest value is unusually high, and higher is worse\. It is above the upper process limit of [\d,.]+\. The target of 1,200 is within the process limits/);
    const neutral = xmr(series([1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 9]));
    assert.match(describeSpc(neutral), /^Special cause variation — neutral: the latest value is unusually high; no direction of improvement is set\. .* No target is set, so there is no assurance icon\./);
    const trial = xmr(series([1, 2, 3]), { improvement: "up", target: 100 });
    assert.match(describeSpc(trial), /consistently be missed unless the process changes\. The limits are trial limits, still provisional \(only 3 points/);
    const trend = xmr(series([0, 6, 0, 6, 0, 6, 0, 6, 0, 6, 5.9, 5.8, 5.7, 5.6, 5.5, 5.4, 5.3]), { improvement: "down" });
    assert.match(describeSpc(trend), /improvement: the latest value is part of an unusual run of falling values, and lower is better\. It is one of 7 or more values each lower than the one before\./);
  });

  test("describeSpc names a monthly series' last month, since its text sits beside a quarter's or a year's figure", () => {
    // A quarterly report read "the latest value (923)" beside the quarter's 2,495: 923 was September's.
    const monthEnds = (n: number, from: string) => Array.from({ length: n }, (_, i) => new Date(Date.UTC(Number(from.slice(0, 4)), Number(from.slice(5, 7)) + i, 0)).toISOString().slice(0, 10));
    const values = [880, 910, 905, 870, 925, 890, 900, 915, 885, 895, 905, 920, 900, 923];
    const monthly = xmr(values.map((value, i) => ({ date: monthEnds(values.length, "2024-08")[i]!, value })));
    assert.equal(monthly.points.at(-1)!.date, "2025-09-30");
    assert.match(describeSpc(monthly), /^Common cause variation: the value for September 2025 \(923\) is within what this process normally produces/);
    assert.doesNotMatch(describeSpc(monthly), /the latest value/);
    const high = xmr([...values, 2000].map((value, i) => ({ date: monthEnds(values.length + 1, "2024-08")[i]!, value })), { improvement: "down" });
    assert.match(describeSpc(high), /^Special cause variation — concern: the value for October 2025 is unusually high, and higher is worse\./);
    // A name given wins; a series not of month ends (daily, weekly) keeps "the latest value".
    assert.match(describeSpc(monthly, { lastLabel: "the month to 30 September" }), /the value for the month to 30 September \(923\)/);
    assert.match(describeSpc(xmr(series(values))), /^Common cause variation: the latest value \(923\)/);
  });
});
