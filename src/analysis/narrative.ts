/**
 * @module
 * Plain-English sentences from the figures, written by rules, never by a language model: the
 * same numbers always give the same words. Each sentence carries its caveats — small numbers,
 * a series break, provisional control limits, a change within normal variation — so a reader is
 * never told that noise is news. Pure: figures in, sentences out.
 */

import { formatValue, shownNumber } from "../kpi/format.ts";
import type { Polarity, Unit } from "../kpi/types.ts";
import { dayLabel, monthName, type Period, parsePeriod, samePeriodLastYear } from "../calendar/periods.ts";
import { change, comparable, type SeriesBreak, type SeriesPoint } from "./trends.ts";

/** How to talk about an indicator. */
export interface NarrativeSubject {
  /** Plural noun for counts ("contacts", "referrals"); for others the indicator's title. */
  readonly noun: string;
  readonly title: string;
  readonly unit: Unit;
  readonly polarity: Polarity;
}

/**
 * An indicator's title as a noun inside a sentence ("new EHC plans issued", "initial child
 * protection conferences"): lower case, except acronyms (a word with two capitals, as EHC, UASC
 * or RHI), which a reader would not recognise as "ehc".
 */
export function nounOf(title: string): string {
  return title.replace(/\S+/g, (w) => (/[A-Z].*[A-Z]/.test(w) ? w : w.toLowerCase()));
}

/** What the SPC analysis says about the latest point, when there is one. */
export interface SpcContext {
  readonly variation: string;
  readonly trial: boolean;
}

/** A sentence and its caveats. */
export interface Sentence {
  readonly text: string;
  readonly caveats: readonly string[];
  /** Higher is more newsworthy: records and large changes first. */
  readonly weight: number;
}

/** Small numbers below this are flagged ("based on 6 children"). */
export const SMALL_NUMBER = 10;

function fmtCount(n: number): string {
  return Math.round(n).toLocaleString("en-GB");
}

function pct(rel: number): string {
  const p = Math.round(Math.abs(rel) * 100);
  return `${p}%`;
}

function moreFewer(diff: number, unit: Unit): string {
  if (unit === "count") return diff > 0 ? "more" : "fewer";
  return diff > 0 ? "higher" : "lower";
}

/**
 * The sign of a change as a reader sees it: values are shown to one decimal place, so a
 * difference that rounds away there is no change ("0.0 percentage points higher" is no sentence
 * to put to a committee), and one that shows is a change. The same rule as the direction of travel.
 */
function shownSign(before: number, after: number): number {
  return Math.sign(shownNumber(after) - shownNumber(before));
}

/** How a sentence names a period: "in 2023-24", or "on 31 March 2024" for a figure taken on a day. */
interface Naming {
  readonly prep: "in" | "on";
  readonly label: (period: string) => string;
}

/** "58% more than in 2020-21", "2.4 percentage points higher than in 2023-24" ("than on 31 March 2024" with `on`). */
function comparison(before: SeriesPoint & { value: number }, after: SeriesPoint & { value: number }, unit: Unit, withSize: boolean, say: Naming): string {
  const c = change(before, after);
  const from = `${say.prep} ${say.label(c.from)}`;
  if (shownSign(before.value, after.value) === 0) return `the same as ${from}`;
  const word = moreFewer(c.difference, unit);
  if (!withSize) return `${word} than ${from}`;
  if (unit === "percent") return `${Math.abs(shownNumber(after.value) - shownNumber(before.value)).toFixed(1)} percentage points ${word} than ${from}`;
  if (c.relative === null) return `${word} than ${from}`;
  // Under half a per cent rounds to "0% more": say it is slight instead.
  if (Math.round(Math.abs(c.relative) * 100) === 0) return `slightly ${word} than ${from}`;
  return `${pct(c.relative)} ${word} than ${from}`;
}

/** " (an improvement)" or " (a deterioration)" for the change from `before` to `after`; nothing without a direction. */
function verdict(subject: NarrativeSubject, before: SeriesPoint & { value: number }, after: SeriesPoint & { value: number }): string {
  const sign = shownSign(before.value, after.value);
  if (subject.polarity === "none" || sign === 0) return "";
  return (sign > 0) === (subject.polarity === "higher") ? " (an improvement)" : " (a deterioration)";
}

function headline(subject: NarrativeSubject, p: SeriesPoint & { value: number }, say: Naming): string {
  if (subject.unit === "count") return `${formatValue(p.value, "count")} ${subject.noun} ${say.prep} ${say.label(p.period)}`;
  return `${subject.title}: ${formatValue(p.value, subject.unit)} ${say.prep} ${say.label(p.period)}`;
}

/**
 * The sentence for the latest value of a yearly series (oldest first), with comparisons the way
 * committee papers make them: a record over the history held, else the previous year, and an
 * earlier year when the direction differs ("fewer than in 2022-23 but 49% more than in 2021-22").
 */
export function describeLatest(
  subject: NarrativeSubject,
  series: readonly SeriesPoint[],
  opts: {
    breaks?: readonly SeriesBreak[];
    spc?: SpcContext;
    /**
     * When the series is one time of year in each year ("Q2", "September"), a record is a record
     * for that time of year only: "the highest on record for Q2", never an all-time claim.
     */
    timeOfYear?: string;
    /**
     * The series leaves out earlier years that are held (withheld from a public paper): a record
     * is then "the highest of the years shown", never "on record", which they might contradict.
     */
    earlierWithheld?: boolean;
    /**
     * The figures are each taken on a day (a stock at the year's end), which `label` names ("31
     * March 2026"): "95.9% on 31 March 2026", never "in", which would read as the year's figure
     * beside its yearly average.
     */
    on?: boolean;
    /** How a period id is written in the sentence ("Q2 2025-26" for "2025-26-Q2"); the id itself by default. */
    label?: (period: string) => string;
  } = {},
): Sentence | undefined {
  const say: Naming = { prep: opts.on ? "on" : "in", label: opts.label ?? ((p) => p) };
  const all = series.filter((p): p is SeriesPoint & { value: number } => p.value !== null);
  const last = all.at(-1);
  if (!last) return undefined;
  const caveats: string[] = [];
  // The records a figure rests on: a percentage's (or median's) denominator, a count itself, and a
  // rate's count of events: its denominator is the child population, never small, while 4
  // children starting care in a quarter move a rate per 10,000 as much as 4 of 40 move a percentage.
  const baseOf = (p: SeriesPoint & { value: number }) => (subject.unit === "rate" ? (p.numerator ?? null) : (p.denominator ?? (subject.unit === "count" ? p.value : null)));
  const records = (n: number) => `${fmtCount(n)} ${n === 1 ? "child or record" : "children or records"}`;
  const base = baseOf(last);
  if (base !== null && base !== undefined && base < SMALL_NUMBER) {
    caveats.push(`based on ${records(base)}, so small changes move it a lot`);
  }
  const points = comparable(series, opts.breaks ?? []);
  // The break the comparable points start at, when earlier years were left out because of it.
  let cutAt: SeriesBreak | undefined;
  if (points.length < all.length) {
    // The break `comparable` cut at: the latest on or before the end of the last period.
    const end = parsePeriod(last.period)?.end;
    cutAt = [...(opts.breaks ?? [])].sort((a, b) => a.date.localeCompare(b.date)).filter((b) => end === undefined || b.date <= end).at(-1);
    caveats.push(`not compared with years before ${cutAt ? `the recording change of ${cutAt.date} (${cutAt.note})` : "a recording change"}`);
  }
  if (opts.spc?.trial) caveats.push("the control limits are provisional because there are fewer than 13 points");
  let text = headline(subject, last, say);
  let weight = 1;
  // A record is strictly above (below) every earlier comparable value as shown: one tied with an
  // earlier year at one decimal place ("0.0%" and "0.0%") is no record.
  const earlier = points.slice(0, -1);
  const rec = {
    over: points.length,
    highest: earlier.length > 0 && earlier.every((p) => shownSign(p.value, last.value) > 0),
    lowest: earlier.length > 0 && earlier.every((p) => shownSign(p.value, last.value) < 0),
  };
  const prev = points.at(-2);
  // The figures the sentence compares this one with: a change from a small base is no news either.
  const against: (SeriesPoint & { value: number })[] = [];
  // Each verdict sits beside the comparison it judges: after "but", a verdict on the year before
  // would read as one on the year it follows.
  if (rec.over >= 3 && (rec.highest || rec.lowest)) {
    const first = points[0]!;
    // Across a recording change the earlier years are not comparable, so the record is only
    // since it: "the highest for Q2 since the recording change of 2024-04-01", never "on record".
    const forTime = opts.timeOfYear ? ` for ${opts.timeOfYear}` : "";
    const scope =
      points.length < all.length
        ? `${forTime} since ${cutAt ? `the recording change of ${cutAt.date}` : "the recording change"}`
        : `${opts.earlierWithheld ? " of the years shown" : " on record"}${forTime}`;
    text += `, the ${rec.highest ? "highest" : "lowest"}${scope} and ${comparison(first, last, subject.unit, true, say)}${verdict(subject, first, last)}`;
    weight = 3;
    against.push(first);
  } else if (prev) {
    const prev2 = points.at(-3);
    const d1 = shownSign(prev.value, last.value);
    const d2 = prev2 ? shownSign(prev2.value, last.value) : 0;
    if (prev2 && d1 !== 0 && d2 !== 0 && d1 !== d2) {
      text += `, ${comparison(prev, last, subject.unit, false, say)}${verdict(subject, prev, last)} but ${comparison(prev2, last, subject.unit, true, say)}`;
      weight = 2;
      against.push(prev, prev2);
    } else {
      text += `, ${comparison(prev, last, subject.unit, true, say)}${verdict(subject, prev, last)}`;
      const rel = change(prev, last).relative;
      weight = rel !== null && Math.abs(rel) >= 0.1 ? 2 : 1;
      against.push(prev);
    }
    if (opts.spc && opts.spc.variation === "common_cause" && d1 !== 0) {
      caveats.push("the change is within the normal variation of this measure and should not be read as a real change");
      weight = Math.min(weight, 1);
    }
  }
  for (const p of against) {
    const b = baseOf(p);
    if (b === null || b === undefined || b >= SMALL_NUMBER) continue;
    caveats.push(`the figure ${say.prep} ${say.label(p.period)} it is compared with is based on ${records(b)}, so the comparison rests on small numbers`);
    // A large change from a handful of records is not among the most newsworthy sentences.
    weight = Math.min(weight, 1);
  }
  return { text: `${text}.`, caveats, weight };
}

/**
 * The time of year a series of one period in each year stands for, so a record is claimed only
 * among those ("the highest on record for Q2"); nothing for financial and calendar years. A stock
 * is taken on the period's last day: "the highest on record for 30 September".
 */
export function timeOfYear(p: Period, onDay = false): { timeOfYear?: string } {
  if (onDay && p.kind !== "year") return { timeOfYear: dayLabel(p.end).replace(/ \d{4}$/, "") };
  if (p.kind === "quarter") return { timeOfYear: p.id.slice(-2) };
  if (p.kind === "month") return { timeOfYear: monthName(p.start) };
  if (p.kind === "rolling") return { timeOfYear: `the twelve months to ${monthName(p.end)}` };
  return {};
}

/**
 * The sentence on the figure for `at`, set against the same period in each earlier year held (up
 * to five before it, oldest first), as committee papers compare a quarter with the same quarter of
 * earlier years. The series stops at the first figure `hidden` from the reader, or after five
 * earlier years with more held before them (either way a record is "of the years shown");
 * `withheld` when `at`'s own figure is hidden, and there is no sentence. A
 * stock (`onDay`) is "on" its period's last day. Periods are named by `label`, their ids by default.
 */
export function describePeriod(
  subject: NarrativeSubject,
  at: Period,
  figureOf: (period: string) => SeriesPoint | undefined,
  opts: { readonly breaks?: readonly SeriesBreak[]; readonly hidden?: (period: string) => boolean; readonly onDay?: boolean; readonly label?: (period: string) => string } = {},
): { sentence: Sentence | undefined; withheld: boolean } {
  const series: SeriesPoint[] = [];
  let earlierWithheld = false;
  let p: Period = at;
  for (let i = 0; i < 6; i++, p = samePeriodLastYear(p)) {
    const w = figureOf(p.id);
    if (!w) break;
    if (opts.hidden?.(p.id)) {
      if (i === 0) return { sentence: undefined, withheld: true };
      earlierWithheld = true;
      break;
    }
    series.unshift(w);
  }
  // Six years set out and a figure held for the year before them: the highest of the six may not
  // be the highest held, so it is a record "of the years shown", never "on record".
  if (series.length === 6 && (figureOf(p.id)?.value ?? null) !== null) earlierWithheld = true;
  const sentence = describeLatest(subject, series, {
    ...(opts.breaks ? { breaks: opts.breaks } : {}),
    ...timeOfYear(at, opts.onDay ?? false),
    earlierWithheld,
    on: opts.onDay ?? false,
    ...(opts.label ? { label: opts.label } : {}),
  });
  return { sentence, withheld: false };
}

/** A sentence with its caveats as one paragraph for a report. */
export function renderSentence(s: Sentence): string {
  if (!s.caveats.length) return s.text;
  return `${s.text} (${s.caveats.map((c, i) => (i === 0 ? c.charAt(0).toUpperCase() + c.slice(1) : c)).join("; ")}.)`;
}
