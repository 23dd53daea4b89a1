/**
 * @module
 * The authority's own population file (`la_code,year,population_0_17`), the rate denominators
 * an SSD export or a return may carry beside it in place of the ONS estimates Lantern ships:
 * read and checked row by row into the load's issues, then stored in the load's transaction.
 * It does not decide which file is one (see formats/detect.ts and ingest/discover.ts).
 */

import { basename } from "node:path";
import { GROUPED_DECIMAL_EXPECTED, isMisgrouped, parseGroupedDecimal } from "../core/decimal.ts";
import { type DataIssue, isLanternError } from "../core/errors.ts";
import { readCsvRows } from "../formats/csv.ts";
import type { Store } from "../store/port.ts";

/** One authority's children aged 0-17 in one year. */
export interface PopulationRow {
  readonly la_code: string;
  readonly year: number;
  readonly population_0_17: number;
}

/** A row as read, with its line in the file (the header is line 1). */
export type PopulationLine = PopulationRow & { readonly row: number };

/**
 * Read a population file, read by the shared CSV reader as every other CSV is (an Excel save in
 * Windows-1252 or UTF-16, quotes around "60,000"), each problem logged with its row. The same
 * authority and year twice is refused: which figure the rates used would be chance. A row with
 * no la_code is taken as `authority`'s. Gives every row; {@link populationOf} picks the load's.
 */
export async function readPopulation(path: string, authority: string, log: { add(i: DataIssue): void }): Promise<PopulationLine[]> {
  const name = basename(path);
  const all: PopulationLine[] = [];
  const seen = new Map<string, number>();
  let at: (c: string) => number = () => -1;
  let header = false;
  let rejected = 0;
  try {
    for await (const { line: row, cells } of readCsvRows(path)) {
      if (!header) {
        header = true;
        const heads = cells.map((h) => h.trim().toLowerCase());
        at = (c) => heads.indexOf(c);
        if (at("year") < 0 || at("population_0_17") < 0) {
          log.add({ code: "POPULATION_COLUMNS", severity: "error", file: name, row, message: `${name} needs the columns year and population_0_17 (and la_code).`, expected: "la_code,year,population_0_17" });
          return [];
        }
        continue;
      }
      const cell = (c: string) => (at(c) >= 0 ? (cells[at(c)] ?? "").trim() : "");
      const yearText = cell("year");
      // Excel writes a formatted count as "60,000": read as measures.csv reads a figure.
      const popText = cell("population_0_17");
      const year = /^\d{4}$/.test(yearText) ? Number(yearText) : Number.NaN;
      const pop = parseGroupedDecimal(popText) ?? Number.NaN;
      if (!Number.isInteger(year) || year < 1990 || year > 2100) {
        rejected++;
        log.add({ code: "POPULATION_YEAR", severity: "error", file: name, row, column: "year", value: yearText, message: `year "${yearText}" is not a year.`, expected: "a year such as 2024" });
        continue;
      }
      if (!Number.isSafeInteger(pop) || pop <= 0) {
        rejected++;
        const misgrouped = isMisgrouped(popText);
        log.add({
          code: "POPULATION_VALUE",
          severity: "error",
          file: name,
          row,
          column: "population_0_17",
          value: popText,
          message: misgrouped ? `population_0_17 "${popText}" is not a number: its commas are not between groups of three digits.` : `population_0_17 "${popText}" is not a positive whole number.`,
          expected: misgrouped ? `a count of children such as 60000 or 60,000 (${GROUPED_DECIMAL_EXPECTED})` : "a count of children such as 60000 or 60,000",
        });
        continue;
      }
      const la = at("la_code") >= 0 && cell("la_code") ? cell("la_code") : authority;
      const first = seen.get(`${la}|${year}`);
      if (first !== undefined) {
        rejected++;
        log.add({ code: "POPULATION_DUPLICATE", severity: "error", file: name, row, column: "year", value: yearText, message: `${la} ${year} is also on row ${first}.`, expected: "one population per authority and year" });
        continue;
      }
      seen.set(`${la}|${year}`, row);
      all.push({ la_code: la, year, population_0_17: pop, row });
    }
  } catch (e) {
    // A CSV-level refusal (field count, cut off, a quote left open, not text): logged, not thrown,
    // so the load's other problems are reported with it.
    if (!isLanternError(e)) throw e;
    if (e.issues.length) for (const i of e.issues) log.add(i);
    else log.add({ code: "POPULATION_COLUMNS", severity: "error", file: name, row: 1, message: e.message, expected: e.hint ?? "la_code,year,population_0_17 as CSV" });
    return [];
  }
  // No figures at all (an export that stopped, a template): the load would go on, without a word,
  // on the ONS estimates or on no population, where the file was put there to set its own.
  if (!header || (all.length === 0 && !rejected)) {
    log.add({
      code: "POPULATION_EMPTY",
      severity: "error",
      file: name,
      row: 1,
      message: header ? `${name} has a header row and no population under it.` : `${name} is empty: it has no header row and no population.`,
      expected: `rows of la_code,year,population_0_17 such as ${authority},2024,60000; or take ${name} out of the load (Lantern then uses the ONS estimates for a DfE LA number)`,
    });
  }
  return all;
}

/**
 * The rows a load of `authority` stores: its own. Rows of other authorities are left for their
 * own loads (a generated folder's one file for every authority). A single authority's load whose
 * file has rows only for others is refused at the first (`file` as named in issues): its rates
 * would otherwise be computed on no population of its own, or (as before) on another's taken
 * for its own.
 */
export function populationOf(rows: readonly PopulationLine[], authority: string, single: boolean, file: string, log: { add(i: DataIssue): void }): PopulationRow[] {
  const mine = rows.filter((r) => r.la_code === authority).map((r) => ({ la_code: r.la_code, year: r.year, population_0_17: r.population_0_17 }));
  const first = rows[0];
  if (mine.length || !single || !first) return mine;
  const codes = [...new Set(rows.map((r) => r.la_code))];
  log.add({
    code: "POPULATION_AUTHORITY",
    severity: "error",
    file,
    row: first.row,
    column: "la_code",
    value: first.la_code,
    message: `${file} is the population of ${codes.join(", ")}, with no row for ${authority}, the authority being loaded: its rates would be computed on another authority's children.`,
    expected: `la_code ${authority} on the rows of ${authority}'s population; if these are ${authority}'s figures, change la_code to ${authority}, else take ${file} out of the load (Lantern then uses the ONS estimates for a DfE LA number)`,
  });
  return [];
}

/** Store population rows (inside the load's transaction): each replaces its authority and year's. */
export async function storePopulation(store: Store, rows: readonly PopulationRow[]): Promise<void> {
  for (const p of rows) {
    await store.run(
      `INSERT INTO lantern_population (la_code, year, population_0_17, source) VALUES ($1, $2, $3, $4)
       ON CONFLICT (la_code, year) DO UPDATE SET population_0_17 = excluded.population_0_17, source = excluded.source`,
      [p.la_code, p.year, p.population_0_17, "population.csv"],
    );
  }
}
