/**
 * @module
 * The Making Data Count variation and assurance icons as data (id, label, letter, colour,
 * meaning), and {@link describeSpc}: the plain-English text equivalent of the icons for screen
 * readers, reports and the CLI. It draws nothing (the web app and reports own the SVG) and
 * computes nothing: it only reads an {@link SpcResult}.
 * Colours are NHSRplotthedots `ptd_spc_colours` (indicators.md §7.3). Each icon also names the
 * colour of its letter and of the disc's outline, chosen so that the letter has 4.5:1 against the
 * disc (WCAG 1.4.3) and the outline 3:1 against a white page (1.4.11): a white letter has only
 * 2.48:1 on the blue and 3.26:1 on the orange, so those and the grey carry a near-black one.
 */

import { monthName } from "../calendar/periods.ts";
import type { SpcResult, VariationType } from "./spc.ts";
import type { AssuranceType, Improvement } from "./spc-rules.ts";

/** One icon: what to draw and what it means. */
export interface SpcIcon {
  readonly id: string;
  /** Short name, e.g. "Special cause — improvement (high)". */
  readonly label: string;
  /** The word shown beside the icon, so what its colour says is also said without colour (WCAG 1.4.1): "concern", "improvement", … */
  readonly word: string;
  /** The letter drawn in the icon: H, L, P, F, ? — or "" for none. */
  readonly letter: "H" | "L" | "P" | "F" | "?" | "";
  /** Fill colour, hex (Making Data Count's). */
  readonly colour: string;
  /** The letter's colour, hex: 4.5:1 or more against `colour`. */
  readonly letterColour: string;
  /** The disc's outline, hex: 3:1 or more against a white page. */
  readonly outline: string;
  /** One sentence a person can read instead of seeing the icon. */
  readonly meaning: string;
}

/** Variation icons: the variation type plus, for special causes, high (H) or low (L). */
export type VariationIconId = "common_cause" | "improvement_high" | "improvement_low" | "concern_high" | "concern_low" | "neutral_high" | "neutral_low";

const GREY = "#A6A6A6";
const BLUE = "#00B0F0";
const ORANGE = "#E46C0A";
const PURPLE = "#490092";
/** GOV.UK's text colour: the letter on light discs, and every disc's outline. */
const NEAR_BLACK = "#0b0c0c";
const WHITE = "#ffffff";

/** Every variation icon, keyed by id. */
export const VARIATION_ICONS: Readonly<Record<VariationIconId, SpcIcon & { readonly id: VariationIconId; readonly variation: VariationType }>> = {
  common_cause: {
    id: "common_cause",
    word: "common cause",
    variation: "common_cause",
    label: "Common cause variation",
    letter: "",
    colour: GREY,
    letterColour: NEAR_BLACK,
    outline: NEAR_BLACK,
    meaning: "No significant change: the latest value is within the variation this process normally shows.",
  },
  improvement_high: {
    id: "improvement_high",
    word: "improvement",
    variation: "special_cause_improvement",
    label: "Special cause variation — improvement (higher)",
    letter: "H",
    colour: BLUE,
    letterColour: NEAR_BLACK,
    outline: NEAR_BLACK,
    meaning: "Special cause variation of an improving nature: values are unusually high, and higher is better.",
  },
  improvement_low: {
    id: "improvement_low",
    word: "improvement",
    variation: "special_cause_improvement",
    label: "Special cause variation — improvement (lower)",
    letter: "L",
    colour: BLUE,
    letterColour: NEAR_BLACK,
    outline: NEAR_BLACK,
    meaning: "Special cause variation of an improving nature: values are unusually low, and lower is better.",
  },
  concern_high: {
    id: "concern_high",
    word: "concern",
    variation: "special_cause_concern",
    label: "Special cause variation — concern (higher)",
    letter: "H",
    colour: ORANGE,
    letterColour: NEAR_BLACK,
    outline: NEAR_BLACK,
    meaning: "Special cause variation of a concerning nature: values are unusually high, and higher is worse.",
  },
  concern_low: {
    id: "concern_low",
    word: "concern",
    variation: "special_cause_concern",
    label: "Special cause variation — concern (lower)",
    letter: "L",
    colour: ORANGE,
    letterColour: NEAR_BLACK,
    outline: NEAR_BLACK,
    meaning: "Special cause variation of a concerning nature: values are unusually low, and lower is worse.",
  },
  neutral_high: {
    id: "neutral_high",
    word: "neutral",
    variation: "special_cause_neutral_high",
    label: "Special cause variation — neutral (higher)",
    letter: "H",
    colour: PURPLE,
    letterColour: WHITE,
    outline: NEAR_BLACK,
    meaning: "Special cause variation: values are unusually high; neither direction is set as better.",
  },
  neutral_low: {
    id: "neutral_low",
    word: "neutral",
    variation: "special_cause_neutral_low",
    label: "Special cause variation — neutral (lower)",
    letter: "L",
    colour: PURPLE,
    letterColour: WHITE,
    outline: NEAR_BLACK,
    meaning: "Special cause variation: values are unusually low; neither direction is set as better.",
  },
};

/** Every assurance icon, keyed by id. */
export const ASSURANCE_ICONS: Readonly<Record<AssuranceType, SpcIcon & { readonly id: AssuranceType }>> = {
  consistently_passing: {
    id: "consistently_passing",
    word: "passing",
    label: "Consistently passing the target",
    letter: "P",
    colour: BLUE,
    letterColour: NEAR_BLACK,
    outline: NEAR_BLACK,
    meaning: "The target lies outside the process limits on the passing side: the process will meet it every time unless something changes.",
  },
  consistently_failing: {
    id: "consistently_failing",
    word: "failing",
    label: "Consistently failing the target",
    letter: "F",
    colour: ORANGE,
    letterColour: NEAR_BLACK,
    outline: NEAR_BLACK,
    meaning: "The target lies outside the process limits on the failing side: the process will miss it every time unless the process itself changes.",
  },
  hit_and_miss: {
    id: "hit_and_miss",
    word: "hit and miss",
    label: "Hit and miss against the target",
    letter: "?",
    colour: GREY,
    letterColour: NEAR_BLACK,
    outline: NEAR_BLACK,
    meaning: "The target lies within the process limits: the process will sometimes meet it and sometimes miss it, by chance alone.",
  },
};

/** Which variation icon to draw for a variation type under an improvement direction. */
export function variationIconId(variation: VariationType, improvement: Improvement): VariationIconId {
  switch (variation) {
    case "common_cause":
      return "common_cause";
    case "special_cause_neutral_high":
      return "neutral_high";
    case "special_cause_neutral_low":
      return "neutral_low";
    case "special_cause_improvement":
      return improvement === "down" ? "improvement_low" : "improvement_high";
    case "special_cause_concern":
      return improvement === "down" ? "concern_high" : "concern_low";
  }
}

/** Each SPC rule in plain words, as a chart's point names the one that flagged it. */
export const RULE_WORDS: Readonly<Record<string, string>> = {
  astronomical: "beyond a process limit",
  shift: "one of a run on one side of the mean",
  trend: "one of a run rising or falling",
  two_in_three: "two of three values near a process limit",
};

function fmt(n: number, unitLabel: string | undefined): string {
  const s = n.toLocaleString("en-GB", { maximumFractionDigits: 2 });
  return unitLabel === "%" ? `${s}%` : unitLabel ? `${s} ${unitLabel}` : s;
}

/**
 * The unit label {@link describeSpc} writes after numbers for an indicator's unit: "%" for a
 * percentage (so "between 15.36% and 30.41%" sits beside a table of 22.0%), "working days" for a
 * median in days; none for a count or a rate per 10,000, whose numbers read as they are.
 */
export function spcUnitLabel(unit: string): string | undefined {
  return unit === "percent" ? "%" : unit === "days" ? "working days" : undefined;
}

/** "September 2025" for a monthly series' last point (every point on a month's last day), else undefined. */
function lastMonthLabel(result: SpcResult): string | undefined {
  const monthEnd = (iso: string) => {
    const [y, m, d] = iso.split("-").map(Number) as [number, number, number];
    return new Date(Date.UTC(y, m, 0)).getUTCDate() === d;
  };
  if (!result.points.length || !result.points.every((p) => monthEnd(p.date))) return undefined;
  const last = result.points.at(-1)!.date;
  return `${monthName(last)} ${last.slice(0, 4)}`;
}

/**
 * The plain-English text equivalent of the variation and assurance icons, e.g. "Special cause
 * variation — concern: the value for September 2025 is unusually high, and higher is worse. The
 * target of 1,200 is within the process limits, so it will sometimes be met and sometimes missed."
 * A monthly series' last point is named by its month, since the text often sits beside a figure
 * for a quarter or a year ("the latest value (923)" beside a quarter's 2,495 read as the
 * quarter's); any other series (the CLI's `spc --input` of daily or weekly dates) says "the
 * latest value".
 * @param opts.unitLabel written after numbers, e.g. "breaches" ("%" is written close up)
 * @param opts.lastLabel names the last point ("July 2025") instead of the name taken from its date
 */
export function describeSpc(result: SpcResult, opts: { unitLabel?: string; lastLabel?: string } = {}): string {
  const u = opts.unitLabel;
  const lastLabel = opts.lastLabel ?? lastMonthLabel(result);
  const theValue = lastLabel ? `the value for ${lastLabel}` : "the latest value";
  const last = result.points.at(-1)!;
  const seg = result.segments.at(-1)!;
  const icon = VARIATION_ICONS[result.variationIcon];
  const high = icon.letter === "H";
  const sentences: string[] = [];
  if (result.variation === "common_cause") {
    sentences.push(`Common cause variation: ${theValue} (${fmt(last.value, u)}) is within what this process normally produces, between ${fmt(seg.lpl, u)} and ${fmt(seg.upl, u)}; no special cause is signalled.`);
  } else {
    const kind = result.variation === "special_cause_improvement" ? "improvement" : result.variation === "special_cause_concern" ? "concern" : "neutral";
    const how = last.rule === "trend" ? `is part of an unusual run of ${high ? "rising" : "falling"} values` : `is unusually ${high ? "high" : "low"}`;
    const judgement =
      kind === "improvement" ? `, and ${high ? "higher" : "lower"} is better` : kind === "concern" ? `, and ${high ? "higher" : "lower"} is worse` : "; no direction of improvement is set";
    sentences.push(`Special cause variation — ${kind}: ${theValue} ${how}${judgement}.`);
    const limit = high ? `above the upper process limit of ${fmt(seg.upl, u)}` : `below the lower process limit of ${fmt(seg.lpl, u)}`;
    const o = result.options;
    const why: Record<string, string> = {
      astronomical: `It is ${limit}.`,
      trend: `It is one of ${o.trendLength} or more values each ${high ? "higher" : "lower"} than the one before.`,
      two_in_three: `It is one of two in three values ${high ? "above" : "below"} the mean and beyond two sigma.`,
      shift: `It is one of ${o.runLength} or more values in a row ${high ? "above" : "below"} the mean of ${fmt(seg.mean, u)}.`,
    };
    if (last.rule) sentences.push(why[last.rule]!);
  }
  const target = result.options.target;
  if (target === null) {
    sentences.push("No target is set, so there is no assurance icon.");
  } else if (result.assurance === null) {
    sentences.push(`The target of ${fmt(target, u)} gives no assurance because no direction of improvement is set.`);
  } else if (result.assurance === "hit_and_miss") {
    sentences.push(`The target of ${fmt(target, u)} is within the process limits, so it will sometimes be met and sometimes missed.`);
  } else if (result.assurance === "consistently_passing") {
    sentences.push(`The target of ${fmt(target, u)} is outside the process limits on the passing side, so it will consistently be met unless the process changes.`);
  } else {
    sentences.push(`The target of ${fmt(target, u)} is outside the process limits on the failing side, so it will consistently be missed unless the process changes.`);
  }
  if (seg.fixed && seg.baselineN < seg.n) {
    sentences.push(`The mean and limits rest on the first ${seg.baselineN} months charted (to ${result.points[result.points.length - seg.n + seg.baselineN - 1]!.date}), so the ${seg.n - seg.baselineN} since are judged against how the process ran before them.`);
  }
  if (seg.trial) sentences.push(`The limits are trial limits, still provisional (only ${seg.n} points${result.segments.length > 1 ? " since the limits were last restarted" : ""}; 13 or more are advised), so treat these signals with caution.`);
  return sentences.join(" ");
}
