/**
 * @module
 * `lantern generate`: synthetic SSD exports for fictitious authorities, written one authority at
 * a time (so 150 authorities fit in memory) as `ssd_<table>.csv` files in the SSD's column order,
 * with `authorities.csv` and a `population.csv` of children aged 0-17 by year. Same options, same
 * bytes: every random draw comes from a seeded generator and nothing reads the clock.
 */

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dayOf, isoDate } from "../calendar/dates.ts";
import { defaultCalendar } from "../calendar/working-days.ts";
import { SSD_TABLES } from "../store/ssd-schema.ts";
import { type AuthorityRows, type Cell, generateAuthorityRows } from "./authority.ts";
import { authorityName } from "./names.ts";
import { Random } from "./random.ts";

/** Options of `lantern generate`. */
export interface GenerateOptions {
  readonly out: string;
  readonly seed: number;
  readonly population: number;
  /** First and last month of activity, `YYYY-MM`. */
  readonly from: string;
  readonly to: string;
  readonly authorities: number;
  readonly shocks: readonly { readonly month: string; readonly factor: number }[];
}

/** What was written. */
export interface GenerateSummary {
  readonly authorities: { readonly code: string; readonly name: string; readonly population: number; readonly rows: Record<string, number> }[];
  readonly files: number;
  readonly bytes: number;
}

/** Parse `2024-01:+30%` or `2024-01:-15%` into a month and a multiplying factor. */
export function parseShock(spec: string): { month: string; factor: number } {
  const m = /^(\d{4})-(\d{2}):([+-])(\d+(?:\.\d+)?)%$/.exec(spec.trim());
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) throw new RangeError(`--shock ${spec} is not a step change; write it as YYYY-MM:+30% or YYYY-MM:-15%.`);
  const pct = Number(m[4]) * (m[3] === "-" ? -1 : 1);
  if (pct <= -100) throw new RangeError(`--shock ${spec} would remove all demand; use a change above -100%.`);
  return { month: `${m[1]}-${m[2]}`, factor: 1 + pct / 100 };
}

function monthStart(ym: string): number {
  return dayOf(Number(ym.slice(0, 4)), Number(ym.slice(5, 7)), 1);
}

function monthEnd(ym: string): number {
  return dayOf(Number(ym.slice(0, 4)), Number(ym.slice(5, 7)) + 1, 0);
}

/** Children aged 0-17 per authority: the first is the size asked for; others vary around it, some very small. */
export function authorityPopulations(seed: number, k: number, typical: number): number[] {
  if (k === 1) return [typical];
  const r = new Random(seed, 0x9090);
  const out: number[] = [typical];
  for (let i = 1; i < k; i++) {
    const roll = r.next();
    const size = roll < 0.03 ? typical * (0.04 + 0.04 * r.next()) : roll < 0.08 ? typical * (3.5 + r.next()) : r.lognormal(typical, 0.55);
    out.push(Math.round(Math.max(1500, Math.min(typical * 5, size))));
  }
  return out;
}

function csvCell(v: Cell, date: boolean): string {
  if (v === null) return "";
  if (date) return isoDate(v as number);
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The CSV text of one table's rows, header first, in the registry's column order. */
export function tableCsv(table: (typeof SSD_TABLES)[number], rows: readonly Record<string, Cell>[]): string {
  const cols = table.columns;
  const dates = cols.map((c) => c.kind === "date");
  const lines = [cols.map((c) => c.name).join(",")];
  for (const row of rows) lines.push(cols.map((c, i) => csvCell(row[c.name] ?? null, dates[i]!)).join(","));
  return lines.join("\n") + "\n";
}

/** Generate rows for every authority (in memory); used by tests. */
export function* generateRows(opts: Omit<GenerateOptions, "out">): Generator<{ code: string; name: string; population: number; rows: AuthorityRows }> {
  const cal = defaultCalendar();
  const pops = authorityPopulations(opts.seed, opts.authorities, opts.population);
  for (let i = 0; i < opts.authorities; i++) {
    const code = `X${String(i + 1).padStart(3, "0")}`;
    const rows = generateAuthorityRows(
      {
        code,
        index: i,
        seed: opts.seed,
        population: pops[i]!,
        fromDay: monthStart(opts.from),
        toDay: monthEnd(opts.to),
        shocks: opts.shocks.map((s) => ({ day: monthStart(s.month), factor: s.factor })),
      },
      cal,
    );
    yield { code, name: authorityName(i), population: pops[i]!, rows };
  }
}

/** Write the export. */
export async function generateToDirectory(opts: GenerateOptions, onProgress?: (done: number, total: number, label: string) => void): Promise<GenerateSummary> {
  mkdirSync(opts.out, { recursive: true });
  const summary: GenerateSummary["authorities"][number][] = [];
  let files = 0;
  let bytes = 0;
  const popLines = ["la_code,year,population_0_17"];
  const firstYear = Number(opts.from.slice(0, 4)) - 1;
  const lastYear = Number(opts.to.slice(0, 4));
  let i = 0;
  for (const a of generateRows(opts)) {
    onProgress?.(i++, opts.authorities, a.code);
    const dir = join(opts.out, a.code);
    mkdirSync(dir, { recursive: true });
    const counts: Record<string, number> = {};
    for (const t of SSD_TABLES) {
      const rows = a.rows.get(t.name) ?? [];
      const text = tableCsv(t, rows);
      writeFileSync(join(dir, `${t.name}.csv`), text);
      counts[t.name] = rows.length;
      files++;
      bytes += Buffer.byteLength(text);
    }
    // A gentle drift in the child population, the same every run.
    const drift = new Random(opts.seed, i, 0x909);
    let pop = a.population;
    for (let y = firstYear; y <= lastYear; y++) {
      popLines.push(`${a.code},${y},${Math.round(pop)}`);
      pop *= 1 + (drift.next() - 0.45) * 0.01;
    }
    summary.push({ code: a.code, name: a.name, population: a.population, rows: counts });
    await new Promise((resolve) => setImmediate(resolve));
  }
  const authorities = ["la_code,la_name,population_0_17", ...summary.map((s) => `${s.code},${s.name},${s.population}`)].join("\n") + "\n";
  writeFileSync(join(opts.out, "authorities.csv"), authorities);
  writeFileSync(join(opts.out, "population.csv"), popLines.join("\n") + "\n");
  files += 2;
  bytes += Buffer.byteLength(authorities) + popLines.join("\n").length + 1;
  onProgress?.(opts.authorities, opts.authorities, "");
  return { authorities: summary, files, bytes };
}
