/**
 * @module
 * National, regional and statistical-neighbour benchmarks for one authority, indicator and year,
 * computed as the DfE's Local Authority Interactive Tool (LAIT) computes them. Pure: it works on
 * parsed published data ({@link BenchmarkData}, loaded by `benchmark-data.ts`) and reads nothing.
 *
 * - A published value is a number or a symbol (`c` suppressed, `x` not available, `z` not
 *   applicable, `u` low reliability, `k`/`low` rounds to zero, `-` LAIT's missing-or-suppressed).
 *   A symbol is never read as 0: it is left out of the neighbour mean and median, the rank and
 *   the quartiles, and the result says how many neighbours had a value.
 * - Neighbour mean: LAIT's figure, the unweighted mean of the neighbours that have a value
 *   (`mean(values, na.rm = TRUE)`). Neighbour median: the CSC outcomes dashboard's figure, over
 *   the same neighbours.
 * - Rank: among every local authority with a value that year, 1 = best by polarity (High:
 *   highest first; Low: lowest first); ties share the lowest rank (R `rank(ties.method = "min")`).
 *   No rank for a measure without polarity (`-`), as in LAIT.
 * - Quartile band: cut points are R `quantile(values, type = 7)` over every LA's value that year.
 *   LAIT (`calculate_quartile_band`) assigns [q0, q25] → first band, (q25, q50] → second,
 *   (q50, q75] → third, (q75, q100] → fourth, counted from the lowest value: A–D for Low
 *   polarity, D–A for High. So a value exactly on a cut point goes with the LOWER values: for a
 *   lower-is-better measure it takes the better band (on q25 → A), for a higher-is-better
 *   measure the worse band (on q25 → D, on q75 → B). No band for polarity `-`.
 * - A synthetic authority's own value (`ownValue`, Lantern's computed figure) is inserted among
 *   the published LA values before ranking and banding, and the result says so.
 */

import { indicatorLibrary } from "../kpi/library/index.ts";

/** The symbols published tables use instead of a number. */
export type PublishedSymbol = "c" | "x" | "z" | "u" | "k" | "low" | "-" | "missing";

/** A published figure: a number, or the symbol printed in its place (never coerced to 0). */
export type Published = { readonly value: number } | { readonly symbol: PublishedSymbol };

/** LAIT polarity: `High` higher is better, `Low` lower is better, `-` no judgement. */
export type LaitPolarity = "High" | "Low" | "-";

/** What each symbol means, for people. */
export const SYMBOL_MEANINGS: Readonly<Record<PublishedSymbol, string>> = {
  c: "suppressed to protect confidentiality",
  x: "not available",
  z: "not applicable",
  u: "low reliability",
  k: "rounds to zero, but is not zero",
  low: "rounds to zero, but is not zero",
  "-": "missing or suppressed (LAIT does not say which)",
  missing: "not in the published data",
};

const SYMBOLS = new Set<string>(Object.keys(SYMBOL_MEANINGS));

/** Read a published cell: a finite number, a known symbol, or `missing` for anything else (blank, `:`). */
export function readPublished(cell: string | undefined): Published {
  const t = (cell ?? "").trim();
  if (t !== "" && /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) {
    const n = Number(t);
    if (Number.isFinite(n)) return { value: n };
  }
  const s = t.toLowerCase();
  if (SYMBOLS.has(s)) return { symbol: s as PublishedSymbol };
  return { symbol: "missing" };
}

/** The number of a published value, or null for a symbol. */
export function numberOf(p: Published | undefined): number | null {
  return p && "value" in p ? p.value : null;
}

/** A published measure. */
export interface MeasureInfo {
  readonly short: string;
  readonly title: string;
  readonly polarity: LaitPolarity;
  readonly unit: string;
  /** LAIT `Year_Type`: Financial Year, Annual, Annual (end of Sept), Calendar Year, Annual - January. */
  readonly yearType: string;
  /** Where the figures come from, for the label. */
  readonly source: string;
}

/** One area's value in one year. */
export interface AreaValue {
  readonly code: string;
  readonly name: string;
  readonly value: Published;
}

/** Every published value of one measure in one year. */
export interface YearValues {
  readonly england?: Published;
  /** Regions keyed by {@link regionKey}. */
  readonly regions: ReadonlyMap<string, AreaValue>;
  /** Local authorities keyed by 3-digit DfE LA number. */
  readonly las: ReadonlyMap<string, AreaValue>;
}

/** A known local authority. */
export interface AuthorityInfo {
  readonly code: string;
  readonly name: string;
  /** Region as the data names it, e.g. "North West", "Inner London". */
  readonly region: string;
  readonly onsCode?: string;
}

/** One statistical neighbour. */
export interface Neighbour {
  readonly rank: number;
  readonly code: string;
  readonly name: string;
  readonly closeness: string;
}

/** Everything the benchmarks need, parsed. */
export interface BenchmarkData {
  readonly measures: ReadonlyMap<string, MeasureInfo>;
  /** measure short → LAIT year → values. */
  readonly series: ReadonlyMap<string, ReadonlyMap<number, YearValues>>;
  readonly authorities: ReadonlyMap<string, AuthorityInfo>;
  /** ONS code (E06…, E08…, E09…, E10…) → DfE LA number. */
  readonly onsToDfe: ReadonlyMap<string, string>;
  /** DfE LA number → its 10 neighbours, rank order. */
  readonly neighbours: ReadonlyMap<string, readonly Neighbour[]>;
  /** The neighbour list's name, e.g. "DfE statistical neighbours, May 2025". */
  readonly neighbourSource: string;
}

/** Normalised region key: "Inner London" and "London (Inner)" → "london (inner)"; case-insensitive. */
export function regionKey(name: string): string {
  const n = name.trim().toLowerCase().replace(/\s+/g, " ");
  if (n === "inner london") return "london (inner)";
  if (n === "outer london") return "london (outer)";
  return n;
}

/**
 * Lantern indicator ids → LAIT `Measure_short` (or a CSC dashboard series), for ids whose
 * definition does not (yet) carry `lait`. The registry's `lait` wins when it has one. The ids are
 * those of `shared/benchmarks/derived/england_national_kpis_2022_2025.csv`.
 */
export const INDICATOR_MEASURES: Readonly<Record<string, string>> = {
  referrals: "CPP_Total_NumRef",
  referral_rate: "CPP_Total_Rateper10,000",
  rereferral_pct: "ReReferral",
  nfa_pct: "CIN_Refferals_NFA",
  assessed_not_in_need_pct: "Referrals_AssessedNotNeed",
  assess_45wd_pct: "Continue_Assess_Comp",
  s47_rate: "Section_47",
  icpc_rate: "ISCP_Conf",
  icpc_15wd_pct: "CP_conf_15days",
  cin_at31: "CSC_CIN_At31",
  cin_rate: "CIN",
  cpp_at31: "CPP_Num",
  cpp_rate: "CPP_rate",
  cpp_starts: "CSC_CPP_start",
  cpp_second_pct: "PrevRegCPR",
  cpp_2yr_open_pct: "CPPlans2yrsActive",
  cpp_2yr_ceased_pct: "CPPlans2yrs",
  cla_at31: "LACnum",
  cla_rate: "LAC",
  cla_start_rate: "LAC_Start_Rate",
  cla_3plus_placements_pct: "LACStable_2016on",
  cla_longterm_stability_pct: "LAC_LongStable%",
  cla_other_placements_pct: "LAC_Other_Place_Inc_Unreg",
  cla_missing_pct: "Children_missing",
  cla_away_pct: "Children_Away",
  cl_suitable_acc_pct: "CareLeaverAcc",
  cl_eet_pct: "CareLeaverEET",
  cl_neet_pct: "CareLeaversNEET",
  cl_not_in_touch_pct: "CareLeavers_LA_NotInTouch",
  ehcp_20wk_excl_pct: "SEN_EHC_Excpt_20wks",
  ehcp_20wk_all_pct: "SEN_EHC_All_20wks",
  sw_vacancy_rate: "Work_Force_Vac_Rate",
  sw_caseload: "Work_Force_AvgNumCase_SW",
  sw_turnover_rate: "Work_Force_TO_Rate",
  sw_agency_rate: "Work_Force_Agecy_Rate",
};

/** How an indicator id resolved. */
export type IndicatorResolution =
  | { readonly kind: "ok"; readonly id: string; readonly title: string; readonly measure: MeasureInfo; readonly lanternIndicator: boolean }
  | { readonly kind: "local"; readonly id: string; readonly title: string }
  | { readonly kind: "unknown"; readonly id: string };

/** Resolve a Lantern indicator id (or alias), a mapped id, or a LAIT `Measure_short` to its published measure. */
export function resolveIndicator(id: string, data: BenchmarkData): IndicatorResolution {
  let def: ReturnType<ReturnType<typeof indicatorLibrary>["get"]>;
  try {
    def = indicatorLibrary().get(id);
  } catch {
    def = undefined; // a library file being edited must not take the published benchmarks down with it
  }
  const short = def?.lait ?? INDICATOR_MEASURES[def?.id ?? id];
  if (short && data.measures.has(short)) {
    return { kind: "ok", id: def?.id ?? id, title: def?.title ?? data.measures.get(short)!.title, measure: data.measures.get(short)!, lanternIndicator: Boolean(def) || id in INDICATOR_MEASURES };
  }
  if (def) return { kind: "local", id: def.id, title: def.title };
  const direct = data.measures.get(id) ?? [...data.measures.values()].find((m) => m.short.toLowerCase() === id.toLowerCase());
  if (direct) return { kind: "ok", id: direct.short, title: direct.title, measure: direct, lanternIndicator: false };
  return { kind: "unknown", id };
}

/** How a LAIT year reads, by the measure's year type. */
export function yearLabel(year: number, yearType: string): string {
  const fy = (end: number) => `${end - 1}-${String(end % 100).padStart(2, "0")}`;
  switch (yearType) {
    case "Calendar Year":
      return `calendar year ${year}`;
    case "Annual (end of Sept)":
      return `30 September ${year}`;
    case "Annual - January":
      return `January ${year} census`;
    case "Annual":
      return `31 March ${year} (${fy(year)})`;
    default:
      return `${fy(year)} (year to 31 March ${year})`;
  }
}

/**
 * {@link yearLabel} with the preposition it takes in a sentence ("England 67.0 … on 31 March 2025
 * (2024-25)"): a snapshot is taken on a date, a year's figure is for a year or a census.
 */
export function yearPhrase(year: number, yearType: string): string {
  const label = yearLabel(year, yearType);
  switch (yearType) {
    case "Annual":
    case "Annual (end of Sept)":
      return `on ${label}`;
    case "Annual - January":
      return `in the ${label}`;
    default:
      return `in ${label}`;
  }
}

/**
 * The Lantern period whose computed value compares with a LAIT year: the financial year ending
 * 31 March of that year (also for 31-March and January snapshots), the month of the workforce
 * census (30 September, `2025-09`, the period its figures are loaded for), and the calendar year
 * for SEN2 timeliness.
 */
export function lanternPeriodFor(year: number, yearType: string): string {
  const fy = (start: number) => `${start}-${String((start + 1) % 100).padStart(2, "0")}`;
  if (yearType === "Calendar Year") return String(year);
  // Workforce figures are loaded for the census month (`measures.csv` period `2025-09`).
  if (yearType === "Annual (end of Sept)") return `${year}-09`;
  return fy(year - 1);
}

/**
 * A `--year` as the LAIT year of a measure: `2025` is taken as LAIT labels it; a financial year
 * `2024-25` is the year ending 31 March 2025 (LAIT 2025), the 30 September inside it (2024) for
 * the workforce census, and the calendar year it starts in (2024) for SEN2 timeliness. Null when
 * the text is not a year.
 */
export function laitYearFor(text: string, yearType: string): { year: number; note?: string } | null {
  const plain = /^(\d{4})$/.exec(text.trim());
  if (plain) return { year: Number(plain[1]) };
  const fy = /^(\d{4})-(\d{2})$/.exec(text.trim());
  if (!fy) return null;
  const start = Number(fy[1]);
  if ((start + 1) % 100 !== Number(fy[2])) return null;
  if (yearType === "Calendar Year") return { year: start, note: `${text} read as calendar year ${start} (EHC-plan timeliness is published by calendar year)` };
  if (yearType === "Annual (end of Sept)") return { year: start, note: `${text} read as the workforce census of 30 September ${start}` };
  return { year: start + 1 };
}

/** The decimal places a measure's published figures are given to (0 or 1), or null when they are not so rounded. */
export function publishedPlaces(values: readonly number[]): 0 | 1 | null {
  if (!values.length) return null;
  if (values.every((v) => Number.isInteger(v))) return 0;
  return values.every((v) => Math.abs(v * 10 - Math.round(v * 10)) < 1e-6) ? 1 : null;
}

/** R `quantile(x, probs = c(0, .25, .5, .75, 1), type = 7)`, computed with R's own formula. */
export function quantile7(values: readonly number[]): [number, number, number, number, number] {
  if (!values.length) throw new Error("quantile7 needs at least one value");
  const x = [...values].sort((a, b) => a - b);
  const n = x.length;
  const q = [0, 0.25, 0.5, 0.75, 1].map((p) => {
    const index = 1 + (n - 1) * p;
    const lo = Math.floor(index);
    const hi = Math.ceil(index);
    const qs = x[lo - 1]!;
    const xh = x[hi - 1]!;
    if (index > lo && xh !== qs) {
      const h = index - lo;
      return (1 - h) * qs + h * xh;
    }
    return qs;
  });
  return q as [number, number, number, number, number];
}

/** LAIT's `calculate_quartile_band`: null for polarity `-` or a value outside the cut points. */
export function quartileBandOf(value: number, cuts: readonly number[], polarity: LaitPolarity): "A" | "B" | "C" | "D" | null {
  if (polarity === "-") return null;
  const [q0, q25, q50, q75, q100] = cuts as [number, number, number, number, number];
  let fromLowest: number;
  if (value >= q0 && value <= q25) fromLowest = 0;
  else if (value > q25 && value <= q50) fromLowest = 1;
  else if (value > q50 && value <= q75) fromLowest = 2;
  else if (value > q75 && value <= q100) fromLowest = 3;
  else return null;
  const bands = ["A", "B", "C", "D"] as const;
  return polarity === "Low" ? bands[fromLowest]! : bands[3 - fromLowest]!;
}

/** R `rank(ties.method = "min")` of `value` among `values` (which include it), 1 = best by polarity. */
export function rankOf(value: number, values: readonly number[], polarity: "High" | "Low"): number {
  return 1 + values.filter((v) => (polarity === "High" ? v > value : v < value)).length;
}

/** The median of numbers (mean of the middle two when even). */
export function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const x = [...values].sort((a, b) => a - b);
  const m = x.length >> 1;
  return x.length % 2 ? x[m]! : (x[m - 1]! + x[m]!) / 2;
}

/** What to benchmark. */
export interface BenchmarkQuery {
  /** DfE LA number (3 digits), ONS code (E06…), or a synthetic/new authority's own code. */
  readonly authority: string;
  /** Lantern indicator id (or alias), or a LAIT `Measure_short`. */
  readonly indicator: string;
  /** `2025` (as LAIT labels it) or `2024-25` (financial year); default the latest year with data. */
  readonly year?: string | number;
  /** A synthetic authority's own value (Lantern's computed figure), inserted among the LA values. */
  readonly ownValue?: number | null;
  /** The real authority whose region and neighbours a synthetic authority uses. */
  readonly like?: string;
  /** The synthetic authority's display name. */
  readonly authorityName?: string;
}

/** The benchmark for one authority, indicator and year. */
export interface BenchmarkResult {
  readonly authority: { readonly code: string; readonly name: string; readonly real: boolean; readonly dfeCode: string | null; readonly like: { readonly code: string; readonly name: string } | null };
  readonly indicator: { readonly id: string; readonly title: string; readonly measure: string; readonly measureTitle: string; readonly unit: string };
  readonly polarity: LaitPolarity;
  readonly year: { readonly lait: number; readonly label: string; readonly yearType: string; readonly lanternPeriod: string; readonly note?: string };
  /** The authority's own value: the published one for a real LA, else the value given. */
  /**
   * The authority's figure: published, or Lantern's own as stored. `compared` is the figure its
   * rank, band and side of England were judged on: Lantern's rounded as the DfE publishes the
   * measure (whole numbers for the children-looked-after figures), else the figure itself.
   */
  readonly own: { readonly value: Published; readonly from: "published" | "lantern" | "none"; readonly compared: number | null };
  readonly england: Published;
  readonly region: { readonly name: string; readonly value: Published } | null;
  /** For a London borough, Inner or Outer London as well. */
  readonly subRegion: { readonly name: string; readonly value: Published } | null;
  readonly neighbours: readonly (Neighbour & { readonly value: Published })[];
  readonly neighbourMean: number | null;
  readonly neighbourMedian: number | null;
  readonly neighboursWithValue: number;
  readonly neighbourCount: number;
  /** Null without polarity or without an own value. `inserted` when the own value was placed among the published ones. */
  readonly rank: { readonly position: number; readonly of: number; readonly inserted: boolean } | null;
  readonly quartileBand: "A" | "B" | "C" | "D" | null;
  /** The R type-7 cut points [0%, 25%, 50%, 75%, 100%] the band was read from (over the ranked values). */
  readonly quartiles: readonly number[] | null;
  /** How many published LA values the year has (before any own value is inserted). */
  readonly lasWithValue: number;
  /** The decimal places the year's published figures are given to (0: whole numbers), or null when they are not so rounded. */
  readonly places: 0 | 1 | null;
  readonly source: string;
  readonly neighbourSource: string;
  readonly notes: readonly string[];
}

/** Why a benchmark cannot be given; `kind` lets the caller choose the message and exit code. */
export class BenchmarkProblem extends Error {
  readonly kind: "unknown-indicator" | "local-indicator" | "unknown-authority" | "bad-year" | "no-data" | "bad-like";
  constructor(kind: BenchmarkProblem["kind"], message: string) {
    super(message);
    this.name = "BenchmarkProblem";
    this.kind = kind;
  }
}

/** A real authority's DfE number from a DfE number or an ONS code; null when it is not a real LA. */
export function realAuthority(code: string, data: BenchmarkData): AuthorityInfo | null {
  const c = code.trim();
  const dfe = data.authorities.has(c) ? c : data.onsToDfe.get(c.toUpperCase());
  return dfe ? (data.authorities.get(dfe) ?? null) : null;
}

function latestYear(series: ReadonlyMap<number, YearValues>): number | null {
  const years = [...series.entries()].filter(([, v]) => numberOf(v.england) !== null || [...v.las.values()].some((a) => numberOf(a.value) !== null)).map(([y]) => y);
  return years.length ? Math.max(...years) : null;
}

/** Compute the benchmark. Throws {@link BenchmarkProblem} when it cannot. */
export function benchmark(q: BenchmarkQuery, data: BenchmarkData): BenchmarkResult {
  const ind = resolveIndicator(q.indicator, data);
  if (ind.kind === "unknown") throw new BenchmarkProblem("unknown-indicator", `Unknown indicator ${q.indicator}.`);
  if (ind.kind === "local") throw new BenchmarkProblem("local-indicator", `${ind.id} (${ind.title}) is a local measure, no national benchmark: the DfE does not publish it for every authority.`);
  const m = ind.measure;
  const real = realAuthority(q.authority, data);
  let basis: AuthorityInfo;
  let like: AuthorityInfo | null = null;
  if (real) {
    basis = real;
  } else {
    if (!q.like) throw new BenchmarkProblem("unknown-authority", `${q.authority} is not a DfE local authority number or ONS code.`);
    like = realAuthority(q.like, data);
    if (!like) throw new BenchmarkProblem("bad-like", `--like ${q.like} is not a DfE local authority number or ONS code.`);
    basis = like;
  }
  const series = data.series.get(m.short);
  if (!series?.size) throw new BenchmarkProblem("no-data", `No published figures for ${m.short}.`);
  const notes: string[] = [];
  let yearNote: string | undefined;
  let year: number;
  if (q.year === undefined || q.year === "") {
    const y = latestYear(series);
    if (y === null) throw new BenchmarkProblem("no-data", `No published figures for ${m.short}.`);
    year = y;
  } else {
    const r = laitYearFor(String(q.year), m.yearType);
    if (!r) throw new BenchmarkProblem("bad-year", `--year ${q.year} is not a year; write 2025 or 2024-25.`);
    year = r.year;
    if (r.note) {
      yearNote = r.note;
      notes.push(r.note);
    }
  }
  const yv = series.get(year);
  if (!yv) {
    const years = [...series.keys()].sort((a, b) => a - b);
    throw new BenchmarkProblem("no-data", `${m.short} has no published figures for ${yearLabel(year, m.yearType)}; it has ${years[0]}–${years.at(-1)} (LAIT years).`);
  }

  const missing: Published = { symbol: "missing" };
  const ownPublished = real ? (yv.las.get(real.code)?.value ?? missing) : undefined;
  const laValues = [...yv.las.values()].map((a) => numberOf(a.value)).filter((v): v is number => v !== null);
  // Lantern's own figure is compared as the DfE publishes the measure: the children-looked-after
  // figures in whole numbers (10.6% is 11%, level with England's 11), others to one decimal place.
  const places = publishedPlaces(laValues);
  const ownCompared = q.ownValue !== undefined && q.ownValue !== null && Number.isFinite(q.ownValue) ? (places === null ? q.ownValue : Number(q.ownValue.toFixed(places))) : null;
  const own: BenchmarkResult["own"] = real
    ? { value: ownPublished!, from: "published", compared: numberOf(ownPublished!) }
    : ownCompared !== null
      ? { value: { value: q.ownValue! }, from: "lantern", compared: ownCompared }
      : { value: missing, from: "none", compared: null };
  if (!real && places === 0 && ownCompared !== null && ownCompared !== q.ownValue) {
    notes.push(`${q.authority}'s Lantern value (${q.ownValue}) is compared as ${ownCompared}, since the DfE publishes this measure in whole numbers.`);
  }

  // Region (and Inner/Outer London).
  const rk = regionKey(basis.region);
  let region: BenchmarkResult["region"] = null;
  let subRegion: BenchmarkResult["subRegion"] = null;
  if (rk.startsWith("london")) {
    const lon = yv.regions.get("london");
    region = { name: lon?.name ?? "London", value: lon?.value ?? missing };
    if (rk !== "london") {
      const sub = yv.regions.get(rk);
      subRegion = { name: sub?.name ?? basis.region, value: sub?.value ?? missing };
    }
  } else {
    const r = yv.regions.get(rk);
    region = { name: r?.name ?? basis.region, value: r?.value ?? missing };
  }

  // Statistical neighbours.
  const sn = data.neighbours.get(basis.code) ?? [];
  const neighbours = sn.map((n) => ({ ...n, value: yv.las.get(n.code)?.value ?? missing }));
  const nv = neighbours.map((n) => numberOf(n.value)).filter((v): v is number => v !== null);
  const neighbourMean = nv.length ? nv.reduce((a, b) => a + b, 0) / nv.length : null;

  // Rank and quartile band among all LAs with a value this year.
  const ownNumber = own.compared;
  const inserted = !real && ownNumber !== null;
  const pool = inserted ? [...laValues, ownNumber] : laValues;
  let rank: BenchmarkResult["rank"] = null;
  let quartileBand: BenchmarkResult["quartileBand"] = null;
  const quartiles = pool.length ? quantile7(pool) : null;
  if (ownNumber !== null && m.polarity !== "-") {
    rank = { position: rankOf(ownNumber, pool, m.polarity), of: pool.length, inserted };
    quartileBand = quartileBandOf(ownNumber, quartiles!, m.polarity);
  }
  if (inserted) notes.push(`${q.authority}'s Lantern value was inserted among the ${laValues.length} published LA values to rank and band it.`);
  if (!real && ownNumber === null) notes.push(`No Lantern value for ${q.authority} in ${lanternPeriodFor(year, m.yearType)}, so it has no rank or band.`);
  if (m.polarity === "-") notes.push("This measure has no polarity (higher is neither better nor worse), so it has no rank or quartile band.");
  const suppressed = neighbours.filter((n) => numberOf(n.value) === null);
  if (suppressed.length) notes.push(`${suppressed.length} neighbour(s) had no published value (${suppressed.map((n) => `${n.name}: ${"symbol" in n.value ? n.value.symbol : ""}`).join(", ")}); the mean and median use the other ${nv.length}.`);

  return {
    authority: {
      code: real ? real.code : q.authority,
      name: real ? real.name : (q.authorityName ?? q.authority),
      real: Boolean(real),
      dfeCode: real ? real.code : null,
      like: like ? { code: like.code, name: like.name } : null,
    },
    indicator: { id: ind.id, title: ind.title, measure: m.short, measureTitle: m.title, unit: m.unit },
    polarity: m.polarity,
    year: { lait: year, label: yearLabel(year, m.yearType), yearType: m.yearType, lanternPeriod: lanternPeriodFor(year, m.yearType), ...(yearNote ? { note: yearNote } : {}) },
    own,
    england: yv.england ?? missing,
    region,
    subRegion,
    neighbours,
    neighbourMean,
    neighbourMedian: median(nv),
    neighboursWithValue: nv.length,
    neighbourCount: neighbours.length,
    rank,
    quartileBand,
    quartiles,
    lasWithValue: laValues.length,
    places,
    source: m.source,
    neighbourSource: data.neighbourSource,
    notes,
  };
}
