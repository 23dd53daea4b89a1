/**
 * @module
 * What an indicator definition is. A definition is pure data: an id that never changes (ids end
 * up in saved targets, commentary and reports; a renamed id keeps the old one as an alias), the
 * words users read, and one SQL query that lists the records behind the figure, one row per
 * record per period. The engine turns those rows into numerators, denominators and values for
 * every period at once, and the same rows answer "which children are behind this number?".
 *
 * The SQL is written in the portable subset DuckDB and PostgreSQL share, over these relations
 * (the engine binds them to the snapshot being computed):
 *   {periods}      la_code, period_id, kind, start_date, end_date, pop_year — the complete periods
 *                  the authority's data covers
 *   {calendar}     d (DATE), wd (running working-day number: working days between a and b = b.wd − a.wd)
 *   {person}, {contacts}, {cin_episodes}, … — each SSD table without its `ssd_` prefix, holding
 *                  the authority's rows as the snapshot sees them
 * and must return the columns:
 *   la_code, period_id, person_id, record_id,
 *   num  (1 when the record counts in the numerator, else 0),
 *   den  (1 when it counts in the denominator, else 0; for rates and counts use 1),
 *   measure (a number for `days` indicators, such as working days; else NULL),
 *   why  (a short reason shown in drill-down, e.g. 'authorised after 47 working days'),
 *   and optionally one `dim_<breakdown>` column per breakdown the indicator supports.
 */

import type { PeriodKind } from "../calendar/periods.ts";

/** Dashboard areas, in the order the dashboard shows them. */
export const AREAS = [
  { id: "front_door", title: "Front door" },
  { id: "early_help", title: "Early help" },
  { id: "children_in_need", title: "Children in need" },
  { id: "child_protection", title: "Child protection" },
  { id: "children_in_care", title: "Children in care" },
  { id: "care_leavers", title: "Care leavers" },
  { id: "missing", title: "Missing" },
  { id: "send", title: "SEND" },
  { id: "workforce", title: "Workforce and education" },
] as const;

export type AreaId = (typeof AREAS)[number]["id"];

/** How a value is expressed. */
export type Unit = "count" | "rate" | "percent" | "days";

/** Which way is better. */
export type Polarity = "higher" | "lower" | "none";

/** How the value is formed from the records: a sum of `num`, a ratio, or the median of `measure`. */
export type Aggregate = "count" | "ratio" | "median";

/** One indicator. */
export interface IndicatorDef {
  readonly id: string;
  readonly aliases?: readonly string[];
  readonly title: string;
  readonly area: AreaId;
  readonly unit: Unit;
  readonly polarity: Polarity;
  /** Flow measures count events in the period; snapshot measures are taken on its last day. */
  readonly measure: "flow" | "snapshot";
  /**
   * A percentage of the children in the period with at least one event at any time in it (children
   * looked after who went missing): a longer period holds more such children, so a month's or a
   * quarter's figure is smaller than a year's and is not to be read against a published figure for
   * a whole year, as a rate of events over part of a year is not.
   */
  readonly growsWithPeriod?: boolean;
  readonly periods: readonly PeriodKind[];
  /** The LAIT `Measure_short` it is benchmarked against, when one exists. */
  readonly lait?: string;
  /** The plain-English definition shown to users, including Lantern's decisions on open points. */
  readonly definition: string;
  /** SSD tables (without `ssd_`) the indicator needs; without them it is not computed, with a reason. */
  readonly needs: readonly string[];
  /** Breakdown dimensions the SQL provides as `dim_<name>` columns. */
  readonly breakdowns?: readonly string[];
  /**
   * Categories of one breakdown that count records outside the headline figure (care leavers aged
   * 17 and 18, beside the DfE's 19 to 21): the SQL also returns a column `headline`, 1 for a record
   * of the headline figure and 0 for one counted only in these categories. Such records are left
   * out of the headline, of every other breakdown and of drill-down, and these categories do not
   * add up to the headline with the others (small-number suppression treats them apart).
   */
  readonly breakdownOnly?: { readonly dimension: string; readonly categories: readonly string[] };
  /**
   * The records a figure looks back over before each of its own (a previous referral within 12
   * months; placements or social workers in the 12 months to a day): the SSD table (without
   * `ssd_`) and date column holding them, how many months back, and what they are, in words. A
   * period whose look-back reaches before the first month those records are held from (the first
   * month of the column's dates, or a return's collection year) has no value, with the reason,
   * rather than one too low for want of the records before.
   */
  readonly lookback?: { readonly table: string; readonly column: string; readonly months: number; readonly what: string };
  /**
   * Where values come from: `sql` (the default) computes them from the SSD tables; `measures`
   * takes them as loaded from an aggregate-figures file (`lantern import measures.csv`), for
   * figures kept in other systems (workforce, elective home education).
   */
  readonly source?: "sql" | "measures";
  /**
   * A `count` that is an average per person rather than a number of things (cases per social
   * worker): it need not be a whole number, and a loaded figure that gives a numerator and a
   * denominator is numerator ÷ denominator.
   */
  readonly average?: boolean;
  /**
   * Values at or above this are not believable, where the unit's own bound is far too loose (an
   * average caseload of 1,000 is a slip, not a workload): a loaded figure this large is refused.
   */
  readonly plausibleBelow?: number;
  /** The record-level SQL (see the module comment); empty for `measures` indicators. */
  readonly sql: string;
  /**
   * When what is held cannot settle a figure (a care leaver's latest contact falls after the
   * period, so whether there was one within it is not known; a return that does not carry a
   * field): the SQL also returns a column `unknown`, 1 for a record that cannot be judged. With
   * `when: "any"` a period (or breakdown category) with any such record has no value; with
   * `"all"`, one where every record is such. The value is then null with `reason`, never 0.
   * Several rules are a list, the first with the column `unknown`, the next `unknown_2` and so
   * on; the first that holds gives the reason.
   */
  readonly unknown?: UnknownRule | readonly UnknownRule[];
  /**
   * For a `rate`: the `count` whose records are exactly its records (children looked after at the
   * end of the period, per 10,000 children). When a compute stores both, the rate is worked out
   * from the count's figures and the population (`writeRatesFromCounts`) instead of running the
   * same record-level SQL a second time. The rate's own `sql` still answers drill-down and a
   * compute of the rate without its count. The registry holds the pair to the same periods and
   * tables; the equivalence test, to the same values.
   */
  readonly rateOf?: string;
  /**
   * The indicator whose figure (a count's value, else its numerator) counts this one's denominator
   * records (or those and a few this one cannot judge, such as assessments with no start date),
   * period by period and in each breakdown category both have: referrals for the share of
   * referrals closed with no further action, children looked after at the end for the share of
   * them in other placements. Small-number suppression hides this indicator's figure wherever that
   * count is hidden, since its denominator would show it (`analysis/suppression.ts`).
   */
  readonly denominatorOf?: string;
  /**
   * The indicators whose figures (a count's value, else its numerator) add up to this one's
   * denominator, period by period and in each category of a breakdown they all have: children
   * looked after at any time in the period are those looked after at its end plus those who
   * ceased in it (a child who ceased and came back is in both, so the sum can be a little more).
   * Small-number suppression hides this indicator's figure wherever any of them is hidden, since
   * its denominator less the others shown would give the hidden one away.
   */
  readonly denominatorSumOf?: readonly string[];
  /**
   * A percentage of the same records (the same denominator) whose numerator never counts a record
   * this one counts: care leavers not in education, employment or training beside those in it.
   * Where the two counts leave 1 to 5 records in neither (care leavers whose activity is not
   * known), small-number suppression hides this indicator's figure, since the denominator less
   * both numerators would give those few away (`analysis/suppression.ts`).
   */
  readonly disjointFrom?: string;
}

/** One way a figure can be left unsettled by what is held (see `IndicatorDef.unknown`). */
export interface UnknownRule {
  readonly when: "any" | "all";
  readonly reason: string;
}

/** A computed value. `value` is null (with `reason`) when it cannot be computed — never 0. */
export interface IndicatorValue {
  readonly indicator: string;
  readonly authority: string;
  readonly period: string;
  readonly value: number | null;
  readonly numerator: number | null;
  readonly denominator: number | null;
  readonly unit: Unit;
  readonly reason?: string;
  /** Breakdown dimension and category; absent for the total. */
  readonly breakdown?: string;
  readonly category?: string;
  readonly snapshot: number;
}
