/**
 * @module
 * The calendar and period tables the indicator SQL joins to. The calendar carries a running
 * working-day number per date (so a duration in working days is a subtraction, identical on
 * DuckDB and PostgreSQL) and is rebuilt whenever the bank holidays change; the period table
 * lists every month, financial quarter and year, rolling twelve months and calendar year from
 * April 2013 to 2040 with the population year its rates use.
 */

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { dayNumber, isoDate, weekday } from "../calendar/dates.ts";
import { periodsWithin, populationYear } from "../calendar/periods.ts";
import { WorkingDayCalendar } from "../calendar/working-days.ts";
import type { Store } from "../store/port.ts";

const FIRST = "2000-01-01";
const LAST = "2040-12-31";
/** Periods start here: financial-year ids before 2012-13 would read as month ids. */
const FIRST_PERIOD = "2013-04-01";

async function setting(store: Store, name: string): Promise<string | undefined> {
  const r = await store.all<{ value: string }>(`SELECT value FROM lantern_setting WHERE name = $1`, [name]);
  return r[0]?.value;
}

async function setSetting(store: Store, name: string, value: string): Promise<void> {
  await store.run(`INSERT INTO lantern_setting (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value`, [name, value]);
}

/** ONS mid-year estimates of children aged 0-17 (DfE CSC dashboard copy, OGL v3.0), shipped. */
export const ONS_POPULATION_FILE = fileURLToPath(new URL("../../data/reference/ons-population-0-17.csv", import.meta.url));

/** The shipped population rows: code (DfE LA number, region code or E92000001), year, count. */
export function shippedPopulation(): { code: string; ons_code: string; name: string; level: string; year: number; population: number }[] {
  const rows = parse(readFileSync(ONS_POPULATION_FILE, "utf8"), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  return rows.map((r) => ({ code: r["code"]!, ons_code: r["ons_code"]!, name: r["name"]!, level: r["level"]!, year: Number(r["year"]), population: Number(r["population_0_17"]) }));
}

/**
 * Fill a reference table (then refresh its statistics) unless `done` says it is filled. `done` is
 * asked again under a lock inside the transaction: another process may be filling it at the same
 * moment (two servers starting, two computes on one PostgreSQL database).
 */
async function fillOnce(store: Store, table: string, done: () => Promise<boolean>, fill: () => Promise<void>): Promise<void> {
  if (await done()) return;
  await store.transaction(async () => {
    await store.transactionLock("reference-tables");
    if (await done()) return;
    await fill();
  });
  await store.analyze([table]);
}

/** Whether `table` holds any row. */
async function holdsRows(store: Store, table: string): Promise<boolean> {
  const [r] = await store.all<{ n: number }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(r?.n ?? 0) > 0;
}

/** Make sure the calendar matches these bank holidays and the period table is filled. */
export async function ensureReferenceTables(store: Store, holidays: readonly string[]): Promise<void> {
  const hash = createHash("sha256").update(holidays.join(",")).digest("hex");
  await fillOnce(
    store,
    "lantern_calendar",
    async () => (await setting(store, "calendar_holidays")) === hash,
    async () => {
      const cal = new WorkingDayCalendar(holidays, FIRST, LAST);
      const first = dayNumber(FIRST);
      const cols = [
        { name: "d", type: "date" },
        { name: "wd", type: "int" },
        { name: "w", type: "int" },
      ] as const;
      await store.run(`DELETE FROM lantern_calendar`);
      await store.createStaging("stg_calendar", cols);
      const w = await store.bulkWriter("stg_calendar", cols);
      for (let d = first; d <= dayNumber(LAST); d++) {
        const wdn = weekday(d);
        w.append([d, cal.between(first, d), wdn !== 0 && wdn !== 6 && !cal.holidays.has(isoDate(d)) ? 1 : 0]);
      }
      await w.close();
      await store.run(`INSERT INTO lantern_calendar (d, wd, is_working_day) SELECT d, wd, w = 1 FROM stg_calendar`);
      await store.run(`DROP TABLE stg_calendar`);
      await setSetting(store, "calendar_holidays", hash);
    },
  );
  await fillOnce(
    store,
    "lantern_reference_population",
    () => holdsRows(store, "lantern_reference_population"),
    async () => {
      const cols = [
        { name: "code", type: "text" },
        { name: "year", type: "int" },
        { name: "population_0_17", type: "int" },
      ] as const;
      await store.createStaging("stg_refpop", cols);
      const w = await store.bulkWriter("stg_refpop", cols);
      const seen = new Set<string>();
      for (const r of shippedPopulation()) {
        const key = `${r.code}|${r.year}`;
        if (!r.code || seen.has(key) || !Number.isInteger(r.population)) continue;
        seen.add(key);
        w.append([r.code, r.year, r.population]);
      }
      await w.close();
      await store.run(`INSERT INTO lantern_reference_population SELECT * FROM stg_refpop`);
      await store.run(`DROP TABLE stg_refpop`);
    },
  );
  await fillOnce(
    store,
    "lantern_period",
    () => holdsRows(store, "lantern_period"),
    async () => {
      const cols = [
        { name: "period_id", type: "text" },
        { name: "kind", type: "text" },
        { name: "start_date", type: "date" },
        { name: "end_date", type: "date" },
        { name: "pop_year", type: "int" },
      ] as const;
      await store.createStaging("stg_period", cols);
      const w = await store.bulkWriter("stg_period", cols);
      for (const p of periodsWithin(FIRST_PERIOD, LAST)) w.append([p.id, p.kind, dayNumber(p.start), dayNumber(p.end), populationYear(p)]);
      await w.close();
      await store.run(`INSERT INTO lantern_period SELECT * FROM stg_period`);
      await store.run(`DROP TABLE stg_period`);
    },
  );
}
