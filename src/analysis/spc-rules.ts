/**
 * @module
 * The special-cause rules of an XmR chart as small pure functions over plain arrays, one per
 * NHSRplotthedots helper (`ptd_seven_point_one_side_mean`, `ptd_part_of_seven_trend`,
 * `ptd_seven_point_trend`, `ptd_two_in_three`, `ptd_part_of_two_in_three`,
 * `ptd_calculate_assurance_type`), so each can be tested against that package's unit vectors.
 * They know nothing about dates, segments, limits or improvement direction: `spc.ts` composes
 * them per segment. Comparisons are strict throughout (see indicators.md §7.2).
 */

/** −1 below / decreasing, 0 on the mean / flat, +1 above / increasing. */
export type Sign = -1 | 0 | 1;

/** The direction in which a measure improves. */
export type Improvement = "up" | "down" | "neutral";

/** Assurance against a target (MDC "assurance" icons). */
export type AssuranceType = "consistently_passing" | "consistently_failing" | "hit_and_miss";

function sign(x: number): Sign {
  return x > 0 ? 1 : x < 0 ? -1 : 0;
}

/**
 * Shift: marks (1) the `runLength`-th and every later point of a run of consecutive points on the
 * same side of the mean; a point on the mean (0) breaks the run. Only the point that completes
 * the run and those after it are marked; {@link partOfRun} then marks the whole run.
 * @param side the sign of (value − mean) for each point
 */
export function runMarks(side: readonly number[], runLength = 7): (0 | 1)[] {
  const out: (0 | 1)[] = [];
  let len = 0;
  let prev: Sign = 0;
  for (const v of side) {
    const s = sign(v);
    len = s === 0 ? 0 : s === prev ? len + 1 : 1;
    prev = s;
    out.push(len >= runLength ? 1 : 0);
  }
  return out;
}

/**
 * Marks every point of a run whose last point carries a non-zero mark: point i is part of a run
 * if any of points i … i + length − 1 is marked (NHSRplotthedots `ptd_part_of_seven_trend`).
 */
export function partOfRun(marks: readonly number[], length = 7): (0 | 1)[] {
  return marks.map((_, i) => {
    for (let k = i; k < Math.min(marks.length, i + length); k++) if (marks[k] !== 0) return 1;
    return 0;
  });
}

/**
 * Trend: marks the `trendLength`-th and later points of a run of points each strictly above
 * (+1) or strictly below (−1) the one before, i.e. `trendLength − 1` same-sign differences; a
 * repeated value breaks the trend.
 */
export function trendMarks(values: readonly number[], trendLength = 7): Sign[] {
  const out: Sign[] = [];
  let len = 0;
  let prev: Sign = 0;
  for (let i = 0; i < values.length; i++) {
    const d = i === 0 ? 0 : sign(values[i]! - values[i - 1]!);
    len = d === 0 ? 0 : d === prev ? len + 1 : 1;
    prev = d;
    out.push(len >= trendLength - 1 ? d : 0);
  }
  return out;
}

/**
 * Two in three: marks (1) every point of any window of three consecutive points in which at least
 * two are "close" (beyond the 2σ line, by whichever definition the caller chose) and all three are
 * on the same side of the mean (none on it). Windows never extend past either end.
 * @param close whether each point counts towards the rule
 * @param side the sign of (value − mean) for each point
 */
export function twoInThreeWindows(close: readonly (number | boolean)[], side: readonly number[]): (0 | 1)[] {
  const out: (0 | 1)[] = close.map(() => 0);
  for (let i = 2; i < close.length; i++) {
    const s = sign(side[i]!);
    if (s === 0 || sign(side[i - 1]!) !== s || sign(side[i - 2]!) !== s) continue;
    const n = Number(Boolean(close[i])) + Number(Boolean(close[i - 1])) + Number(Boolean(close[i - 2]));
    if (n >= 2) out[i] = out[i - 1] = out[i - 2] = 1;
  }
  return out;
}

/**
 * Two in three, the points actually flagged: those inside a qualifying window
 * ({@link twoInThreeWindows}) that are themselves close (NHSRplotthedots
 * `ptd_part_of_two_in_three`).
 */
export function twoInThreeFlags(close: readonly (number | boolean)[], side: readonly number[]): (0 | 1)[] {
  const w = twoInThreeWindows(close, side);
  return w.map((v, i) => (v === 1 && close[i] ? 1 : 0));
}

/**
 * Assurance of meeting `target` given the process limits: for increase-is-better, a target below
 * the lower limit is consistently passed, above the upper limit consistently failed, otherwise hit
 * and miss (equality counts as hit and miss); decrease-is-better mirrors this; neutral → null.
 */
export function assuranceFor(lpl: number, upl: number, target: number, improvement: Improvement): AssuranceType | null {
  if (improvement === "neutral") return null;
  const below = target < lpl;
  const above = target > upl;
  if (!below && !above) return "hit_and_miss";
  return (improvement === "up") === below ? "consistently_passing" : "consistently_failing";
}
