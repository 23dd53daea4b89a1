/**
 * @module
 * The indicator registry: stable ids, aliases for renamed ids, and the checks every definition
 * must pass when it is registered (unique ids, known area and units, tokens that name real
 * tables and are declared in `needs`, SQL in the portable subset). A broken definition fails at
 * start-up and in the tests, not in front of a committee.
 */

import { PERIOD_KINDS } from "../calendar/periods.ts";
import { ssdTable } from "../store/ssd-schema.ts";
import { sqlTokens } from "./engine.ts";
import { portabilityProblems } from "./portable-sql.ts";
import { AREAS, type IndicatorDef } from "./types.ts";

const AREA_IDS = new Set<string>(AREAS.map((a) => a.id));
const REQUIRED_COLUMNS = ["la_code", "period_id", "person_id", "record_id", "num", "den", "measure", "why"];

/** A set of indicator definitions keyed by id and alias. */
export class IndicatorRegistry {
  readonly #byId = new Map<string, IndicatorDef>();
  readonly #byAlias = new Map<string, IndicatorDef>();

  /** Register a definition; throws with the id and the problem when it is not sound. */
  add(def: IndicatorDef): this {
    const problems: string[] = [];
    if (!/^[a-z][a-z0-9_]*$/.test(def.id)) problems.push("id must be lower_snake_case");
    for (const key of [def.id, ...(def.aliases ?? [])]) {
      if (this.#byId.has(key) || this.#byAlias.has(key)) problems.push(`id or alias ${key} is already registered`);
    }
    if (!AREA_IDS.has(def.area)) problems.push(`unknown area ${def.area}`);
    if (!def.periods.length || def.periods.some((k) => !PERIOD_KINDS.includes(k))) problems.push("periods must list known period kinds");
    if (def.definition.trim().length < 40) problems.push("definition must explain the indicator to a reader");
    if (def.average && def.unit !== "count") problems.push("only a count can be an average");
    if (def.plausibleBelow !== undefined && !(def.plausibleBelow > 0)) problems.push("plausibleBelow must be above 0");
    if (def.source === "measures") {
      if (def.sql.trim()) problems.push("a measures indicator takes its values from loaded figures and has no SQL");
      if (problems.length) throw new Error(`indicator ${def.id}: ${problems.join("; ")}`);
      this.#byId.set(def.id, def);
      for (const a of def.aliases ?? []) this.#byAlias.set(a, def);
      return this;
    }
    const tokens = sqlTokens(def.sql).filter((t) => t !== "periods" && t !== "calendar");
    for (const t of tokens) if (!def.needs.includes(t)) problems.push(`SQL uses {${t}} but needs does not list it`);
    if (!sqlTokens(def.sql).includes("periods")) problems.push("SQL must join {periods}");
    for (const c of REQUIRED_COLUMNS) if (!new RegExp(`\\b${c}\\b`).test(def.sql)) problems.push(`SQL must return a ${c} column`);
    for (const b of def.breakdowns ?? []) if (!def.sql.includes(`dim_${b}`)) problems.push(`breakdown ${b} needs a dim_${b} column`);
    if (def.breakdownOnly && !def.breakdowns?.includes(def.breakdownOnly.dimension)) problems.push(`breakdownOnly names ${def.breakdownOnly.dimension}, which is not one of its breakdowns`);
    if (def.breakdownOnly && !/\bAS\s+headline\b/i.test(def.sql)) problems.push("breakdownOnly needs a headline column");
    if (def.lookback) {
      const lb = def.lookback;
      if (!def.needs.includes(lb.table)) problems.push(`lookback reads ${lb.table}, which is not one of the tables it needs`);
      else if (!ssdTable(`ssd_${lb.table}`)?.columns.some((c) => c.name === lb.column && c.kind === "date")) problems.push(`lookback names ${lb.column}, which is not a date column of ssd_${lb.table}`);
      if (!Number.isInteger(lb.months) || lb.months < 1) problems.push(`lookback of ${lb.months} months is not a whole number of months`);
    }
    problems.push(...portabilityProblems(def.sql));
    if (def.rateOf !== undefined) problems.push(...rateOfProblems(def, this.#byId.get(def.rateOf)));
    if (def.denominatorOf !== undefined) {
      const of = this.#byId.get(def.denominatorOf);
      if (!of) problems.push(`denominatorOf names ${def.denominatorOf}, which is not registered before it`);
      else if (def.unit !== "percent" && def.unit !== "days") problems.push("only a percentage or a median has a denominator of records another indicator counts");
      else if (of.periods.join() !== def.periods.join()) problems.push(`denominatorOf ${of.id} covers other periods`);
    }
    if (def.denominatorSumOf !== undefined) problems.push(...denominatorSumOfProblems(def, (id) => this.#byId.get(id)));
    if (def.disjointFrom !== undefined) {
      const of = this.#byId.get(def.disjointFrom);
      if (!of) problems.push(`disjointFrom names ${def.disjointFrom}, which is not registered before it`);
      else if (def.unit !== "percent" || of.unit !== "percent") problems.push("only a percentage is disjoint from another percentage of the same records");
    }
    if (problems.length) throw new Error(`indicator ${def.id}: ${problems.join("; ")}`);
    this.#byId.set(def.id, def);
    for (const a of def.aliases ?? []) this.#byAlias.set(a, def);
    return this;
  }

  /** The definition for an id or an alias. */
  get(idOrAlias: string): IndicatorDef | undefined {
    return this.#byId.get(idOrAlias) ?? this.#byAlias.get(idOrAlias);
  }

  /** Every definition, in registration order. */
  list(): IndicatorDef[] {
    return [...this.#byId.values()];
  }
}

/**
 * Why a rate may not be worked out from the count it names (`IndicatorDef.rateOf`): the count
 * must be registered before it, and the two must cover the same periods and measure the same way,
 * with every table the rate needs among the count's (so wherever the count is computed the rate
 * could be) and no records that cannot be judged (which would withhold one and not the other).
 */
function rateOfProblems(rate: IndicatorDef, count: IndicatorDef | undefined): string[] {
  if (!count) return [`rateOf names ${rate.rateOf}, which is not registered before it`];
  const problems: string[] = [];
  if (rate.unit !== "rate") problems.push("only a rate can have rateOf");
  if (count.unit !== "count" || count.source === "measures" || count.average) problems.push(`rateOf must name a count computed from records; ${count.id} is not`);
  if (count.measure !== rate.measure) problems.push(`rateOf ${count.id} is a ${count.measure} measure, this a ${rate.measure}`);
  if (count.periods.join() !== rate.periods.join()) problems.push(`rateOf ${count.id} covers other periods`);
  const missing = rate.needs.filter((n) => !count.needs.includes(n));
  if (missing.length) problems.push(`rateOf ${count.id} does not need ${missing.join(", ")}`);
  if (rate.unknown !== undefined || count.unknown !== undefined) problems.push("a rate and its count cannot have unknown rules");
  return problems;
}

/**
 * Why the indicators a denominator is the sum of (`IndicatorDef.denominatorSumOf`) cannot be
 * relied on by suppression: as for `denominatorOf`, each must be registered before it and cover
 * the same periods, and only a percentage or a median has such a denominator; a sum needs two
 * different indicators at least.
 */
function denominatorSumOfProblems(def: IndicatorDef, get: (id: string) => IndicatorDef | undefined): string[] {
  const terms = def.denominatorSumOf ?? [];
  const problems: string[] = [];
  if (def.unit !== "percent" && def.unit !== "days") problems.push("only a percentage or a median has a denominator of records other indicators count");
  if (terms.length < 2 || new Set(terms).size !== terms.length) problems.push("denominatorSumOf must name two or more different indicators");
  for (const id of terms) {
    const of = get(id);
    if (!of) problems.push(`denominatorSumOf names ${id}, which is not registered before it`);
    else if (of.periods.join() !== def.periods.join()) problems.push(`denominatorSumOf ${id} covers other periods`);
  }
  return problems;
}
