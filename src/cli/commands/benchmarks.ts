/**
 * @module
 * `lantern benchmarks`: one authority's figure for one indicator and year beside the DfE's
 * published figures — England, its region, its 10 statistical neighbours (mean and median, and
 * how many had a value), its national rank and LAIT quartile band. A synthetic or new authority
 * borrows a real authority's region and neighbours with `--like CODE`, remembered in
 * `lantern_authority.like_code`; its own value is Lantern's stored value (nothing is computed).
 */

import { benchmarkData } from "../../analysis/benchmark-data.ts";
import { type BenchmarkData, BenchmarkProblem, type BenchmarkResult, benchmark, type Published, realAuthority, resolveIndicator, SYMBOL_MEANINGS } from "../../analysis/benchmarks.ts";
import { LanternError } from "../../core/errors.ts";
import { storedValues } from "../../kpi/compute.ts";
import { resolveTargets } from "../../kpi/targets.ts";
import { openStore, storeConfig } from "../../store/open.ts";
import type { Store } from "../../store/port.ts";
import { authorityRecord } from "../../store/authorities.ts";
import { type Command, parse } from "../command.ts";
import { type Output, table } from "../output.ts";

const HELP = `lantern benchmarks --authority CODE --indicator ID [--year Y] [--like CODE] [--data DIR] [--json]

Set an authority's figure beside the DfE's published ones (shipped with Lantern, OGL v3.0):
  England and region   the published figures for the same year
  neighbours           the authority's 10 statistical neighbours (DfE, May 2025) with their values;
                       the mean is LAIT's figure, the median the CSC dashboard's, both over the
                       neighbours that had a value ("8 of 10 neighbours had a value")
  rank                 among every authority with a value that year, 1 = best (highest when
                       higher is better, lowest when lower is better); ties share the lower number
  quartile band        A best quarter … D worst quarter, cut where LAIT cuts (R quantile type 7);
                       no rank or band when higher is neither better nor worse
Suppressed or missing published values are shown as their symbols and never counted as 0:
  c suppressed · x not available · z not applicable · u low reliability ·
  k / low rounds to zero · - missing or suppressed (LAIT)

A real authority is its 3-digit DfE number (202) or ONS code (E09000007); its own value is the
published one. A synthetic or new authority uses a real one's region and neighbours: pass
--like CODE once and Lantern remembers it; its own value is Lantern's stored value for its latest
snapshot (run \`lantern compute\` first), placed among the published values to rank it.

Options:
  --authority CODE  the authority (DfE number, ONS code, or your own code with --like)
  --indicator ID    a Lantern indicator id (lantern indicators --list) or a LAIT measure short name
  --year Y          2024-25 (financial year) or 2025 (as LAIT labels it: year to 31 March 2025;
                    30 Sept for workforce; calendar year for EHC plans); default the latest
  --like CODE       the real authority whose region and neighbours to use (remembered)
  --json            the whole result for scripts; values are {"value": n} or {"symbol": "c"}

Examples:
  lantern benchmarks --authority 358 --indicator rereferral_pct
      Trafford's re-referral rate (lower is better) against England, the North West and its
      neighbours, with its rank of 153 and its band
  lantern benchmarks --authority 202 --indicator assess_45wd_pct --year 2024-25
      Camden's assessments within 45 working days in 2024-25 (higher is better)
  lantern benchmarks --authority E09000007 --indicator cin_rate --year 2025
      the same authority by ONS code; a rate with no polarity has no rank or band
  lantern benchmarks --authority X001 --like 202 --indicator assess_45wd_pct
      a demo authority ranked among the real ones, compared with Camden's neighbours
  lantern benchmarks --authority 850 --indicator cin_at31 --year 2024 --json
      Hampshire's 2024 figure is published as "u" (low reliability) and stays so
`;

const BAND_WORDS: Record<"A" | "B" | "C" | "D", string> = { A: "best quarter", B: "second-best quarter", C: "second-worst quarter", D: "worst quarter" };

/** 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st … */
export function ordinal(n: number): string {
  const t = n % 100;
  if (t >= 11 && t <= 13) return `${n}th`;
  return `${n}${({ 1: "st", 2: "nd", 3: "rd" } as Record<number, string>)[n % 10] ?? "th"}`;
}

function isPercent(r: BenchmarkResult): boolean {
  return r.indicator.unit.includes("%") || /^(percentage|%)/i.test(r.indicator.measureTitle);
}

function fmtNumber(n: number, r: BenchmarkResult, computed = false): string {
  const s = computed ? n.toLocaleString("en-GB", { minimumFractionDigits: 1, maximumFractionDigits: 1 }) : n.toLocaleString("en-GB", { maximumFractionDigits: 2 });
  return isPercent(r) ? `${s}%` : s;
}

function fmtPublished(p: Published, r: BenchmarkResult, computed = false): string {
  return "value" in p ? fmtNumber(p.value, r, computed) : `${p.symbol} (${SYMBOL_MEANINGS[p.symbol]})`;
}

/** The result as a person reads it. */
export function renderBenchmark(r: BenchmarkResult): string {
  const who = r.authority.real ? `${r.authority.name} (${r.authority.code})` : `${r.authority.name}${r.authority.like ? `, like ${r.authority.like.name} (${r.authority.like.code})` : ""}`;
  const pol = r.polarity === "High" ? "higher is better" : r.polarity === "Low" ? "lower is better" : "no polarity: higher is neither better nor worse";
  const lines: string[] = [];
  lines.push(`${r.indicator.title} — ${who}, ${r.year.label}`);
  lines.push(`Published measure ${r.indicator.measure}: ${r.indicator.measureTitle} (${pol})`);
  if (r.year.note) lines.push(`Note: ${r.year.note}`);
  lines.push("");
  const ownLabel = r.own.from === "lantern" ? `${r.authority.name} (Lantern's value for ${r.year.lanternPeriod})` : r.own.from === "none" ? `${r.authority.name} (no Lantern value for ${r.year.lanternPeriod})` : r.authority.name;
  const rows: [string, string][] = [[ownLabel, r.own.from === "none" ? "–" : fmtPublished(r.own.value, r, r.own.from === "lantern")]];
  rows.push(["England", fmtPublished(r.england, r)]);
  if (r.region) rows.push([r.region.name, fmtPublished(r.region.value, r)]);
  if (r.subRegion) rows.push([r.subRegion.name, fmtPublished(r.subRegion.value, r)]);
  const had = `(${r.neighboursWithValue} of ${r.neighbourCount} neighbours had a value)`;
  rows.push(["Neighbour mean", r.neighbourMean === null ? `– ${had}` : `${fmtNumber(r.neighbourMean, r, true)}  ${had}`]);
  rows.push(["Neighbour median", r.neighbourMedian === null ? "–" : fmtNumber(r.neighbourMedian, r, true)]);
  if (r.polarity === "-") {
    rows.push(["National rank", "– (no polarity)"]);
    rows.push(["Quartile band", "– (no polarity)"]);
  } else if (r.rank) {
    rows.push(["National rank", `${ordinal(r.rank.position)} of ${r.rank.of}${r.rank.inserted ? " (Lantern's value placed among the published ones)" : ""}; 1 = best`]);
    rows.push(["Quartile band", r.quartileBand ? `${r.quartileBand} (${BAND_WORDS[r.quartileBand]})` : "–"]);
  } else {
    rows.push(["National rank", "– (no value to rank)"]);
    rows.push(["Quartile band", "–"]);
  }
  const w = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) lines.push(`  ${k.padEnd(w)}  ${v}`);
  lines.push("");
  lines.push(`Statistical neighbours (${r.neighbourSource}):`);
  const t = table(
    ["#", "LA", "name", "value", "closeness"],
    r.neighbours.map((n) => [String(n.rank), n.code, n.name, fmtPublished(n.value, r), n.closeness]),
  );
  lines.push(...t.trimEnd().split("\n").map((l) => `  ${l}`));
  if (r.quartiles && r.polarity !== "-") lines.push("", `Quartile cut points (R type 7, over ${r.rank?.of ?? r.lasWithValue} LA values): ${r.quartiles.map((q) => fmtNumber(Math.round(q * 1000) / 1000, r)).join(" · ")}; a value on a cut point goes with the lower values.`);
  const notes = r.notes.filter((n) => n !== r.year.note && !/no polarity/.test(n));
  if (notes.length) lines.push("", ...notes.map((n) => `Note: ${n}`));
  lines.push("", `Source: ${r.source}. Contains public sector information licensed under the Open Government Licence v3.0.`);
  return lines.join("\n") + "\n";
}

async function likeFor(store: Store, authority: string, like: string | undefined, data: BenchmarkData): Promise<string | undefined> {
  if (like !== undefined) {
    const real = realAuthority(like, data);
    if (!real) throw new LanternError("LANTERN_BAD_OPTION", `--like ${like} is not a DfE local authority number or ONS code.`, { hint: "Give a real authority's 3-digit DfE number (e.g. 202 for Camden) or ONS code (E09000007)." });
    await store.run(
      `INSERT INTO lantern_authority (la_code, la_name, like_code, created_at) VALUES ($1, NULL, $2, $3)
       ON CONFLICT (la_code) DO UPDATE SET like_code = excluded.like_code`,
      [authority, real.code, new Date().toISOString()],
    );
    return real.code;
  }
  return (await authorityRecord(store, authority)).like_code ?? undefined;
}

async function ownLanternValue(store: Store, authority: string, indicator: string, period: string): Promise<number | null> {
  let targets: Awaited<ReturnType<typeof resolveTargets>>;
  try {
    targets = await resolveTargets(store, { authority });
  } catch {
    return null;
  }
  const t = targets[0];
  if (!t) return null;
  const vals = await storedValues(store, { snapshots: [t.snapshot_id], indicators: [indicator], periods: [period] });
  return vals.find((v) => v.authority === authority)?.value ?? null;
}

function toLanternError(e: unknown): unknown {
  if (!(e instanceof BenchmarkProblem)) return e;
  switch (e.kind) {
    case "unknown-indicator":
      return new LanternError("LANTERN_BAD_OPTION", e.message, { hint: "Run `lantern indicators --list` for the ids; those with a LAIT measure have a national benchmark." });
    case "local-indicator":
      return new LanternError("LANTERN_BAD_OPTION", e.message, { hint: "Benchmarks exist for indicators with a LAIT measure (`lantern indicators --list` shows it)." });
    case "unknown-authority":
      return new LanternError("LANTERN_BAD_OPTION", `${e.message} To compare a synthetic or new authority, pass --like CODE with a real authority's code.`, {
        hint: "For example: lantern benchmarks --authority X001 --like 202 --indicator assess_45wd_pct",
      });
    default:
      return new LanternError("LANTERN_BAD_OPTION", e.message, { hint: "Run `lantern benchmarks --help`." });
  }
}

async function run(argv: readonly string[], o: Output): Promise<number> {
  const { values } = parse("benchmarks", argv, {
    authority: { type: "string" },
    indicator: { type: "string" },
    year: { type: "string" },
    like: { type: "string" },
  });
  if (!values.authority || !values.indicator) {
    throw new LanternError("LANTERN_USAGE", "lantern benchmarks needs --authority CODE and --indicator ID.", { hint: "For example: lantern benchmarks --authority 358 --indicator rereferral_pct" });
  }
  const authority = values.authority.trim();
  const data = benchmarkData();
  const ind = resolveIndicator(values.indicator, data);
  if (ind.kind !== "ok") throw toLanternError(new BenchmarkProblem(ind.kind === "local" ? "local-indicator" : "unknown-indicator", ind.kind === "local" ? `${ind.id} (${ind.title}) is a local measure, no national benchmark: the DfE does not publish it for every authority.` : `Unknown indicator ${values.indicator}.`));
  const year = values.year;
  let result: BenchmarkResult;
  try {
    const real = realAuthority(authority, data);
    if (real) {
      if (values.like !== undefined && realAuthority(values.like, data)?.code !== real.code) {
        throw new LanternError("LANTERN_BAD_OPTION", `${authority} is a real authority (${real.name}); it is compared with its own region and neighbours, so --like does not apply.`, {
          hint: "Use --like only for a synthetic or new authority's own code.",
        });
      }
      result = benchmark({ authority: real.code, indicator: values.indicator, ...(year !== undefined ? { year } : {}) }, data);
    } else {
      // Its own value is read from the store: a mistyped --data is named, not made into an empty store.
      const store = await openStore(storeConfig(values.data), { existing: true });
      try {
        const like = await likeFor(store, authority, values.like, data);
        if (!like) throw new BenchmarkProblem("unknown-authority", `${authority} is not a DfE local authority number or ONS code, and no --like authority is recorded for it.`);
        const named = (await authorityRecord(store, authority)).la_name;
        const base = { authority, indicator: values.indicator, like, ...(year !== undefined ? { year } : {}), ...(named ? { authorityName: named } : {}) };
        const first = benchmark(base, data);
        const own = await ownLanternValue(store, authority, ind.id, first.year.lanternPeriod);
        result = benchmark({ ...base, ownValue: own }, data);
      } finally {
        await store.close();
      }
    }
  } catch (e) {
    throw toLanternError(e);
  }
  if (values.json) {
    o.out(JSON.stringify(result, null, 2) + "\n");
    return 0;
  }
  o.out(renderBenchmark(result));
  return 0;
}

export const benchmarksCommand: Command = { name: "benchmarks", help: HELP, run };
