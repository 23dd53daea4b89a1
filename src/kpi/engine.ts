/**
 * @module
 * The KPI engine: binds an indicator's record-level SQL to the snapshots being computed and
 * aggregates it, for every authority and every period, in one set-based query per indicator
 * (never a loop over periods). It also answers drill-down ("the records behind this figure")
 * from the same SQL, so the list of children and the number can never disagree.
 *
 * It does not decide definitions (the library does) or where values are kept: `compute.ts`
 * names the staging table `writeIndicator` fills and replaces the stored values from it.
 */

import { addMonths, dayNumber, dayOf, isoDate, ymd } from "../calendar/dates.ts";
import { type PeriodKind, parsePeriod } from "../calendar/periods.ts";
import { LanternError } from "../core/errors.ts";
import type { Row, Store } from "../store/port.ts";
import { SSD_TABLES, ssdTable } from "../store/ssd-schema.ts";
import type { IndicatorDef, IndicatorValue, UnknownRule } from "./types.ts";

/** One authority's snapshot to compute, with the span of complete periods its data covers. */
export interface Target {
  readonly la_code: string;
  readonly snapshot_id: number;
  /** First and last day of the complete periods covered; null when there is no dated activity. */
  readonly data_from: string | null;
  readonly data_to: string | null;
  /** SSD tables (without `ssd_`) the snapshot holds, even if empty. */
  readonly tables: ReadonlySet<string>;
  /**
   * Tables (without `ssd_`) whose records start later than `data_from`: those a return replaced
   * with one collection year of records, with that year's first day and the snapshot that loaded
   * them. An indicator needing one is computed only for periods from that day.
   */
  readonly tableFrom?: ReadonlyMap<string, { readonly from: string; readonly snapshot: number }>;
  /** Only periods ending on or after this day are computed (a snapshot measure's look-back, see {@link lookbackStarts}). */
  readonly ends_from?: string;
}

/**
 * The first day from which `t`'s data covers an indicator reading `tables` (SSD tables without
 * `ssd_`): the snapshot's own first day, or a later one where a table it reads holds records from
 * then only (`Target.tableFrom`), naming those tables and the snapshot that loaded them.
 */
export function coveredFrom(t: Target, tables: Iterable<string>): { from: string | null; tables: string[]; snapshot?: number } {
  let out: { from: string | null; tables: string[]; snapshot?: number } = { from: t.data_from, tables: [] };
  // In the registry's order, so a reason names them alike whatever order the SQL reads them in.
  const read = new Set(tables);
  const ordered = SSD_TABLES.map((x) => x.name.replace(/^ssd_/, "")).filter((x) => read.has(x));
  for (const table of ordered) {
    const c = t.tableFrom?.get(table);
    if (!c || out.from === null || c.from < out.from) continue;
    if (c.from === out.from && out.tables.length) out.tables.push(`ssd_${table}`);
    else if (c.from > out.from) out = { from: c.from, tables: [`ssd_${table}`], snapshot: c.snapshot };
  }
  return out;
}

/** Where a target's records for an indicator's look-back (`IndicatorDef.lookback`) start, and the periods that can be judged. */
export interface LookbackStart {
  /** The first month those records are held from. */
  readonly held: string;
  /**
   * Periods judged from here on: a flow's records fall anywhere in the period, so its periods
   * must start on or after `held` plus the look-back's months; a snapshot is taken on the
   * period's last day, so its periods must end on or after the day before that.
   */
  readonly on: "start" | "end";
  readonly day: string;
}

/**
 * For each target, where `def`'s look-back records are held from: a return's collection year
 * when its table holds one (`Target.tableFrom`), else the first month on or after the earliest
 * date in the look-back column (the month itself when that date is its first day) or the first
 * day of the data's span, whichever is earlier. Targets
 * whose look-back is fully held within their coverage (or that hold none of the records) are
 * left out.
 */
export async function lookbackStarts(store: Store, def: IndicatorDef, targets: readonly Target[]): Promise<Map<Target, LookbackStart>> {
  const out = new Map<Target, LookbackStart>();
  const lb = def.lookback;
  if (!lb || !targets.length) return out;
  const rows = await store.all<{ la_code: string; snapshot_id: number; first: string | null }>(
    `WITH ${targetCte(targets)}
     SELECT g.la_code, g.snapshot_id, CAST(min(x.${lb.column}) AS VARCHAR) AS first FROM ssd_${lb.table} x
     JOIN lantern_snapshot_table st ON st.rows_snapshot_id = x.snapshot_id AND st.table_name = ${lit(`ssd_${lb.table}`)}
     JOIN target g ON g.snapshot_id = st.snapshot_id AND g.la_code = x.la_code GROUP BY g.la_code, g.snapshot_id`,
  );
  const firsts = new Map(rows.map((r) => [`${r.la_code}|${Number(r.snapshot_id)}`, r.first?.slice(0, 10) ?? null]));
  for (const t of targets) {
    const returned = t.tableFrom?.get(lb.table)?.from;
    const first = returned ?? firsts.get(`${t.la_code}|${Number(t.snapshot_id)}`) ?? null;
    if (!first || !t.data_from) continue;
    const f = ymd(dayNumber(first));
    const month = dayOf(f.y, f.m + (f.d === 1 ? 0 : 1), 1);
    // The data's own span is complete from its first day, whatever day its first such record fell on.
    const held = returned ?? isoDate(Math.min(month, dayNumber(t.data_from)));
    const from = addMonths(dayNumber(held), lb.months); // held, like a coverage start, is a month's first day
    const start = { held, on: def.measure === "flow" ? ("start" as const) : ("end" as const), day: isoDate(def.measure === "flow" ? from : from - 1) };
    // Only where some period the data covers comes before the first judged: a flow's first
    // period starts on the coverage's first day, a snapshot's first ends with its first month.
    const covered = coveredFrom(t, sqlTokens(def.sql)).from;
    if (!covered) continue;
    if (start.on === "start" ? start.day > covered : start.day > isoDate(addMonths(dayNumber(covered), 1) - 1)) out.set(t, start);
  }
  return out;
}

/** Which periods to compute. */
export interface PeriodFilter {
  readonly kinds?: readonly PeriodKind[];
  readonly periodIds?: readonly string[];
}

const TOKEN = /\{([a-z0-9_]+)\}/g;

/** The relation names an indicator's SQL uses (`periods`, `calendar`, and SSD tables without `ssd_`). */
export function sqlTokens(sql: string): string[] {
  return [...new Set([...sql.matchAll(TOKEN)].map((m) => m[1]!))];
}

function lit(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/**
 * The targets as a VALUES list named `target`, for a WITH clause, each with the span its data
 * covers for SQL reading `tables` (see {@link coveredFrom}).
 */
function targetCte(targets: readonly Target[], tables: readonly string[] = []): string {
  const spans = targets.map((t) => ({ t, from: coveredFrom(t, tables).from }));
  const covered = spans.filter((s) => s.from && s.t.data_to && s.from <= s.t.data_to);
  const values = covered.length
    ? covered.map(({ t, from }) => `(${lit(t.la_code)}, ${Number(t.snapshot_id)}, DATE ${lit(from!)}, DATE ${lit(t.data_to!)}, DATE ${lit(t.ends_from ?? from!)})`).join(", ")
    : `('', -1, DATE '1900-01-01', DATE '1900-01-01', DATE '1900-01-01')`;
  return `target (la_code, snapshot_id, data_from, data_to, ends_from) AS (VALUES ${values})`;
}

/** `t_<token>` (or `name`): the rows of SSD table `ssd_<token>` in each target's snapshot (needs `target`). */
function tableCte(token: string, name = `t_${token}`): string {
  const table = `ssd_${token}`;
  if (!ssdTable(table)) throw new Error(`indicator SQL names {${token}}, which is not an SSD table`);
  return (
    `${name} AS (SELECT x.* FROM ${table} x JOIN lantern_snapshot_table st ON st.rows_snapshot_id = x.snapshot_id AND st.table_name = '${table}' ` +
    `JOIN target g ON g.snapshot_id = st.snapshot_id AND g.la_code = x.la_code)`
  );
}

/**
 * `t_person`: each target's person rows with the child's ethnic group and disability label
 * worked out once per child (`ethnic_group`, `disability`), so an indicator joining `{person}`
 * gives those breakdowns from the join it makes already (see `personDims` in the library). From
 * the compute's table of them (`personTable`, made by {@link personDimensions}), else from the
 * SSD tables in this statement.
 */
function personCtes(personTable?: string): string[] {
  if (personTable) return [`t_person AS (SELECT * FROM ${personTable})`];
  return [...personSourceCtes(), `t_person AS (${PERSON_DIMENSIONS_SQL})`];
}

/** The SSD rows {@link PERSON_DIMENSIONS_SQL} reads: `t_person_rows` and `t_person_disability`. */
function personSourceCtes(): string[] {
  return [tableCte("person", "t_person_rows"), tableCte("disability", "t_person_disability")];
}

/** The WITH clause binding every token of `sql` to `targets`, and the SQL with tokens replaced. */
export function bindSql(sql: string, targets: readonly Target[], def: Pick<IndicatorDef, "periods">, filter: PeriodFilter = {}, opts: BindOptions = {}): string {
  const ctes = [targetCte(targets, sqlTokens(sql))];
  const kinds = (filter.kinds ?? def.periods).filter((k) => def.periods.includes(k));
  const ids = filter.periodIds;
  for (const token of sqlTokens(sql)) {
    if (token === "periods") {
      // `t_pall` is every period asked for; `rep_id` names the period (or periods) whose rows
      // stand for it. With `collapseEnds` the indicator's SQL sees one period per distinct end date
      // (a month, the rolling year and any quarter or year ending that day share one); with
      // `rollUpMonths` it sees the months alone, and each period is the sum of its months. The
      // engine aggregates per `rep_id` and then sums into every period; otherwise each period
      // stands for itself.
      const asked =
        `FROM target g JOIN lantern_period p ON p.start_date >= g.data_from AND p.end_date <= g.data_to AND p.end_date >= g.ends_from ` +
        `WHERE p.kind IN (${kinds.length ? kinds.map(lit).join(", ") : "''"})` +
        (ids ? ` AND p.period_id IN (${ids.length ? ids.map(lit).join(", ") : "''"})` : "");
      if (opts.rollUpMonths) {
        ctes.push(
          `t_pall AS (SELECT g.la_code, p.period_id, p.kind, p.start_date, p.end_date, p.pop_year, m.period_id AS rep_id ${asked.replace(
            "WHERE",
            "JOIN lantern_period m ON m.kind = 'month' AND m.start_date >= p.start_date AND m.end_date <= p.end_date WHERE",
          )})`,
          `t_periods AS (SELECT DISTINCT m.la_code, m.rep_id AS period_id, p.kind, p.start_date, p.end_date, p.pop_year FROM t_pall m JOIN lantern_period p ON p.period_id = m.rep_id)`,
        );
      } else {
        const rep = opts.collapseEnds ? `min(p.period_id) OVER (PARTITION BY g.la_code, p.end_date)` : `p.period_id`;
        ctes.push(
          `t_pall AS (SELECT g.la_code, p.period_id, p.kind, p.start_date, p.end_date, p.pop_year, ${rep} AS rep_id ${asked})`,
          `t_periods AS (SELECT la_code, period_id, kind, start_date, end_date, pop_year FROM t_pall${opts.collapseEnds ? " WHERE period_id = rep_id" : ""})`,
        );
      }
    } else if (token === "calendar") {
      ctes.push(`t_calendar AS (SELECT d, wd FROM lantern_calendar)`);
    } else if (token === "person") {
      ctes.push(...personCtes(opts.personTable));
    } else {
      ctes.push(tableCte(token));
    }
  }
  if (!sqlTokens(sql).includes("periods")) throw new Error("indicator SQL must join {periods}");
  return `WITH ${ctes.join(",\n")},\nbase AS (${sql.replace(TOKEN, (_, t: string) => `t_${t}`)})`;
}

/**
 * True when an indicator's rows depend on a period only through its last day: its SQL joins
 * `{periods} p` and reads neither `p.start_date`, `p.kind` nor `p.pop_year`. Such rows are the same
 * for every period ending on one day, so the engine computes them once per distinct end date.
 */
export function dependsOnlyOnPeriodEnd(sql: string): boolean {
  const uses = [...sql.matchAll(/\{periods\}(\s+(?:AS\s+)?(\w+))?/gi)];
  if (!uses.length || uses.some((m) => m[2] !== "p")) return false;
  return !/\bp\s*\.\s*(start_date|kind|pop_year)\b/i.test(sql);
}

/** How `bindSql` lays out the periods an indicator's SQL sees (see its `periods` token), and where `{person}` comes from. */
export interface BindOptions {
  readonly collapseEnds?: boolean;
  readonly rollUpMonths?: boolean;
  /** The compute's table of each child's person record with ethnic group and disability ({@link personDimensions}). */
  readonly personTable?: string;
}

/**
 * `sql` with the inside of every parenthesised part that mentions no period (neither `{periods}`
 * nor `p.`) left out: a record-level subquery may group or de-duplicate records (one row per
 * referral with its previous referral found by a join, say) without changing how its records fall
 * into periods.
 */
export function withoutPeriodFreeParts(sql: string): string {
  let s = sql;
  for (;;) {
    const next = s.replace(/\(([^()]*)\)/g, (_, inner: string) => (/\{periods\}|\bp\s*\./i.test(inner) ? `\u27e8${inner}\u27e9` : "\u27e8\u27e9"));
    if (next === s) break;
    s = next;
  }
  return s.replace(/\u27e8/g, "(").replace(/\u27e9/g, ")");
}

/**
 * True when an indicator's value for any period is the sum of its values for the months in it:
 * its SQL joins `{periods} p` once, reads the period only as one `date BETWEEN p.start_date AND
 * p.end_date` (each record falls in exactly one month), never groups, de-duplicates or windows
 * rows (so each record's numerator and denominator stand alone), and its value is a count, rate
 * or percentage (a median does not add up). Every Lantern period is a run of whole months.
 */
export function addsUpOverMonths(def: Pick<IndicatorDef, "sql" | "unit">): boolean {
  if (def.unit === "days") return false;
  const sql = withoutPeriodFreeParts(def.sql);
  const uses = [...sql.matchAll(/\{periods\}(\s+(?:AS\s+)?(\w+))?/gi)];
  if (uses.length !== 1 || uses[0]![2] !== "p") return false;
  if (/\b(GROUP\s+BY|DISTINCT|HAVING|LIMIT|UNION|EXCEPT|INTERSECT)\b|\bOVER\s*\(/i.test(sql)) return false;
  const between = [...sql.matchAll(/\bBETWEEN\s+p\s*\.\s*start_date\s+AND\s+p\s*\.\s*end_date\b/gi)];
  if (between.length !== 1) return false;
  const rest = sql.replace(between[0]![0], "");
  return [...rest.matchAll(/\bp\s*\.\s*(\w+)/gi)].every((m) => m[1] === "la_code" || m[1] === "period_id");
}

/**
 * How to compute. `reference` is the plain path the optimised one is checked against
 * (test/kpi-equivalence.test.ts): every period bound separately, and each child's ethnicity and
 * disability worked out on every record-level row.
 */
export interface ComputeMode {
  readonly reference?: boolean;
  /**
   * A table made by `personDimensions` for the same targets: each child's ethnic group and
   * disability worked out once for a whole compute, rather than once per indicator.
   */
  readonly personTable?: string;
}

let personTables = 0;

/**
 * Each child's ethnic group and whether any disability is recorded, for every target, in a
 * temporary table that every indicator's breakdowns join (instead of each indicator working them
 * out from `ssd_person` and `ssd_disability` again). Call inside `store.session` (a temporary
 * table lives on one connection) and `drop` it when done; the name is unique to the call, so two
 * computes in one process do not meet.
 */
export async function personDimensions(store: Store, targets: readonly Target[]): Promise<{ table: string; drop: () => Promise<void> }> {
  const table = `lantern_kpi_person_${++personTables}`;
  await store.run(`CREATE TEMPORARY TABLE ${table} AS WITH ${targetCte(targets)}, ${personSourceCtes().join(", ")} ${PERSON_DIMENSIONS_SQL}`);
  return { table, drop: () => store.run(`DROP TABLE IF EXISTS ${table}`) };
}

/** Breakdowns every person-level indicator gets from the child's record (`ssd_person`, `ssd_disability`). */
export const PERSON_DIMENSIONS = ["ethnicity", "disability"] as const;

/**
 * The DfE's major ethnic groups from the CIN census / SSDA903 ethnicity codes (WBRI, MWBC, AIND,
 * BCRB, CHNE, OOTH, REFU, NOBT …): the first letter names the group; Chinese is counted with
 * Asian, as in the 2021 census classification the DfE's tables now follow.
 */
const ETHNIC_GROUP = `CASE
  WHEN pe.pers_ethnicity IS NULL OR trim(pe.pers_ethnicity) = '' THEN 'not recorded'
  WHEN upper(pe.pers_ethnicity) = 'REFU' THEN 'refused'
  WHEN upper(pe.pers_ethnicity) = 'NOBT' THEN 'not yet obtained'
  WHEN upper(pe.pers_ethnicity) = 'CHNE' THEN 'Asian or Asian British'
  WHEN upper(substr(pe.pers_ethnicity, 1, 1)) = 'W' THEN 'White'
  WHEN upper(substr(pe.pers_ethnicity, 1, 1)) = 'M' THEN 'Mixed or multiple'
  WHEN upper(substr(pe.pers_ethnicity, 1, 1)) = 'A' THEN 'Asian or Asian British'
  WHEN upper(substr(pe.pers_ethnicity, 1, 1)) = 'B' THEN 'Black, Black British, Caribbean or African'
  WHEN upper(substr(pe.pers_ethnicity, 1, 1)) = 'O' THEN 'Other ethnic group'
  ELSE 'not recorded' END`;

/**
 * Each child's person record with its ethnic group and disability label, one row per child of
 * `t_person_rows` (needs it and `t_person_disability`): the table `personDimensions` makes for a
 * whole compute, or `t_person` in one indicator's statement when it is computed on its own.
 */
const PERSON_DIMENSIONS_SQL = `SELECT pe.*, ${ETHNIC_GROUP} AS ethnic_group,
    CASE WHEN dis.disa_person_id IS NOT NULL THEN 'disabled' ELSE 'no disability recorded' END AS disability
  FROM t_person_rows pe LEFT JOIN (SELECT DISTINCT d.la_code, d.disa_person_id FROM t_person_disability d WHERE upper(d.disa_disability_code) <> 'NONE') dis
    ON dis.la_code = pe.la_code AND dis.disa_person_id = pe.pers_person_id`;

/** Every breakdown an indicator offers: its own, plus the person dimensions for indicators about children. */
export function breakdownsOf(def: Pick<IndicatorDef, "unit" | "breakdowns" | "area">): string[] {
  if (def.unit === "rate") return [];
  if (def.area === "workforce") return [...(def.breakdowns ?? [])];
  const own = def.breakdowns ?? [];
  return [...own, ...PERSON_DIMENSIONS.filter((d) => !own.includes(d))];
}

function missingTables(def: IndicatorDef, t: Target): string[] {
  return def.needs.filter((n) => !t.tables.has(n));
}

/**
 * The finished columns from one aggregated row `f` (numerator, denominator, median, population,
 * pop_year): the value by the indicator's unit, and a reason wherever the value is null. Done in
 * SQL, so a whole compute's values go from the query into the store without passing through
 * JavaScript one by one.
 */
function finishSql(unit: IndicatorDef["unit"]): { value: string; numerator: string; denominator: string; reason: string } {
  const none = "CAST(NULL AS DOUBLE PRECISION)";
  switch (unit) {
    case "count":
      return { value: "f.numerator", numerator: "f.numerator", denominator: none, reason: "CAST(NULL AS VARCHAR)" };
    case "percent":
      return {
        value: "CASE WHEN coalesce(f.denominator, 0) = 0 THEN NULL ELSE 100 * f.numerator / f.denominator END",
        numerator: "f.numerator",
        denominator: "coalesce(f.denominator, 0)",
        reason: "CASE WHEN coalesce(f.denominator, 0) = 0 THEN 'no records in the denominator for this period' END",
      };
    case "rate":
      return {
        value: "CASE WHEN coalesce(f.population, 0) = 0 THEN NULL ELSE 10000 * f.numerator / f.population END",
        numerator: "f.numerator",
        denominator: "CASE WHEN coalesce(f.population, 0) = 0 THEN NULL ELSE CAST(f.population AS DOUBLE PRECISION) END",
        reason: "CASE WHEN coalesce(f.population, 0) = 0 THEN 'no population of children aged 0-17 for mid-' || CAST(f.pop_year AS VARCHAR) END",
      };
    case "days":
      return {
        value: "f.median",
        numerator: none,
        denominator: "CASE WHEN f.median IS NULL THEN coalesce(f.denominator, 0) ELSE f.denominator END",
        reason: "CASE WHEN f.median IS NULL THEN 'no records in this period' END",
      };
  }
}

/** An indicator's `unknown` rules as a list, each with the column its SQL returns (`unknown`, `unknown_2`, …). */
export function unknownRules(def: Pick<IndicatorDef, "unknown">): { readonly when: "any" | "all"; readonly reason: string; readonly column: string }[] {
  const rules: readonly UnknownRule[] = def.unknown === undefined ? [] : "when" in def.unknown ? [def.unknown] : def.unknown;
  return rules.map((r, i) => ({ ...r, column: i === 0 ? "unknown" : `unknown_${i + 1}` }));
}

/**
 * `fin` withholding the value, with the first rule's reason that holds, where its records cannot
 * settle it (`IndicatorDef.unknown`; needs each rule's aggregated `f.<column>` and `f.n`).
 */
function withUnknown(fin: ReturnType<typeof finishSql>, rules: ReturnType<typeof unknownRules>): ReturnType<typeof finishSql> {
  if (!rules.length) return fin;
  const conds = rules.map((r) => ({ when: r.when === "any" ? `f.${r.column} > 0` : `f.n > 0 AND f.${r.column} >= f.n`, reason: r.reason }));
  const any = conds.map((c) => `(${c.when})`).join(" OR ");
  return {
    value: `CASE WHEN ${any} THEN NULL ELSE ${fin.value} END`,
    numerator: `CASE WHEN ${any} THEN NULL ELSE ${fin.numerator} END`,
    denominator: fin.denominator,
    reason: `CASE ${conds.map((c) => `WHEN ${c.when} THEN ${lit(c.reason)}`).join(" ")} ELSE ${fin.reason} END`,
  };
}

/** The columns of a finished value, in the order `valuesSql` gives them (and the stored table holds them). */
export const VALUE_COLUMNS = [
  { name: "snapshot_id", type: "int" },
  { name: "la_code", type: "text" },
  { name: "indicator_id", type: "text" },
  { name: "period_id", type: "text" },
  { name: "breakdown", type: "text" },
  { name: "category", type: "text" },
  { name: "value", type: "float" },
  { name: "numerator", type: "float" },
  { name: "denominator", type: "float" },
  { name: "reason", type: "text" },
] as const;

function toValue(def: IndicatorDef, r: Row): IndicatorValue {
  const n = (x: unknown) => (x === null || x === undefined ? null : Number(x));
  const breakdown = String(r["breakdown"] ?? "");
  return {
    indicator: def.id,
    authority: String(r["la_code"]),
    period: String(r["period_id"]),
    unit: def.unit,
    snapshot: Number(r["snapshot_id"]),
    ...(breakdown ? { breakdown, category: String(r["category"]) } : {}),
    value: n(r["value"]),
    numerator: n(r["numerator"]),
    denominator: n(r["denominator"]),
    ...(r["reason"] ? { reason: String(r["reason"]) } : {}),
  };
}

/**
 * Compute one indicator for every target and every period it supports (or the filter allows).
 * Targets lacking a table the indicator needs get null values with a reason for each period.
 */
export async function computeIndicator(store: Store, def: IndicatorDef, targets: readonly Target[], filter: PeriodFilter = {}, mode: ComputeMode = {}): Promise<IndicatorValue[]> {
  if (def.source === "measures") return loadedMeasures(store, def, targets, filter);
  const out: IndicatorValue[] = [];
  const able = targets.filter((t) => missingTables(def, t).length === 0);
  const starts = await lookbackStarts(store, def, able);
  if (able.length) {
    const rows = await inIndicatorTransaction(store, () => store.all(`${valuesSql(def, judged(able, starts), filter, mode)} ORDER BY breakdown, la_code, period_id, category`));
    for (const r of rows) out.push(toValue(def, r));
  }
  for (const v of await unableValues(store, def, targets, filter, starts)) out.push(v);
  return out;
}

/**
 * Compute one indicator as `computeIndicator` does, but write the values computed in SQL straight
 * into `table` (columns as `VALUE_COLUMNS`) inside the store, returning only the few made
 * here: null values for targets lacking a table, or an aggregate-figures indicator's loaded ones.
 */
export async function writeIndicator(store: Store, def: IndicatorDef, targets: readonly Target[], table: string, filter: PeriodFilter = {}, mode: ComputeMode = {}): Promise<IndicatorValue[]> {
  if (def.source === "measures") return loadedMeasures(store, def, targets, filter);
  const able = targets.filter((t) => missingTables(def, t).length === 0);
  const starts = await lookbackStarts(store, def, able);
  if (able.length) {
    await inIndicatorTransaction(store, () => store.run(`INSERT INTO ${table} (${VALUE_COLUMNS.map((c) => c.name).join(", ")}) ${valuesSql(def, judged(able, starts), filter, mode)}`));
  }
  return unableValues(store, def, targets, filter, starts);
}

/**
 * The population a rate is per 10,000 of: the authority's own file for the period's population
 * year, else the shipped ONS estimate (`pop` and `ref`, joined by {@link populationJoin}).
 */
const POPULATION = "max(coalesce(pop.population_0_17, ref.population_0_17))";

/** The joins {@link POPULATION} reads, for rows with the authority in `la` and the population year in `year`. */
function populationJoin(la: string, year: string): string {
  return `LEFT JOIN lantern_population pop ON pop.la_code = ${la} AND pop.year = ${year} LEFT JOIN lantern_reference_population ref ON ref.code = ${la} AND ref.year = ${year}`;
}

/** Whether `t` holds every table `def` needs (else its values are null, with the tables missing as the reason). */
export function canCompute(def: IndicatorDef, t: Target): boolean {
  return missingTables(def, t).length === 0;
}

/**
 * Rates worked out from their counts' headline figures already written to `table` by
 * `writeIndicator` (`IndicatorDef.rateOf`), in one statement for every pair: each count per
 * 10,000 children of its period's population year, finished as `finishSql` finishes a rate
 * computed from its own records, for every target and period the count was computed for. A rate's
 * records are its count's, so this saves running the same record-level SQL twice.
 */
export async function writeRatesFromCounts(store: Store, pairs: readonly { readonly rate: IndicatorDef; readonly count: IndicatorDef }[], table: string): Promise<void> {
  if (!pairs.length) return;
  const fin = finishSql("rate");
  await store.run(
    `INSERT INTO ${table} (${VALUE_COLUMNS.map((c) => c.name).join(", ")})
    WITH pair (count_id, rate_id) AS (VALUES ${pairs.map((p) => `(${lit(p.count.id)}, ${lit(p.rate.id)})`).join(", ")}),
    f AS (SELECT c.snapshot_id, c.la_code, pair.rate_id, c.period_id, p.pop_year, c.numerator,
        ${POPULATION} AS population
      FROM ${table} c JOIN pair ON pair.count_id = c.indicator_id
      JOIN lantern_period p ON p.period_id = c.period_id
      ${populationJoin("c.la_code", "p.pop_year")}
      WHERE c.breakdown = ''
      GROUP BY c.snapshot_id, c.la_code, pair.rate_id, c.period_id, p.pop_year, c.numerator)
    SELECT f.snapshot_id, f.la_code, f.rate_id, f.period_id, CAST('' AS VARCHAR), CAST('' AS VARCHAR),
      ${fin.value}, ${fin.numerator}, ${fin.denominator}, ${fin.reason}
    FROM f`,
  );
}

/**
 * Run an indicator's statement in a transaction of its own. PostgreSQL estimates the indicator
 * CTEs (a VALUES list of targets joined to periods and filtered by window functions) at a row or
 * two, and then nests loops over tables of hundreds of thousands of rows. Hash joins for this
 * transaction only: on one 60,000-child authority, ten indicators ran past 20 s before and seven
 * after, most of the others 2–20× faster (docs/performance.md). Values are the same either way.
 */
async function inIndicatorTransaction<T>(store: Store, fn: () => Promise<T>): Promise<T> {
  return store.transaction(async () => {
    if (store.kind === "postgres") await store.run(`SET LOCAL enable_nestloop = off`);
    return fn();
  });
}

/**
 * Null values, with the reason, for every period of the targets that lack a table `def` needs,
 * and for the periods before the day a target's data covers `def` from (see {@link coveredFrom}).
 */
async function unableValues(store: Store, def: IndicatorDef, targets: readonly Target[], filter: PeriodFilter, starts: ReadonlyMap<Target, LookbackStart>): Promise<IndicatorValue[]> {
  const out: IndicatorValue[] = [];
  for (const t of targets) {
    const missing = missingTables(def, t);
    if (missing.length) out.push(...nullValues(def, t, await periodIdsFor(store, t, def, filter), `cannot be computed: no ${missing.map((m) => `ssd_${m}`).join(", ")} data loaded for ${t.la_code}`));
    else out.push(...(await uncoveredValues(store, def, [t], filter)));
    const start = starts.get(t);
    if (start && def.lookback) {
      const lb = def.lookback;
      const covered = { ...t, data_from: coveredFrom(t, sqlTokens(def.sql)).from };
      const reason = `cannot be computed for this period: it looks back ${lb.months} months for ${lb.what}, and the data loaded for ${t.la_code} holds them (ssd_${lb.table}) from ${start.held} only, so its figures start with the periods that ${start.on === "start" ? "begin" : "end"} on or after ${start.day}`;
      out.push(...nullValues(def, t, await periodIdsFor(store, covered, def, filter, start.on === "start" ? start.day : undefined, start.on === "end" ? start.day : undefined), reason));
    }
  }
  return out;
}

/** `targets` with each one's first day moved to where its look-back is fully held (see {@link lookbackStarts}). */
function judged(targets: readonly Target[], starts: ReadonlyMap<Target, LookbackStart>): Target[] {
  return targets.map((t) => {
    const s = starts.get(t);
    if (!s) return t;
    return s.on === "start" ? { ...t, data_from: s.day } : { ...t, ends_from: s.day };
  });
}

/** `def`'s value for each of `t`'s `periods` as no value, with the reason. */
function nullValues(def: IndicatorDef, t: Target, periods: readonly string[], reason: string): IndicatorValue[] {
  return periods.map((p) => ({ indicator: def.id, authority: t.la_code, period: p, unit: def.unit, snapshot: t.snapshot_id, value: null, numerator: null, denominator: null, reason }));
}

/**
 * Null values, with the reason, for the periods of `targets` that start before the day their data
 * covers `def` from, where a table it needs holds one collection year of records (a return loaded
 * over a longer history): worked out from those records, such a period's figure would be too low.
 * The tables are those `computedAs`'s SQL reads (a rate worked out from its count's figures: the count).
 */
export async function uncoveredValues(store: Store, def: IndicatorDef, targets: readonly Target[], filter: PeriodFilter = {}, computedAs: Pick<IndicatorDef, "sql"> = def): Promise<IndicatorValue[]> {
  const out: IndicatorValue[] = [];
  for (const t of targets) {
    const c = coveredFrom(t, sqlTokens(computedAs.sql));
    if (!c.tables.length || c.from === null) continue;
    const named = c.tables.length > 1 ? `${c.tables.slice(0, -1).join(", ")} and ${c.tables.at(-1)} for ${t.la_code} hold` : `${c.tables[0]} for ${t.la_code} holds`;
    const reason = `cannot be computed for this period: ${named} the records of a return (loaded in snapshot ${c.snapshot}) from ${c.from} only`;
    out.push(...nullValues(def, t, await periodIdsFor(store, t, def, filter, c.from), reason));
  }
  return out;
}

/**
 * The SQL giving one indicator's finished values (columns `VALUE_COLUMNS`) for targets that
 * have every table it needs: the headline figure for every target and period, and a row per
 * breakdown category.
 */
function valuesSql(def: IndicatorDef, able: readonly Target[], filter: PeriodFilter, mode: ComputeMode): string {
  const own = def.unit === "rate" ? [] : (def.breakdowns ?? []);
  const personDims = breakdownsOf(def).filter((d) => !own.includes(d) && able.every((t) => t.tables.has("person") && (d !== "disability" || t.tables.has("disability"))));
  const dims = [...own, ...personDims];
  const bind: BindOptions = mode.reference
    ? {}
    : dependsOnlyOnPeriodEnd(def.sql)
      ? { collapseEnds: true }
      : addsUpOverMonths(def) && !filter.periodIds
        ? { rollUpMonths: true }
        : {};
  // One statement per indicator: the record-level rows are made once (a materialised CTE
  // holding only what the aggregates read, not the drill-down's "why" text), and the headline
  // figure and every breakdown are aggregated from them in the same query, rather than
  // re-running the indicator's SQL per breakdown. Each statement costs DuckDB several
  // milliseconds to plan, so one beats a temporary table and three queries (4.4 s against
  // 3.3 s for the library on a 60,000-child authority).
  const unknown = unknownRules(def);
  const cols = ["la_code", "period_id", "num", "den", "measure", ...unknown.map((u) => u.column), ...own.map((d) => `dim_${d}`), ...(def.breakdownOnly ? ["headline"] : [])].map(
    (c) => `b.${c}`,
  );
  // Records only one breakdown counts (`def.breakdownOnly`) stay out of the headline and the rest.
  const headlineOnly = (dim?: string) => (def.breakdownOnly && dim !== def.breakdownOnly.dimension ? " WHERE r.headline = 1" : "");
  let from = "base b";
  // Ethnicity and disability come from the child's own record, for every indicator: from the
  // indicator's own join to `{person}` where its SQL gives them (`personDims` in the library),
  // else by a join to `t_person` here (the compute's table of each child's, or worked out once
  // per child in this statement). The reference path works them out on every record-level row.
  const fromSql = !mode.reference && /\bAS\s+dim_ethnicity\b/i.test(def.sql) && /\bAS\s+dim_disability\b/i.test(def.sql);
  const joined = personDims.length > 0 && !fromSql;
  const head = bindSql(joined ? `${def.sql} /* {person} {disability} */` : def.sql, able, def, filter, { ...bind, ...(mode.reference ? {} : { personTable: mode.personTable }) });
  if (personDims.length && mode.reference) {
    from += ` LEFT JOIN t_person_rows pe ON pe.la_code = b.la_code AND pe.pers_person_id = b.person_id`;
    if (personDims.includes("ethnicity")) cols.push(`${ETHNIC_GROUP} AS dim_ethnicity`);
    if (personDims.includes("disability")) {
      cols.push(
        `CASE WHEN EXISTS (SELECT 1 FROM t_disability d WHERE d.la_code = b.la_code AND d.disa_person_id = b.person_id AND upper(d.disa_disability_code) <> 'NONE') THEN 'disabled' ELSE 'no disability recorded' END AS dim_disability`,
      );
    }
  } else if (personDims.length) {
    const at = fromSql ? "b" : "pd";
    if (!fromSql) from += ` LEFT JOIN t_person pd ON pd.la_code = b.la_code AND pd.pers_person_id = b.person_id`;
    if (personDims.includes("ethnicity")) cols.push(`coalesce(${at}.${fromSql ? "dim_ethnicity" : "ethnic_group"}, 'not recorded') AS dim_ethnicity`);
    if (personDims.includes("disability")) cols.push(`coalesce(${at}.${fromSql ? "dim_disability" : "disability"}, 'no disability recorded') AS dim_disability`);
  }
  const pop = def.unit === "rate";
  // A median is a holistic aggregate (every value of a group held and sorted): only the
  // indicators measured in days have one.
  const median = (a: string) => (def.unit === "days" ? `percentile_cont(0.5) WITHIN GROUP (ORDER BY ${a}.measure)` : "CAST(NULL AS DOUBLE PRECISION)");
  // Aggregated per representative period, then summed into every period it stands for (one
  // representative each, so a median passes through, except under a month roll-up, which
  // only indicators without a median take). Breakdowns: the record-level rows once per
  // dimension, grouped together.
  const per = dims.map(
    (dim, i) => `SELECT r.la_code, r.period_id, ${i} AS dim_no, CAST(coalesce(r.dim_${dim}, 'not recorded') AS VARCHAR) AS category, r.num, r.den, r.measure${unknown.map((u) => `, r.${u.column}`).join("")} FROM rows_ r${headlineOnly(dim)}`,
  );
  // Records that cannot be judged (`def.unknown`): counted beside all records, so a period's (or
  // category's) value can be withheld when any, or all, of its records are such.
  const unknownAgg = (a: string) => (unknown.length ? `${unknown.map((u) => `, sum(${a}.${u.column}) AS ${u.column}`).join("")}, count(*) AS n` : "");
  const unknownSum = (a: string) =>
    unknown.length ? `${unknown.map((u) => `, coalesce(sum(${a}.${u.column}), 0) AS ${u.column}`).join("")}, coalesce(sum(${a}.n), 0) AS n` : "";
  const fin = withUnknown(finishSql(def.unit), unknown);
  const breakdownName = dims.length ? `CASE f.dim_no ${dims.map((d, i) => `WHEN ${i} THEN ${lit(d)}`).join(" ")} ELSE '' END` : "''";
  return `${head},
    rows_ AS ${dims.length ? "MATERIALIZED " : ""}(SELECT ${cols.join(", ")} FROM ${from}),
    agg AS (SELECT r.la_code, r.period_id, sum(r.num) AS num, sum(r.den) AS den,
      ${median("r")} AS median${unknownAgg("r")}
      FROM rows_ r${headlineOnly()} GROUP BY r.la_code, r.period_id),
    fin AS (SELECT p.la_code, p.period_id, p.pop_year, -1 AS dim_no, CAST('' AS VARCHAR) AS category,
      CAST(coalesce(sum(a.num), 0) AS DOUBLE PRECISION) AS numerator,
      CAST(coalesce(sum(a.den), 0) AS DOUBLE PRECISION) AS denominator,
      max(a.median) AS median,
      ${pop ? POPULATION : "CAST(NULL AS BIGINT)"} AS population${unknownSum("a")}
    FROM t_pall p LEFT JOIN agg a ON a.la_code = p.la_code AND a.period_id = p.rep_id
    ${pop ? populationJoin("p.la_code", "p.pop_year") : ""}
    GROUP BY p.la_code, p.period_id, p.pop_year${
      dims.length
        ? `
    UNION ALL
    SELECT a.la_code, m.period_id, m.pop_year, a.dim_no, a.category,
      CAST(sum(a.num) AS DOUBLE PRECISION) AS numerator, CAST(sum(a.den) AS DOUBLE PRECISION) AS denominator,
      max(a.median) AS median, CAST(NULL AS BIGINT) AS population${unknownSum("a")} FROM (
      SELECT u.la_code, u.period_id, u.dim_no, u.category, sum(u.num) AS num, sum(u.den) AS den,
        ${median("u")} AS median${unknownAgg("u")}
      FROM (${per.join(" UNION ALL ")}) u GROUP BY u.la_code, u.period_id, u.dim_no, u.category
    ) a JOIN t_pall m ON m.la_code = a.la_code AND m.rep_id = a.period_id
    GROUP BY a.la_code, m.period_id, m.pop_year, a.dim_no, a.category`
        : ""
    })
    SELECT g.snapshot_id, f.la_code, ${lit(def.id)} AS indicator_id, f.period_id, CAST(${breakdownName} AS VARCHAR) AS breakdown, f.category,
      ${fin.value} AS value, ${fin.numerator} AS numerator, ${fin.denominator} AS denominator, ${fin.reason} AS reason
    FROM fin f JOIN target g ON g.la_code = f.la_code`;
}

/** Values of an aggregate-figures indicator as loaded, for each target's snapshot. */
async function loadedMeasures(store: Store, def: IndicatorDef, targets: readonly Target[], filter: PeriodFilter): Promise<IndicatorValue[]> {
  const out: IndicatorValue[] = [];
  for (const t of targets) {
    const rows = await store.all<{ period_id: string; value: number; numerator: number | null; denominator: number | null; note: string | null }>(
      `SELECT m.period_id, m.value, m.numerator, m.denominator, m.note FROM lantern_measure m
       JOIN lantern_snapshot_table st ON st.rows_snapshot_id = m.snapshot_id AND st.table_name = 'lantern_measure' AND st.snapshot_id = $1
       WHERE m.la_code = $2 AND m.indicator_id = $3 ORDER BY m.period_id`,
      [t.snapshot_id, t.la_code, def.id],
    );
    for (const r of rows) {
      const p = parsePeriod(r.period_id);
      if (!p || (filter.periodIds && !filter.periodIds.includes(r.period_id)) || (filter.kinds && !filter.kinds.includes(p.kind))) continue;
      out.push({ indicator: def.id, authority: t.la_code, period: r.period_id, value: r.value, numerator: r.numerator, denominator: r.denominator, unit: def.unit, snapshot: t.snapshot_id });
    }
  }
  return out;
}

/**
 * The ids of `def`'s periods within `t`'s span, or only those starting before `before`, or
 * ending before `endBefore`, when given.
 */
async function periodIdsFor(store: Store, t: Target, def: IndicatorDef, filter: PeriodFilter, before?: string, endBefore?: string): Promise<string[]> {
  if (!t.data_from || !t.data_to) return [];
  const kinds = (filter.kinds ?? def.periods).filter((k) => def.periods.includes(k));
  const params = [t.data_from, t.data_to, ...(before ? [before] : []), ...(endBefore ? [endBefore] : [])];
  const rows = await store.all<{ period_id: string }>(
    `SELECT period_id FROM lantern_period WHERE start_date >= CAST($1 AS DATE) AND end_date <= CAST($2 AS DATE) AND kind IN (${kinds.map(lit).join(", ") || "''"})${
      before ? " AND start_date < CAST($3 AS DATE)" : ""
    }${endBefore ? ` AND end_date < CAST($${before ? 4 : 3} AS DATE)` : ""} ORDER BY period_id`,
    params,
  );
  const ids = rows.map((r) => r.period_id);
  return filter.periodIds ? ids.filter((i) => filter.periodIds!.includes(i)) : ids;
}

/** The records behind one figure: the base rows of one period, for the numerator or denominator. */
export async function indicatorRecords(store: Store, def: IndicatorDef, target: Target, period: string, part: "numerator" | "denominator"): Promise<Row[]> {
  // Figures loaded from measures.csv have no SQL and no children behind them; a count has no
  // denominator, and a rate's is the population, so neither has denominator records to list.
  if (def.source === "measures") {
    throw new LanternError("LANTERN_BAD_OPTION", `${def.title} (${def.id}) is loaded as an aggregate figure (measures.csv): there are no child records behind it.`, {
      hint: "The records are kept in the system the figure comes from (such as the workforce or education system).",
    });
  }
  if (part === "denominator" && (def.unit === "count" || def.unit === "rate")) {
    const what = def.unit === "count" ? "a count: its figure has no denominator records" : "a rate per 10,000 children: its denominator is the population of children aged 0–17, not records";
    throw new LanternError("LANTERN_BAD_OPTION", `${def.title} (${def.id}) is ${what}.`, { hint: "Ask for the numerator instead: the records counted in the figure." });
  }
  const p = parsePeriod(period);
  if (!p) throw new LanternError("LANTERN_BAD_OPTION", `${period} is not a period.`, { hint: "Periods look like 2025-01, 2024-25-Q3, 2024-25, 12m-2025-01 or 2024." });
  const missing = missingTables(def, target);
  if (missing.length) return [];
  const head = bindSql(def.sql, [target], def, { periodIds: [period] });
  return store.all(
    `${head}
    SELECT b.* FROM base b WHERE b.period_id = $1 AND b.${part === "numerator" ? "num" : "den"} = 1${def.breakdownOnly ? " AND b.headline = 1" : ""} ORDER BY b.person_id, b.record_id`,
    [period],
  );
}
