import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { type Improvement, type PointType, type SpcInputPoint, type SpcResult, xmr } from "./spc.ts";

function series(values: readonly number[]): SpcInputPoint[] {
  const t0 = Date.UTC(2020, 0, 1);
  return values.map((value, i) => ({ date: new Date(t0 + i * 86_400_000).toISOString().slice(0, 10), value }));
}

/** Whole-number series (exact arithmetic in the mean and moving ranges), long enough to matter. */
const values = fc.array(fc.integer({ min: -500, max: 500 }), { minLength: 2, maxLength: 60 });
const improvement = fc.constantFrom<Improvement>("up", "down", "neutral");
const options = fc.record({
  screenOutliers: fc.boolean(),
  twoInThree: fc.constantFrom<"mdc" | "nhsr-legacy">("mdc", "nhsr-legacy"),
  runLength: fc.integer({ min: 5, max: 8 }),
  trendLength: fc.integer({ min: 5, max: 8 }),
});

/** True when no value sits within `eps` of a line it is compared with (knife-edge cases). */
function clearOfLines(r: SpcResult, eps = 1e-6): boolean {
  return r.points.every((p) => [p.lpl, p.upl, p.nlpl, p.nupl].every((l) => Math.abs(p.value - l) > eps));
}

const SWAP: Record<PointType, PointType> = {
  common_cause: "common_cause",
  special_cause_improvement: "special_cause_concern",
  special_cause_concern: "special_cause_improvement",
  special_cause_neutral_high: "special_cause_neutral_high",
  special_cause_neutral_low: "special_cause_neutral_low",
};

test("limits and 2σ lines are symmetric about the mean and ordered", () => {
  fc.assert(
    fc.property(values, options, (ys, o) => {
      const r = xmr(series(ys), o);
      for (const s of r.segments) {
        assert.ok(Math.abs(s.upl - s.mean - (s.mean - s.lpl)) <= 1e-9 * Math.max(1, Math.abs(s.mean)));
        assert.ok(Math.abs(s.nupl - s.mean - (s.mean - s.nlpl)) <= 1e-9 * Math.max(1, Math.abs(s.mean)));
        assert.ok(s.lpl <= s.nlpl && s.nlpl <= s.mean && s.mean <= s.nupl && s.nupl <= s.upl);
        assert.ok(Math.abs((s.upl - s.mean) / 2.66 - s.mrBar) <= 1e-9 * Math.max(1, s.mrBar));
      }
    }),
  );
});

test("adding a constant shifts the mean and limits but not the point types", () => {
  fc.assert(
    fc.property(values, fc.integer({ min: -10_000, max: 10_000 }), improvement, options, (ys, c, imp, o) => {
      const a = xmr(series(ys), { ...o, improvement: imp });
      fc.pre(clearOfLines(a));
      const b = xmr(
        series(ys.map((y) => y + c)),
        { ...o, improvement: imp },
      );
      a.segments.forEach((s, i) => {
        const t = b.segments[i]!;
        for (const k of ["mean", "lpl", "upl", "nlpl", "nupl"] as const) assert.ok(Math.abs(t[k] - (s[k] + c)) <= 1e-9 * Math.max(1, Math.abs(c), Math.abs(s[k])), k);
      });
      assert.deepEqual(
        b.points.map((p) => p.type),
        a.points.map((p) => p.type),
      );
    }),
  );
});

test("reversing the improvement direction swaps improvement and concern (and passing and failing)", () => {
  fc.assert(
    fc.property(values, options, fc.integer({ min: -600, max: 600 }), (ys, o, target) => {
      const up = xmr(series(ys), { ...o, improvement: "up", target });
      const down = xmr(series(ys), { ...o, improvement: "down", target });
      // A point whose rules signal both ways is an improvement either way (MDC: improvement wins).
      const mixed = (i: number) => new Set(up.points[i]!.rules.map((h) => h.direction)).size > 1;
      assert.deepEqual(
        down.points.map((p) => p.type),
        up.points.map((p, i) => (mixed(i) ? "special_cause_improvement" : SWAP[p.type])),
      );
      if (!mixed(ys.length - 1)) assert.equal(down.variation, SWAP[up.variation]);
      const swapA = { consistently_passing: "consistently_failing", consistently_failing: "consistently_passing", hit_and_miss: "hit_and_miss" } as const;
      assert.equal(down.assurance, up.assurance === null ? null : swapA[up.assurance]);
      const neutral = xmr(series(ys), { ...o, target });
      assert.equal(neutral.assurance, null);
      assert.deepEqual(
        neutral.points.map((p) => p.type === "common_cause"),
        up.points.map((p) => p.type === "common_cause"),
      );
    }),
  );
});

test("mirroring the values (y → −y) and the direction leaves every type unchanged", () => {
  fc.assert(
    fc.property(values, options, fc.constantFrom<Improvement>("up", "down"), (ys, o, imp) => {
      const a = xmr(series(ys), { ...o, improvement: imp });
      const b = xmr(
        series(ys.map((y) => -y)),
        { ...o, improvement: imp === "up" ? "down" : "up" },
      );
      assert.deepEqual(
        b.points.map((p) => p.type),
        a.points.map((p) => p.type),
      );
    }),
  );
});

test("screening never raises MR̄; a rebase leaves the earlier segment as if computed alone", () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: -500, max: 500 }), { minLength: 4, maxLength: 60 }), fc.nat(), improvement, (ys, cut, imp) => {
      const screened = xmr(series(ys), { improvement: imp });
      const raw = xmr(series(ys), { improvement: imp, screenOutliers: false });
      assert.ok(screened.segments[0]!.mrBar <= raw.segments[0]!.mrBar + 1e-12);
      const k = 2 + (cut % (ys.length - 3));
      const pts = series(ys);
      const rebased = xmr(pts, { improvement: imp, rebase: [pts[k]!.date] });
      const alone = xmr(pts.slice(0, k), { improvement: imp });
      const later = xmr(pts.slice(k), { improvement: imp });
      assert.deepEqual(rebased.points.slice(0, k), alone.points);
      assert.deepEqual(
        rebased.points.slice(k).map((p) => ({ ...p, segment: 0 })),
        later.points,
      );
      assert.equal(rebased.variation, later.variation);
    }),
  );
});

test("every point is common cause or flagged by a rule, and the label rule is among its hits", () => {
  fc.assert(
    fc.property(values, options, improvement, (ys, o, imp) => {
      const r = xmr(series(ys), { ...o, improvement: imp });
      for (const p of r.points) {
        assert.equal(p.type === "common_cause", p.rules.length === 0);
        assert.equal(p.rule === null, p.rules.length === 0);
        if (p.rule) assert.ok(p.rules.some((h) => h.rule === p.rule));
      }
      assert.equal(r.variation, r.points.at(-1)!.type);
    }),
  );
});
