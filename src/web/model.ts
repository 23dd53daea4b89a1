/**
 * @module
 * What the pages show, gathered from the store and computed by the same analysis modules the CLI
 * uses (stored values, RAG and direction of travel, SPC and its icons, benchmarks, trends,
 * narrative, the digest's flow and signals). No figure is computed here that the CLI computes
 * differently: this module only selects, joins and suppresses. Results are cached per store
 * generation (see gate.ts), so a page under load is a map lookup after the first request.
 */

import { type Annotation, annotationsFor, listAnnotations, seriesBreaks } from "../analysis/annotations.ts";
import { benchmarkData } from "../analysis/benchmark-data.ts";
import { BenchmarkProblem, type BenchmarkResult, benchmark, realAuthority } from "../analysis/benchmarks.ts";
import { buildDigest, type Digest, FLOW, monthRuns } from "../analysis/digest.ts";
import { digestValues } from "../analysis/digest-data.ts";
import { describePeriod, nounOf, renderSentence } from "../analysis/narrative.ts";
import { type Target as GoalTarget, goalFor, type Rag, rag, travel } from "../analysis/rag.ts";
import { revisionsBetween } from "../analysis/revisions.ts";
import { ASSURANCE_ICONS, describeSpc, type SpcIcon, type SpcResult, spcUnitLabel, VARIATION_ICONS } from "../analysis/spc.ts";
import { monthlySpc, monthlyTarget, SPC_LOOKBACK, type SpcChart, type SpcRefusal } from "../analysis/spc-chart.ts";
import { categoryKey, figureKey, isSmallCount, suppressedCategories, suppressedKeysEveryPeriod } from "../analysis/suppression.ts";
import { sinceLastHidden, type YearlyAverage, yearlyAveragesHiding, yearlyBreakNote } from "../analysis/trends.ts";
import { dayLabel, monthsEndingWith, notAPeriod, type Period, type PeriodKind, parsePeriod, periodsWithin, previousPeriod, samePeriodLastYear } from "../calendar/periods.ts";
import { storedValues } from "../kpi/compute.ts";
import { breakdownsOf, type Target } from "../kpi/engine.ts";
import { formatValue } from "../kpi/format.ts";
import { indicatorLibrary } from "../kpi/library/index.ts";
import { resolveTargets } from "../kpi/targets.ts";
import { AREAS, type IndicatorDef, type IndicatorValue, type Polarity } from "../kpi/types.ts";
import { authorityRecord } from "../store/authorities.ts";
import type { Store } from "../store/port.ts";
import { isSuppressed, SUPPRESSED } from "./access.ts";
import { categoryLabel, compareCategories } from "./categories.ts";
import { type Comment, effectiveTargets, listComments } from "./edits.ts";
import type { Gate } from "./gate.ts";

/** What every page reads from. */
export interface WebContext {
  readonly store: Store;
  readonly dataDir: string;
  readonly gate: Gate;
}

/** The period kinds the picker can offer, in order. */
export const PICKER_KINDS: readonly { kind: PeriodKind; title: string }[] = [
  { kind: "month", title: "Months" },
  { kind: "quarter", title: "Quarters" },
  { kind: "year", title: "Financial years" },
  { kind: "rolling", title: "Rolling years" },
  { kind: "calendar", title: "Calendar years" },
];

/**
 * The kinds pages covering every indicator offer. Calendar years are left out: only the EHC plan
 * indicators (which the DfE publishes by calendar year) have them, so their own pages offer them.
 */
export const PAGE_KINDS: readonly PeriodKind[] = ["month", "quarter", "year", "rolling"];

const cache = new WeakMap<Gate, { generation: number; entries: Map<string, unknown> }>();

/** Memoise `make` under `key` until the next write to the store. */
export async function cached<T>(ctx: WebContext, key: string, make: () => Promise<T>): Promise<T> {
  let c = cache.get(ctx.gate);
  if (!c || c.generation !== ctx.gate.generation) {
    c = { generation: ctx.gate.generation, entries: new Map() };
    cache.set(ctx.gate, c);
  }
  const hit = c.entries.get(key) as Promise<T> | undefined;
  if (hit) return hit;
  const p = make();
  c.entries.set(key, p);
  p.catch(() => c.entries.delete(key));
  return p;
}

/** The authorities loaded (latest snapshot of each, with the span of complete periods). */
export function authorities(ctx: WebContext): Promise<Target[]> {
  return cached(ctx, "authorities", () => resolveTargets(ctx.store));
}

/**
 * The authority a request names: the first loaded when it names none, `unknown` when it names one
 * that is not loaded (rather than quietly showing, or saving against, another), undefined when
 * nothing is loaded.
 */
export async function requestedAuthority(ctx: WebContext, code: unknown): Promise<Target | { unknown: string; loaded: string[] } | undefined> {
  const all = (await authorities(ctx)).filter((t) => t.data_from && t.data_to);
  if (code === undefined || code === "") return all[0];
  const found = all.find((t) => t.la_code === code);
  if (found || !all.length) return found ?? undefined;
  return { unknown: typeof code === "string" ? code.slice(0, 40) : String(code).slice(0, 40), loaded: all.map((t) => t.la_code) };
}

/** The periods the picker offers for an authority, grouped by kind, newest first. */
export function periodOptions(t: Target, kinds: readonly PeriodKind[] = PAGE_KINDS): { kind: PeriodKind; title: string; periods: Period[] }[] {
  if (!t.data_from || !t.data_to) return [];
  const key = `${t.data_from}|${t.data_to}|${kinds.join(",")}`;
  let o = optionsBySpan.get(key);
  if (!o) {
    o = PICKER_KINDS.filter((k) => kinds.includes(k.kind))
      .map((k) => ({ ...k, periods: periodsWithin(t.data_from!, t.data_to!, [k.kind]).reverse() }))
      .filter((g) => g.periods.length);
    optionsBySpan.set(key, o);
  }
  return o;
}

const optionsBySpan = new Map<string, { kind: PeriodKind; title: string; periods: Period[] }[]>();

/** The period asked for when the data covers it, else the latest month. */
export function choosePeriod(t: Target, requested: string | undefined): Period | undefined {
  const options = periodOptions(t);
  const all = options.flatMap((o) => o.periods);
  const asked = requested ? all.find((p) => p.id === requested) : undefined;
  return asked ?? options[0]?.periods[0];
}

const KIND_WORDS: Record<PeriodKind, string> = { month: "months", quarter: "quarters", year: "financial years", rolling: "rolling years", calendar: "calendar years" };

/** Why a requested period cannot be shown: the status, a heading and what to say. */
export interface PeriodRefusal {
  readonly status: 400 | 404;
  readonly title: string;
  readonly message: string;
  /** What the data does cover, kind by kind: "Months: April 2020 to September 2026". */
  readonly available: string[];
}

/**
 * The period a page's `period` parameter names. None given: the latest month. Anything else must
 * be a period of a kind the page shows that the data covers: a figure shown, a record list audited
 * or a comment saved for a period nobody asked for would be wrong without anyone noticing.
 */
export function resolvePeriod(t: Target, requested: unknown, kinds: readonly PeriodKind[] = PAGE_KINDS, subject = "This page"): { period: Period } | PeriodRefusal {
  const options = periodOptions(t, kinds);
  const available = options.map((g) => `${g.title}: ${g.periods.at(-1)!.label} to ${g.periods[0]!.label}`);
  if (requested === undefined || requested === "") {
    const latest = options[0]?.periods[0];
    if (latest) return { period: latest };
    return { status: 404, title: "No figures for any period", message: `The data loaded for ${t.la_code} does not cover a whole period yet.`, available };
  }
  const id = typeof requested === "string" ? requested.trim() : "";
  const p = parsePeriod(id);
  if (!p) {
    const shownId = typeof requested === "string" ? requested.slice(0, 40) : "The period given";
    return {
      status: 400,
      title: "That is not a period",
      message: `${notAPeriod(typeof requested === "string" ? `"${shownId}"` : shownId, id)} Periods are written 2025-01 (a month), 2024-25-Q3 (a financial quarter, Q1 being April to June), 2024-25 (a financial year), 12m-2025-01 (the twelve months to a month) or 2024 (a calendar year).`,
      available,
    };
  }
  if (!kinds.includes(p.kind)) {
    const elsewhere =
      p.kind === "calendar"
        ? ` Calendar years are shown on the pages of the indicators published by calendar year: ${indicatorLibrary()
            .list()
            .filter((d) => d.source !== "measures" && d.periods.includes("calendar"))
            .map((d) => d.title)
            .join("; ")}.`
        : "";
    return { status: 404, title: `No figures for ${p.label}`, message: `${subject} has no figures by ${KIND_WORDS[p.kind].replace(/s$/, "")}, so none for ${p.label}.${elsewhere}`, available };
  }
  const found = options.find((g) => g.kind === p.kind)?.periods.find((x) => x.id === p.id);
  if (!found) {
    return { status: 404, title: `No figures for ${p.label}`, message: `There are no figures for ${p.label}: the data loaded for ${t.la_code} does not cover all of it.`, available };
  }
  return { period: found };
}

/**
 * Why a figure has no value at all (nothing stored for the period, as against a stored value
 * withheld with its reason): the README promises "–" always comes with the reason.
 */
export function absentReason(def: IndicatorDef, period: Period): string {
  if (!def.periods.includes(period.kind)) return `not given for ${KIND_WORDS[period.kind]}: this indicator is given for ${def.periods.map((k) => KIND_WORDS[k]).join(", ")}`;
  if (def.source === "measures") return `not loaded: no figure in measures.csv for ${period.label}`;
  return `not computed: no figure is stored for ${period.label} (the load may not have been computed yet)`;
}

/**
 * Which figures a viewer sees as `c`. Analysts, managers and admins see every figure. Members (and
 * anyone not signed in) see every figure the public report's rule would hide hidden, worked out
 * from all of the authority's stored figures for the snapshot shown, not one figure at a time
 * (analysis/suppression.ts, `suppressedKeysEveryPeriod`): a month that its quarter and the other
 * months would give away, two percentages over the same records whose denominators differ by a
 * few, the counts under a hidden percentage; and on every page, so no page gives away what another
 * hides.
 */
export interface Hiding {
  /** Whether this viewer sees anything suppressed at all. */
  readonly on: boolean;
  /** Whether the stored figure of an indicator for a period is shown as `c`, with its numerator and denominator. */
  readonly hidden: (indicator: string, period: string) => boolean;
}

/** What analysts and managers see: everything. */
export const SHOW_ALL: Hiding = { on: false, hidden: () => false };

/** The members' view given the figures to hide ({@link figureKey}s). */
export function hidingOf(keys: ReadonlySet<string>): Hiding {
  return { on: true, hidden: (indicator, period) => keys.has(figureKey(indicator, period)) };
}

/**
 * What a viewer sees of this authority's snapshot: for members the figures to hide, computed once
 * per snapshot (and store generation) from every stored headline figure, then a set lookup.
 */
export function viewerHiding(ctx: WebContext, t: Target, suppress: boolean): Promise<Hiding> {
  if (!suppress) return Promise.resolve(SHOW_ALL);
  return cached(ctx, `hiding|${t.snapshot_id}|${t.la_code}`, async () => {
    const values = (await storedValues(ctx.store, { snapshots: [t.snapshot_id] })).filter((v) => v.authority === t.la_code);
    return hidingOf(suppressedKeysEveryPeriod(indicatorLibrary().list(), values));
  });
}

/** Whether a stored headline figure is `c` for this viewer: a small count or a figure resting on one, or one the rule hides. */
export function hides(h: Hiding, v: IndicatorValue | undefined): boolean {
  return h.on && v !== undefined && (isSuppressed(v) || h.hidden(v.indicator, v.period));
}

/** A figure as a person reads it, or `c` when suppressed for this viewer. */
export function shown(v: IndicatorValue | undefined, h: Hiding): { text: string; suppressed: boolean } {
  if (!v) return { text: "–", suppressed: false };
  if (v.value !== null && hides(h, v)) return { text: SUPPRESSED, suppressed: true };
  return { text: v.value === null ? "–" : formatValue(v.value, v.unit), suppressed: false };
}

/** A count as a table shows it, or `c` when `hidden`. */
function plainCount(n: number | null, hidden: boolean): string {
  if (n === null) return "";
  return hidden ? SUPPRESSED : Math.round(n).toLocaleString("en-GB");
}

/**
 * A figure's numerator and denominator as this viewer sees them: for members `c` when small, and
 * both whenever the figure is hidden (0 out of c would still say 0%; 20 out of 40 would say 50%).
 */
export function shownCounts(v: IndicatorValue | undefined, h: Hiding): { numerator: string; denominator: string } {
  if (!v) return { numerator: "", denominator: "" };
  const all = hides(h, v);
  return { numerator: plainCount(v.numerator, all || (h.on && isSmallCount(v.numerator))), denominator: plainCount(v.denominator, all || (h.on && isSmallCount(v.denominator))) };
}

/**
 * A breakdown table as a viewer may see it: `hidden` holds the categories to show as `c` (with
 * their counts) as {@link categoryKey}s, from `breakdownHiding`; null shows everything.
 */
export function breakdownShown(values: readonly IndicatorValue[], hidden: ReadonlySet<string> | null, dim = ""): { category: string; value: string; numerator: string; denominator: string }[] {
  // In the breakdown's own order (age bands youngest first), each category named as a reader reads it.
  const ordered = [...values].sort((a, b) => compareCategories(dim, a.category ?? "", b.category ?? ""));
  return ordered.map((v) => {
    const off = hidden?.has(categoryKey(v.period, v.category ?? "")) === true;
    return {
      category: categoryLabel(dim, v.category ?? ""),
      value: off && v.value !== null ? SUPPRESSED : v.value === null ? "–" : formatValue(v.value, v.unit),
      numerator: plainCount(v.numerator, off),
      denominator: plainCount(v.denominator, off),
    };
  });
}

/**
 * Which categories of an indicator's breakdown members see as `c`, every period at once: each
 * period's categories protected with the headline figure as their total (a hidden headline
 * counting as hidden), and each category's series over time (`suppressedCategories`). Cached per
 * snapshot, indicator and breakdown.
 */
export function breakdownHiding(ctx: WebContext, t: Target, def: IndicatorDef, dim: string, headline: readonly IndicatorValue[], h: Hiding): Promise<{ values: IndicatorValue[]; hidden: Set<string> }> {
  return cached(ctx, `bd-hiding|${t.snapshot_id}|${t.la_code}|${def.id}|${dim}`, async () => {
    const values = (await storedValues(ctx.store, { snapshots: [t.snapshot_id], indicators: [def.id], breakdown: dim })).filter((v) => v.authority === t.la_code);
    const totals = new Map(headline.map((v) => [v.period, v]));
    // A category whose denominator is a category the counting indicator hides (children looked
    // after aged 1-4 beside the share of them in other placements) is hidden with it; so is one
    // whose denominator is the sum of categories other indicators show (looked after at the end
    // plus ceased, aged 1-4, beside the share who went missing), wherever any of them is hidden.
    const lib = indicatorLibrary();
    const single = def.denominatorOf ? lib.get(def.denominatorOf) : undefined;
    const summed = (def.denominatorSumOf ?? []).map((id) => lib.get(id)).filter((d): d is IndicatorDef => d !== undefined);
    const counting = [...(single && breakdownsOf(single).includes(dim) ? [single] : []), ...(summed.every((d) => breakdownsOf(d).includes(dim)) ? summed : [])];
    const forced = new Set<string>();
    for (const of of counting) {
      const ofHeadline = (await storedValues(ctx.store, { snapshots: [t.snapshot_id], indicators: [of.id] })).filter((v) => v.authority === t.la_code);
      for (const k of (await breakdownHiding(ctx, t, of, dim, ofHeadline, h)).hidden) forced.add(k);
    }
    return { values, hidden: suppressedCategories(def, values, totals, (p) => hides(h, totals.get(p)) || h.hidden(def.id, p), forced) };
  });
}

/**
 * SPC on monthly values by the rule the digest and the report use (`monthlySpc`), or why there is
 * none. For a viewer who sees some months as `c`, only the months after the last such one are
 * charted (at least 12 of them): the chart's points, mean, limits and signals then rest on no
 * hidden figure (`sinceLastHidden`).
 */
export function spcOf(def: IndicatorDef, monthly: readonly IndicatorValue[], opts: { target?: number | undefined; polarity?: Polarity | undefined; breaks?: readonly string[]; hiding: Hiding }): SpcChart {
  const valued = sinceLastHidden(
    monthly.filter((v) => v.value !== null),
    (v) => hides(opts.hiding, v),
  );
  return monthlySpc(def, valued, { breaks: opts.breaks ?? [], target: opts.target, polarity: opts.polarity });
}

/** The England / neighbours comparison of one indicator against the latest published year. */
export interface Comparison {
  readonly result: BenchmarkResult;
  readonly own: IndicatorValue | undefined;
}

/** Benchmarks of every benchmarked indicator for an authority's snapshot. */
export function comparisons(ctx: WebContext, t: Target): Promise<Map<string, Comparison>> {
  return cached(ctx, `bench|${t.snapshot_id}`, async () => {
    const data = benchmarkData();
    const a = await authorityRecord(ctx.store, t.la_code);
    const like = a.like_code ?? undefined;
    const out = new Map<string, Comparison>();
    const wanted: { def: IndicatorDef; first: BenchmarkResult }[] = [];
    for (const def of indicatorLibrary().list()) {
      try {
        wanted.push({ def, first: benchmark({ authority: t.la_code, indicator: def.id, ...(like ? { like } : {}) }, data) });
      } catch (e) {
        if (!(e instanceof BenchmarkProblem)) throw e;
      }
    }
    const own = await storedValues(ctx.store, { snapshots: [t.snapshot_id], indicators: wanted.map((w) => w.def.id), periods: [...new Set(wanted.map((w) => w.first.year.lanternPeriod))] });
    for (const { def, first } of wanted) {
      const v = own.find((x) => x.indicator === def.id && x.period === first.year.lanternPeriod);
      let result = first;
      if (!first.authority.real && v?.value !== null && v?.value !== undefined) {
        try {
          result = benchmark({ authority: t.la_code, indicator: def.id, year: first.year.lait, ownValue: v.value, ...(like ? { like } : {}) }, data);
        } catch (e) {
          if (!(e instanceof BenchmarkProblem)) throw e;
        }
      }
      out.set(def.id, { result, own: v });
    }
    return out;
  });
}

/** One tile of the dashboard. */
export interface Tile {
  readonly def: IndicatorDef;
  readonly value: IndicatorValue | undefined;
  readonly text: string;
  /** Why there is no value ("–"): the stored reason, or why nothing is stored; null with a value. */
  readonly reason: string | null;
  readonly suppressed: boolean;
  readonly target: number | null;
  readonly rag: Rag | null;
  /** Why a year's target gives this period no RAG ({@link goalFor}); null otherwise. */
  readonly unjudged: string | null;
  readonly variation: SpcIcon | null;
  readonly assurance: SpcIcon | null;
  readonly spcText: string | null;
  readonly spark: { date: string; value: number | null }[];
  readonly vsPrevious: string | null;
  readonly vsLastYear: string | null;
  readonly comparison: Comparison | undefined;
}

/** The dashboard: every area's tiles for a period. */
export interface Dashboard {
  readonly target: Target;
  /** The authority as a reader knows it: "Lanternshire (X001)", or its code when no name is held. */
  readonly authority: string;
  readonly period: Period;
  readonly areas: { readonly id: string; readonly title: string; readonly tiles: Tile[] }[];
}

/** An authority as a reader knows it, as the report names it: its name and code, or its code alone when no name is held. */
export function authorityLabel(ctx: WebContext, code: string): Promise<string> {
  return cached(ctx, `auth-label|${code}`, async () => {
    const name = (await authorityRecord(ctx.store, code)).la_name ?? realAuthority(code, benchmarkData())?.name ?? null;
    return name && name !== code ? `${name} (${code})` : code;
  });
}

/** Targets in force (targets.csv plus browser edits). */
export function goals(ctx: WebContext): Promise<GoalTarget[]> {
  return cached(ctx, "goals", () => effectiveTargets(ctx.store, ctx.dataDir));
}

/** Current annotations of an authority. */
export function annotationsOf(ctx: WebContext, la: string): Promise<Annotation[]> {
  return cached(ctx, `ann|${la}`, () => listAnnotations(ctx.store, la));
}

/** Build (or fetch from cache) the dashboard for an authority and period. */
export function dashboard(ctx: WebContext, t: Target, period: Period, suppress: boolean): Promise<Dashboard> {
  return cached(ctx, `dash|${t.snapshot_id}|${period.id}|${suppress}`, async () => {
    // The sparkline shows two years; the SPC icons judge the months the early warning judges.
    const spcMonths = monthsEndingWith(period, SPC_LOOKBACK).map((m) => m.id);
    const months = spcMonths.slice(-24);
    const prev = previousPeriod(period).id;
    const lastYear = samePeriodLastYear(period).id;
    const values = await storedValues(ctx.store, { snapshots: [t.snapshot_id], periods: [...new Set([...spcMonths, period.id, prev, lastYear])] });
    const by = new Map(values.map((v) => [`${v.indicator}|${v.period}`, v]));
    const targets = await goals(ctx);
    const notes = await annotationsOf(ctx, t.la_code);
    const bench = await comparisons(ctx, t);
    const hiding = await viewerHiding(ctx, t, suppress);
    const tile = (def: IndicatorDef): Tile => {
      const v = by.get(`${def.id}|${period.id}`);
      const s = shown(v, hiding);
      const { target: goal, polarity, unjudged } = goalFor(targets, def, period.id);
      const value = v?.value ?? null;
      const monthly = spcMonths.map((m) => by.get(`${def.id}|${m}`)).filter((x): x is IndicatorValue => x !== undefined);
      const breaks = seriesBreaks(annotationsFor(notes, def)).map((b) => b.date);
      // The monthly chart's assurance judges the months against a month's target, not the period's.
      const monthGoal = monthlyTarget(targets, def, period);
      const spc = spcOf(def, monthly, { target: monthGoal.target?.target, polarity: monthGoal.polarity, breaks, hiding }).result;
      const hide = s.suppressed;
      const before = (id: string) => {
        const b = by.get(`${def.id}|${id}`);
        return hides(hiding, b) ? undefined : b?.value;
      };
      return {
        def,
        value: v,
        text: s.text,
        reason: missingValueReason(def, period, v),
        suppressed: s.suppressed,
        target: goal?.target ?? null,
        rag: goal && value !== null && !hide ? rag(value, goal, polarity) : null,
        unjudged: value !== null ? unjudged : null,
        variation: spc ? VARIATION_ICONS[spc.variationIcon] : null,
        assurance: spc?.assurance ? ASSURANCE_ICONS[spc.assurance] : null,
        spcText: spc ? describeSpc(spc, { unitLabel: spcUnitLabel(def.unit) }) : null,
        spark: months.map((m) => {
          const x = by.get(`${def.id}|${m}`);
          return { date: parsePeriod(m)!.end, value: x && !hides(hiding, x) ? x.value : null };
        }),
        vsPrevious: value === null || hide ? null : travel(value, before(prev), polarity, { later: period, earlier: previousPeriod(period) }, breaks, def.measure === "snapshot"),
        vsLastYear: value === null || hide ? null : travel(value, before(lastYear), polarity, { later: period, earlier: samePeriodLastYear(period) }, breaks, def.measure === "snapshot"),
        comparison: bench.get(def.id),
      };
    };
    const defs = indicatorLibrary().list();
    return {
      target: t,
      authority: await authorityLabel(ctx, t.la_code),
      period,
      areas: AREAS.map((a) => ({ id: a.id, title: a.title, tiles: defs.filter((d) => d.area === a.id).map(tile) })).filter((a) => a.tiles.length),
    };
  });
}

/** Everything the indicator page shows. */
export interface IndicatorDetail {
  readonly def: IndicatorDef;
  readonly target: Target;
  /** The authority as a reader knows it (see {@link authorityLabel}). */
  readonly authority: string;
  readonly period: Period;
  readonly current: IndicatorValue | undefined;
  /** Why the period has no value; null when it has one. */
  readonly reason: string | null;
  readonly monthly: IndicatorValue[];
  readonly spc: SpcResult | null;
  /** Why there is no SPC chart; null when there is one. */
  readonly spcReason: SpcRefusal | null;
  readonly goal: GoalTarget | undefined;
  /** Why the year's target gives the period no RAG ({@link goalFor}); null otherwise. */
  readonly unjudged: string | null;
  /** The target the monthly chart is drawn and assured against: a month's (for a count, a twelfth of the year's). */
  readonly chartGoal: GoalTarget | undefined;
  readonly annotations: Annotation[];
  /** The values of the chosen period's kind, oldest first. */
  readonly table: IndicatorValue[];
  /** Each financial year's mean of its monthly values; `hidden` (for members) when one of its months is. */
  readonly yearly: (YearlyAverage & { readonly hidden: boolean })[];
  /** What the yearly averages' reader must know of a recording change among their years, or null. */
  readonly yearlyNote: string | null;
  readonly comparison: Comparison | undefined;
  readonly narrative: string | null;
  /** The latest financial year's figure is hidden from this viewer, so there is no narrative. */
  readonly narrativeWithheld: boolean;
  /** Each breakdown's categories for the period, and (for members) those to show as `c`. */
  readonly breakdowns: { readonly dim: string; readonly values: IndicatorValue[]; readonly hidden: ReadonlySet<string> | null }[];
  /** Which figures this viewer sees as `c`. */
  readonly hiding: Hiding;
}

/** Gather the indicator page for an authority and period. */
export function indicatorDetail(ctx: WebContext, t: Target, def: IndicatorDef, period: Period, suppress: boolean): Promise<IndicatorDetail> {
  return cached(ctx, `ind|${t.snapshot_id}|${def.id}|${period.id}|${suppress}`, async () => {
    const all = await storedValues(ctx.store, { snapshots: [t.snapshot_id], indicators: [def.id] });
    const hiding = await viewerHiding(ctx, t, suppress);
    const monthly = all.filter((v) => /^\d{4}-\d{2}$/.test(v.period) && parsePeriod(v.period)!.kind === "month" && v.period <= period.end.slice(0, 7));
    const monthByPeriod = new Map(monthly.map((v) => [v.period, v]));
    const { target: goal, unjudged } = goalFor(await goals(ctx), def, period.id);
    const annotations = annotationsFor(await annotationsOf(ctx, t.la_code), def);
    const breaks = seriesBreaks(annotations);
    const month = monthlyTarget(await goals(ctx), def, period);
    const chartGoal = month.target;
    const chart = spcOf(def, monthly, { target: chartGoal?.target, polarity: month.polarity, breaks: breaks.map((b) => b.date), hiding });
    const spc = chart.result ?? null;
    const current = all.find((v) => v.period === period.id);
    const table = all.filter((v) => parsePeriod(v.period)?.kind === period.kind && parsePeriod(v.period)!.end <= period.end);
    // The page's period beside the same period of earlier years, as the report says it (for a
    // member, only the years since the last one hidden: a record among them is "of the years
    // shown"). The monthly SPC verdict is not a verdict on a change between years, so it is not
    // set beside one. A stock is a figure on the period's last day: "95.9% on 31 March 2026".
    const byPeriod = new Map(all.map((v) => [v.period, v]));
    const onDay = def.measure === "snapshot";
    const { sentence, withheld: narrativeWithheld } = describePeriod({ noun: nounOf(def.title), title: def.title, unit: def.unit, polarity: def.polarity }, period, (id) => byPeriod.get(id), {
      breaks,
      hidden: (id) => hides(hiding, byPeriod.get(id)),
      onDay,
      label: (id) => (onDay ? dayLabel(parsePeriod(id)!.end) : parsePeriod(id)!.label),
    });
    // A year's average times its months is its total: with one of its months hidden, it would
    // give that month away. A year whose months are all shown gives nothing more away.
    const yearly = yearlyAveragesHiding(
      monthly.map((v) => ({ period: v.period, value: v.value })),
      (m) => hides(hiding, monthByPeriod.get(m)),
    );
    const breakdowns: IndicatorDetail["breakdowns"][number][] = [];
    for (const dim of def.unit === "rate" ? [] : (def.breakdowns ?? [])) {
      if (!hiding.on) {
        breakdowns.push({ dim, values: await storedValues(ctx.store, { snapshots: [t.snapshot_id], indicators: [def.id], periods: [period.id], breakdown: dim }), hidden: null });
        continue;
      }
      const b = await breakdownHiding(ctx, t, def, dim, all, hiding);
      breakdowns.push({ dim, values: b.values.filter((v) => v.period === period.id), hidden: b.hidden });
    }
    return {
      def,
      target: t,
      authority: await authorityLabel(ctx, t.la_code),
      period,
      current,
      reason: missingValueReason(def, period, current),
      monthly,
      spc,
      spcReason: chart.reason ?? null,
      goal,
      unjudged,
      chartGoal,
      annotations,
      table,
      yearly,
      yearlyNote: yearlyBreakNote(
        yearly.map((y) => y.year),
        breaks,
        period.end,
      ),
      comparison: (await comparisons(ctx, t)).get(def.id),
      narrative: sentence ? renderSentence(sentence) : null,
      narrativeWithheld,
      breakdowns,
      hiding,
    };
  });
}

/** Why a period's figure is "–": the reason stored with a null value, or why none is stored. */
export function missingValueReason(def: IndicatorDef, period: Period, v: IndicatorValue | undefined): string | null {
  if (!v) return absentReason(def, period);
  return v.value === null ? (v.reason ?? "not computed") : null;
}

/** Commentary on an indicator for this viewer. */
export function commentsFor(ctx: WebContext, la: string, indicator: string, publishedOnly: boolean): Promise<Comment[]> {
  return cached(ctx, `com|${la}|${indicator}|${publishedOnly}`, () => listComments(ctx.store, { authority: la, indicator, publishedOnly }));
}

/**
 * The early-warning digest (with browser-edited targets), for a period: a month judged by SPC; a
 * quarter, financial year or rolling year judged month by month (each month against the months
 * before it), as `lantern digest` does. Calendar years are not offered (the page's periods).
 */
export function digest(ctx: WebContext, t: Target, period: Period, hiding: Hiding = SHOW_ALL): Promise<Digest> {
  return cached(ctx, `digest|${t.snapshot_id}|${period.id}|${hiding.on}`, async () => {
    const indicators = indicatorLibrary().list();
    const { values, benchmark } = await digestValues(ctx.store, t, period, indicators);
    return buildDigest({
      authority: t.la_code,
      period: period.id,
      indicators,
      values,
      benchmark,
      targets: await goals(ctx),
      annotations: await annotationsOf(ctx, t.la_code),
      spcForEachMonth: true,
      ...(hiding.on ? { hidden: hiding.hidden } : {}),
    });
  });
}

/** A digest group as a viewer sees it. */
export type ShownGroup = Digest["groups"][number] & {
  /** Titles of the flow measures whose SPC is not shown, in some or all of the digest's months (named after the title), because too few months they can see run up to that month (small numbers, or figures that would give one away). */
  readonly withheld: string[];
};

/** The digest as a viewer sees it. */
export type ShownDigest = Omit<Digest, "groups"> & { readonly groups: ShownGroup[] };

/**
 * The digest as a viewer may see it. For members (`suppress`) each month's SPC rests only on the
 * months after the last one they see as `c` (`buildDigest`'s `hidden`, the rule `spcOf` applies
 * to the indicator page's chart): a signal's limits and text then give no hidden figure away. A
 * flow measure that could not be judged so in a month (the month itself hidden, or fewer than 12
 * months since the last hidden one) is named in `withheld`, with those months when it was judged
 * in others; it is not listed as not judged. A RAG change on a hidden figure keeps its colours but
 * not its number.
 */
export function shownDigest(ctx: WebContext, t: Target, period: Period, suppress: boolean): Promise<ShownDigest> {
  return cached(ctx, `digest-shown|${t.snapshot_id}|${period.id}|${suppress}`, async () => {
    const hiding = await viewerHiding(ctx, t, suppress);
    const d = await digest(ctx, t, period, hiding);
    if (!hiding.on) return { ...d, groups: d.groups.map((g) => ({ ...g, withheld: [] })) };
    const groups = d.groups.map((g) => {
      const off = g.notJudged.filter((n) => n.reason === "withheld");
      const signals = g.signals.map((x) => (x.kind === "rag" && hiding.hidden(x.indicator, period.id) ? { ...x, text: `${x.title}: ${x.label} (the figure is a small number, not shown).`, brief: `${x.title}: ${x.label} (the figure is a small number, not shown).` } : x));
      const withheld = off.map((n) => (n.months.length < d.spcMonths.length ? `${n.title} (${monthRuns(n.months, d.spcMonths)})` : n.title));
      return { ...g, signals, notJudged: g.notJudged.filter((n) => n.reason !== "withheld"), withheld };
    });
    return { ...d, groups };
  });
}

/** One stage of the system flow as shown. */
export interface FlowRow {
  readonly stage: string;
  readonly indicator: string;
  /** The stage the conversion is of (null at the first). */
  readonly from: string | null;
  readonly value: IndicatorValue | undefined;
  readonly text: string;
  readonly suppressed: boolean;
  /** This stage per 100 of the stage it comes from; null at the first stage, without values, or when suppressed. */
  readonly conversion: number | null;
  readonly conversionLastYear: number | null;
  /** Whether each conversion is withheld from this viewer (shown as `c`, not as "no value"). */
  readonly conversionHidden: boolean;
  readonly conversionLastYearHidden: boolean;
  /** Whether the conversion is a share of the stage it comes from (FlowStage.share): worded by conversionWords. */
  readonly share: boolean;
}

/** The flow from contacts to care for a period (the digest's stages and conversions). */
export async function systemFlow(ctx: WebContext, t: Target, period: Period, suppress: boolean): Promise<FlowRow[]> {
  const d = await digest(ctx, t, period);
  const hiding = await viewerHiding(ctx, t, suppress);
  const lastYear = samePeriodLastYear(period).id;
  const values = await storedValues(ctx.store, { snapshots: [t.snapshot_id], periods: [period.id, lastYear], indicators: FLOW.map((f) => f.indicator) });
  const at = (indicator: string, p: string) => values.find((x) => x.indicator === indicator && x.period === p);
  return d.flow.map((f) => {
    const v = at(f.indicator, period.id);
    const s = shown(v, hiding);
    // A conversion is one stage's count over another's: hide it when either is hidden, in this
    // period or (for the year earlier's) in that one, or it and the one shown give the other away.
    const off = (p: string) => hides(hiding, at(f.indicator, p)) || (f.from !== null && hides(hiding, at(f.from.indicator, p)));
    const now = s.suppressed || off(period.id);
    return {
      stage: f.stage,
      indicator: f.indicator,
      from: f.from?.stage ?? null,
      value: v,
      text: s.text,
      suppressed: s.suppressed,
      conversion: now ? null : f.conversion,
      conversionLastYear: now || off(lastYear) ? null : f.conversionLastYear,
      conversionHidden: f.from !== null && f.conversion !== null && now,
      conversionLastYearHidden: f.from !== null && f.conversionLastYear !== null && (now || off(lastYear)),
      share: f.share,
    };
  });
}

/** A figure that changed between two loads of the same authority. */
export interface Revision {
  readonly indicator: string;
  readonly period: string;
  readonly before: IndicatorValue;
  readonly after: IndicatorValue;
}

/**
 * The totals that differ between an earlier and a later snapshot's values (same indicator and
 * period): `revisionsBetween`, with each side as the stored value, or as no value with a reason
 * where that load has no such figure.
 */
export function diffValues(before: readonly IndicatorValue[], after: readonly IndicatorValue[]): Revision[] {
  const key = (v: Pick<IndicatorValue, "indicator" | "authority" | "period">) => `${v.indicator}|${v.authority}|${v.period}`;
  const headline = (vs: readonly IndicatorValue[]) => new Map(vs.filter((v) => !v.breakdown).map((v) => [key(v), v]));
  const [old, now] = [headline(before), headline(after)];
  const absent = (v: IndicatorValue, reason: string): IndicatorValue => ({ ...v, value: null, numerator: null, denominator: null, reason });
  return revisionsBetween(before, after).map((r) => {
    const [b, a] = [old.get(key(r)), now.get(key(r))];
    return { indicator: r.indicator, period: r.period, before: b ?? absent(a!, "not in the earlier load"), after: a ?? absent(b!, "not in the later load") };
  });
}

/** Revisions of financial-year and quarterly figures between an authority's two latest computed loads. */
export function revisions(ctx: WebContext, la: string): Promise<{ from: number; to: number; changes: Revision[] } | null> {
  return cached(ctx, `rev|${la}`, async () => {
    const snaps = await ctx.store.all<{ snapshot_id: number }>(
      `SELECT DISTINCT s.snapshot_id FROM lantern_snapshot s JOIN lantern_compute c ON c.snapshot_id = s.snapshot_id WHERE s.la_code = $1 ORDER BY s.snapshot_id DESC LIMIT 2`,
      [la],
    );
    if (snaps.length < 2) return null;
    const [to, from] = [snaps[0]!.snapshot_id, snaps[1]!.snapshot_id];
    const keep = (vs: IndicatorValue[]) => vs.filter((v) => ["year", "quarter"].includes(parsePeriod(v.period)?.kind ?? ""));
    const before = keep(await storedValues(ctx.store, { snapshots: [from] }));
    const after = keep(await storedValues(ctx.store, { snapshots: [to] }));
    return { from, to, changes: diffValues(before, after) };
  });
}
