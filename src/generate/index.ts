/**
 * @module
 * `lantern generate`: synthetic SSD exports for fictitious authorities (codes X001, X002, …),
 * written one authority at a time — generate, stream to `<code>/ssd_<table>.csv`, let go — so 150
 * authorities fit in memory, plus `authorities.csv` and `population.csv` (children aged 0–17 by
 * year). Same options, same bytes: every draw comes from a seeded generator and nothing reads the
 * clock, the locale or the time zone. It deliberately holds no CLI parsing (see src/cli).
 */

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { dayOf } from "../calendar/dates.ts";
import { loadBankHolidays, WorkingDayCalendar } from "../calendar/working-days.ts";
import { SSD_TABLES } from "../store/ssd-schema.ts";
import { generateAuthorityRows } from "./authority.ts";
import { authorityName } from "./names.ts";
import { authorityPopulations, authorityPropensity, populationByYear } from "./population.ts";
import type { AuthorityRows, AuthoritySpec } from "./rows.ts";
import { writeTableCsv, writeText } from "./write.ts";

export { generateAuthorityRows } from "./authority.ts";
export { authorityPopulations } from "./population.ts";
export type { AuthorityRows, AuthoritySpec, Cell, Row } from "./rows.ts";

/** Options of `lantern generate`. */
export interface GenerateOptions {
  /** Output directory (created if missing). */
  out: string;
  /** Random seed (default 1). */
  seed: number;
  /** Children aged 0–17 (default 60000); with several authorities, the typical size. */
  population: number;
  /** First month of activity, `YYYY-MM` (default 2019-04). */
  from: string;
  /** Last month of activity, `YYYY-MM` (default 2025-03). */
  to: string;
  /** How many authorities (default 1). */
  authorities: number;
  /** Step changes in referral and contact demand from a month on (`2024-01:+30%` → factor 1.3). */
  shocks: { month: string; factor: number }[];
}

/** What was written. */
export interface GenerateSummary {
  authorities: { code: string; name: string; population: number; rows: Record<string, number> }[];
  files: number;
  bytes: number;
}

const MONTH = /^(\d{4})-(\d{2})$/;

function parseMonth(label: string, ym: string): { y: number; m: number } {
  const m = MONTH.exec(ym);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) throw new RangeError(`${label} ${ym} is not a month; write it as YYYY-MM.`);
  return { y: Number(m[1]), m: Number(m[2]) };
}

/**
 * Parse `2024-01:+30%` or `2024-01:-15%` into a month and a multiplying factor (1.3, 0.85).
 * Throws a RangeError saying how to write it for anything else, or for a fall of 100% or more.
 */
export function parseShock(spec: string): { month: string; factor: number } {
  const m = /^(\d{4})-(\d{2}):([+-])(\d+(?:\.\d+)?)%$/.exec(spec.trim());
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) throw new RangeError(`shock "${spec}" is not a step change; write it as YYYY-MM:+30% or YYYY-MM:-15%.`);
  const pct = Number(m[4]) * (m[3] === "-" ? -1 : 1);
  if (pct <= -100) throw new RangeError(`shock "${spec}" would remove all demand; use a change above -100%.`);
  return { month: `${m[1]}-${m[2]}`, factor: Math.round((1 + pct / 100) * 1e9) / 1e9 };
}

/** The fictitious code of the authority at `index` (0-based): X001, X002, … */
export function authorityCode(index: number): string {
  return `X${String(index + 1).padStart(3, "0")}`;
}

/** The per-authority specs a run generates, in order (pure; no rows are made). */
export function authoritySpecs(opts: Omit<GenerateOptions, "out">): (AuthoritySpec & { name: string })[] {
  if (!Number.isInteger(opts.authorities) || opts.authorities < 1) throw new RangeError(`authorities must be a whole number of at least 1 (got ${opts.authorities}).`);
  if (!(opts.population >= 100)) throw new RangeError(`population must be at least 100 children (got ${opts.population}).`);
  const from = parseMonth("from", opts.from);
  const to = parseMonth("to", opts.to);
  const fromDay = dayOf(from.y, from.m, 1);
  const toDay = dayOf(to.y, to.m + 1, 0);
  if (toDay < fromDay) throw new RangeError(`to ${opts.to} is before from ${opts.from}.`);
  const shocks = opts.shocks.map((s) => {
    const m = parseMonth("shock month", s.month);
    return { day: dayOf(m.y, m.m, 1), factor: s.factor };
  });
  const sizes = authorityPopulations(opts.seed, opts.authorities, opts.population);
  return sizes.map((size, index) => ({
    code: authorityCode(index),
    name: authorityName(index),
    index,
    seed: opts.seed,
    populations: populationByYear(opts.seed, index, size, from.y - 1, to.y),
    propensity: authorityPropensity(opts.seed, index),
    fromDay,
    toDay,
    shocks,
  }));
}

/** Bank holidays the generator schedules around from this day on (see {@link generatorCalendar}). */
const GENERATOR_HOLIDAYS_FROM = "2018-01-01";

let generatorCal: WorkingDayCalendar | undefined;

/**
 * The working days the generator schedules with: the shipped bank holidays from 2018, those it
 * was calibrated with. The earlier ones Lantern ships (2013 to 2017, for counting working days in
 * loaded history) are left out: a generated authority's history starts years before `--from`, and
 * one date moved there would change every later draw, so the same options and seed would no
 * longer give the files (and the demo's figures) they gave before.
 */
export function generatorCalendar(): WorkingDayCalendar {
  generatorCal ??= new WorkingDayCalendar(loadBankHolidays().filter((d) => d >= GENERATOR_HOLIDAYS_FROM));
  return generatorCal;
}

/** Generate every authority's rows in memory, one at a time (for tests and analysis). */
export function* generateRows(opts: Omit<GenerateOptions, "out">, cal: WorkingDayCalendar = generatorCalendar()): Generator<{ spec: AuthoritySpec & { name: string }; rows: AuthorityRows }> {
  for (const spec of authoritySpecs(opts)) yield { spec, rows: generateAuthorityRows(spec, cal) };
}

/**
 * Write the export to `opts.out`: `authorities.csv`, `population.csv` and, per authority,
 * `<code>/ssd_<table>.csv` for every table in the SSD registry (header only when empty).
 * `onProgress` is called before each authority and once at the end.
 */
export async function generateToDirectory(opts: GenerateOptions, onProgress?: (done: number, total: number, label: string) => void): Promise<GenerateSummary> {
  const specs = authoritySpecs(opts);
  const cal = generatorCalendar();
  mkdirSync(opts.out, { recursive: true });
  const summary: GenerateSummary["authorities"] = [];
  let files = 0;
  let bytes = 0;
  const popLines = ["la_code,year,population_0_17"];
  for (const [i, spec] of specs.entries()) {
    onProgress?.(i, specs.length, `${spec.code} ${spec.name}`);
    const rows = generateAuthorityRows(spec, cal);
    const dir = join(opts.out, spec.code);
    mkdirSync(dir, { recursive: true });
    const counts: Record<string, number> = {};
    for (const t of SSD_TABLES) {
      const list = rows.get(t.name) ?? [];
      bytes += writeTableCsv(join(dir, `${t.name}.csv`), t, list);
      counts[t.name] = list.length;
      files++;
    }
    for (const p of spec.populations) popLines.push(`${spec.code},${p.year},${p.population}`);
    summary.push({ code: spec.code, name: spec.name, population: spec.populations[0]!.population, rows: counts });
    // Let the event loop breathe between authorities (progress bars, signals).
    await new Promise((resolve) => setImmediate(resolve));
  }
  const authorities = ["la_code,la_name,population_0_17", ...summary.map((s) => `${s.code},${s.name},${s.population}`)].join("\n") + "\n";
  bytes += writeText(join(opts.out, "authorities.csv"), authorities);
  bytes += writeText(join(opts.out, "population.csv"), popLines.join("\n") + "\n");
  files += 2;
  onProgress?.(specs.length, specs.length, "done");
  return { authorities: summary, files, bytes };
}
