/**
 * @module
 * What a committee report says, in the order a committee reads it: the cover, key messages, a
 * section per dashboard area, the flow to care, data quality and recording notes (with every
 * figure amended since the previous report), a glossary, an appendix of headline values and one of
 * breakdowns. Pure:
 * the figures gathered by `data.ts` in, the content out; `html.ts` lays it out.
 *
 * Public and exempt are decided here, not in the layout: for a public report every count,
 * percentage and rate is passed through the DfE's suppression rule (analysis/suppression.ts) and
 * each displayed number carries `suppressed`, so no renderer can forget it. Neither audience ever
 * carries a child-level record: only aggregates reach this module.
 */

import { type Annotation, annotationsFor, seriesBreaks } from "../analysis/annotations.ts";
import type { BenchmarkResult, Published } from "../analysis/benchmarks.ts";
import { buildDigest, type FlowStage, type Signal } from "../analysis/digest.ts";
import { describePeriod, nounOf, renderSentence } from "../analysis/narrative.ts";
import { goalFor, type Rag, rag, type Target, travel } from "../analysis/rag.ts";
import { type SpcResult, VARIATION_ICONS, ASSURANCE_ICONS, describeSpc, spcUnitLabel } from "../analysis/spc.ts";
import { monthlySpc, monthlyTarget, runPoints, type RunPoint, SPC_LOOKBACK, SPC_MIN_MONTHS, spcJudges, spcRefusalText } from "../analysis/spc-chart.ts";
import type { MovementOptions } from "../analysis/benchmark-movement.ts";
import { categoryKey, isSmallCount, SUPPRESSED, suppressedCategories, suppressedKeysEveryPeriod } from "../analysis/suppression.ts";
import { type AveragedKind, type SeriesPoint, sinceLastHidden, yearlyAveragesHiding, yearlyBreakNote } from "../analysis/trends.ts";
import { londonDate } from "../calendar/london.ts";
import { dayLabel, financialYearOf, monthsEndingWith, PERIOD_KINDS, type Period, parsePeriod, previousPeriod, samePeriodLastYear } from "../calendar/periods.ts";
import { breakdownsOf } from "../kpi/engine.ts";
import { formatValue } from "../kpi/format.ts";
import { AREAS, type IndicatorDef, type IndicatorValue, type Polarity, type Unit } from "../kpi/types.ts";
import { categoryLabel, compareCategories } from "../web/categories.ts";

/** The public report's suppression rule lives with the rule itself; named here as the report's. */
export { suppressedKeys } from "../analysis/suppression.ts";

export type Audience = "public" | "exempt";
export const AUDIENCES: readonly Audience[] = ["public", "exempt"];

/** A figure amended between the previous report's snapshot and this one. */
export interface Revision {
  readonly indicator: string;
  readonly period: string;
  readonly before: number | null;
  readonly after: number | null;
}

/** Everything the report is built from (gathered by `data.ts`; all aggregates). */
export interface ReportInput {
  readonly authority: { readonly code: string; readonly name: string };
  readonly committee: string;
  readonly period: string;
  readonly audience: Audience;
  readonly snapshot: { readonly id: number; readonly loadedAt: string; readonly dataFrom: string | null; readonly dataTo: string | null; readonly extractedTo: string | null };
  /** The snapshot the previous report was built from, when there is one. */
  readonly previousSnapshot?:
    | {
        readonly id: number;
        readonly loadedAt: string;
        /** Why this snapshot (data.ts `chooseBaseline`): named with --since, a previous paper's, or the load before. */
        readonly basis?: "since" | "same committee and kind" | "same committee" | "committee not recorded" | "previous load";
        /** The previous paper it was built from, as the audit log records it. */
        readonly paper?: { readonly madeAt: string; readonly committee?: string; readonly period?: string; readonly audience?: string };
      }
    | undefined;
  readonly indicators: readonly IndicatorDef[];
  /** The snapshot's stored totals (no breakdowns) for the authority, every period. */
  readonly values: readonly IndicatorValue[];
  /**
   * The snapshot's stored breakdowns (source, age band, ethnicity...) for the authority, every
   * period: in public each is suppressed over its periods as the members' pages suppress it.
   */
  readonly breakdowns?: readonly IndicatorValue[] | undefined;
  readonly targets: readonly Target[];
  readonly annotations: readonly Annotation[];
  /** Benchmarks by indicator id (only indicators with a national measure). */
  readonly benchmarks: ReadonlyMap<string, BenchmarkResult>;
  /** The published figures, for the key messages' benchmark movements (absent when the authority cannot be compared). */
  readonly movements?: MovementOptions | undefined;
  readonly revisions: readonly Revision[];
  /**
   * The previous snapshot's stored values, when there is one: in public, an amended figure's old
   * value is suppressed by the rule applied to that snapshot (what its public paper withheld).
   */
  readonly previousValues?: readonly IndicatorValue[] | undefined;
  /** Officer commentary marked for publication (both audiences carry only these). */
  readonly commentary: readonly { readonly indicator: string; readonly period: string; readonly body: string }[];
  readonly generatedAt: string;
}

/** A number as shown: its value, or suppressed (`c`) in a public report. */
export interface Shown {
  readonly value: number | null;
  readonly suppressed: boolean;
}

export interface ChartPoint {
  readonly date: string;
  readonly period: string;
  readonly value: number;
  readonly mean: number;
  readonly lpl: number;
  readonly upl: number;
  readonly type: string;
}

/** One indicator's part of an area section. */
export interface IndicatorSection {
  readonly id: string;
  readonly title: string;
  readonly unit: Unit;
  readonly polarity: Polarity;
  /** The period the value is for (the report's, or the nearest the indicator has). */
  readonly period: { readonly id: string; readonly label: string } | null;
  /**
   * For a figure taken on a day and loaded by month, when the report's period has none of its
   * own: what the month's figure stands for ("at September 2025, the figure for the last month of
   * Q2 2025-26"); null otherwise.
   */
  readonly asAt: { readonly label: string; readonly note: string } | null;
  readonly value: Shown;
  readonly numerator: Shown;
  readonly denominator: Shown;
  readonly reason: string | null;
  readonly target: number | null;
  readonly rag: Rag | null;
  /** Why the year's target gives the figure no RAG (a quarter's share who went missing); null otherwise. */
  readonly ragNote: string | null;
  readonly previous: { readonly label: string; readonly value: Shown; readonly direction: string | null } | null;
  readonly lastYear: { readonly label: string; readonly value: Shown; readonly direction: string | null } | null;
  /** The SPC chart of the monthly series up to the period; null when not charted (with why). */
  readonly spc: {
    readonly result: SpcResult;
    readonly points: readonly ChartPoint[];
    readonly variation: { readonly letter: string; readonly colour: string; readonly letterColour: string; readonly outline: string; readonly label: string; readonly meaning: string };
    readonly assurance: { readonly letter: string; readonly colour: string; readonly letterColour: string; readonly outline: string; readonly label: string; readonly meaning: string } | null;
    readonly description: string;
    readonly target: number | null;
  } | null;
  /** Why there is no SPC chart, or (in public, beside one) that it starts after a suppressed month. */
  readonly spcNote: string | null;
  /**
   * With no SPC chart, the last 36 months' values drawn alone (a run chart; in public a suppressed
   * month is a gap), and why there are no limits; null with fewer than two values to join.
   */
  /** The monthly values alone, with the target a month is measured against (see `spc.target`). */
  readonly run: { readonly points: readonly RunPoint[]; readonly why: string; readonly target: number | null } | null;
  /** Yearly averages of the report period's kind of figure (`yearlyKind`); `months` counts the periods averaged. */
  readonly yearly: readonly { readonly year: string; readonly mean: Shown; readonly months: number }[];
  readonly yearlyKind: AveragedKind;
  /** What the yearly averages' reader must know of a recording change among their years, or null. */
  readonly yearlyNote: string | null;
  readonly benchmark: {
    readonly year: string;
    /**
     * The authority's own figure for the benchmark year, the one ranked (the result's `own`: the
     * DfE's published figure for a real authority, Lantern's for any other), shown first.
     */
    readonly own: Shown;
    /** Which year `own` is for (the benchmark year's label). */
    readonly ownPeriod: string;
    readonly england: number | null;
    /**
     * The decimal places the DfE publishes the measure to (0: whole numbers), or null: England's
     * figure, and the authority's own where it is the published one, are shown so.
     */
    readonly places: 0 | 1 | null;
    /** Whether `own` is the DfE's published figure (else Lantern's, shown as computed). */
    readonly ownPublished: boolean;
    readonly neighbourMean: number | null;
    readonly neighbours: string;
    readonly rank: string | null;
    readonly band: string | null;
    readonly comparedWith: string;
  } | null;
  readonly notes: readonly string[];
  /** Dated notes drawn on the chart. */
  readonly annotations: readonly { readonly date: string; readonly label: string }[];
  /** Officer commentary on this indicator for the period, marked for publication. */
  readonly commentary: readonly string[];
  /** The early-warning signals on this indicator in the period, in full (the key messages list them briefly). */
  readonly warnings: readonly string[];
}

export interface AreaSection {
  readonly id: string;
  readonly title: string;
  readonly indicators: readonly IndicatorSection[];
}

export interface ReportContent {
  readonly cover: {
    readonly title: string;
    readonly authority: { readonly code: string; readonly name: string };
    readonly committee: string;
    readonly period: { readonly id: string; readonly label: string };
    readonly audience: Audience;
    readonly snapshot: { readonly id: number; readonly loaded: string };
    readonly dataCovers: string;
    readonly extracted: string;
    readonly generatedAt: string;
  };
  readonly keyMessages: {
    /**
     * Every signal of the period's early-warning digest, most serious first (none is cut: a
     * warning left out reads as one not given). Each indicator's section carries its signals in full.
     */
    readonly signals: readonly (Pick<Signal, "indicator" | "title" | "kind" | "severity" | "label" | "text" | "brief">)[];
    /** In public, the indicators SPC could not judge in the period because a month they rest on is suppressed. */
    readonly withheld: readonly string[];
    /** Why nothing is compared with England or neighbours, and how to set a comparator; null when compared. */
    readonly noComparison: string | null;
    readonly sentences: readonly string[];
    readonly commentary: readonly string[];
    readonly commentaryNote: string;
  };
  readonly areas: readonly AreaSection[];
  readonly flow: readonly { readonly stage: string; readonly from: string | null; readonly value: Shown; readonly conversion: Shown; readonly conversionLastYear: Shown }[];
  readonly quality: {
    readonly suppression: string | null;
    /**
     * Every dated note, those after the period's end too (a recording change from the month after
     * a quarter is known when its paper is written): `afterPeriod` marks them. They change no
     * chart, comparison or sentence of the period, which stop at its end.
     */
    readonly notes: readonly { readonly date: string; readonly kind: string; readonly about: string; readonly note: string; readonly afterPeriod: boolean }[];
    /** Every amended figure, grouped by indicator (in the report's order), each group's periods by kind then date. */
    readonly revisions: readonly { readonly title: string; readonly figures: readonly { readonly period: string; readonly before: string; readonly after: string }[] }[];
    readonly revisionsNote: string;
    /** Amended figures counted in the note but not listed (in public, withheld: shown as c, or over the months of one that is; or reading the same before and after). */
    readonly revisionsUnlisted: number;
    readonly notComputed: readonly { readonly title: string; readonly reason: string }[];
  };
  readonly glossary: readonly { readonly id: string; readonly title: string; readonly area: string; readonly unit: Unit; readonly polarity: Polarity; readonly lait: string | null; readonly definition: string }[];
  readonly appendix: readonly { readonly area: string; readonly title: string; readonly period: string; readonly value: Shown; readonly numerator: Shown; readonly denominator: Shown; readonly unit: Unit }[];
  /** Each area's breakdowns for the period an indicator is reported for: one table per indicator, its breakdowns one after another. */
  readonly breakdowns: readonly BreakdownArea[];
}

/** One area's part of the breakdowns appendix. */
export interface BreakdownArea {
  readonly id: string;
  readonly title: string;
  readonly indicators: readonly {
    readonly id: string;
    readonly title: string;
    readonly unit: Unit;
    readonly period: string;
    readonly rows: readonly { readonly breakdown: string; readonly category: string; readonly value: Shown; readonly numerator: Shown; readonly denominator: Shown }[];
  }[];
}

/** The section headings, in order (the PDF's bookmarks and the tests' checklist). */
export const SECTION_TITLES = {
  keyMessages: "Key messages",
  flow: "The system flow",
  quality: "Data quality and recording notes",
  glossary: "Glossary",
  appendix: "Appendix: all values",
  breakdowns: "Appendix: breakdowns",
} as const;

const SHOWN_NONE: Shown = { value: null, suppressed: false };

function periodOf(id: string): Period {
  const p = parsePeriod(id);
  if (!p) throw new RangeError(`${id} is not a period`);
  return p;
}

/**
 * The period an indicator is reported for: the report's, else the nearest it has that ends by
 * then. An aggregate figure taken on a day (`dayFigure`: a vacancy rate at the census date,
 * loaded from measures.csv by month) is, failing the report's own period, the figure for the
 * period's last month: the same day's figure.
 */
function reportPeriodFor(report: Period, has: (id: string) => boolean, dayFigure = false): Period | null {
  const endMonth = report.end.slice(0, 7);
  const candidates = [report.id, ...(dayFigure && report.kind !== "month" ? [endMonth] : []), `12m-${endMonth}`];
  if (report.kind === "quarter" || report.kind === "month") candidates.push(`${financialYearOf(report.end) - 1}-${String(financialYearOf(report.end) % 100).padStart(2, "0")}`);
  for (const c of candidates) if (has(c)) return periodOf(c);
  return null;
}

function published(p: Published | undefined): number | null {
  return p && "value" in p ? p.value : null;
}

/** An indicator with no figure for the period: its section says so and why. */
function unvalued(def: IndicatorDef, period: Period, reason: string): IndicatorSection {
  return {
    id: def.id,
    title: def.title,
    unit: def.unit,
    polarity: def.polarity,
    period: { id: period.id, label: period.label },
    asAt: null,
    value: SHOWN_NONE,
    numerator: SHOWN_NONE,
    denominator: SHOWN_NONE,
    reason,
    target: null,
    rag: null,
    ragNote: null,
    previous: null,
    lastYear: null,
    spc: null,
    spcNote: null,
    run: null,
    yearly: [],
    yearlyKind: averagedKind(period),
    yearlyNote: null,
    benchmark: null,
    notes: [],
    annotations: [],
    commentary: [],
    warnings: [],
  };
}

/** The kind of figure a report's yearly averages are taken over: its own period's (a rolling year's: months). */
export function averagedKind(period: Period): AveragedKind {
  return period.kind === "quarter" || period.kind === "year" ? period.kind : "month";
}

/** Build the report's content. */
export function buildReport(input: ReportInput): ReportContent {
  const period = periodOf(input.period);
  const pub = input.audience === "public";
  const values = input.values.filter((v) => !v.breakdown && v.authority === input.authority.code);
  const byKey = new Map(values.map((v) => [`${v.indicator}|${v.period}`, v]));
  // The report shows every month (charts, their points' titles) beside the quarter's and the
  // year's counts, so its figures are protected as the members' web pages protect theirs: over time too.
  const hidden = pub ? suppressedKeysEveryPeriod(input.indicators, values) : new Set<string>();
  const isHidden = (id: string, p: string) => hidden.has(`${id}|${p}`);
  const shownValue = (v: IndicatorValue | undefined): Shown => (v ? { value: v.value, suppressed: v.value !== null && isHidden(v.indicator, v.period) } : SHOWN_NONE);
  const shownCount = (def: IndicatorDef, v: IndicatorValue | undefined, which: "numerator" | "denominator"): Shown => {
    const n = v?.[which] ?? null;
    if (n === null || def.unit === "count") return { value: null, suppressed: false };
    // A suppressed percentage hides both its counts: 0 out of c would still say 0%.
    return { value: n, suppressed: pub && (isSmallCount(n) || (v !== undefined && isHidden(v.indicator, v.period))) };
  };
  const months = monthsEndingWith(period, SPC_LOOKBACK);
  const averaged = averagedKind(period);

  // Key messages: the early-warning digest of the period, as `lantern digest` gives it: SPC
  // signals in each of its months, RAG changes and benchmark movements. In public, SPC rests only
  // on the months since the last suppressed one, and a movement on a hidden figure is left out
  // (buildDigest's `hidden`).
  const digestOf = (hiding: ((id: string, p: string) => boolean) | undefined) => {
    const d = buildDigest({
      authority: input.authority.code,
      period: period.id,
      indicators: input.indicators,
      values,
      targets: input.targets,
      annotations: input.annotations,
      spcForEachMonth: true,
      ...(input.movements ? { benchmark: input.movements } : {}),
      ...(hiding ? { hidden: hiding } : {}),
    });
    // A RAG change is left out when either figure it compares is hidden.
    const signals = d.groups.flatMap((g) => g.signals).filter((s) => !hiding || s.kind !== "rag" || !(hiding(s.indicator, period.id) || hiding(s.indicator, previousPeriod(period).id)));
    return { digest: d, signals };
  };
  const { digest, signals: judged } = digestOf(pub ? isHidden : undefined);
  // The exempt paper never omits a warning the public one gives. The public version's SPC rests
  // only on the months since the last one it suppresses, so its limits, and now and then a signal,
  // differ from the exempt version's; such a signal is added, said as the public version judges it.
  let publicOnly: Signal[] = [];
  if (!pub) {
    const publicHidden = suppressedKeysEveryPeriod(input.indicators, values);
    const have = new Set(judged.map((s) => `${s.indicator}|${s.kind}`));
    publicOnly = digestOf((id, p) => publicHidden.has(`${id}|${p}`))
      .signals.filter((s) => !have.has(`${s.indicator}|${s.kind}`))
      .map((s) => ({ ...s, text: `As the public version judges it, on the months since the last one it shows as c: ${s.text}`, brief: `${s.brief} (as the public version judges it)` }));
  }
  const signals = [...judged, ...publicOnly]
    .sort((a, b) => b.severity - a.severity || a.title.localeCompare(b.title))
    .map(({ indicator, title, kind, severity, label, text, brief }) => ({ indicator, title, kind, severity, label, text, brief }));

  const sections: AreaSection[] = [];
  const appendix: ReportContent["appendix"][number][] = [];
  const sentences: { text: string; weight: number }[] = [];
  const notComputed: { title: string; reason: string }[] = [];

  for (const area of AREAS) {
    const defs = input.indicators.filter((d) => d.area === area.id);
    const items: IndicatorSection[] = [];
    for (const def of defs) {
      const dayFigure = def.source === "measures" && def.measure === "snapshot";
      const at = reportPeriodFor(period, (id) => byKey.has(`${def.id}|${id}`), dayFigure);
      const v = at ? byKey.get(`${def.id}|${at.id}`) : undefined;
      if (!at || !v) {
        // Every indicator is shown, with why it has no figure: one left out reads as one forgotten.
        const reason = def.source === "measures" ? "no figure has been loaded for this period (an aggregate figure kept in another system, loaded from measures.csv)" : "no figure is held for this period";
        notComputed.push({ title: def.title, reason });
        items.push({ ...unvalued(def, period, reason), commentary: input.commentary.filter((c) => c.indicator === def.id && c.period === period.id).map((c) => c.body) });
        appendix.push({ area: area.title, title: def.title, period: period.label, value: SHOWN_NONE, numerator: SHOWN_NONE, denominator: SHOWN_NONE, unit: def.unit });
        continue;
      }
      if (v.value === null) notComputed.push({ title: def.title, reason: v.reason ?? "not computed" });
      const value = shownValue(v);
      const { target: goal, polarity, unjudged } = goalFor(input.targets, def, at.id);
      const dated = annotationsFor(input.annotations, def).filter((a) => a.date <= period.end);
      // Recording changes up to the period's end: every comparison, chart and sentence below stops at them.
      const breaks = seriesBreaks(dated);
      const breakDates = breaks.map((b) => b.date);
      const compare = (p: Period) => {
        const w = byKey.get(`${def.id}|${p.id}`);
        if (!w || w.value === null) return null;
        const shown = shownValue(w);
        return { label: p.label, value: shown, direction: v.value === null || shown.suppressed || value.suppressed ? null : travel(v.value, w.value, polarity, { later: at, earlier: p }, breakDates, def.measure === "snapshot") };
      };
      const notes = dated.map((a) => `${a.date}: ${a.note}`);

      // SPC on the monthly series up to the period's last month, rebased at recording changes.
      // In public, only the months after the last suppressed one are charted, so the mean and
      // limits give no suppressed figure away (the web's rule for members, web/model.ts spcOf).
      const valued = months.map((m) => byKey.get(`${def.id}|${m.id}`)).filter((x): x is IndicatorValue => x !== undefined && x.value !== null);
      const monthly = sinceLastHidden(valued, (m) => pub && isHidden(def.id, m.period));
      const lastHidden = monthly.length < valued.length ? valued[valued.length - monthly.length - 1] : undefined;
      let spc: IndicatorSection["spc"] = null;
      let spcNote: string | null = null;
      // Why there is no SPC chart, when there is none.
      let why: string | null = null;
      if (!spcJudges(def)) why = spcRefusalText("stock", def.unit);
      else if (valued.length < SPC_MIN_MONTHS) why = spcRefusalText("few_months", def.unit);
      else if (monthly.length < SPC_MIN_MONTHS) why = `it is drawn only on the months since the last one suppressed in this public report (${periodOf(lastHidden!.period).label}: a small number, or a figure that would give one away), and it needs 12 of them`;
      else {
        if (lastHidden) spcNote = `The chart starts in ${periodOf(monthly[0]!.period).label}: ${periodOf(lastHidden.period).label} is suppressed in this public report, and the mean and limits rest only on the months charted.`;
        // Monthly values are judged against a month's target, not the quarter's or the year's.
        const monthGoal = monthlyTarget(input.targets, def, months.at(-1)!);
        const chart = monthlySpc(def, monthly, { breaks: breakDates, target: monthGoal.target?.target, polarity: monthGoal.polarity });
        if (!chart.result) why = spcRefusalText(chart.reason, def.unit);
        else {
          const r = chart.result;
          const charted = monthly.slice(-r.points.length);
          const vi = VARIATION_ICONS[r.variationIcon];
          const ai = r.assurance ? ASSURANCE_ICONS[r.assurance] : null;
          spc = {
            result: r,
            points: r.points.map((p, i) => ({ date: p.date, period: charted[i]!.period, value: p.value, mean: p.mean, lpl: p.lpl, upl: p.upl, type: p.type })),
            variation: { letter: vi.letter, colour: vi.colour, letterColour: vi.letterColour, outline: vi.outline, label: vi.label, meaning: vi.meaning },
            assurance: ai ? { letter: ai.letter, colour: ai.colour, letterColour: ai.letterColour, outline: ai.outline, label: ai.label, meaning: ai.meaning } : null,
            // A target where no direction is better gives no assurance, so SPC runs without it; the
            // chart draws it all the same, so its words say it is there, not "No target is set".
            description: describeSpc(monthGoal.target && r.options.target === null ? { ...r, options: { ...r.options, target: monthGoal.target.target } } : r, { unitLabel: spcUnitLabel(def.unit) }),
            target: monthGoal.target?.target ?? null,
          };
        }
      }

      let run: IndicatorSection["run"] = null;
      if (why !== null) {
        const points = runPoints(months, (m) => byKey.get(`${def.id}|${m}`), (v) => pub && isHidden(def.id, v.period));
        if (points) run = { points, why, target: monthlyTarget(input.targets, def, months.at(-1)!).target?.target ?? null };
        spcNote = `No SPC chart: ${why}.${run ? " The chart shows the monthly values alone, with no mean or process limits." : ""}`;
      }

      // Yearly averages (what members asked for) of the same kind of figure as the report's: the
      // average quarter of each year beside a quarter, suppressed with the periods they are made of.
      const ofKind: SeriesPoint[] = values
        .filter((x) => x.indicator === def.id && parsePeriod(x.period)?.kind === averaged && parsePeriod(x.period)!.end <= period.end)
        .map((x) => ({ period: x.period, value: x.value }));
      const yearly = yearlyAveragesHiding(ofKind, (p) => pub && isHidden(def.id, p), averaged)
        .slice(-4)
        .map((y) => ({ year: y.year, mean: { value: y.mean, suppressed: y.hidden }, months: y.months }));

      // A count is not set beside England's total or other councils' counts (areas differ in size):
      // its rate per 10,000 children is, in its own section.
      const b = def.unit === "count" ? undefined : input.benchmarks.get(def.id);
      const rate = def.unit === "count" && input.benchmarks.has(def.id) ? input.indicators.find((r) => r.rateOf === def.id && input.benchmarks.has(r.id)) : undefined;
      if (rate) notes.push(`Compared with England and other councils as "${rate.title}", since a count depends on the size of the area.`);
      // Where the authority's own figure was placed among the published ones (a new or synthetic
      // authority), its rank and quartile band narrow down that figure: withheld with it.
      const placedHidden = b?.rank?.inserted === true && pub && isHidden(def.id, b.year.lanternPeriod);
      const benchmark = b
        ? {
            year: b.year.label,
            own: (() => {
              const o = published(b.own.value);
              // Lantern's own figure is withheld with the stored figure it is; the DfE's published one is public.
              return { value: o, suppressed: o !== null && b.own.from === "lantern" && pub && isHidden(def.id, b.year.lanternPeriod) };
            })(),
            ownPeriod: b.year.label,
            england: published(b.england),
            places: b.places,
            ownPublished: b.own.from === "published",
            neighbourMean: b.neighbourMean,
            neighbours: `${b.neighboursWithValue} of ${b.neighbourCount}`,
            rank: b.rank ? (placedHidden ? SUPPRESSED : `${b.rank.position} of ${b.rank.of}`) : null,
            band: placedHidden && b.quartileBand ? SUPPRESSED : b.quartileBand,
            comparedWith: b.authority.like ? `the statistical neighbours of ${b.authority.like.name}` : "its statistical neighbours",
          }
        : null;

      items.push({
        id: def.id,
        title: def.title,
        unit: def.unit,
        polarity: def.polarity,
        period: { id: at.id, label: at.label },
        asAt:
          dayFigure && at.id !== period.id && at.kind === "month"
            ? { label: `at ${at.label}`, note: `No figure for ${period.label} itself has been loaded; the value is the one at ${at.label}, the period's last month, since this figure is taken on a day.` }
            : null,
        value,
        numerator: shownCount(def, v, "numerator"),
        denominator: shownCount(def, v, "denominator"),
        reason: v.value === null ? (v.reason ?? "not computed") : null,
        target: goal?.target ?? null,
        rag: goal && v.value !== null && !value.suppressed ? rag(v.value, goal, polarity) : null,
        ragNote: v.value !== null ? unjudged : null,
        previous: compare(previousPeriod(at)),
        lastYear: at.kind === "year" ? null : compare(samePeriodLastYear(at)),
        spc,
        spcNote,
        run,
        yearly,
        yearlyKind: averaged,
        yearlyNote: yearlyBreakNote(
          yearly.map((y) => y.year),
          breaks,
          period.end,
          averaged === "year" ? "figures" : "averages",
        ),
        benchmark,
        notes,
        annotations: dated.map((a) => ({ date: a.date, label: a.note })),
        commentary: input.commentary.filter((c) => c.indicator === def.id && (c.period === at.id || c.period === period.id)).map((c) => c.body),
        warnings: signals.filter((x) => x.indicator === def.id).map((x) => x.text),
      });

      // The narrative: the same period in each year held, oldest first.
      if (!value.suppressed) {
        const { sentence: s } = describePeriod({ noun: nounOf(def.title), title: def.title, unit: def.unit, polarity: def.polarity }, at, (id) => byKey.get(`${def.id}|${id}`), {
          breaks,
          hidden: (id) => pub && isHidden(def.id, id),
          onDay: def.measure === "snapshot",
          // Periods by their labels ("Q2 2025-26"); a stock's as the day it is taken on ("30 September 2025").
          label: (id) => (def.measure === "snapshot" ? dayLabel(periodOf(id).end) : periodOf(id).label),
        });
        if (s) sentences.push({ text: renderSentence(s), weight: s.weight + (goal ? 0.5 : 0) });
      }

      for (const p of [...new Set([at.id, previousPeriod(at).id, samePeriodLastYear(at).id])]) {
        const w = byKey.get(`${def.id}|${p}`);
        if (!w) continue;
        appendix.push({ area: area.title, title: def.title, period: periodOf(p).label, value: shownValue(w), numerator: shownCount(def, w, "numerator"), denominator: shownCount(def, w, "denominator"), unit: def.unit });
      }
    }
    if (items.length) sections.push({ id: area.id, title: area.title, indicators: items });
  }

  const breakdowns = breakdownAppendix(input, sections, isHidden);

  // In public, the series SPC could not judge because of a suppressed month: said, so that no
  // signal is not read as nothing to watch.
  const withheld = pub ? [...new Set(digest.groups.flatMap((g) => g.notJudged.filter((n) => n.reason === "withheld").map((n) => n.title)))] : [];

  const flowDigest = digest;
  const flow = flowDigest.flow.map((f: FlowStage, i: number) => {
    const h = pub && isHidden(f.indicator, period.id);
    const from = f.from?.indicator ?? flowDigest.flow[i - 1]?.indicator ?? f.indicator;
    const prevHidden = i > 0 && pub && isHidden(from, period.id);
    const ly = samePeriodLastYear(period).id;
    const lyHidden = pub && i > 0 && (isHidden(f.indicator, ly) || isHidden(from, ly));
    return {
      stage: f.stage,
      from: f.from?.stage ?? null,
      value: { value: f.value, suppressed: f.value !== null && h },
      conversion: { value: f.conversion, suppressed: f.conversion !== null && (h || prevHidden) },
      conversionLastYear: { value: f.conversionLastYear, suppressed: f.conversionLastYear !== null && lyHidden },
    };
  });

  const defById = new Map(input.indicators.map((d) => [d.id, d]));
  // Every amended figure, grouped by indicator. In public, a figure withheld now or in the
  // previous snapshot (rolling and calendar years that would give a hidden month away among them:
  // the every-period rule) is c both before and after, and so is every amended figure of the same
  // indicator over a period that overlaps it: its change beside theirs would give it away ("Was 7,
  // Now c" for July beside Q2's 237 and 234, August and September unchanged, says July is now 4).
  // Such figures are counted, not listed.
  const hiddenNow = pub ? suppressedKeysEveryPeriod(input.indicators, values) : new Set<string>();
  const previous = (input.previousValues ?? []).filter((v) => !v.breakdown && v.authority === input.authority.code);
  const hiddenBefore = pub ? suppressedKeysEveryPeriod(input.indicators, previous) : new Set<string>();
  const kindOrder = (id: string) => PERIOD_KINDS.indexOf(periodOf(id).kind);
  const areaIndex = (d: IndicatorDef) => AREAS.findIndex((a) => a.id === d.area);
  let unlisted = 0;
  let alike = 0;
  const revisions = [...input.indicators]
    .sort((a, b) => areaIndex(a) - areaIndex(b))
    .map((def) => {
      const fmt = (x: number | null) => (x === null ? "not computed" : formatNumber(x, def.unit));
      const small = (x: number | null) => def.unit === "count" && isSmallCount(x);
      const mine = input.revisions.filter((r) => r.indicator === def.id);
      const withheld = pub
        ? mine.filter((r) => hiddenBefore.has(`${r.indicator}|${r.period}`) || hiddenNow.has(`${r.indicator}|${r.period}`) || small(r.before) || small(r.after)).map((r) => periodOf(r.period))
        : [];
      const overlapsWithheld = (p: Period) => withheld.some((w) => w.start <= p.end && p.start <= w.end);
      const figures = mine
        .sort((a, b) => kindOrder(a.period) - kindOrder(b.period) || a.period.localeCompare(b.period))
        .map((r) => {
          const p = periodOf(r.period);
          return overlapsWithheld(p) ? { period: p.label, before: SUPPRESSED, after: SUPPRESSED } : { period: p.label, before: fmt(r.before), after: fmt(r.after) };
        });
      // A figure c before and after says only that it was amended: counted, not listed.
      const shownOnce = figures.filter((f) => !(f.before === SUPPRESSED && f.after === SUPPRESSED));
      unlisted += figures.length - shownOnce.length;
      // One that reads alike (22.04% then 22.01%, "22.0%" both times) shows no amendment a reader
      // can see: counted, not listed. Its count's amendment (a late referral) is listed under the count.
      const listed = shownOnce.filter((f) => f.before !== f.after);
      alike += shownOnce.length - listed.length;
      return { title: def.title, figures: listed };
    })
    .filter((g) => g.figures.length);

  const areaTitle = new Map<string, string>(AREAS.map((a) => [a.id, a.title]));
  const suppressedCount = hidden.size;
  return {
    cover: {
      title: `Children's services performance report: ${period.label}`,
      authority: input.authority,
      committee: input.committee,
      period: { id: period.id, label: period.label },
      audience: input.audience,
      snapshot: { id: input.snapshot.id, loaded: londonDate(input.snapshot.loadedAt) },
      dataCovers: input.snapshot.dataFrom && input.snapshot.dataTo ? `${input.snapshot.dataFrom} to ${input.snapshot.dataTo}` : "no dated activity",
      extracted: input.snapshot.extractedTo ?? londonDate(input.snapshot.loadedAt),
      generatedAt: input.generatedAt,
    },
    keyMessages: {
      signals,
      withheld,
      noComparison: input.movements
        ? null
        : `Nothing in this report is compared with England or statistical neighbours: ${input.authority.code} is not a DfE authority code and no comparable authority is set. Set one once with \`lantern benchmarks --authority ${input.authority.code} --like CODE --indicator referral_rate\` (CODE: the real authority whose region and neighbours to use).`,
      sentences: sentences
        .sort((a, b) => b.weight - a.weight)
        .slice(0, 8)
        .map((s) => s.text),
      commentary: input.commentary
        .filter((c) => c.period === period.id)
        .map((c) => `${defById.get(c.indicator)?.title ?? c.indicator}: ${c.body}`),
      commentaryNote: "No officer commentary has been marked for publication for this period.",
    },
    areas: sections,
    flow,
    quality: {
      suppression: pub
        ? `This is the public version. Counts of 1 to 5 are shown as c, as are further figures that would let a suppressed count be worked out from totals and breakdowns, and any percentage or rate based on a suppressed count or whose count and total differ by 1 to 5 (${suppressedCount} figure(s) across the periods held). It contains no record about an individual child.`
        : null,
      notes: input.annotations.map((a) => ({
        date: a.date,
        kind: a.kind.replaceAll("_", " "),
        about: a.indicator ? (defById.get(a.indicator)?.title ?? a.indicator) : (areaTitle.get(a.area ?? "") ?? "all"),
        note: a.note,
        afterPeriod: a.date > period.end,
      })),
      revisions,
      revisionsUnlisted: unlisted + alike,
      revisionsNote: input.previousSnapshot
        ? `Figures compared with snapshot ${input.previousSnapshot.id}, loaded ${londonDate(input.previousSnapshot.loadedAt)}, ${baselineWords(input.previousSnapshot, input.committee)}.${unlisted ? ` ${unlisted} amended figure(s) are not listed: shown as c before or after, or over the same months as one that is, whose change would give it away.` : ""}${alike ? ` ${alike} amended figure(s) that read the same before and after, to the decimal place shown, are not listed.` : ""}`
        : "There is no earlier snapshot to compare with, so no figures are shown as amended.",
      notComputed,
    },
    breakdowns,
    glossary: input.indicators.map((d) => ({ id: d.id, title: d.title, area: areaTitle.get(d.area) ?? d.area, unit: d.unit, polarity: d.polarity, lait: d.lait ?? null, definition: d.definition })),
    appendix,
  };
}

/**
 * The breakdowns appendix: for each indicator shown, its stored breakdowns for the period it is
 * reported for. In public, the categories shown as `c` are those the members' pages hide
 * (`suppressedCategories`, as web/model.ts `breakdownHiding` calls it): small counts and ratios on
 * them, then secondary suppression within each period with the headline figure as the total (a
 * headline shown as c counting as hidden) and, for a flow, over each category's months, quarters
 * and years, so that no hidden category can be worked out from the total and the others.
 */
function breakdownAppendix(input: ReportInput, sections: readonly AreaSection[], isHidden: (id: string, p: string) => boolean): BreakdownArea[] {
  const pub = input.audience === "public";
  const all = (input.breakdowns ?? []).filter((v) => v.breakdown && v.authority === input.authority.code);
  const byDim = new Map<string, IndicatorValue[]>();
  for (const v of all) {
    const k = `${v.indicator}|${v.breakdown}`;
    const list = byDim.get(k);
    if (list) list.push(v);
    else byDim.set(k, [v]);
  }
  const defs = new Map(input.indicators.map((d) => [d.id, d]));
  const totals = (id: string) => new Map(input.values.filter((v) => v.indicator === id && !v.breakdown && v.authority === input.authority.code).map((v) => [v.period, v]));
  const memo = new Map<string, Set<string>>();
  const hiddenOf = (def: IndicatorDef, dim: string): Set<string> => {
    const key = `${def.id}|${dim}`;
    const known = memo.get(key);
    if (known) return known;
    // A category whose denominator is a category the counting indicator hides is hidden with it.
    const of = def.denominatorOf ? defs.get(def.denominatorOf) : undefined;
    const forced = of && byDim.has(`${of.id}|${dim}`) ? hiddenOf(of, dim) : new Set<string>();
    const out = suppressedCategories(def, byDim.get(key) ?? [], totals(def.id), (p) => isHidden(def.id, p), forced);
    memo.set(key, out);
    return out;
  };
  const out: BreakdownArea[] = [];
  for (const area of sections) {
    const indicators: BreakdownArea["indicators"][number][] = [];
    for (const ind of area.indicators) {
      const def = defs.get(ind.id);
      if (!def || !ind.period || ind.value.value === null) continue;
      const at = ind.period.id;
      const rows: BreakdownArea["indicators"][number]["rows"][number][] = [];
      for (const dim of breakdownsOf(def)) {
        const mine = (byDim.get(`${def.id}|${dim}`) ?? []).filter((v) => v.period === at).sort((a, b) => compareCategories(dim, a.category ?? "", b.category ?? ""));
        if (!mine.length) continue;
        const hidden = pub ? hiddenOf(def, dim) : new Set<string>();
        for (const v of mine) {
          const off = hidden.has(categoryKey(v.period, v.category ?? ""));
          const count = (n: number | null): Shown => (n === null || def.unit === "count" ? SHOWN_NONE : { value: n, suppressed: off });
          rows.push({ breakdown: dimTitle(dim), category: categoryLabel(dim, v.category ?? ""), value: { value: v.value, suppressed: off && v.value !== null }, numerator: count(v.numerator), denominator: count(v.denominator) });
        }
      }
      if (rows.length) indicators.push({ id: def.id, title: def.title, unit: def.unit, period: ind.asAt?.label ?? ind.period.label, rows });
    }
    if (indicators.length) out.push({ id: area.id, title: area.title, indicators });
  }
  return out;
}

/** A breakdown's name as a heading reads it ("age_band": "Age band"). */
function dimTitle(dim: string): string {
  const words = dim.replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Which report or snapshot the amended figures are compared with, in words. */
function baselineWords(prev: NonNullable<ReportInput["previousSnapshot"]>, committee: string): string {
  const p = prev.paper;
  const what = p ? [p.period ? (parsePeriod(p.period)?.label ?? p.period) : null, p.audience ? `${p.audience} version` : null, `made ${londonDate(p.madeAt)}`].filter(Boolean).join(", ") : "";
  switch (prev.basis) {
    case "since":
      return "the snapshot named for this report (--since)";
    case "same committee and kind":
    case "same committee":
      return `from which the previous report to ${committee} was built (${what})`;
    case "committee not recorded":
      return `from which an earlier report was built (${what}; which committee it went to was not recorded)`;
    default:
      return `the load before this one (no report to ${committee} made from an earlier load is recorded)`;
  }
}

/** A number in the unit's usual form, as everywhere ({@link formatValue}; no suppression: callers check `suppressed` first). */
export function formatNumber(v: number, unit: Unit): string {
  return formatValue(v, unit);
}
