/**
 * @module
 * Statistical process control after NHS England's "Making Data Count" (XmR chart), following
 * NHSRplotthedots semantics (indicators.md §7): mean, moving ranges, process limits
 * (mean ± 2.66 × MR̄) and the 2σ band, the four special-cause rules, point types, the variation
 * icon (from the last point) and the assurance icon (from the latest segment's limits).
 * Pure: no IO, no clock, no drawing. It does not read files, choose rebase dates for you, draw
 * charts or decide what a council should do; the CLI and the web app are thin adapters over it.
 */

import { type AssuranceType, assuranceFor, type Improvement, partOfRun, runMarks, type Sign, trendMarks, twoInThreeFlags } from "./spc-rules.ts";
import { type VariationIconId, variationIconId } from "./spc-icons.ts";

export type { AssuranceType, Improvement, Sign } from "./spc-rules.ts";
export { assuranceFor, partOfRun, runMarks, trendMarks, twoInThreeFlags, twoInThreeWindows } from "./spc-rules.ts";
export { ASSURANCE_ICONS, describeSpc, type SpcIcon, spcUnitLabel, VARIATION_ICONS, type VariationIconId, variationIconId } from "./spc-icons.ts";

/** Process-limit multiplier: 3 / d₂ with d₂ = 1.128 for moving ranges of two. */
export const LIMIT_FACTOR = 2.66;
/** The 2σ ("near limit") multiplier: two thirds of {@link LIMIT_FACTOR}. */
export const NEAR_LIMIT_FACTOR = (2 * LIMIT_FACTOR) / 3;
/** Moving ranges at or above D₄ × MR̄ are screened out before MR̄ is recomputed. */
export const MR_SCREEN_FACTOR = 3.267;
/** Segments with fewer points than this have trial limits (NHSRplotthedots `warning_threshold`). */
export const TRIAL_LIMIT_THRESHOLD = 13;
/** The smallest `fixAfter` NHSRplotthedots accepts. */
export const MIN_FIX_AFTER = 12;

/** How a point (and so the variation icon) is classified. */
export type PointType = "common_cause" | "special_cause_improvement" | "special_cause_concern" | "special_cause_neutral_high" | "special_cause_neutral_low";

/** The variation of the series: the type of its last point. */
export type VariationType = PointType;

/** A special-cause rule, in label precedence order: astronomical > trend > two_in_three > shift. */
export type SpcRule = "astronomical" | "trend" | "two_in_three" | "shift";

/** The rules in label precedence order. */
export const SPC_RULES: readonly SpcRule[] = ["astronomical", "trend", "two_in_three", "shift"];

/** One observation. Dates are ISO `YYYY-MM-DD`, strictly increasing. */
export interface SpcInputPoint {
  readonly date: string;
  readonly value: number;
}

/** Options for {@link xmr}; every one has the MDC / NHSRplotthedots default. */
export interface SpcOptions {
  /** Which direction is better; default "neutral" (purple icons, no assurance). */
  readonly improvement?: Improvement;
  /** Target for the assurance icon; needs an improvement direction. */
  readonly target?: number;
  /** Drop moving ranges ≥ 3.267 × MR̄ and recompute MR̄ once (default true; false = MDC Excel tool). */
  readonly screenOutliers?: boolean;
  /** Points on one side of the mean that make a shift (default 7). */
  readonly runLength?: number;
  /** Points steadily rising or falling that make a trend (default 7). */
  readonly trendLength?: number;
  /** Compute mean and MR̄ from the first N points of each segment (N ≥ 12); default: all points. */
  readonly fixAfter?: number;
  /** ISO dates; each starts a new segment at the first point on or after it. */
  readonly rebase?: readonly string[];
  /**
   * Two-in-three rule: "mdc" (default, MDC Nov 2023) counts every point beyond 2σ, including
   * points beyond the process limits; "nhsr-legacy" counts only points between 2σ and the limits.
   */
  readonly twoInThree?: "mdc" | "nhsr-legacy";
}

/** The options actually used, defaults filled in. */
export interface SpcResolvedOptions {
  readonly improvement: Improvement;
  readonly target: number | null;
  readonly screenOutliers: boolean;
  readonly runLength: number;
  readonly trendLength: number;
  readonly fixAfter: number | null;
  readonly rebase: readonly string[];
  readonly twoInThree: "mdc" | "nhsr-legacy";
}

/** A rule that fired on a point and the direction of its signal (+1 high / rising, −1 low / falling). */
export interface SpcRuleHit {
  readonly rule: SpcRule;
  readonly direction: -1 | 1;
}

/** One point with its segment's limits and its classification. */
export interface SpcPoint {
  readonly date: string;
  readonly value: number;
  /** 0-based index of the segment (rebase group) the point belongs to. */
  readonly segment: number;
  readonly mean: number;
  /** Lower and upper process limits (mean ∓ 2.66 MR̄). */
  readonly lpl: number;
  readonly upl: number;
  /** Lower and upper 2σ lines (mean ∓ 1.7733 MR̄). */
  readonly nlpl: number;
  readonly nupl: number;
  /** |value − previous value| within the segment; null for a segment's first point. */
  readonly movingRange: number | null;
  readonly type: PointType;
  /** The rule that labels the point (highest precedence among those agreeing with `type`), or null. */
  readonly rule: SpcRule | null;
  /** Every rule that fired on the point, in precedence order. */
  readonly rules: readonly SpcRuleHit[];
}

/** Summary of one segment (rebase group). */
export interface SpcSegment {
  readonly index: number;
  readonly start: string;
  readonly end: string;
  readonly n: number;
  /** Points the mean and MR̄ were computed from (fewer than n when limits are fixed). */
  readonly baselineN: number;
  readonly fixed: boolean;
  readonly mean: number;
  /** Mean moving range after any screening. */
  readonly mrBar: number;
  /** Moving ranges used for MR̄, and those screened out as outliers. */
  readonly movingRangesUsed: number;
  readonly movingRangesScreened: number;
  readonly lpl: number;
  readonly upl: number;
  readonly nlpl: number;
  readonly nupl: number;
  /** Fewer than 13 points: the limits are trial limits. */
  readonly trial: boolean;
}

/** Something a reader of the chart should know; never an error. */
export interface SpcWarning {
  readonly code: "trial_limits" | "rebase_ignored";
  readonly message: string;
  readonly segment?: number;
  readonly date?: string;
}

/** Everything {@link xmr} computes. */
export interface SpcResult {
  readonly points: readonly SpcPoint[];
  readonly segments: readonly SpcSegment[];
  /** The last point's type. */
  readonly variation: VariationType;
  /** Which variation icon to draw (adds H/L to `variation`). */
  readonly variationIcon: VariationIconId;
  /** Null without a target or without an improvement direction. */
  readonly assurance: AssuranceType | null;
  readonly options: SpcResolvedOptions;
  readonly warnings: readonly SpcWarning[];
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when `s` is a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

function resolveOptions(o: SpcOptions): SpcResolvedOptions {
  const improvement = o.improvement ?? "neutral";
  if (improvement !== "up" && improvement !== "down" && improvement !== "neutral") throw new RangeError(`improvement must be "up", "down" or "neutral", not ${JSON.stringify(improvement)}.`);
  const twoInThree = o.twoInThree ?? "mdc";
  if (twoInThree !== "mdc" && twoInThree !== "nhsr-legacy") throw new RangeError(`twoInThree must be "mdc" or "nhsr-legacy", not ${JSON.stringify(twoInThree)}.`);
  const runLength = o.runLength ?? 7;
  const trendLength = o.trendLength ?? 7;
  for (const [name, v] of [
    ["runLength", runLength],
    ["trendLength", trendLength],
  ] as const) {
    if (!Number.isInteger(v) || v < 2) throw new RangeError(`${name} must be a whole number of at least 2, not ${v}.`);
  }
  if (o.fixAfter !== undefined && (!Number.isInteger(o.fixAfter) || o.fixAfter < MIN_FIX_AFTER)) {
    throw new RangeError(`fixAfter must be a whole number of at least ${MIN_FIX_AFTER}, not ${o.fixAfter}.`);
  }
  if (o.target !== undefined && !Number.isFinite(o.target)) throw new RangeError(`target must be a finite number, not ${o.target}.`);
  const rebase = [...(o.rebase ?? [])];
  for (const d of rebase) if (!isIsoDate(d)) throw new RangeError(`rebase date ${JSON.stringify(d)} is not a date written YYYY-MM-DD.`);
  rebase.sort();
  return {
    improvement,
    target: o.target ?? null,
    screenOutliers: o.screenOutliers ?? true,
    runLength,
    trendLength,
    fixAfter: o.fixAfter ?? null,
    rebase,
    twoInThree,
  };
}

/** Mean, MR̄ and limits of one segment's values (NHSRplotthedots `ptd_spc_standard`). */
function segmentLimits(values: readonly number[], opts: SpcResolvedOptions) {
  const baselineN = opts.fixAfter === null ? values.length : Math.min(values.length, opts.fixAfter);
  const base = values.slice(0, baselineN);
  const m = mean(base);
  let mrs: number[] = [];
  for (let i = 1; i < base.length; i++) mrs.push(Math.abs(base[i]! - base[i - 1]!));
  const all = mrs.length;
  let mrBar = mean(mrs);
  // With MR̄ = 0 every range would be "≥ 3.267 × 0": screening would leave nothing, so skip it.
  // Screening is for a few outlying ranges. A series of mostly the same value with rare jumps
  // (0% of children placed away in most months, a few months at 4%) has every non-zero range
  // screened out, and MR̄ 0 would put both limits on the mean: every ordinary month would become
  // a special cause. Where screening would leave MR̄ 0, the ranges are kept unscreened.
  if (opts.screenOutliers && mrBar > 0) {
    const cut = MR_SCREEN_FACTOR * mrBar;
    const kept = mrs.filter((r) => r < cut);
    if (mean(kept) > 0) {
      mrs = kept;
      mrBar = mean(mrs);
    }
  }
  return {
    baselineN,
    fixed: baselineN < values.length,
    mean: m,
    mrBar,
    movingRangesUsed: mrs.length,
    movingRangesScreened: all - mrs.length,
    lpl: m - LIMIT_FACTOR * mrBar,
    upl: m + LIMIT_FACTOR * mrBar,
    nlpl: m - NEAR_LIMIT_FACTOR * mrBar,
    nupl: m + NEAR_LIMIT_FACTOR * mrBar,
  };
}

/** Every rule hit on each point of one segment, in precedence order. */
function segmentHits(values: readonly number[], lim: ReturnType<typeof segmentLimits>, opts: SpcResolvedOptions): SpcRuleHit[][] {
  const side = values.map((y): Sign => (y > lim.mean ? 1 : y < lim.mean ? -1 : 0));
  const outside = values.map((y) => y > lim.upl || y < lim.lpl);
  const beyond2s = values.map((y) => y > lim.nupl || y < lim.nlpl);
  const close = opts.twoInThree === "mdc" ? beyond2s : beyond2s.map((b, i) => b && !outside[i]);
  const shift = partOfRun(runMarks(side, opts.runLength), opts.runLength);
  const trendEnd = trendMarks(values, opts.trendLength);
  const trendDirs: Set<-1 | 1>[] = values.map(() => new Set());
  trendEnd.forEach((d, i) => {
    if (d === 0) return;
    for (let k = Math.max(0, i - opts.trendLength + 1); k <= i; k++) trendDirs[k]!.add(d);
  });
  const twoThree = twoInThreeFlags(close, side);
  return values.map((_, i) => {
    const hits: SpcRuleHit[] = [];
    const s = side[i]!;
    if (outside[i]) hits.push({ rule: "astronomical", direction: values[i]! > lim.upl ? 1 : -1 });
    for (const d of [1, -1] as const) if (trendDirs[i]!.has(d)) hits.push({ rule: "trend", direction: d });
    if (twoThree[i] && s !== 0) hits.push({ rule: "two_in_three", direction: s });
    if (shift[i] && s !== 0) hits.push({ rule: "shift", direction: s });
    return hits;
  });
}

/**
 * Classify a point from its rule hits. With an improvement direction the point is an improvement
 * if any rule signals in the better direction, otherwise a concern (MDC: improvement wins). With
 * no direction, the highest-precedence rule decides high or low; a point at the turn of two
 * opposite trends (its only top rule) takes its side of the mean, high when on the mean.
 */
function classify(hits: readonly SpcRuleHit[], side: Sign, improvement: Improvement): { type: PointType; rule: SpcRule | null } {
  const first = hits[0];
  if (!first) return { type: "common_cause", rule: null };
  if (improvement === "neutral") {
    const top = hits.filter((h) => h.rule === first.rule);
    const dir = top.length > 1 ? (side === 0 ? 1 : side) : first.direction;
    return { type: dir === 1 ? "special_cause_neutral_high" : "special_cause_neutral_low", rule: first.rule };
  }
  const better = improvement === "up" ? 1 : -1;
  const good = hits.find((h) => h.direction === better);
  if (good) return { type: "special_cause_improvement", rule: good.rule };
  return { type: "special_cause_concern", rule: first.rule };
}

/** Index of the first point of each segment (always includes 0). */
function segmentStarts(dates: readonly string[], rebase: readonly string[], warnings: SpcWarning[]): number[] {
  const starts = new Set<number>([0]);
  for (const d of rebase) {
    const i = dates.findIndex((x) => x >= d);
    if (i === -1) warnings.push({ code: "rebase_ignored", date: d, message: `The rebase date ${d} is after the last point (${dates.at(-1)}), so it was ignored.` });
    else if (i === 0) warnings.push({ code: "rebase_ignored", date: d, message: `The rebase date ${d} is on or before the first point (${dates[0]}), so it changes nothing.` });
    else starts.add(i);
  }
  return [...starts].sort((a, b) => a - b);
}

/**
 * Compute an XmR ("Making Data Count") chart: limits per segment, special-cause rules per segment,
 * each point's type, the variation icon (last point) and the assurance icon (latest segment).
 * @param points observations in strictly increasing date order, at least 2 per segment
 * @throws RangeError on invalid options, dates out of order, non-finite values, or a segment with
 *   fewer than 2 points (no moving range)
 */
export function xmr(points: readonly SpcInputPoint[], options: SpcOptions = {}): SpcResult {
  const opts = resolveOptions(options);
  if (points.length < 2) throw new RangeError(`An XmR chart needs at least 2 points; got ${points.length}.`);
  points.forEach((p, i) => {
    if (!isIsoDate(p.date)) throw new RangeError(`Point ${i + 1} has date ${JSON.stringify(p.date)}; expected YYYY-MM-DD.`);
    if (!Number.isFinite(p.value)) throw new RangeError(`Point ${i + 1} (${p.date}) has value ${p.value}; expected a finite number.`);
    if (i > 0 && p.date <= points[i - 1]!.date) throw new RangeError(`Point ${i + 1} (${p.date}) is not after point ${i} (${points[i - 1]!.date}); dates must be strictly increasing.`);
  });
  const warnings: SpcWarning[] = [];
  const dates = points.map((p) => p.date);
  const starts = segmentStarts(dates, opts.rebase, warnings);
  const outPoints: SpcPoint[] = [];
  const segments: SpcSegment[] = [];
  starts.forEach((start, index) => {
    const end = starts[index + 1] ?? points.length;
    const seg = points.slice(start, end);
    if (seg.length < 2) throw new RangeError(`The segment starting ${seg[0]!.date} has only ${seg.length} point; a segment needs at least 2 (move or drop that rebase date).`);
    const values = seg.map((p) => p.value);
    const lim = segmentLimits(values, opts);
    const hits = segmentHits(values, lim, opts);
    const trial = seg.length < TRIAL_LIMIT_THRESHOLD;
    segments.push({ index, start: seg[0]!.date, end: seg.at(-1)!.date, n: seg.length, trial, ...lim });
    if (trial) {
      warnings.push({
        code: "trial_limits",
        segment: index,
        message: `${starts.length > 1 ? `Segment ${index + 1} (from ${seg[0]!.date})` : "The series"} has ${seg.length} points, fewer than ${TRIAL_LIMIT_THRESHOLD}: its limits are trial limits and will change as points are added.`,
      });
    }
    seg.forEach((p, i) => {
      const side: Sign = p.value > lim.mean ? 1 : p.value < lim.mean ? -1 : 0;
      const { type, rule } = classify(hits[i]!, side, opts.improvement);
      outPoints.push({
        date: p.date,
        value: p.value,
        segment: index,
        mean: lim.mean,
        lpl: lim.lpl,
        upl: lim.upl,
        nlpl: lim.nlpl,
        nupl: lim.nupl,
        movingRange: i === 0 ? null : Math.abs(p.value - seg[i - 1]!.value),
        type,
        rule,
        rules: hits[i]!,
      });
    });
  });
  const variation = outPoints.at(-1)!.type;
  const last = segments.at(-1)!;
  return {
    points: outPoints,
    segments,
    variation,
    variationIcon: variationIconId(variation, opts.improvement),
    assurance: opts.target === null ? null : assuranceFor(last.lpl, last.upl, opts.target, opts.improvement),
    options: opts,
    warnings,
  };
}
