/**
 * @module
 * Loading aggregate figures kept in other systems (workforce, elective home education) from a
 * CSV with the columns `indicator,authority,period,value[,numerator,denominator,note]`. Checked
 * like any load (every error located by file, row and column), all or nothing, and versioned: each
 * authority in the file gets a new snapshot while its SSD tables carry forward. Its figures are the
 * previous snapshot's with this file's laid over them (a row replaces the figure for its indicator
 * and period; the others are kept), since a council sends this quarter's workforce figures, not
 * every figure it ever sent; `replace` makes the file the whole set instead.
 *
 * Besides being numbers, figures must be possible (see {@link checkFigures}): none negative, a
 * percentage within 0 to 100, anything else below {@link MAX_FIGURE} (or the indicator's own
 * `plausibleBelow`, such as 1,000 for an average caseload), a count of children whole, and a value
 * that agrees with its numerator and denominator when both are given. A file that loaded an
 * average caseload of 1e21 showed it on every dashboard.
 *
 * The file is read by the shared CSV reader ({@link readCsvRows}), as every return is, since an
 * analyst saves it from Excel in whatever encoding Excel offers: UTF-8 with or without a BOM,
 * Windows-1252 (plain "CSV", whose "£" read as UTF-8 became "�"), or UTF-16 "Unicode text" (tab
 * separated). Its CSV-level refusals (`FILE_CSV_FIELD_COUNT`, `FILE_CSV_TRUNCATED`, `FILE_CSV_NUL`,
 * `FILE_CSV_MALFORMED` for a quote left open) are the same as for any CSV; the `MEASURES_*` codes
 * are for what only a figures file can get wrong.
 */

import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { basename, resolve } from "node:path";
import { parsePeriod, periodAsWritten } from "../calendar/periods.ts";
import { GROUPED_DECIMAL_EXPECTED, isMisgrouped, parseGroupedDecimal } from "../core/decimal.ts";
import { type DataIssue, isLanternError, LanternError } from "../core/errors.ts";
import { delimiterOf, readCsvRows } from "../formats/csv.ts";
import { headBytes, sniffEncoding } from "../formats/text.ts";
import { indicatorLibrary } from "../kpi/library/index.ts";
import type { IndicatorRegistry } from "../kpi/registry.ts";
import type { IndicatorDef } from "../kpi/types.ts";
import type { Store } from "../store/port.ts";
import { AUTHORITY_CODE, storedCaseTwin } from "../store/authorities.ts";
import { identicalSnapshot, writeSnapshot } from "../store/snapshot-write.ts";
import type { AuthorityResult, ImportResult } from "./ssd-import.ts";
import { commandLineUser } from "../core/actor.ts";

const REQUIRED = ["indicator", "authority", "period", "value"] as const;

/**
 * True when the file's header marks it as an aggregate-figures file, in any encoding and with any
 * delimiter the CSV reader takes (a UTF-16 "Unicode text" save is tab-separated): all its
 * required columns, or all but one (refused by the import naming the one missing).
 */
export function isMeasuresFile(path: string): boolean {
  try {
    if (statSync(path).isDirectory()) return false;
    const head = headBytes(path, 4096);
    const encoding = sniffEncoding(head);
    // Not fatal: only the header, which is plain ASCII, is looked at. A file with a NUL byte (not
    // text) is still a figures file by its header, so that the import refuses it as one.
    const text = new TextDecoder(encoding && encoding !== "utf-8-bom" ? encoding : "utf-8").decode(head);
    const first = text.split(/\r?\n/)[0] ?? "";
    const cols = first.split(delimiterOf(first)).map((c) => c.trim().replace(/^"(.*)"$/, "$1").trim().toLowerCase());
    // Three of the four is a figures file missing a column, which its import names.
    return REQUIRED.filter((c) => cols.includes(c)).length >= REQUIRED.length - 1;
  } catch {
    return false;
  }
}

interface MeasureRow {
  indicator: string;
  authority: string;
  period: string;
  value: number;
  numerator: number | null;
  denominator: number | null;
  note: string | null;
}

/**
 * Plain decimals (not 0x10 or 1e21, which Number() takes), grouped in thousands or not ("1,234",
 * as population.csv takes them); blank is no figure.
 */
function num(text: string | undefined): number | null | "bad" {
  const t = (text ?? "").trim();
  if (t === "") return null;
  return parseGroupedDecimal(t) ?? "bad";
}

/** Why a figure's text is not a number, and what was expected: a comma out of place is said as such. */
function notANumber(column: string, text: string, blankAllowed: boolean): { message: string; expected: string } {
  const or = blankAllowed ? ", or blank" : "";
  if (isMisgrouped(text)) {
    return {
      message: `${column} "${text}" is not a number: its commas are not between groups of three digits, so it could be read more than one way.`,
      expected: `${GROUPED_DECIMAL_EXPECTED}; a decimal point, not a comma, before the decimals (12.5)${or}`,
    };
  }
  return { message: `${column} "${text}" is not a number.`, expected: `${GROUPED_DECIMAL_EXPECTED}${or}` };
}

/**
 * Every figure (value, numerator, denominator) is below this unless the indicator says less: ten
 * million is above any English authority's children, staff, cases or a rate per 10,000, so a
 * figure this large is a slip (a misplaced column, an exponent, a pasted id).
 */
export const MAX_FIGURE = 10_000_000;

/** How far a value may differ from the one its numerator and denominator give: rounding to one decimal place. */
export const RATIO_TOLERANCE = 0.05;

/** The value is scale × numerator ÷ denominator: 100 for a percentage, 10,000 for a rate per 10,000, 1 for an average; a plain count has no such rule. */
function ratioScale(def: IndicatorDef): number | undefined {
  if (def.unit === "percent") return 100;
  if (def.unit === "rate") return 10_000;
  if (def.unit === "count" && def.average) return 1;
  return undefined;
}

const shown = (x: number) => x.toLocaleString("en-GB", { maximumFractionDigits: 6 });

/**
 * The checks on a row's figures once each is a number: what is possible for the indicator.
 * `bad(column, message, expected)` records one refusal; the cell's text is added by the caller.
 */
export function checkFigures(def: IndicatorDef, f: { value: number; numerator: number | null; denominator: number | null }, bad: (column: "value" | "numerator" | "denominator", message: string, expected: string) => void): void {
  let refused = false;
  const refuse = (column: "value" | "numerator" | "denominator", message: string, expected: string) => {
    refused = true;
    bad(column, message, expected);
  };
  const ceiling = Math.min(def.plausibleBelow ?? MAX_FIGURE, MAX_FIGURE);
  if (def.unit === "percent") {
    if (f.value < 0 || f.value > 100) refuse("value", `a percentage of ${shown(f.value)} is outside 0 to 100.`, "a percentage from 0 to 100");
  } else if (f.value < 0) {
    refuse("value", `the value ${shown(f.value)} is negative: ${def.id} cannot be below 0.`, "a number of at least 0");
  } else if (f.value >= ceiling) {
    refuse("value", `the value ${shown(f.value)} is not believable for ${def.id}: it must be below ${shown(ceiling)}.`, `a number from 0 to below ${shown(ceiling)}`);
  } else if (def.unit === "count" && !def.average && !Number.isInteger(f.value)) {
    refuse("value", `the value ${shown(f.value)} is not a whole number, and ${def.id} is a count.`, "a whole number such as 120");
  }
  for (const column of ["numerator", "denominator"] as const) {
    const x = f[column];
    if (x === null) continue;
    if (x < 0) refuse(column, `the ${column} ${shown(x)} is negative.`, "a number of at least 0, or blank");
    else if (x >= MAX_FIGURE) refuse(column, `the ${column} ${shown(x)} is not believable: it must be below ${shown(MAX_FIGURE)}.`, `a number from 0 to below ${shown(MAX_FIGURE)}, or blank`);
  }
  const scale = ratioScale(def);
  // Agreement is judged only between figures that are each possible.
  if (refused || scale === undefined || f.numerator === null || f.denominator === null) return;
  const times = scale === 1 ? "" : `${shown(scale)} × `;
  const formula = `${times}numerator ÷ denominator`;
  if (f.denominator === 0) {
    refuse("denominator", `the denominator is 0, so ${formula} has no value to give ${shown(f.value)}.`, "a denominator above 0, or numerator and denominator both blank");
    return;
  }
  const expected = (scale * f.numerator) / f.denominator;
  // A little over the tolerance, for the binary fractions behind decimals (14.3 - 14.25 is 0.0500000000000007).
  if (Math.abs(f.value - expected) > RATIO_TOLERANCE + 1e-9) {
    refuse(
      "value",
      `the value ${shown(f.value)} does not agree with its numerator and denominator: ${formula} is ${times}${shown(f.numerator)} ÷ ${shown(f.denominator)} = ${shown(Math.round(expected * 1000) / 1000)}.`,
      `${shown(Math.round(expected * 100) / 100)} (${formula}, to within ${RATIO_TOLERANCE}), or the numerator and denominator corrected`,
    );
  }
}

/** The advice for the figures' own refusals: a missing column is added, rows are corrected. */
function fixFigures(errors: readonly DataIssue[]): string {
  const columns = errors.some((e) => e.code === "MEASURES_COLUMN_MISSING");
  const rows = errors.some((e) => e.code !== "MEASURES_COLUMN_MISSING" && e.row !== undefined);
  if (!columns && !rows && errors.some((e) => e.code === "MEASURES_FILE_EMPTY")) return "Give a file with its figures under the header (or leave the empty file out) and import again.";
  if (columns && !rows) return "Add the missing column(s) to the header row (indicator,authority,period,value[,numerator,denominator,note]) and import again.";
  return columns ? "Add the missing column(s) to the header row, correct the rows listed and import again." : "Correct the rows listed and import again.";
}

const PERIODS_EXPECTED = "2025-09, 2024-25-Q3, 2024-25, 12m-2025-01 or 2024";

type FileRow = MeasureRow & { file: string; path: string; sha: string; row: number };

/** Where a figure was first given: the file (as it is to be named) and row. */
type Seen = Map<string, { readonly shown: string; readonly row: number }>;

/**
 * Check one file's rows as the shared CSV reader hands them over, adding its refusals to `errors`
 * and its figures to `rows`. `seen` holds the figures of every file loaded with it, so the same
 * figure in two files is refused as in one: both would be stored, and which one a dashboard showed
 * would be chance. `shown` is how another file's message names this one. Throws the reader's
 * LanternError for a CSV-level problem.
 */
async function readMeasuresFile(p: string, shown: string, sha: string, lib: IndicatorRegistry, errors: DataIssue[], rows: FileRow[], seen: Seen, only: string | undefined): Promise<void> {
  const name = basename(p);
  let at: (c: string) => number = () => -1;
  let header = false;
  let figures = 0;
  for await (const { line: row, cells: rec } of readCsvRows(p)) {
    if (!header) {
      header = true;
      const heads = rec.map((h) => h.trim().toLowerCase());
      at = (c) => heads.indexOf(c);
      const missing = REQUIRED.filter((c) => at(c) < 0);
      for (const c of missing) errors.push({ code: "MEASURES_COLUMN_MISSING", severity: "error", file: name, row, column: c, message: `${name} has no ${c} column, which a figures file needs.`, expected: "the header indicator,authority,period,value[,numerator,denominator,note]" });
      if (missing.length) return;
      continue;
    }
    figures++;
    const cell = (c: string) => (at(c) >= 0 ? (rec[at(c)] ?? "").trim() : "");
    const bad = (column: string, value: string, message: string, expected: string) =>
      errors.push({ code: "MEASURES_VALUE_INVALID", severity: "error", file: name, row, column, value, message, expected });
    const indicator = cell("indicator");
    const def = lib.get(indicator);
    if (!def) bad("indicator", indicator, `indicator ${indicator} is not one Lantern knows.`, "an indicator id from `lantern indicators --list`");
    else if (def.source !== "measures") bad("indicator", indicator, `${indicator} is computed from the SSD tables and cannot be loaded as a figure.`, "a workforce or education indicator id such as sw_vacancy_rate");
    const authority = cell("authority");
    // A code has a digit (202, E10000003, X001): a name ("Lanternshire") would start an authority of its own.
    if (!AUTHORITY_CODE.test(authority) || !/\d/.test(authority)) bad("authority", authority, `authority "${authority}" is not an authority code.`, "a DfE LA number such as 202 or a code such as X001, not the authority's name");
    else if (only !== undefined && authority !== only) bad("authority", authority, `authority ${authority} is not ${only}, the authority given with --authority.`, `${only} on every row, or leave --authority out: a figures file names the authority on each row`);
    const period = cell("period");
    if (!parsePeriod(period)) {
      const meant = periodAsWritten(period);
      bad("period", period, `period "${period}" is not a period.`, meant ? `${meant}, as Lantern writes that period (${PERIODS_EXPECTED})` : PERIODS_EXPECTED);
    }
    const refuseNumber = (column: "value" | "numerator" | "denominator") => {
      const why = notANumber(column, cell(column), column !== "value");
      bad(column, cell(column), why.message, why.expected);
    };
    const value = num(cell("value"));
    if (value === null || value === "bad") refuseNumber("value");
    const numerator = num(cell("numerator"));
    if (numerator === "bad") refuseNumber("numerator");
    const denominator = num(cell("denominator"));
    if (denominator === "bad") refuseNumber("denominator");
    if (def?.source === "measures" && typeof value === "number" && numerator !== "bad" && denominator !== "bad") {
      checkFigures(def, { value, numerator, denominator }, (column, message, expected) => bad(column, cell(column), message, expected));
    }
    const key = `${indicator}|${authority}|${period}`;
    const first = seen.get(key);
    if (first?.shown === shown) bad("period", period, `${indicator} for ${authority} in ${period} is also on row ${first.row}.`, "one value per indicator, authority and period");
    else if (first) bad("period", period, `${indicator} for ${authority} in ${period} is also in ${first.shown}, row ${first.row}: the files loaded together give it twice.`, "one value per indicator, authority and period in all the files loaded together: take the row out of one file, or load the files one at a time (a later load replaces the figure)");
    else seen.set(key, { shown, row });
    if (typeof value === "number" && numerator !== "bad" && denominator !== "bad") {
      rows.push({ indicator, authority, period, value, numerator, denominator, note: cell("note") || null, file: name, path: p, sha, row });
    }
  }
  // A header and nothing under it (a template, or a save before the figures were pasted in): it
  // would load nothing and say nothing.
  if (header && figures === 0) {
    errors.push({ code: "MEASURES_FILE_EMPTY", severity: "error", file: name, message: `${name} holds no figures: it has a header row and nothing under it.`, expected: "rows of figures under the header: check that the right file was chosen and that it was saved after the figures were entered" });
  }
  // A file with no header row at all.
  if (!header) for (const c of REQUIRED) errors.push({ code: "MEASURES_COLUMN_MISSING", severity: "error", file: name, row: 1, column: c, message: `${name} has no ${c} column, which a figures file needs.`, expected: "the header indicator,authority,period,value[,numerator,denominator,note]" });
}

/** Import one or more aggregate-figures files. */
export async function importMeasures(
  store: Store,
  opts: {
    paths: readonly string[];
    dryRun?: boolean;
    force?: boolean;
    /** The files hold every figure: figures loaded before and not in them are dropped, not kept. */
    replace?: boolean;
    loadedBy?: string;
    now?: () => Date;
    /** `--authority`: every row must name this authority. */
    authority?: string;
  },
): Promise<ImportResult> {
  const started = performance.now();
  const lib = indicatorLibrary();
  const errors: DataIssue[] = [];
  const rows: FileRow[] = [];
  // What the CSV reader says to do about the refusals it made (re-export, close a quote, …).
  const readerHints = new Set<string>();
  let readerIssues = 0;
  let bytes = 0;
  const seen: Seen = new Map();
  // A file named twice is read once. Files are named by their name, or as given where two share it.
  const given = [...new Map(opts.paths.map((x) => [resolve(x), x])).entries()];
  const names = given.map(([p]) => basename(p));
  for (const [p, asGiven] of given) {
    const buf = readFileSync(p);
    bytes += buf.length;
    const sha = createHash("sha256").update(buf).digest("hex");
    const shown = names.filter((n) => n === basename(p)).length > 1 ? asGiven : basename(p);
    try {
      await readMeasuresFile(p, shown, sha, lib, errors, rows, seen, opts.authority);
    } catch (e) {
      // A CSV-level refusal (field count, cut off, NUL, a quote left open) ends the file's read;
      // the other files are still checked, and nothing is loaded. Not text at all: refused as is.
      if (!(isLanternError(e) && e.code === "LANTERN_DATA_REJECTED" && e.issues.length)) throw e;
      errors.push(...e.issues);
      readerIssues += e.issues.length;
      if (e.hint) readerHints.add(e.hint);
    }
  }
  // An authority written in another case than the stored one (x001 beside X001) would quietly
  // start a second authority, which no command removes: refused, as the SSD import refuses it.
  const firstRow = new Map<string, FileRow>();
  for (const r of rows) if (!firstRow.has(r.authority)) firstRow.set(r.authority, r);
  for (const [code, r] of firstRow) {
    const other = await storedCaseTwin(store, code);
    if (other) {
      errors.push({ code: "MEASURES_VALUE_INVALID", severity: "error", file: r.file, row: r.row, column: "authority", value: code, message: `authority ${code} differs only in case from the stored authority ${other}.`, expected: `${other}, exactly as stored: authority codes are kept as written, and ${code} would start a second authority` });
    }
  }
  if (errors.length) {
    throw new LanternError("LANTERN_DATA_REJECTED", `The import was refused: ${errors.length} error(s) in the figures. Nothing was loaded; the store is unchanged.`, {
      issues: errors.slice(0, 200),
      hint: [...readerHints, ...(errors.length > readerIssues ? [fixFigures(errors)] : [])].join(" "),
    });
  }
  const byAuthority = new Map<string, typeof rows>();
  for (const r of rows) byAuthority.set(r.authority, [...(byAuthority.get(r.authority) ?? []), r]);
  const results: AuthorityResult[] = [];
  const warnings: DataIssue[] = [];
  const at = (opts.now ?? (() => new Date()))().toISOString();
  await store.transaction(async () => {
    for (const [authority, rs] of [...byAuthority].sort(([a], [b]) => a.localeCompare(b))) {
      const files = [...new Map(rs.map((r) => [r.path, r])).values()];
      const given = new Set(rs.map((r) => `${r.indicator}|${r.period}`));
      const kept = opts.replace ? [] : (await latestMeasures(store, authority)).filter((m) => !given.has(`${m.indicator}|${m.period}`));
      const fingerprint = createHash("sha256").update(`measures:${authority}:${opts.replace ? "replace:" : ""}${files.map((f) => f.sha).sort().join(",")}`).digest("hex");
      const same = await identicalSnapshot(store, authority, fingerprint);
      const tables = [{ table: "lantern_measure", rows: rs.length, file: files.map((f) => f.file).join(", ") }];
      if (same && !opts.force) {
        results.push({ authority, status: "unchanged", identicalTo: same, tables: [], rows: 0 });
        continue;
      }
      if (opts.dryRun) {
        results.push({ authority, status: "validated", tables, rows: rs.length });
        continue;
      }
      const snapshotId = await writeSnapshot(store, {
        authority,
        format: "measures",
        loadedBy: opts.loadedBy ?? commandLineUser(),
        at,
        forced: !!same,
        fingerprint,
        files: files.map((f) => ({ name: f.file, path: f.path, sha256: f.sha, bytes: statSync(f.path).size, table: "lantern_measure", rows: rs.filter((r) => r.path === f.path).length })),
        tables: new Map([["lantern_measure", rs.length + kept.length]]),
        warnings: [],
      });
      for (const r of [...kept, ...rs]) {
        await store.run(
          `INSERT INTO lantern_measure (snapshot_id, la_code, indicator_id, period_id, value, numerator, denominator, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [snapshotId, authority, r.indicator, r.period, r.value, r.numerator, r.denominator, r.note],
        );
      }
      if (kept.length) {
        warnings.push({
          code: "MEASURES_KEPT",
          severity: "warning",
          message: `${authority}: ${kept.length} figure(s) loaded before and not in ${files.map((f) => f.file).join(", ")} are kept (the file's rows replace only the figures for their own indicator and period). To drop them, load a file holding every figure with --replace.`,
        });
      }
      results.push({ authority, status: "loaded", snapshotId, tables, rows: rs.length });
    }
  });
  return { authorities: results, warnings, warningCount: warnings.length, rows: rows.length, bytes, elapsedMs: performance.now() - started };
}

/** The figures an authority's latest snapshot holds (none before its first measures load). */
async function latestMeasures(store: Store, authority: string): Promise<MeasureRow[]> {
  const rows = await store.all<{ indicator_id: string; period_id: string; value: number; numerator: number | null; denominator: number | null; note: string | null }>(
    `SELECT m.indicator_id, m.period_id, m.value, m.numerator, m.denominator, m.note FROM lantern_latest_snapshot l
     JOIN lantern_snapshot_table st ON st.snapshot_id = l.snapshot_id AND st.table_name = 'lantern_measure'
     JOIN lantern_measure m ON m.snapshot_id = st.rows_snapshot_id AND m.la_code = l.la_code
     WHERE l.la_code = $1 ORDER BY m.indicator_id, m.period_id`,
    [authority],
  );
  return rows.map((r) => ({ indicator: r.indicator_id, authority, period: r.period_id, value: Number(r.value), numerator: r.numerator === null ? null : Number(r.numerator), denominator: r.denominator === null ? null : Number(r.denominator), note: r.note }));
}
