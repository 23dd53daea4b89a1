/**
 * @module
 * Reads the published benchmark files shipped in `data/benchmarks/` (DfE LAIT values and
 * measures, the May 2025 statistical neighbours, two CSC dashboard tables; see the README there
 * for origin and licences) and the ONS code list in `data/reference/ons-population-0-17.csv`,
 * once per process, into the {@link BenchmarkData} the pure core in `benchmarks.ts` works on.
 * Cells are read with {@link readPublished}: a symbol stays a symbol, never 0.
 */

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { shippedPopulation } from "../kpi/reference-tables.ts";
import { type AreaValue, type AuthorityInfo, type BenchmarkData, type LaitPolarity, type MeasureInfo, type Neighbour, readPublished, regionKey, type YearValues } from "./benchmarks.ts";

/** The folder of shipped benchmark files. */
export const BENCHMARK_DIR = fileURLToPath(new URL("../../data/benchmarks/", import.meta.url));

const LAIT_SOURCE = "DfE Local Authority Interactive Tool (LAIT), OGL v3.0";

/**
 * Series taken from the CSC dashboard's EES tables (they keep the GSS symbols c, x, u that LAIT
 * flattens to `-`), for figures LAIT does not carry.
 */
const CSC_SERIES: readonly { short: string; title: string; file: string; column: string; unit: string; yearType: string; source: string }[] = [
  {
    short: "CSC_CIN_At31",
    title: "Children in need at 31 March (episodes)",
    file: "b1_children_in_need_2013_to_2025.csv",
    column: "At31_episodes",
    unit: "Number of children",
    // Taken on 31 March.
    yearType: "Annual",
    source: "DfE Characteristics of children in need 2025 (EES table b1), OGL v3.0",
  },
  {
    short: "CSC_CPP_start",
    title: "Child protection plans starting in the year",
    file: "d3_cpps_subsequent_plan_2013_to_2025.csv",
    column: "CPP_start",
    unit: "Number of plans",
    // Counted over the year to 31 March, not on its last day.
    yearType: "Financial Year",
    source: "DfE Characteristics of children in need 2025 (EES table d3), OGL v3.0",
  },
];

function readCsv(path: string): Record<string, string>[] {
  return parse(readFileSync(path, "utf8"), { columns: true, skip_empty_lines: true, bom: true, relax_column_count: true }) as Record<string, string>[];
}

type MutableYear = { england?: AreaValue["value"]; regions: Map<string, AreaValue>; las: Map<string, AreaValue> };

function yearOf(series: Map<string, Map<number, MutableYear>>, short: string, year: number): MutableYear {
  let s = series.get(short);
  if (!s) {
    s = new Map();
    series.set(short, s);
  }
  let y = s.get(year);
  if (!y) {
    y = { regions: new Map(), las: new Map() };
    s.set(year, y);
  }
  return y;
}

function polarityOf(p: string | undefined): LaitPolarity {
  return p === "High" || p === "Low" ? p : "-";
}

/** Parse the shipped files in `dir` (default the shipped folder). */
export function readBenchmarkData(dir: string = BENCHMARK_DIR): BenchmarkData {
  const measures = new Map<string, MeasureInfo>();
  for (const r of readCsv(`${dir}/lait_measures_csc.csv`)) {
    measures.set(r["measure_short"]!, { short: r["measure_short"]!, title: r["measure"]!, polarity: polarityOf(r["polarity"]), unit: r["unit"] ?? "", yearType: r["year_type"] ?? "Financial Year", source: LAIT_SOURCE });
  }
  const series = new Map<string, Map<number, MutableYear>>();
  const authorities = new Map<string, AuthorityInfo>();
  for (const r of readCsv(`${dir}/lait_values_csc.csv`)) {
    const short = r["measure_short"]!;
    const year = Number(r["year"]);
    if (!Number.isInteger(year)) continue;
    const y = yearOf(series, short, year);
    const code = (r["la_number"] ?? "").trim();
    const name = r["area_name"]!;
    const value = readPublished(r["value"]);
    const region = (r["region"] ?? "").trim();
    if (code === "970" || name === "England") y.england = value;
    else if (region === "" || region === "NA") y.regions.set(regionKey(name), { code, name, value });
    else {
      y.las.set(code, { code, name, value });
      if (!authorities.has(code)) authorities.set(code, { code, name, region });
    }
  }
  for (const c of CSC_SERIES) {
    measures.set(c.short, { short: c.short, title: c.title, polarity: "-", unit: c.unit, yearType: c.yearType, source: c.source });
    for (const r of readCsv(`${dir}/${c.file}`)) {
      const year = Number(r["time_period"]);
      if (!Number.isInteger(year)) continue;
      const y = yearOf(series, c.short, year);
      const value = readPublished(r[c.column]);
      const level = r["geographic_level"];
      if (level === "National") y.england = value;
      else if (level === "Regional") y.regions.set(regionKey(r["region_name"]!), { code: r["region_code"] ?? "", name: r["region_name"]!, value });
      else if (level === "Local authority") {
        const code = r["old_la_code"]!;
        y.las.set(code, { code, name: r["la_name"]!, value });
        if (!authorities.has(code)) authorities.set(code, { code, name: r["la_name"]!, region: r["region_name"] ?? "" });
      }
    }
  }
  const neighbours = new Map<string, Neighbour[]>();
  for (const r of readCsv(`${dir}/sn_may_2025_long.csv`)) {
    const la = r["la_number"]!;
    let list = neighbours.get(la);
    if (!list) {
      list = [];
      neighbours.set(la, list);
    }
    list.push({ rank: Number(r["sn_rank"]), code: r["sn_la_number"]!, name: r["sn_la_name"]!, closeness: r["closeness"] ?? "" });
    if (!authorities.has(la)) authorities.set(la, { code: la, name: r["la_name"]!, region: r["go_region"] ?? "" });
  }
  for (const list of neighbours.values()) list.sort((a, b) => a.rank - b.rank);
  const onsToDfe = new Map<string, string>();
  for (const p of shippedPopulation()) {
    if (p.level === "Local authority" && /^\d{3}$/.test(p.code) && p.ons_code) {
      onsToDfe.set(p.ons_code.toUpperCase(), p.code);
      const a = authorities.get(p.code);
      if (a && !a.onsCode) authorities.set(p.code, { ...a, onsCode: p.ons_code });
    }
  }
  return { measures, series: series as Map<string, Map<number, YearValues>>, authorities, onsToDfe, neighbours, neighbourSource: "DfE Children's Services Statistical Neighbours, May 2025" };
}

let cached: BenchmarkData | undefined;

/** The shipped data, read once per process. */
export function benchmarkData(): BenchmarkData {
  cached ??= readBenchmarkData();
  return cached;
}
