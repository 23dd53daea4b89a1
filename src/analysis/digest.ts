/**
 * @module
 * The early-warning digest for one period: every special-cause signal (SPC on each indicator's
 * monthly series up to the period, rebased at recording changes), every change of RAG, grouped
 * as a committee reads them — demand, safeguarding, care, leaving care — most serious first; and
 * the flow from contacts to care with the conversion between stages and its change on a year
 * earlier. Pure: values, targets and annotations in; the digest out.
 *
 * A conversion is one period's count over another count of the same period, not a cohort
 * followed through. It is worded as a percentage ("62.0% of contacts") only where each item of a
 * stage is an outcome of one item of the stage it is compared with and the ratio is at most 100;
 * otherwise as so many per 100 ("101.7 per 100 referrals"), which does not claim to be a share.
 *
 * SPC is monthly. A quarter, year or rolling year is judged month by month (each month against
 * the months before it, exactly as that month's own digest would be) when the caller asks for it;
 * and every indicator SPC would chart but could not judge (too few months, no figure, too few
 * records) is named, so an empty group is never read as an all-clear it is not.
 */

import { monthsEndingWith, parsePeriod, type Period, periodsWithin, previousPeriod, samePeriodLastYear } from "../calendar/periods.ts";
import { formatValue } from "../kpi/format.ts";
import type { AreaId, IndicatorDef, IndicatorValue } from "../kpi/types.ts";
import { type Annotation, annotationsFor, seriesBreaks } from "./annotations.ts";
import { benchmarkMovements, type MovementOptions } from "./benchmark-movement.ts";
import { rag, type Target, targetFor } from "./rag.ts";
import { describeSpc, type SpcResult, spcUnitLabel } from "./spc.ts";
import { monthlySpc, monthlyTarget, SPC_LOOKBACK, SPC_MIN_MONTHS, spcJudges } from "./spc-chart.ts";
import { sinceLastHidden } from "./trends.ts";

export const DIGEST_GROUPS = [
  { id: "demand", title: "Demand", areas: ["front_door", "early_help"] },
  { id: "safeguarding", title: "Safeguarding", areas: ["children_in_need", "child_protection"] },
  { id: "care", title: "Care", areas: ["children_in_care", "missing"] },
  { id: "leaving_care", title: "Leaving care", areas: ["care_leavers"] },
  { id: "other", title: "SEND, workforce and education", areas: ["send", "workforce"] },
] as const satisfies readonly { id: string; title: string; areas: readonly AreaId[] }[];

/** One thing the digest reports. */
export interface Signal {
  readonly indicator: string;
  readonly title: string;
  /** An SPC signal, a change of RAG, or a change of place against other councils (benchmark-movement.ts). */
  readonly kind: "spc" | "rag" | "benchmark";
  /** 3 = concern or red, 2 = unusual with no judgement or amber, 1 = improvement. */
  readonly severity: number;
  readonly label: string;
  readonly text: string;
  /** The signal in one sentence (a list of signals): `text` less its explanation. */
  readonly brief: string;
  /** SPC signals of a quarter, year or rolling year: the months (ids) whose SPC signalled. */
  readonly months?: readonly string[];
}

/** Why the SPC could not judge an indicator in a month. */
export type NotJudgedReason = "no_figure" | "few_months" | "few_records" | "withheld";

/** Plain words for each {@link NotJudgedReason}. */
export const NOT_JUDGED: Record<NotJudgedReason, string> = {
  no_figure: "no figure to judge",
  few_months: "not enough months to judge",
  few_records: "too few records a month to chart",
  withheld: "not shown because of small numbers",
};

/** An indicator the SPC would chart but could not judge, in some or all of the digest's months. */
export interface NotJudged {
  readonly indicator: string;
  readonly title: string;
  readonly reason: NotJudgedReason;
  /** The months (ids) it could not be judged in, for this reason. */
  readonly months: readonly string[];
}

/** One group of the digest. */
export interface DigestGroup {
  readonly id: string;
  readonly title: string;
  readonly signals: Signal[];
  /** Indicators the SPC judged in at least one of the digest's `spcMonths`. */
  readonly judged: string[];
  /** Indicators it could not judge (stocks are never charted, so are not listed). */
  readonly notJudged: NotJudged[];
}

/** A stage of the flow from contacts to care. */
export interface FlowStage {
  readonly stage: string;
  readonly indicator: string;
  /** The stage this one is compared with (the one before, or assessments for section 47 enquiries); null at the first. */
  readonly from: { readonly stage: string; readonly indicator: string } | null;
  readonly value: number | null;
  /** Why `value` is null (given only then), as `lantern indicators --json` gives it: a null figure always comes with its reason. */
  readonly reason?: string;
  /** This stage as a percentage of the one it comes from; null at the first stage or without values. */
  readonly conversion: number | null;
  /**
   * Whether each item of this stage is an outcome of one of the stage it is compared with (a
   * referral of a contact), so the conversion is a share of it; false for a ratio of two counts
   * that is no share (assessments completed are not a subset of referrals). See {@link conversionWords}.
   */
  readonly share: boolean;
  /** Why `conversion` is null (given only then): the first stage, a stage compared with none, or a figure missing or 0. */
  readonly conversionReason?: string;
  /** The conversion a year earlier. */
  readonly conversionLastYear: number | null;
  /** Why `conversionLastYear` is null (given only then). */
  readonly conversionLastYearReason?: string;
}

/** The digest. */
export interface Digest {
  readonly authority: string;
  readonly period: string;
  /** The months (ids) whose SPC the digest judged: the month itself, every month of a longer period, or none. */
  readonly spcMonths: readonly string[];
  readonly groups: DigestGroup[];
  readonly flow: FlowStage[];
  /** Signals of severity 3: what a committee should look at first. */
  readonly alarming: number;
}

/**
 * The flow stages, in order, by indicator id. `share` marks a stage each of whose items is an
 * outcome of one item of the stage it is compared with: a referral is what a contact became, a
 * conference follows an enquiry, a plan is made at a conference. The others are not subsets: a
 * referral can have several assessments or none, a CIN plan also follows a child protection plan
 * (step-down) without a new assessment, and an enquiry can start before any assessment is
 * completed. `alone` marks a stage compared with none, saying why (the digest's reason beside its
 * null conversion): most children start care without a child protection plan, so "62 per 100
 * plans started" would read as the share of plans that end in care.
 */
export const FLOW: readonly { stage: string; indicator: string; from?: string; share?: true; alone?: string }[] = [
  { stage: "Contacts", indicator: "contacts" },
  { stage: "Referrals", indicator: "referrals", share: true },
  { stage: "Assessments completed", indicator: "assessments_completed" },
  { stage: "Child in need plans started", indicator: "cin_plans_started" },
  // An assessment leads to a CIN plan or to a section 47 enquiry: both are compared with assessments.
  { stage: "Section 47 enquiries", indicator: "s47_started", from: "assessments_completed" },
  { stage: "Initial conferences", indicator: "icpc", share: true },
  { stage: "Child protection plans started", indicator: "cpp_started", share: true },
  {
    stage: "Children starting care",
    indicator: "cla_started",
    alone: "not compared with another stage: most children start care without a child protection plan, so a ratio to plans started would read as the share of plans that end in care",
  },
];

/** Whether the flow stage named `stage` (its title, as in {@link FLOW}) is a share of the stage it is compared with. */
export function flowStageIsShare(stage: string): boolean {
  return FLOW.find((f) => f.stage === stage)?.share === true;
}

/**
 * A conversion in words a reader will not misread: "62.0% of contacts" for a share, and "101.7
 * per 100 referrals" for a ratio that is no share, or for a share above 100 (the later stage
 * holds items whose earlier stage fell in an earlier period), since a percentage of something
 * reads as a part of it.
 */
export function conversionWords(conversion: number, from: string, share: boolean): string {
  const of = from.toLowerCase();
  return share && conversion <= 100 ? `${conversion.toFixed(1)}% of ${of}` : `${conversion.toFixed(1)} per 100 ${of}`;
}

/** The ids of the `n` months ending with `end`'s last month. */
const monthsUpTo = (end: Period, n: number): string[] => monthsEndingWith(end, n).map((m) => m.id);

/** The months a digest judges by SPC: the month itself; each month of a longer period when asked; else none. */
function spcMonthsOf(period: Period, eachMonth: boolean): Period[] {
  if (period.kind === "month") return [period];
  return eachMonth ? periodsWithin(period.start, period.end, ["month"]) : [];
}

/**
 * Every period id {@link buildDigest} reads for `period`: the months its SPC looks back over
 * (from each judged month), the period, the one before and the same period a year earlier.
 */
export function digestPeriodIds(period: Period, o: { spcForEachMonth?: boolean } = {}): string[] {
  const judged = spcMonthsOf(period, o.spcForEachMonth ?? false);
  const months = judged.length ? [...monthsUpTo(judged[0]!, SPC_LOOKBACK), ...judged.slice(1).map((m) => m.id)] : monthsUpTo(period, SPC_LOOKBACK);
  return [...new Set([...months, period.id, previousPeriod(period).id, samePeriodLastYear(period).id])];
}

/** A judged month: its chart, and (for a viewer not shown every figure) the first month it rests on when that is later than the lookback's first. */
type Verdict = { readonly result: SpcResult; readonly severity: number; readonly label: string; readonly since?: string } | { readonly reason: NotJudgedReason } | null;

/** The SPC verdict on one indicator's monthly series up to and including `month`; null when it is never charted. */
function judge(def: IndicatorDef, month: Period, byKey: ReadonlyMap<string, IndicatorValue>, annotations: readonly Annotation[], targets: readonly Target[], hidden?: (indicator: string, period: string) => boolean): Verdict {
  // Stocks are never charted, so are not listed as not judged either.
  if (!spcJudges(def)) return null;
  let since: string | undefined;
  let monthly = monthsUpTo(month, SPC_LOOKBACK)
    .map((m) => byKey.get(`${def.id}|${m}`))
    .filter((v): v is IndicatorValue => v !== undefined && v.value !== null);
  if (monthly.at(-1)?.period !== month.id) return { reason: "no_figure" };
  if (hidden) {
    // For a viewer who may not see every figure: the months after the last one hidden, or nothing
    // when the month judged is hidden or too few months follow the last hidden one.
    const shown = sinceLastHidden(monthly, (v) => hidden(def.id, v.period));
    if (shown.length < monthly.length && (shown.length === 0 || (shown.length < SPC_MIN_MONTHS && monthly.length >= SPC_MIN_MONTHS))) return { reason: "withheld" };
    if (shown.length < monthly.length) since = shown[0]!.period;
    monthly = shown;
  }
  // The month's target (a yearly count's twelfth) sets the assurance icon, as on the charts.
  const goal = monthlyTarget(targets, def, month);
  const chart = monthlySpc(def, monthly, { breaks: seriesBreaks(annotationsFor(annotations, def)).map((b) => b.date), target: goal.target?.target, polarity: goal.polarity });
  if (!chart.result) return chart.reason === "stock" ? null : { reason: chart.reason };
  const result = chart.result;
  const last = result.points.at(-1)!;
  // Only a point beyond the process limits is a concern to lead with: run and trend rules assume
  // independent points and fire on slow-moving series, so those are listed to watch, not as alarms.
  const severity = last.type === "common_cause" ? 0 : last.type === "special_cause_concern" ? (last.rule === "astronomical" ? 3 : 2) : last.type === "special_cause_improvement" ? 1 : 2;
  return { result, severity, label: last.type.replaceAll("_", " "), ...(since ? { since } : {}) };
}

/** "A, B and C". */
function listed(xs: readonly string[]): string {
  return xs.length < 2 ? (xs[0] ?? "") : `${xs.slice(0, -1).join(", ")} and ${xs.at(-1)}`;
}

/** Build the digest for `period` from an authority's values (monthly values for SPC; {@link digestPeriodIds} lists what it reads). */
export function buildDigest(input: {
  readonly authority: string;
  readonly period: string;
  readonly indicators: readonly IndicatorDef[];
  readonly values: readonly IndicatorValue[];
  readonly targets?: readonly Target[];
  readonly annotations?: readonly Annotation[];
  /**
   * For a quarter, year or rolling year, judge each of its months by SPC and report the signals
   * (default: SPC only for a month). A caller that shows signals to people who may not see small
   * numbers must suppress by month, since a signal's text quotes a month's figure.
   */
  readonly spcForEachMonth?: boolean;
  /**
   * For a viewer who may not see every figure (members, a public paper): whether the figure of an
   * indicator and period is hidden. Each month's SPC then rests only on the months after the last
   * hidden one in its lookback (at least 12 of them), so no signal, mean or limit gives a hidden
   * figure away; where it cannot, the month is not judged, with the reason `withheld`.
   */
  readonly hidden?: (indicator: string, period: string) => boolean;
  /**
   * The published figures (and the real authority a synthetic one is compared like): with them,
   * each benchmarked indicator whose quartile band or side of England changed between its two
   * latest published years up to the period is a signal. An authority the DfE does not publish
   * needs its own values for those years in `values` ({@link benchmarkPeriodIds}).
   */
  readonly benchmark?: MovementOptions;
}): Digest {
  const period = parsePeriod(input.period);
  if (!period) throw new RangeError(`${input.period} is not a period`);
  const byKey = new Map(input.values.filter((v) => !v.breakdown && v.authority === input.authority).map((v) => [`${v.indicator}|${v.period}`, v]));
  const spcMonths = spcMonthsOf(period, input.spcForEachMonth ?? false);
  const groups = DIGEST_GROUPS.map((g): DigestGroup => ({ id: g.id, title: g.title, signals: [], judged: [], notJudged: [] }));
  const moved = input.benchmark
    ? benchmarkMovements({
        authority: input.authority,
        period,
        indicators: input.indicators,
        own: (indicator, p) => byKey.get(`${indicator}|${p}`)?.value,
        options: input.benchmark,
        ...(input.hidden ? { hidden: input.hidden } : {}),
      })
    : [];
  for (const def of input.indicators) {
    const group = groups[DIGEST_GROUPS.findIndex((g) => (g.areas as readonly string[]).includes(def.area))]!;
    const verdicts = spcMonths.map((m) => ({ month: m, verdict: judge(def, m, byKey, input.annotations ?? [], input.targets ?? [], input.hidden) }));
    const unjudged = new Map<NotJudgedReason, string[]>();
    for (const { month, verdict } of verdicts) if (verdict && "reason" in verdict) unjudged.set(verdict.reason, [...(unjudged.get(verdict.reason) ?? []), month.id]);
    for (const [reason, months] of unjudged) group.notJudged.push({ indicator: def.id, title: def.title, reason, months });
    const judged = verdicts.flatMap(({ month, verdict }) => (verdict && "result" in verdict ? [{ month, ...verdict }] : []));
    if (judged.length) group.judged.push(def.id);
    const flagged = judged.filter((j) => j.severity > 0);
    if (flagged.length) {
      const latest = flagged.at(-1)!;
      const worst = flagged.reduce((a, b) => (b.severity >= a.severity ? b : a));
      const value = `${formatValue(latest.result.points.at(-1)!.value, def.unit)} in ${latest.month.label}`;
      // A viewer's chart that starts after a month hidden from them has limits of its own: say so,
      // so its figures are not read as the full series' (an exempt paper's, say).
      const since = latest.since ? ` Judged on the months from ${parsePeriod(latest.since)!.label}: an earlier month is not shown.` : "";
      // A month before the period's last is judged on the months up to it: its limits are not those
      // of a chart drawn to the period's end (the indicator's page, the report's section).
      const lastMonth = spcMonths.at(-1)!;
      const earlier = latest.month.id !== lastMonth.id;
      const said = describeSpc(latest.result, { unitLabel: spcUnitLabel(def.unit), ...(earlier ? { lastLabel: latest.month.label } : {}) });
      const limitsOf = (r: SpcResult) => [r.segments.at(-1)!.lpl, r.segments.at(-1)!.upl];
      const atEnd = judged.find((j) => j.month.id === lastMonth.id);
      const differ = earlier && atEnd !== undefined && limitsOf(atEnd.result).some((x, i) => Math.abs(x - limitsOf(latest.result)[i]!) > 1e-9);
      const judgedTo = differ ? ` It is judged on the months up to ${latest.month.label}, whose limits differ from those of the chart drawn to ${lastMonth.label}.` : "";
      let text = `${def.title}: ${value}. ${said}${since}${judgedTo}`;
      let brief = `${def.title} (monthly SPC): ${worst.label}; ${value}.`;
      if (period.kind !== "month") {
        // Name each month with what its chart said, then explain the latest one.
        const byLabel = new Map<string, string[]>();
        for (const f of flagged) byLabel.set(f.label, [...(byLabel.get(f.label) ?? []), f.month.label]);
        const months = [...byLabel].map(([label, ms]) => `${label} in ${listed(ms)}`).join("; ");
        text = `${def.title} (monthly SPC): ${months}. ${value}: ${said}${since}${judgedTo}`;
        // "Latest" only for the period's last month: "latest 19 in August 2025" in a paper to September misled.
        brief = `${def.title} (monthly SPC): ${months}; ${earlier ? "" : "latest "}${value}.`;
      }
      group.signals.push({
        indicator: def.id,
        title: def.title,
        kind: "spc",
        severity: worst.severity,
        label: worst.label,
        text,
        brief,
        ...(period.kind === "month" ? {} : { months: flagged.map((f) => f.month.id) }),
      });
    }
    // RAG change against the period before.
    const now = byKey.get(`${def.id}|${period.id}`);
    const before = byKey.get(`${def.id}|${previousPeriod(period).id}`);
    const goalNow = input.targets ? targetFor(input.targets, def.id, period.id, def) : undefined;
    const goalBefore = input.targets ? targetFor(input.targets, def.id, previousPeriod(period).id, def) : undefined;
    if (now?.value !== null && now?.value !== undefined && goalNow) {
      const polarity = goalNow.polarity ?? def.polarity;
      const r = rag(now.value, goalNow, polarity);
      const r0 = before?.value !== null && before?.value !== undefined && goalBefore ? rag(before.value, goalBefore, polarity) : null;
      if (r && r0 && r !== r0) {
        const order = { green: 0, amber: 1, red: 2 };
        const worse = order[r] > order[r0];
        const text = `${def.title} moved from ${r0} to ${r}: ${formatValue(now.value, def.unit)} against a target of ${formatValue(goalNow.target, def.unit)}.`;
        group.signals.push({
          indicator: def.id,
          title: def.title,
          kind: "rag",
          severity: r === "red" ? 3 : worse ? 2 : 1,
          label: `${r0} to ${r}`,
          text,
          brief: text,
        });
      }
    }
    // Its benchmark movement, after its SPC signals and RAG change (the sort below keeps that order for equal severity).
    group.signals.push(...moved.filter((m) => m.indicator === def.id));
  }
  for (const g of groups) g.signals.sort((a, b) => b.severity - a.severity || a.title.localeCompare(b.title));
  const stageValue = (indicator: string, p: Period) => byKey.get(`${indicator}|${p.id}`)?.value ?? null;
  const lastYear = samePeriodLastYear(period);
  const flow = FLOW.map((f, i): FlowStage => {
    const value = stageValue(f.indicator, period);
    // The stored figure's own reason; a figure not stored at all was not computed.
    const why = value === null ? { reason: byKey.get(`${f.indicator}|${period.id}`)?.reason ?? "not computed for this period." } : {};
    if (i === 0 || f.alone) {
      // Null by design, but said as every null is: with why.
      const none = f.alone ?? `${f.stage.toLowerCase()} are the first stage: there is no stage before them to compare with`;
      return { stage: f.stage, indicator: f.indicator, from: null, value, ...why, conversion: null, conversionReason: none, share: false, conversionLastYear: null, conversionLastYearReason: none };
    }
    const source = FLOW.find((x) => x.indicator === f.from) ?? FLOW[i - 1]!;
    const prevStage = source.indicator;
    // The conversion in `p`, or why there is none: this stage's figure or the earlier one's is missing, or that one is 0.
    const conv = (p: Period): { value: number } | { reason: string } => {
      const a = stageValue(prevStage, p);
      const b = stageValue(f.indicator, p);
      const missing = (stage: string, indicator: string) => ({ reason: `no figure for ${stage.toLowerCase()} in ${p.label}: ${byKey.get(`${indicator}|${p.id}`)?.reason ?? "none is stored for that period"}` });
      if (b === null) return missing(f.stage, f.indicator);
      if (a === null) return missing(source.stage, prevStage);
      if (a === 0) return { reason: `no ${source.stage.toLowerCase()} in ${p.label} to compare with` };
      return { value: (100 * b) / a };
    };
    const [now, before] = [conv(period), conv(lastYear)];
    return {
      stage: f.stage,
      indicator: f.indicator,
      from: { stage: source.stage, indicator: source.indicator },
      value,
      ...why,
      conversion: "value" in now ? now.value : null,
      ...("reason" in now ? { conversionReason: now.reason } : {}),
      share: f.share === true,
      conversionLastYear: "value" in before ? before.value : null,
      ...("reason" in before ? { conversionLastYearReason: before.reason } : {}),
    };
  });
  const alarming = groups.reduce((n, g) => n + g.signals.filter((s) => s.severity === 3).length, 0);
  return { authority: input.authority, period: period.id, spcMonths: spcMonths.map((m) => m.id), groups, flow, alarming };
}

/** Months as runs: "April 2025 to June 2025, September 2025" (`all` gives the order). */
export function monthRuns(ids: readonly string[], all: readonly string[]): string {
  const label = (id: string) => parsePeriod(id)?.label ?? id;
  const runs: string[][] = [];
  for (const id of ids) {
    const run = runs.at(-1);
    if (run && all.indexOf(id) === all.indexOf(run.at(-1)!) + 1) run.push(id);
    else runs.push([id]);
  }
  return runs.map((r) => (r.length === 1 ? label(r[0]!) : `${label(r[0]!)} to ${label(r.at(-1)!)}`)).join(", ");
}

/**
 * What a group of the digest says besides its signals, in lower case for the caller to set out:
 * "nothing unusual" only when the SPC judged something and found nothing, and every indicator it
 * could not judge named with the reason (and, for a quarter or year, the months when only some
 * could not be judged). Never an all-clear for what was not judged. `withheld` (the web's members)
 * are signals not shown because they rest on small numbers. One wording for `lantern digest` and
 * the web's early-warning page.
 */
export function unjudgedNotes(
  spcMonths: readonly string[],
  g: Pick<DigestGroup, "signals" | "judged" | "notJudged"> & { readonly withheld?: readonly unknown[] },
): string[] {
  const out: string[] = [];
  const byReason = new Map<string, { reason: NotJudgedReason; months: readonly string[]; titles: string[] }>();
  for (const n of g.notJudged) {
    const key = `${n.reason}|${n.months.join(",")}`;
    const entry = byReason.get(key) ?? byReason.set(key, { reason: n.reason, months: n.months, titles: [] }).get(key)!;
    entry.titles.push(n.title);
  }
  if (!g.signals.length) {
    if (!spcMonths.length) out.push("no SPC: it is run on months only");
    else if (g.judged.length) out.push(`nothing unusual in the ${g.judged.length} indicator${g.judged.length === 1 ? "" : "s"} judged`);
    else if (g.notJudged.length && g.notJudged.every((n) => n.reason === "few_months" && n.months.length === spcMonths.length)) return ["not enough months to judge"];
    else if (g.withheld?.length) out.push("no signals shown");
    else if (!g.notJudged.length) out.push("nothing here is charted (SPC is not run on stocks)");
  }
  for (const { reason, months, titles } of byReason.values()) {
    const when = months.length < spcMonths.length ? ` in ${monthRuns(months, spcMonths)}` : "";
    out.push(`${NOT_JUDGED[reason]}${when}: ${titles.join("; ")}`);
  }
  return out;
}

