import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { backtest, forecast, forecastWith } from "./forecast.ts";

/** A small deterministic generator, so the simulated series are the same on every run. */
function normals(seed: number): () => number {
  let s = seed >>> 0;
  const u = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 2 ** 32;
  };
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

describe("forecast", () => {
  it("matches the smoothing equations and the h-step variance worked by hand", () => {
    // Eleven months of 10 then a 14; α 0.5, no trend, no seasonality. The level starts at the
    // mean of the twelve (10⅓), halves its distance to 10 each month, then jumps half way to 14.
    const y = [...new Array(11).fill(10), 14];
    const f = forecastWith(y, { alpha: 0.5, beta: 0, gamma: 0, phi: 0.9, seasonal: false }, 3);
    const l10 = 10 + (1 / 3) * 0.5 ** 11;
    const level = l10 + 0.5 * (14 - l10);
    let sse = (14 - l10) ** 2;
    for (let t = 0; t <= 10; t++) sse += ((1 / 3) * 0.5 ** t) ** 2;
    const sigma = Math.sqrt(sse / (12 - 4));
    assert.ok(Math.abs(f.points[0]!.mean - level) < 1e-9);
    assert.ok(Math.abs(f.points[2]!.mean - level) < 1e-9, "no trend: the forecast is flat");
    assert.ok(Math.abs(f.sigma - sigma) < 1e-9);
    // h = 1: ±1.2816σ; h = 2: σ·√(1 + α²); h = 3: σ·√(1 + 2α²) (β = 0).
    assert.ok(Math.abs(f.points[0]!.hi80 - (level + 1.2815515655446004 * sigma)) < 1e-9);
    assert.ok(Math.abs(f.points[1]!.hi95 - (level + 1.959963984540054 * sigma * Math.sqrt(1.25))) < 1e-9);
    assert.ok(Math.abs(f.points[2]!.lo80 - (level - 1.2815515655446004 * sigma * Math.sqrt(1.5))) < 1e-9);
  });

  it("repeats a clean yearly pattern and finds it is seasonal", () => {
    const pattern = [100, 95, 110, 120, 118, 112, 90, 80, 105, 125, 122, 108];
    const y = Array.from({ length: 72 }, (_, t) => pattern[t % 12]!);
    const f = forecast(y, 12);
    assert.equal(f.params.seasonal, true);
    for (const [i, p] of f.points.entries()) assert.ok(Math.abs(p.mean - pattern[i]!) < 0.5, `month ${i + 1}: ${p.mean} against ${pattern[i]}`);
    assert.ok(f.sigma < 0.5);
  });

  it("keeps a constant series constant (its ranges: below)", () => {
    const f = forecast(new Array(30).fill(250), 12);
    for (const p of f.points) assert.ok(Math.abs(p.mean - 250) < 1e-6);
  });

  it("nests the intervals and widens them with the horizon, never below zero", () => {
    const z = normals(7);
    const y = Array.from({ length: 60 }, (_, t) => Math.max(0, 20 + 0.1 * t + 6 * z()));
    const f = forecast(y, 12);
    let width = 0;
    for (const p of f.points) {
      assert.ok(p.lo95 <= p.lo80 && p.lo80 <= p.mean && p.mean <= p.hi80 && p.hi80 <= p.hi95);
      assert.ok(p.lo95 >= 0);
      assert.ok(p.hi95 - p.lo95 >= width - 1e-9);
      width = p.hi95 - p.lo95;
    }
  });

  it("gives intervals that hold the outcome about as often as they say, on simulated series", () => {
    // 120 series from a seasonal random-walk-plus-noise process; the last 12 months of each are held out.
    const z = normals(2024);
    let in80 = 0;
    let in95 = 0;
    let n = 0;
    for (let s = 0; s < 120; s++) {
      let level = 400;
      const y: number[] = [];
      for (let t = 0; t < 84; t++) {
        level += 4 * z();
        y.push(level + 25 * Math.sin((2 * Math.PI * t) / 12) + 10 * z());
      }
      const b = backtest(y, 12);
      in80 += b.coverage80 * 12;
      in95 += b.coverage95 * 12;
      n += 12;
    }
    const c80 = in80 / n;
    const c95 = in95 / n;
    assert.ok(c80 > 0.7 && c80 < 0.9, `80% intervals held ${Math.round(c80 * 100)}%`);
    assert.ok(c95 > 0.87 && c95 <= 1, `95% intervals held ${Math.round(c95 * 100)}%`);
  });

  it("widens the ranges for a stock that drifts for months at a time, as children in care do", () => {
    // Monthly changes that persist (each month's change is 0.8 of the last plus noise): one-step
    // errors understate a year's drift, so the ranges come from past 12-month errors too.
    const z = normals(8);
    let in80 = 0;
    let in95 = 0;
    for (let s = 0; s < 100; s++) {
      let v = 400;
      let d = 0;
      const y: number[] = [];
      for (let t = 0; t < 78; t++) {
        d = 0.8 * d + 1.5 * z();
        v += d + 2 * z();
        y.push(v);
      }
      const b = backtest(y, 12);
      in80 += b.coverage80 * 12;
      in95 += b.coverage95 * 12;
    }
    assert.ok(in80 / 1200 > 0.7, `80% ranges held ${Math.round(in80 / 12)}%`);
    assert.ok(in95 / 1200 > 0.87, `95% ranges held ${Math.round(in95 / 12)}%`);
  });

  it("scores a back-test against the held-out months", () => {
    const y = Array.from({ length: 36 }, (_, t) => (t < 24 ? 100 : 110));
    const b = backtest(y, 12);
    assert.equal(b.holdout, 12);
    // The model saw only 100s, so it forecasts 100 and misses the 110s by 10 (9.09%).
    assert.ok(Math.abs(b.mae - 10) < 1e-6);
    assert.ok(Math.abs(b.mape - (100 * 10) / 110) < 1e-6);
  });

  it("a history that never varies gets ranges of chance variation at its level, said so, not ranges of no width", () => {
    const f = forecast(new Array(24).fill(50));
    assert.equal(f.sigma, 0);
    const first = f.points[0]!;
    assert.ok(Math.abs(first.mean - 50) < 1e-9);
    // One month ahead: 50 ± 1.96 × √50 (7.07) for 95%.
    assert.ok(Math.abs(first.hi95 - first.lo95 - 2 * 1.959964 * Math.sqrt(50)) < 0.01, `${first.lo95}–${first.hi95}`);
    assert.ok(f.points.every((p) => p.lo95 < 50 && p.hi95 > 50 && p.hi80 - p.lo80 < p.hi95 - p.lo95));
    assert.match(f.method, /did not vary in the months fitted.*Poisson/);
    // Never any: a range above 0 still (a child may yet arrive), floored at 0 below.
    const none = forecast(new Array(24).fill(0));
    assert.ok(none.points.every((p) => p.lo95 === 0 && p.hi95 > 1));
    // A history that varies keeps the usual wording.
    assert.doesNotMatch(forecast(Array.from({ length: 24 }, (_, t) => 50 + (t % 3))).method, /did not vary/);
  });

  it("refuses a series too short to forecast or with gaps", () => {
    assert.throws(() => forecast([1, 2, 3]), /at least 12 months/);
    assert.throws(() => forecast([...new Array(20).fill(5), Number.NaN]), /a value for every month/);
    assert.throws(() => backtest(new Array(20).fill(5), 12), /at least 24 months/);
  });
});
