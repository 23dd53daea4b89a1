/**
 * @module
 * The early-warning digest for one period: every special-cause signal (SPC on each indicator's
 * monthly series up to the period, rebased at recording changes), every change of RAG, grouped
 * as a committee reads them — demand, safeguarding, care, leaving care — most serious first; and
 * the flow from contacts to care with the conversion between stages and its change on a year
 * earlier. Pure: values, targets and annotations in; the digest out.
 */

import { parsePeriod, type Period, previousPeriod, samePeriodLastYear } from "../calendar/periods.ts";
import type { AreaId, IndicatorDef, IndicatorValue } from "../kpi/types.ts";
import { type Annotation, annotationsFor, seriesBreaks } from "./annotations.ts";
import { fmtValue } from "./narrative.ts";
import { rag, type Target, targetFor } from "./rag.ts";
import { describeSpc, type SpcResult, xmr } from "./spc.ts";

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
  readonly kind: "spc" | "rag";
  /** 3 = concern or red, 2 = unusual with no judgement or amber, 1 = improvement. */
  readonly severity: number;
  readonly label: string;
  readonly text: string;
}

/** A stage of the flow from contacts to care. */
export interface FlowStage {
  readonly stage: string;
  readonly indicator: string;
  /** The stage this one is compared with (the one before, or assessments for section 47 enquiries); null at the first. */
  readonly from: { readonly stage: string; readonly indicator: string } | null;
  readonly value: number | null;
  /** This stage as a percentage of the one it comes from; null at the first stage or without values. */
  readonly conversion: number | null;
  /** The conversion a year earlier. */
  readonly conversionLastYear: number | null;
}

/** The digest. */
export interface Digest {
  readonly authority: string;
  readonly period: string;
  readonly groups: { readonly id: string; readonly title: string; readonly signals: Signal[] }[];
  readonly flow: FlowStage[];
  /** Signals of severity 3: what a committee should look at first. */
  readonly alarming: number;
}

/** The flow stages, in order, by indicator id. */
export const FLOW: readonly { stage: string; indicator: string; from?: string }[] = [
  { stage: "Contacts", indicator: "contacts" },
  { stage: "Referrals", indicator: "referrals" },
  { stage: "Assessments completed", indicator: "assessments_completed" },
  { stage: "Child in need plans started", indicator: "cin_plans_started" },
  // An assessment leads to a CIN plan or to a section 47 enquiry: both are compared with assessments.
  { stage: "Section 47 enquiries", indicator: "s47_started", from: "assessments_completed" },
  { stage: "Initial conferences", indicator: "icpc" },
  { stage: "Child protection plans started", indicator: "cpp_started" },
  { stage: "Children starting care", indicator: "cla_started" },
];

/** Percentages on fewer records than this in any of the last 12 months are not charted. */
const MIN_DENOMINATOR = 20;

/** Months of history the SPC looks back over. */
const LOOKBACK = 36;

function monthsUpTo(end: Period, n: number): string[] {
  const out: string[] = [];
  let p: Period = parsePeriod(end.end.slice(0, 7))!;
  for (let i = 0; i < n; i++) {
    out.unshift(p.id);
    p = previousPeriod(p);
  }
  return out;
}

/** Build the digest for `period` from an authority's values (monthly values for SPC). */
export function buildDigest(input: {
  readonly authority: string;
  readonly period: string;
  readonly indicators: readonly IndicatorDef[];
  readonly values: readonly IndicatorValue[];
  readonly targets?: readonly Target[];
  readonly annotations?: readonly Annotation[];
}): Digest {
  const period = parsePeriod(input.period);
  if (!period) throw new RangeError(`${input.period} is not a period`);
  const byKey = new Map(input.values.filter((v) => !v.breakdown && v.authority === input.authority).map((v) => [`${v.indicator}|${v.period}`, v]));
  const months = monthsUpTo(period, LOOKBACK);
  const groups = DIGEST_GROUPS.map((g) => ({ id: g.id, title: g.title, signals: [] as Signal[] }));
  for (const def of input.indicators) {
    const group = groups[DIGEST_GROUPS.findIndex((g) => (g.areas as readonly string[]).includes(def.area))]!;
    const monthly = months.map((m) => byKey.get(`${def.id}|${m}`)).filter((v): v is IndicatorValue => v !== undefined && v.value !== null);
    const series = monthly.map((v) => ({ date: parsePeriod(v.period)!.end, value: v.value! }));
    // XmR charts assume roughly independent points: a stock taken at each month end (children on
    // plans, looked after) or a percentage of a handful of children moves too slowly or too
    // jumpily for its limits to mean anything, so only flow measures on enough records are charted.
    const charted = def.measure === "flow" && monthly.slice(-12).every((v) => def.unit !== "percent" || (v.denominator ?? 0) >= MIN_DENOMINATOR);
    if (charted && series.length >= 12 && series.at(-1)!.date === period.end.slice(0, 10) && period.kind === "month") {
      const breaks = seriesBreaks(annotationsFor(input.annotations ?? [], def))
        .map((b) => b.date)
        .filter((d) => d > series[0]!.date && d <= series.at(-1)!.date);
      let result: SpcResult | undefined;
      try {
        // Limits come from the history before the latest year (at least 12 points), so a recent
        // change is judged against how the service ran before it rather than widening its own limits.
        const fixAfter = breaks.length ? undefined : Math.max(12, series.length - 12);
        result = xmr(series, { improvement: def.polarity === "higher" ? "up" : def.polarity === "lower" ? "down" : "neutral", rebase: breaks, ...(fixAfter !== undefined && fixAfter < series.length ? { fixAfter } : {}) });
      } catch {
        result = undefined;
      }
      const last = result?.points.at(-1);
      if (result && last && last.type !== "common_cause") {
        // Only a point beyond the process limits is a concern to lead with: run and trend rules assume
        // independent points and fire on slow-moving stocks (a percentage of the children on plans
        // moves a little each month), so those are listed to watch, not as alarms.
        const severity = last.type === "special_cause_concern" ? (last.rule === "astronomical" ? 3 : 2) : last.type === "special_cause_improvement" ? 1 : 2;
        group.signals.push({
          indicator: def.id,
          title: def.title,
          kind: "spc",
          severity,
          label: last.type.replaceAll("_", " "),
          text: `${def.title}: ${fmtValue(last.value, def.unit)} in ${period.label}. ${describeSpc(result)}`,
        });
      }
    }
    // RAG change against the period before.
    const now = byKey.get(`${def.id}|${period.id}`);
    const before = byKey.get(`${def.id}|${previousPeriod(period).id}`);
    const goalNow = input.targets ? targetFor(input.targets, def.id, period.id) : undefined;
    const goalBefore = input.targets ? targetFor(input.targets, def.id, previousPeriod(period).id) : undefined;
    if (now?.value !== null && now?.value !== undefined && goalNow) {
      const polarity = goalNow.polarity ?? def.polarity;
      const r = rag(now.value, goalNow, polarity);
      const r0 = before?.value !== null && before?.value !== undefined && goalBefore ? rag(before.value, goalBefore, polarity) : null;
      if (r && r0 && r !== r0) {
        const order = { green: 0, amber: 1, red: 2 };
        const worse = order[r] > order[r0];
        group.signals.push({
          indicator: def.id,
          title: def.title,
          kind: "rag",
          severity: r === "red" ? 3 : worse ? 2 : 1,
          label: `${r0} to ${r}`,
          text: `${def.title} moved from ${r0} to ${r}: ${fmtValue(now.value, def.unit)} against a target of ${fmtValue(goalNow.target, def.unit)}.`,
        });
      }
    }
  }
  for (const g of groups) g.signals.sort((a, b) => b.severity - a.severity || a.title.localeCompare(b.title));
  const stageValue = (indicator: string, p: Period) => byKey.get(`${indicator}|${p.id}`)?.value ?? null;
  const lastYear = samePeriodLastYear(period);
  const flow = FLOW.map((f, i) => {
    const value = stageValue(f.indicator, period);
    if (i === 0) return { stage: f.stage, indicator: f.indicator, from: null, value, conversion: null, conversionLastYear: null };
    const source = FLOW.find((x) => x.indicator === f.from) ?? FLOW[i - 1]!;
    const prevStage = source.indicator;
    const conv = (p: Period) => {
      const a = stageValue(prevStage, p);
      const b = stageValue(f.indicator, p);
      return a && b !== null ? (100 * b) / a : null;
    };
    return { stage: f.stage, indicator: f.indicator, from: { stage: source.stage, indicator: source.indicator }, value, conversion: conv(period), conversionLastYear: conv(lastYear) };
  });
  const alarming = groups.reduce((n, g) => n + g.signals.filter((s) => s.severity === 3).length, 0);
  return { authority: input.authority, period: period.id, groups, flow, alarming };
}
