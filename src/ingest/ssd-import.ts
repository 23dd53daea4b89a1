/**
 * @module
 * Loading an SSD export into the store as one new snapshot per authority, all or nothing.
 *
 * Three phases. (1) Fingerprint: every file's sha256; a load identical to an earlier snapshot of
 * the same authority is reported and skipped unless forced. (2) Read and check: each file is
 * decoded as every CSV is (UTF-8, UTF-16 or Windows-1252, by src/formats/text.ts; comma- or
 * tab-separated by its header) and streamed through the CSV parser, every cell is read by its
 * column kind, keys must be unique, references must resolve (within the load, or to the
 * authority's current data), and end dates must not precede start dates; a file cut off part way
 * (a short last row, a quoted value or a date left unfinished at the end with no line break) is
 * refused as truncated rather than as a bad value; good rows are appended
 * to session-local staging tables, nothing else is touched. (3) Commit: only when no error was
 * found, one transaction writes the snapshots, their files and row counts, the rows, the
 * population and the audit entry. Any failure before COMMIT leaves the store exactly as it was.
 *
 * It does not detect formats by content or apply DfE validation rules: that is the statutory
 * formats layer's job, which maps into the same tables.
 */

import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { basename } from "node:path";
import { Readable } from "node:stream";
import { parse } from "csv-parse";
import { dayNumber, dayOf, isoDate } from "../calendar/dates.ts";
import { type DataIssue, isLanternError, LanternError, listedToCorrect } from "../core/errors.ts";
import { csvProblem, delimiterOf, MAX_FIELD, fieldCounts, fieldsExpected, isBlankRow, OPEN_QUOTE_EXPECTED, openQuoteOnLastLine, openQuoteProblem, RECORD_DELIMITERS, RecordLines, STRAY_QUOTE_EXPECTED, strayQuoteProblem, truncatedInQuoteExpected, truncatedInQuoteMessage, truncatedMessage, truncatedValueMessage } from "../formats/csv.ts";
import { Issues } from "../formats/issues.ts";
import { openText, type TextEncoding, type TextStream, Utf8Check } from "../formats/text.ts";
import { AUTHORITY_CODE, storedCaseTwin } from "../store/authorities.ts";
import type { BulkColumn, BulkWriter, Store } from "../store/port.ts";
import { identicalSnapshot, type SourceFile, writeSnapshot } from "../store/snapshot-write.ts";
import { latestTables } from "../store/snapshots.ts";
import { SSD_TABLES, type SsdColumn, type SsdTable } from "../store/ssd-schema.ts";
import { type AuthorityFiles, discoverLoads, type SsdFile } from "./discover.ts";
import { type PopulationRow, populationOf, readPopulation, storePopulation } from "./population.ts";
import { type CellProblem, excelMangledId, isProblem, looksCutShort, parseCell } from "./values.ts";
import { commandLineUser } from "../core/actor.ts";

/** What to import and how. */
export interface ImportOptions {
  readonly paths: readonly string[];
  /** The authority code; optional only for a generated multi-authority folder. */
  readonly authority?: string;
  readonly dryRun?: boolean;
  readonly force?: boolean;
  /** Who is loading (recorded on the snapshot and in the audit log). */
  readonly loadedBy?: string;
  readonly now?: () => Date;
  /** Called as bytes are read: (done, total, current file). */
  readonly onProgress?: (done: number, total: number, label: string) => void;
  /** Stop listing errors after this many (they are still counted). Default 200. */
  readonly maxIssues?: number;
  /** Called once if another load for the same authority is running and this one waits for it. */
  readonly onWait?: (authorities: readonly string[]) => void;
  /**
   * Called inside the commit transaction once every row is written, before it commits. For
   * tests that stop a load half way (kill the process, drop the connection) at that point.
   */
  readonly duringCommit?: () => Promise<void>;
}

/** The outcome for one authority. */
export interface AuthorityResult {
  readonly authority: string;
  readonly status: "loaded" | "unchanged" | "validated";
  readonly snapshotId?: number;
  /** For `unchanged`: the earlier snapshot with the same files. */
  readonly identicalTo?: { readonly snapshotId: number; readonly loadedAt: string };
  readonly tables: { readonly table: string; readonly rows: number; readonly file: string }[];
  readonly rows: number;
}

/** The outcome of an import. */
export interface ImportResult {
  readonly authorities: AuthorityResult[];
  readonly warnings: DataIssue[];
  readonly warningCount: number;
  readonly rows: number;
  readonly bytes: number;
  readonly elapsedMs: number;
}

interface FileCheck {
  readonly file: SsdFile;
  readonly sha256: string;
}

interface Plan {
  readonly load: AuthorityFiles;
  readonly checks: FileCheck[];
  readonly populationSha?: string;
  readonly fingerprint: string;
  readonly identicalTo?: { snapshotId: number; loadedAt: string };
}

/** Collects issues with a cap on how many are kept. */
export async function sha256File(path: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest("hex");
}

function fingerprintOf(checks: readonly FileCheck[], populationSha: string | undefined): string {
  const lines = checks.map((c) => `${c.file.name.toLowerCase()}:${c.sha256}`).sort();
  if (populationSha) lines.push(`population.csv:${populationSha}`);
  return createHash("sha256").update(lines.join("\n")).digest("hex");
}

function bulkType(c: SsdColumn): BulkColumn["type"] {
  return c.kind === "date" ? "date" : c.kind === "int" ? "int" : c.kind === "float" ? "float" : "text";
}

function stagingColumns(t: SsdTable): BulkColumn[] {
  return [{ name: "la_code", type: "text" }, ...t.columns.map((c) => ({ name: c.name, type: bulkType(c) }))];
}


/**
 * Whether a header a user wrote (`Contact Date`, `contact_date`) plausibly names an SSD column
 * (`cont_contact_date`): the same letters and digits once the column's table prefix is set aside.
 */
function sameName(written: string, column: string): boolean {
  const squash = (x: string) => x.toLowerCase().replace(/[^a-z0-9]/g, "");
  const w = squash(written);
  const bare = squash(column.slice(column.indexOf("_") + 1));
  return w.length >= 4 && (w === bare || w === squash(column) || bare.endsWith(w));
}

/**
 * Refuse an authority code that differs only in case from one already stored (`x001` beside
 * `X001`): codes are kept exactly as written, so it would quietly start a second authority.
 */
export async function checkAuthorityCase(store: Store, code: string): Promise<void> {
  const other = await storedCaseTwin(store, code);
  if (other) {
    throw new LanternError("LANTERN_BAD_OPTION", `--authority ${code} differs only in case from the stored authority ${other}.`, {
      hint: `Use --authority ${other}: authority codes are kept exactly as written, and ${code} would start a second authority.`,
    });
  }
}

/** Import SSD files into the store. Throws `LANTERN_DATA_REJECTED` (with every issue) on any error. */
export async function importSsd(store: Store, opts: ImportOptions): Promise<ImportResult> {
  // One connection throughout: the staging tables are temporary tables of that connection.
  return store.session(() => importOn(store, opts));
}

async function importOn(store: Store, opts: ImportOptions): Promise<ImportResult> {
  const started = performance.now();
  const now = opts.now ?? (() => new Date());
  if (opts.authority !== undefined && !AUTHORITY_CODE.test(opts.authority)) {
    throw new LanternError("LANTERN_BAD_OPTION", `--authority ${JSON.stringify(opts.authority)} is not an authority code.`, {
      hint: "Use the DfE local authority number (for example 202) or a short code of letters and digits (for example X001).",
    });
  }
  const loads = discoverLoads(opts.paths, opts.authority);
  if (opts.dryRun) return importLoads(store, opts, loads, started, now);
  // Two loads for one authority never interleave: the second waits (in this process, or on
  // PostgreSQL in any process) and then sees the first one's snapshot as the previous one.
  const authorities = [...new Set(loads.map((l) => l.authority))];
  return store.exclusive(
    authorities.map((a) => `load:${a}`),
    () => importLoads(store, opts, loads, started, now),
    () => opts.onWait?.(authorities),
  );
}

async function importLoads(store: Store, opts: ImportOptions, loads: readonly AuthorityFiles[], started: number, now: () => Date): Promise<ImportResult> {
  const log = new Issues(opts.maxIssues ?? 200);
  for (const a of new Set(loads.map((l) => l.authority))) await checkAuthorityCase(store, a);

  // Phase 1: fingerprints and re-import detection.
  const plans: Plan[] = [];
  for (const load of loads) {
    const checks: FileCheck[] = [];
    for (const name of load.unread ?? []) {
      log.add({ code: "SSD_FILE_NOT_READ", severity: "warning", file: name, message: `${name} is not an SSD table file (ssd_<table>.csv) nor a file Lantern reads; it was not read.` });
    }
    for (const name of load.notFiles ?? []) {
      log.add({ code: "SSD_FILE_NOT_READ", severity: "warning", file: name, message: `${name} is a folder (or a link to nothing), not a file; it was not read: Lantern does not look in folders inside the one named.`, expected: "the export's files side by side in the folder named" });
    }
    for (const f of load.files) {
      if (!f.table) {
        log.add({ code: "SSD_FILE_UNKNOWN_TABLE", severity: "warning", file: f.name, message: `${f.name} names no SSD table Lantern stores; it was not loaded.` });
        continue;
      }
      checks.push({ file: f, sha256: await sha256File(f.path) });
    }
    const populationSha = load.population ? await sha256File(load.population) : undefined;
    const fingerprint = fingerprintOf(checks, populationSha);
    const hit = await identicalSnapshot(store, load.authority, fingerprint);
    plans.push({ load, checks, fingerprint, ...(populationSha ? { populationSha } : {}), ...(hit ? { identicalTo: hit } : {}) });
  }
  const toLoad = plans.filter((p) => !p.identicalTo || opts.force);
  const totalBytes = toLoad.reduce((s, p) => s + p.checks.reduce((b, c) => b + c.file.bytes, 0), 0);

  // Phase 2: read, check, stage. A dry run stages too, so it makes every check a load makes
  // before committing (a load of nothing, records a kept table still refers to), and then drops
  // what it staged: it refuses exactly what the load would refuse.
  const commit = !opts.dryRun;
  const writers = new Map<string, BulkWriter>();
  const staging = loadStaging();
  if (toLoad.length) for (const [name, w] of await stageTables(store, staging)) writers.set(name, w);
  const rowCounts = new Map<Plan, Map<string, number>>();
  const population: PopulationRow[] = [];
  let bytesDone = 0;
  const today = dayNumber(now().toISOString().slice(0, 10));
  // Whatever stops a load part way (a file that cannot be read, a stopped upload) drops what it
  // staged: on DuckDB one connection serves a server for its lifetime, and its temporary tables
  // and writers would be left holding memory until it stops.
  try {
    for (const plan of toLoad) {
      const counts = new Map<string, number>();
      rowCounts.set(plan, counts);
      const keys = new Map<string, KeyIndex>();
      const ordered = [...plan.checks].sort((a, b) => tableOrder(a.file.table!) - tableOrder(b.file.table!));
      for (const check of ordered) {
        const table = SSD_TABLES[tableOrder(check.file.table!)]!;
        const n = await readFile(store, plan.load.authority, check.file, table, keys, log, today, log.errors === 0 ? writers.get(table.name) : undefined, (b) =>
          opts.onProgress?.(bytesDone + b, totalBytes, `${plan.load.authority} ${check.file.name}`),
        );
        bytesDone += check.file.bytes;
        counts.set(table.name, n);
      }
      if (plan.load.population) population.push(...populationOf(await readPopulation(plan.load.population, plan.load.authority, log), plan.load.authority, loads.length === 1, basename(plan.load.population), log));
    }
    for (const w of writers.values()) await w.close();
    writers.clear();

    if (log.errors === 0) {
      for (const plan of toLoad) {
        const counts = rowCounts.get(plan)!;
        const loaded = new Map(plan.checks.map((c) => [c.file.table!, { rows: counts.get(c.file.table!) ?? 0, file: c.file.name }]));
        for (const i of await replacementIssues(store, staging, plan.load.authority, loaded)) log.add(i);
        const kept = keptTablesIssue(await latestTables(store, plan.load.authority), loaded, plan.load.authority);
        if (kept) log.add(kept);
      }
    }
  } catch (e) {
    for (const w of writers.values()) await w.close().catch(() => undefined);
    await dropStaging(store, staging, toLoad.length > 0);
    throw e;
  }

  if (log.errors > 0) {
    await dropStaging(store, staging, toLoad.length > 0);
    const shown = log.keptErrors.length < log.errors ? ` (the first ${log.keptErrors.length} are listed)` : "";
    throw new LanternError("LANTERN_DATA_REJECTED", `The import was refused: ${log.errors} error(s) in the data${shown}. Nothing was loaded; the store is unchanged.`, {
      issues: [...log.keptErrors, ...log.keptWarnings],
      counts: { errors: log.errors, warnings: log.warnings },
      hint: `Correct ${listedToCorrect(log.keptErrors)} and import again. Run with --dry-run to check files without loading.`,
    });
  }

  // Phase 3: commit.
  const results: AuthorityResult[] = [];
  const loadedBy = opts.loadedBy ?? commandLineUser();
  if (!commit) await dropStaging(store, staging, toLoad.length > 0);
  if (commit && toLoad.length) {
    try {
      await store.transaction(async () => {
        for (const plan of toLoad) results.push(await commitAuthority(store, plan, rowCounts.get(plan)!, log, loadedBy, now().toISOString(), !!plan.identicalTo));
        await commitRows(store, staging, toLoad.map((p, i) => [p.load.authority, results[i]!.snapshotId!] as const));
        await storePopulation(store, population);
        await opts.duringCommit?.();
      });
    } finally {
      await dropStaging(store, staging, true);
    }
    await store.analyze(["lantern_snapshot", "lantern_snapshot_table", "lantern_population", ...SSD_TABLES.map((t) => t.name)]);
  }
  for (const plan of plans) {
    if (plan.identicalTo && !opts.force) {
      results.push({ authority: plan.load.authority, status: "unchanged", identicalTo: plan.identicalTo, tables: [], rows: 0 });
    } else if (!commit) {
      const counts = rowCounts.get(plan)!;
      const tables = plan.checks.map((c) => ({ table: c.file.table!, rows: counts.get(c.file.table!) ?? 0, file: c.file.name }));
      results.push({ authority: plan.load.authority, status: "validated", tables, rows: sum(tables.map((t) => t.rows)) });
    }
  }
  results.sort((a, b) => a.authority.localeCompare(b.authority));
  return {
    authorities: results,
    warnings: log.keptWarnings,
    warningCount: log.warnings,
    rows: sum(results.map((r) => r.rows)),
    bytes: totalBytes,
    elapsedMs: performance.now() - started,
  };
}

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}


const ORDER = new Map(SSD_TABLES.map((t, i) => [t.name, i]));
function tableOrder(name: string): number {
  return ORDER.get(name)!;
}

/** The names of one load's staging tables. */
export interface LoadStaging {
  /** The staging table for SSD table `name` (for example `ssd_contacts`). */
  readonly table: (name: string) => string;
  /** The table mapping each staged authority to its new snapshot. */
  readonly map: string;
}

let loadsStaged = 0;

/**
 * Staging tables for one load, named apart from every other load's in this process. DuckDB
 * serves the whole process from one connection, so two loads at once (two uploads, or two
 * authorities) sharing names would write into and drop each other's tables. (On PostgreSQL each
 * load's temporary tables belong to its own connection anyway.)
 */
export function loadStaging(): LoadStaging {
  const id = ++loadsStaged;
  return { table: (name) => `stg_${id}_${name}`, map: `stg_${id}_snapshot_map` };
}

/** Create (empty, replacing any before) a load's staging table for every SSD table, with a writer into each, by SSD table name. */
export async function stageTables(store: Store, staging: LoadStaging, opts: { readonly onDisk?: boolean } = {}): Promise<Map<string, BulkWriter>> {
  const writers = new Map<string, BulkWriter>();
  for (const t of SSD_TABLES) {
    const cols = stagingColumns(t);
    await store.createStaging(staging.table(t.name), cols, opts);
    writers.set(t.name, await store.bulkWriter(staging.table(t.name), cols));
  }
  return writers;
}

/**
 * A load whose files hold no rows at all (a header and nothing else): it could only wipe tables.
 * `stored` says whether the authority has tables stored that it would replace (`tables`).
 */
export function emptyLoadIssue(authority: string, stored: boolean, tables: readonly string[]): DataIssue {
  return {
    code: "SSD_LOAD_EMPTY",
    severity: "error",
    message: `The files hold no rows at all (a header and nothing else)${stored ? `: loading them would replace ${authority}'s stored ${tables.join(", ")} with nothing` : ""}.`,
    expected: "at least one row of data: check that the export finished and that the right files were chosen",
  };
}

/**
 * The tables an SSD load has no file for that the authority's current snapshot holds rows of: they
 * are carried forward, as a partial load means them to be; but a file left out of this month's
 * export by mistake would keep last month's contacts (say) without a word, and the month's figures
 * from them would read as a fall. One warning names them all, with their rows.
 */
export function keptTablesIssue(stored: ReadonlyMap<string, number>, loaded: ReadonlyMap<string, unknown>, authority: string): DataIssue | undefined {
  const kept = [...stored].filter(([t, rows]) => rows > 0 && !loaded.has(t)).sort(([a], [b]) => tableOrder(a) - tableOrder(b));
  if (!kept.length) return undefined;
  const one = kept.length === 1;
  return {
    code: "SSD_TABLES_KEPT",
    severity: "warning",
    message: `This load has no file for ${kept.map(([t, rows]) => `${t} (${rows.toLocaleString("en-GB")} rows)`).join(", ")}: ${one ? "it is" : "they are"} kept from ${authority}'s previous load, so the figures from ${one ? "it" : "them"} stay as that load left them.`,
    expected: `nothing, if only some tables were meant to be loaded; if ${kept.map(([t]) => `${t}.csv`).join(", ")} ${one ? "was" : "were"} left out of the export by mistake, export ${one ? "it" : "them"} and load the whole export again`,
  };
}

/**
 * What a load would break in the authority's current snapshot, found before it commits. A load
 * replaces the tables it carries and keeps the rest from the current snapshot, so (1) a load
 * with no rows at all would only wipe tables, and (2) a table it replaces may lose records that
 * kept tables still refer to: an Annex A list or one `ssd_person.csv` loaded over a whole export
 * would leave every other table pointing at children who are no longer there. Both are errors
 * (a statutory return, partial by nature, makes the second a warning: see `carryPeople`); a table
 * emptied by a header-only file is a warning naming what it replaces.
 * `loaded` is the tables the load carries, with their row counts and the file that fed each.
 */
export async function replacementIssues(
  store: Store,
  staging: LoadStaging,
  authority: string,
  loaded: ReadonlyMap<string, { readonly rows: number; readonly file?: string }>,
  orphans: "error" | "warning" = "error",
): Promise<DataIssue[]> {
  const issues: DataIssue[] = [];
  const stored = await latestTables(store, authority);
  const total = [...loaded.values()].reduce((n, t) => n + t.rows, 0);
  if (total === 0) {
    issues.push(emptyLoadIssue(authority, stored.size > 0, [...loaded.keys()]));
    return issues;
  }
  for (const [table, t] of loaded) {
    const before = stored.get(table) ?? 0;
    if (t.rows === 0 && before > 0) {
      issues.push({
        code: "SSD_TABLE_EMPTIED",
        severity: "warning",
        ...(t.file ? { file: t.file } : {}),
        message: `${t.file ?? table} has no rows: it replaces the ${before.toLocaleString("en-GB")} ${table} rows stored for ${authority} with none, and the figures from them will show as none.`,
      });
    }
  }
  for (const kept of SSD_TABLES) {
    if (loaded.has(kept.name) || !stored.get(kept.name)) continue;
    for (const c of kept.columns) {
      if (!c.references) continue;
      const [target, key] = c.references.split(".") as [string, string];
      if (target === kept.name || !loaded.has(target)) continue;
      const [r] = await store.all<{ n: number; example: string | null }>(
        `SELECT count(*) AS n, min(x.${c.name}) AS example FROM current_${kept.name} x
         WHERE x.la_code = $1 AND x.${c.name} IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM ${staging.table(target)} s WHERE s.la_code = $1 AND s.${key} = x.${c.name})`,
        [authority],
      );
      const n = Number(r?.n ?? 0);
      if (n === 0) continue;
      const file = loaded.get(target)?.file;
      issues.push({
        code: "SSD_REFERENCE_ORPHANED",
        severity: orphans,
        ...(file ? { file } : {}),
        column: c.name,
        ...(r?.example ? { value: r.example } : {}),
        message:
          `This load replaces ${target} for ${authority}, but ${n.toLocaleString("en-GB")} ${kept.name} row(s) kept from the stored snapshot (the load has no ${kept.name}) ` +
          `refer to ${target} records the load does not have (for example ${c.name} ${r?.example}): ${orphans === "error" ? "they would point at nothing" : "they point at nothing from now on"}.`,
        expected: `a load that holds every ${target} record the stored tables refer to: load the whole export together, or load these files under an authority code of their own`,
      });
    }
  }
  return issues;
}

/**
 * A statutory return replaces `ssd_person` with its own children; the children that tables kept
 * from the stored snapshot still refer to (contacts and referrals from an SSD export, say, under a
 * 903) keep their person rows, carried into the load, so their ages, sex and ethnicity still
 * count. Returns how many were carried.
 */
export async function carryPeople(store: Store, staging: LoadStaging, authority: string, fed: ReadonlySet<string>): Promise<number> {
  if (!fed.has("ssd_person")) return 0;
  const stored = new Set([...(await latestTables(store, authority))].filter(([, rows]) => rows > 0).map(([t]) => t));
  if (!stored.has("ssd_person")) return 0;
  const refs: string[] = [];
  for (const t of SSD_TABLES) {
    if (fed.has(t.name) || !stored.has(t.name)) continue;
    for (const c of t.columns) {
      if (c.references === "ssd_person.pers_person_id") refs.push(`EXISTS (SELECT 1 FROM current_${t.name} k WHERE k.la_code = p.la_code AND k.${c.name} = p.pers_person_id)`);
    }
  }
  if (!refs.length) return 0;
  const person = SSD_TABLES.find((t) => t.name === "ssd_person")!;
  const cols = person.columns.map((c) => c.name);
  const where = `p.la_code = $1 AND NOT EXISTS (SELECT 1 FROM ${staging.table("ssd_person")} s WHERE s.la_code = p.la_code AND s.pers_person_id = p.pers_person_id) AND (${refs.join(" OR ")})`;
  const [n] = await store.all<{ n: number }>(`SELECT count(*) AS n FROM current_ssd_person p WHERE ${where}`, [authority]);
  if (!n || Number(n.n) === 0) return 0;
  await store.run(`INSERT INTO ${staging.table("ssd_person")} (la_code, ${cols.join(", ")}) SELECT p.la_code, ${cols.map((c) => `p.${c}`).join(", ")} FROM current_ssd_person p WHERE ${where}`, [authority]);
  return Number(n.n);
}

export async function dropStaging(store: Store, staging: LoadStaging, had: boolean): Promise<void> {
  if (!had) return;
  for (const t of SSD_TABLES) await store.run(`DROP TABLE IF EXISTS ${staging.table(t.name)}`).catch(() => undefined);
}

/** The keys of a table, to check references against: read in this load (with their rows) or stored. */
type KeyIndex = { has(key: string): boolean };

/** The keys of `table` currently stored for an authority (for references to tables not in this load). */
async function storedKeys(store: Store, authority: string, table: string, column: string): Promise<Set<string>> {
  const rows = await store.all<{ k: string }>(`SELECT ${column} AS k FROM current_${table} WHERE la_code = $1`, [authority]);
  return new Set(rows.map((r) => r.k));
}

/** What an SSD file that is not text at all should be. */
const NOT_TEXT_EXPECTED = "a CSV text file: UTF-8 (in Excel: Save As › CSV UTF-8), UTF-16 or Windows-1252";

const ENCODING_NAME: Record<TextEncoding, string> = { "utf-8": "UTF-8", "utf-8-bom": "UTF-8", "utf-16le": "UTF-16", "utf-16be": "UTF-16", "windows-1252": "Windows-1252" };

/** Read one file, check it, and append good rows to the staging writer. Returns the row count. */
async function readFile(
  store: Store,
  authority: string,
  file: SsdFile,
  table: SsdTable,
  keys: Map<string, KeyIndex>,
  log: Issues,
  today: number,
  writer: BulkWriter | undefined,
  progress: (bytes: number) => void,
): Promise<number> {
  const name = file.name;
  // The encoding is decided by the shared text reader, as for every CSV Lantern reads (a binary
  // file is refused with its words). UTF-8, the usual export, goes to the parser as bytes, which
  // it decodes as UTF-8 itself: decoding it to text first only for the parser to turn it back into
  // bytes cost time for nothing, and a byte that is not UTF-8 later in the file becomes U+FFFD,
  // which the cell check below locates by row and column. UTF-16 (SQL Server's or Excel's
  // "Unicode") and Windows-1252 (Excel's plain "CSV") come decoded from the shared reader.
  let text: TextStream;
  try {
    text = openText(file.path);
  } catch (e) {
    if (!isLanternError(e)) throw e;
    log.add({ code: "SSD_FILE_ENCODING", severity: "error", file: name, row: 1, message: e.message, expected: NOT_TEXT_EXPECTED });
    return 0;
  }
  const encoding = text.encoding;
  let bytes = 0;
  // The parser decodes UTF-8 itself and puts U+FFFD where a byte is not UTF-8; the bytes are
  // checked as they pass, so a U+FFFD that is in the file as a character (a name damaged before
  // it was exported) can be told from a file that is not UTF-8 throughout.
  const utf8 = new Utf8Check();
  // A progress callback that throws (a stopped upload) ends the read with its error, as a read
  // that fails does; thrown from a stream's event it would be uncaught and end the process.
  const source: Readable =
    encoding === "utf-8" || encoding === "utf-8-bom"
      ? createReadStream(file.path).on("data", (c) => {
          bytes += (c as Buffer).length;
          utf8.push(c as Buffer);
          try {
            progress(bytes);
          } catch (e) {
            source.destroy(e as Error);
          }
        })
      : Readable.from(text.chunks(progress), { objectMode: false });
  // Comma-separated as exported, or tab-separated as Excel saves "Unicode text": by the header.
  // The header's names, to name a CSV error's column: taken as parsed (as the shared reader takes
  // them), since a parser that fails part way through its first chunk of text stops before handing
  // on the records it had read, the header among them.
  let parsedHeader: readonly string[] | undefined;
  const delimiter = delimiterOf(text.firstLine());
  // Lines as a person counts them, kept as the parser reads each record (see RecordLines).
  const lines = new RecordLines();
  const parser = parse({
    delimiter,
    bom: true,
    info: true,
    record_delimiter: RECORD_DELIMITERS,
    skip_empty_lines: true,
    relax_quotes: false,
    // As the shared reader: a value over 1 MB is a damaged file (or a quote left open), not data.
    max_record_size: MAX_FIELD,
    on_record: (record, context) => {
      const cells = lines.read(record, context);
      if (!parsedHeader && cells.some((c) => c.trim() !== "")) parsedHeader = cells.map((h) => h.trim().toLowerCase());
      return record;
    },
  });
  // pipe() does not pass a source's error on (a read that fails): the parser must end with it.
  source.on("error", (e) => parser.destroy(e));
  source.pipe(parser);

  let header: string[] | undefined;
  let malformed = false;
  let slots: number[] = [];
  const keyIndex = table.columns.findIndex((c) => c.name === table.key);
  // Each key and the row it first appeared on, so that a duplicate names both rows.
  const keySet = new Map<string, number>();
  keys.set(table.name, keySet);
  const refs: { col: number; name: string; target: KeyIndex | undefined; targetName: string }[] = [];
  const orders: [number, number][] = [];
  const dated = datedColumns(table);
  const oddDates = new Map<string, OddDates>();
  const values: (string | number | null)[] = new Array(table.columns.length + 1);
  let appended = 0;
  let rows = 0;
  let fileErrors = 0;
  const fromBytes = encoding === "utf-8" || encoding === "utf-8-bom";
  const replaced: { row: number; column: string; value: string }[] = [];
  const issue = (i: Omit<DataIssue, "file" | "severity"> & { severity?: "error" | "warning" }): void => {
    const full: DataIssue = { severity: "error", file: name, ...i };
    if (full.severity === "error") fileErrors++;
    log.add(full);
  };
  // A refused value in a row's last field that could be the start of a good one, held until the
  // next record shows whether it was the file's last (then, with no line break after it, the file
  // was cut off inside it: reported as truncated, not as a bad value).
  let heldCut: { line: number; c: SsdColumn; raw: string; p: CellProblem; found: number } | undefined;
  const notValidText = (at: { row: number; column: string; value: string }) =>
    issue({ code: "SSD_FILE_ENCODING", ...at, message: `${at.column} holds characters that are not valid ${ENCODING_NAME[encoding]}.`, expected: "UTF-8 text (in Excel: Save As › CSV UTF-8)" });

  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; line: number }>) {
      const { record } = item;
      if (heldCut) {
        cellIssue(issue, heldCut.line, heldCut.c, heldCut.raw, heldCut.p);
        heldCut = undefined;
      }
      if (isBlankRow(record)) continue;
      if (!header) {
        header = record.map((h) => h.trim().toLowerCase());
        const pos = new Map<string, number>();
        header.forEach((h, i) => {
          // Columns with no name (the empty ones Excel leaves at the end of each line) are ignored.
          if (h === "") return;
          if (pos.has(h)) issue({ code: "SSD_COLUMN_DUPLICATE", row: 1, column: h, message: `column ${h} appears twice in the header.`, expected: "each column once" });
          else pos.set(h, i);
        });
        const known = new Set(table.columns.map((c) => c.name));
        const unknown = header.filter((h) => h !== "" && !known.has(h));
        slots = table.columns.map((c) => pos.get(c.name) ?? -1);
        table.columns.forEach((c, i) => {
          if (slots[i] !== -1) return;
          if (c.required) {
            const like = unknown.find((h) => sameName(h, c.name));
            const others = unknown.length ? ` The header has ${unknown.map((h) => JSON.stringify(h)).join(", ")}, which Lantern does not know.` : "";
            issue({
              code: "SSD_COLUMN_MISSING",
              row: 1,
              column: c.name,
              message: `the required column ${c.name} is missing from the header.${others}`,
              expected: like ? `a header naming ${c.name}: rename the column "${like}" to ${c.name} if that is what it holds` : `a header naming ${c.name}`,
            });
          } else if (!c.lantern) {
            issue({ code: "SSD_COLUMN_ABSENT", severity: "warning", row: 1, column: c.name, message: `column ${c.name} is not in the file; it is stored empty.` });
          }
        });
        for (const h of unknown) issue({ code: "SSD_COLUMN_UNKNOWN", severity: "warning", row: 1, column: h, message: `column ${h} is not an ${table.name} column Lantern stores; it was ignored.` });
        const unnamed = header.filter((h) => h === "").length;
        if (unnamed) issue({ code: "SSD_COLUMN_UNKNOWN", severity: "warning", row: 1, column: "", message: `${unnamed} column(s) of the header have no name; they were ignored.` });
        if (fileErrors > 0) break;
        for (let i = 0; i < table.columns.length; i++) {
          const c = table.columns[i]!;
          if (!c.references) continue;
          const [tt, tc] = c.references.split(".") as [string, string];
          const target = tt === table.name ? keySet : (keys.get(tt) ?? (await storedKeysIfAny(store, authority, tt, tc)));
          refs.push({ col: i, name: c.name, target, targetName: tt });
          if (!target) {
            issue({ code: "SSD_REFERENCE_UNCHECKED", severity: "warning", row: 1, column: c.name, message: `${c.name} refers to ${tt}, which is neither in this load nor stored for ${authority}; references were not checked.` });
          }
        }
        for (const [a, b] of table.dateOrder ?? []) {
          orders.push([table.columns.findIndex((c) => c.name === a), table.columns.findIndex((c) => c.name === b)]);
        }
        continue;
      }
      rows++;
      const line = item.line;
      if (fileErrors >= 50) continue;
      let bad = false;
      values[0] = authority;
      for (let i = 0; i < table.columns.length; i++) {
        const c = table.columns[i]!;
        const slot = slots[i]!;
        const raw = slot >= 0 ? (record[slot] ?? "") : "";
        const v = parseCell(c.kind, raw, c.codes);
        if (isProblem(v)) {
          bad = true;
          if (slot === record.length - 1 && looksCutShort(c.kind, raw, c.codes)) heldCut = { line, c, raw, p: v, found: record.length };
          else cellIssue(issue, line, c, raw, v);
          values[i + 1] = null;
          continue;
        }
        if (v === null && c.required) {
          bad = true;
          issue({ code: "SSD_VALUE_REQUIRED", row: line, column: c.name, value: "", message: `${c.name} is blank but is required.`, expected: `a value for ${c.name}` });
        }
        // An id column opened and saved in Excel: said as such, once (not as a missing reference).
        const mangled = typeof v === "string" && (c.name === table.key || c.references) ? excelMangledId(c.name, v) : undefined;
        if (mangled) {
          bad = true;
          issue({ code: "SSD_ID_EXCEL_NUMBER", row: line, column: c.name, value: raw, ...mangled });
          values[i + 1] = null;
          continue;
        }
        if (typeof v === "string" && v.includes("\u0000")) {
          // Not text (PostgreSQL cannot even store it): a damaged file, or one whose encoding changes part way.
          bad = true;
          issue({ code: "SSD_VALUE_NUL", row: line, column: c.name, value: raw.replaceAll("\u0000", "\\0"), message: `${c.name} holds a NUL character (byte 0), which is not text.`, expected: "text: the file may be damaged or partly saved in another encoding; export it again" });
        }
        if (typeof v === "string" && v.includes("\uFFFD")) {
          // Settled when the whole file has been read (below) for UTF-8; in a file decoded by the
          // shared reader it can only come from bytes that are not text in its encoding.
          if (fromBytes) replaced.push({ row: line, column: c.name, value: raw });
          else {
            bad = true;
            notValidText({ row: line, column: c.name, value: raw });
          }
        }
        values[i + 1] = v;
      }
      const key = values[keyIndex + 1];
      if (typeof key === "string") {
        const first = keySet.get(key);
        if (first !== undefined) {
          bad = true;
          issue({
            code: "SSD_KEY_DUPLICATE",
            row: line,
            column: table.key,
            value: key,
            message: `${table.key} ${key} appears more than once in ${name}: first on row ${first}, again on row ${line}.`,
            expected: `a unique ${table.key}: one record for ${key} (rows ${first} and ${line} of ${name} both have it)`,
          });
        } else keySet.set(key, line);
      }
      for (const r of refs) {
        const v = values[r.col + 1];
        if (typeof v === "string" && r.target && !r.target.has(v) && !(r.target === keySet)) {
          bad = true;
          issue({ code: "SSD_REFERENCE_MISSING", row: line, column: r.name, value: v, message: `${r.name} ${v} is not in ${r.targetName}.`, expected: `an id that exists in ${r.targetName}` });
        }
      }
      for (const [a, b] of orders) {
        const s = values[a + 1];
        const e = values[b + 1];
        if (typeof s === "number" && typeof e === "number" && e < s) {
          bad = true;
          const cb = table.columns[b]!.name;
          const ca = table.columns[a]!.name;
          issue({ code: "SSD_DATE_ORDER", row: line, column: cb, value: isoDate(e), message: `${cb} ${isoDate(e)} is before ${ca} ${isoDate(s)}.`, expected: `a date on or after ${ca}` });
        }
      }
      for (const d of dated) {
        const v = values[d.col + 1];
        if (typeof v !== "number") continue;
        const kind = v < PLACEHOLDER_BEFORE ? "SSD_DATE_PLACEHOLDER" : d.future && v > today ? "SSD_DATE_FUTURE" : undefined;
        if (!kind) continue;
        const key = `${kind}|${d.name}`;
        const seen = oddDates.get(key);
        if (seen) seen.rows++;
        else oddDates.set(key, { code: kind, column: d.name, row: line, value: record[slots[d.col]!] ?? "", rows: 1 });
      }
      if (!bad && writer && log.errors === 0) {
        writer.append(values);
        // Rows wait in memory while the store is busy with other work: let them go before reading on.
        if (++appended % 10_000 === 0) await writer.drained?.();
      }
    }
  } catch (e) {
    malformed = true;
    // The line as a person counts it (as endsOnUnfinishedLine counts too).
    const err = lines.error(e);
    const counts = err.code === "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH" ? fieldCounts(err.message) : undefined;
    if (isLanternError(e)) {
      // From the shared text reader: the file's text could not be decoded.
      issue({ code: "SSD_FILE_ENCODING", row: 1, message: e.message, expected: e.hint ?? NOT_TEXT_EXPECTED });
    } else if (
      err.code === "CSV_QUOTE_NOT_CLOSED" &&
      typeof err.empty_lines === "number" &&
      typeof err.column === "number" &&
      lines.openQuoteLine(err.empty_lines) > 1 &&
      parsedHeader &&
      openQuoteOnLastLine(err, lines.openQuoteLine(err.empty_lines)) &&
      (await endsOnUnfinishedLine(file.path, lines.openQuoteLine(err.empty_lines)))
    ) {
      // Opened on the file's last line, with no line break after it: the file was cut off inside that value.
      const row = lines.openQuoteLine(err.empty_lines);
      const column = parsedHeader[err.column];
      issue({ code: "SSD_FILE_TRUNCATED", row, ...(column ? { column } : {}), message: truncatedInQuoteMessage(name, row, err.column + 1, column, parsedHeader.length), expected: truncatedInQuoteExpected(parsedHeader.length) });
    } else if (err.code === "CSV_QUOTE_NOT_CLOSED" && typeof err.empty_lines === "number" && typeof err.column === "number") {
      const row = lines.openQuoteLine(err.empty_lines);
      const column = parsedHeader?.[err.column];
      issue({
        code: "SSD_CSV_MALFORMED",
        row,
        ...(column ? { column } : {}),
        message: `${name} is not well-formed CSV: ${openQuoteProblem(row, err.column + 1)}.`,
        expected: OPEN_QUOTE_EXPECTED,
      });
    } else if (err.code === "INVALID_OPENING_QUOTE" && typeof err.lines === "number" && typeof err.column === "number") {
      const column = parsedHeader?.[err.column];
      issue({
        code: "SSD_CSV_MALFORMED",
        row: err.lines,
        ...(column ? { column } : {}),
        message: `${name} is not well-formed CSV: ${strayQuoteProblem(err.lines, err.column + 1)}.`,
        expected: STRAY_QUOTE_EXPECTED,
      });
    } else if (err.code === "CSV_MAX_RECORD_SIZE") {
      const column = header && typeof err.column === "number" ? header[err.column] : undefined;
      const row = err.lines ?? 1;
      issue({
        code: "SSD_CSV_MALFORMED",
        row,
        ...(column ? { column } : {}),
        message: `${name} row ${row}${column ? `, column ${column},` : ""} holds more than 1 MB (${MAX_FIELD.toLocaleString("en-GB")} characters) without an end: no SSD value is that long, so the file is damaged or a quote (") was left open.`,
        expected: "values under 1 MB each: export the file again, or close the quote on that row",
      });
    } else if (counts && counts.found < counts.width && err.lines !== undefined && (await endsOnUnfinishedLine(file.path, err.lines))) {
      issue({ code: "SSD_FILE_TRUNCATED", row: err.lines, message: truncatedMessage(name, err.lines, counts.found, counts.width), expected: fieldsExpected(counts.width) });
    } else if (typeof err.code === "string" && err.code.startsWith("CSV_")) {
      issue({
        code: "SSD_CSV_MALFORMED",
        row: err.lines,
        message: `${name} is not well-formed CSV: ${csvProblem(err.code, err.message ?? String(e), err.lines, delimiter)}.`,
        expected: "comma-separated values with the same number of columns on every row, quotes closed",
      });
    } else {
      // Not the file's fault (a read that failed, the store): not to be reported as bad CSV.
      throw e;
    }
  } finally {
    // Stop reading a file left part-read (checking stopped at its header).
    source.destroy();
  }
  if (heldCut) {
    const h = heldCut;
    if (!malformed && header && (await endsOnUnfinishedLine(file.path, h.line))) {
      issue({
        code: "SSD_FILE_TRUNCATED",
        row: h.line,
        column: h.c.name,
        value: h.raw,
        message: truncatedValueMessage(name, h.line, h.c.name, h.raw, h.found, header.length),
        expected: `${fieldsExpected(header.length)}, the last whole (${h.p.expected})`,
      });
    } else cellIssue(issue, h.line, h.c, h.raw, h.p);
  }
  // U+FFFD in a UTF-8 file: the file's own character where every byte is UTF-8 (the text was
  // damaged before the export: loaded, with a warning); else bytes that are not UTF-8 (refused).
  // (A file that is not well-formed CSV is refused for that first, and was not read to its end.)
  if (replaced.length && !malformed) {
    const valid = utf8.end();
    for (const r of replaced) {
      if (valid) {
        issue({
          severity: "warning",
          code: "SSD_VALUE_REPLACEMENT_CHARACTER",
          row: r.row,
          column: r.column,
          value: r.value,
          message: `${r.column} holds the character \uFFFD, which a program writes where it could not read a character: the text was damaged before this export. It is loaded as it is; correct it in the case management system.`,
        });
      } else notValidText(r);
    }
  }
  for (const o of oddDates.values()) issue(oddDatesWarning(o, today));
  // A parse error can come before the first row is handed over; that file is malformed, not empty.
  if (!header && !malformed) {
    issue({ code: "SSD_FILE_EMPTY", row: 1, message: `${name} is empty: it has no header row.`, expected: `a header row of ${table.name} column names` });
  }
  if (fileErrors >= 50) {
    log.add({ code: "SSD_FILE_TOO_MANY_ERRORS", severity: "warning", file: name, message: `${name}: checking stopped after 50 errors; correct those first.` });
  }
  return rows;
}

/** Dates before this (in 1900) are a system's placeholder for a date not known, not a day anything happened. */
const PLACEHOLDER_BEFORE = dayOf(1901, 1, 1);

/** A date column's name and position, and whether a date after the day of the load is to be questioned (not a date due, a target or an expected birth). */
function datedColumns(table: SsdTable): { col: number; name: string; future: boolean }[] {
  return table.columns.flatMap((c, col) => (c.kind === "date" ? [{ col, name: c.name, future: !/due|target|expected/.test(c.name) }] : []));
}

/** The dates of one column that look wrong in one way: the first row, its value as written, and how many rows. */
interface OddDates {
  readonly code: "SSD_DATE_PLACEHOLDER" | "SSD_DATE_FUTURE";
  readonly column: string;
  readonly row: number;
  readonly value: string;
  rows: number;
}

/**
 * One warning for a column's placeholder or future dates: loaded as they are (they are what the
 * case management system holds), but counted as real days, so an episode "open since 1900" is
 * open in every period and a contact dated next year is counted in a period still to come.
 */
function oddDatesWarning(o: OddDates, today: number): Omit<DataIssue, "file"> & { severity: "warning" } {
  const many = o.rows === 1 ? `on 1 row (row ${o.row})` : `on ${o.rows.toLocaleString("en-GB")} rows (the first row ${o.row})`;
  return o.code === "SSD_DATE_PLACEHOLDER"
    ? {
        code: o.code,
        severity: "warning",
        row: o.row,
        column: o.column,
        value: o.value,
        message: `${o.column} is in 1900 ${many}: a date a system writes where it does not know one. It is loaded and counted as a real date (a record open since 1900 is open in every period).`,
        expected: `the real date, or ${o.column} left blank where it is not known: correct it in the case management system and export again`,
      }
    : {
        code: o.code,
        severity: "warning",
        row: o.row,
        column: o.column,
        value: o.value,
        message: `${o.column} is after ${isoDate(today)}, the day of this load, ${many}: it is loaded and counted in a period still to come.`,
        expected: `a date on or before ${isoDate(today)}: check the date in the case management system (a mistyped year, or a planned date recorded as one that happened)`,
      };
}

async function storedKeysIfAny(store: Store, authority: string, table: string, column: string): Promise<Set<string> | undefined> {
  if (!(await latestTables(store, authority)).has(table)) return undefined;
  return storedKeys(store, authority, table, column);
}

function cellIssue(issue: (i: Omit<DataIssue, "file" | "severity">) => void, row: number, c: SsdColumn, raw: string, p: CellProblem): void {
  const code = c.kind === "date" ? "SSD_DATE_INVALID" : c.kind === "int" || c.kind === "float" ? "SSD_NUMBER_INVALID" : "SSD_CODE_INVALID";
  // An Excel serial number is said with the date it would be, as the other readers say it.
  const asSerial = p.serialDay === undefined ? "" : ` (as one it would be ${isoDate(p.serialDay)})`;
  issue({ code, row, column: c.name, value: raw, message: `${c.name} "${raw}" ${p.problem}${asSerial}.`, expected: p.expected });
}

async function commitAuthority(
  store: Store,
  plan: Plan,
  counts: Map<string, number>,
  log: Issues,
  loadedBy: string,
  at: string,
  forced: boolean,
): Promise<AuthorityResult> {
  const authority = plan.load.authority;
  const files: SourceFile[] = plan.checks.map((c) => ({
    name: c.file.name,
    path: c.file.path,
    sha256: c.sha256,
    bytes: c.file.bytes,
    table: c.file.table!,
    rows: counts.get(c.file.table!) ?? 0,
  }));
  if (plan.load.population && plan.populationSha) {
    files.push({ name: "population.csv", path: plan.load.population, sha256: plan.populationSha, bytes: 0, table: null, rows: 0 });
  }
  const snapshotId = await writeSnapshot(store, {
    authority,
    ...(plan.load.name ? { authorityName: plan.load.name } : {}),
    format: "ssd",
    loadedBy,
    at,
    forced,
    fingerprint: plan.fingerprint,
    files,
    tables: counts,
    warnings: log.keptWarnings.filter((w) => plan.checks.some((c) => c.file.name === w.file)),
  });
  const tables = plan.checks.map((c) => ({ table: c.file.table!, rows: counts.get(c.file.table!) ?? 0, file: c.file.name }));
  return { authority, status: "loaded", snapshotId, tables, rows: sum([...counts.values()]) };
}

export async function commitRows(store: Store, staging: LoadStaging, map: readonly (readonly [string, number])[]): Promise<void> {
  await store.createStaging(staging.map, [
    { name: "la_code", type: "text" },
    { name: "snapshot_id", type: "int" },
  ]);
  for (const [la, id] of map) await store.run(`INSERT INTO ${staging.map} VALUES ($1, $2)`, [la, id]);
  for (const t of SSD_TABLES) {
    const cols = t.columns.map((c) => c.name).join(", ");
    const sel = t.columns.map((c) => `s.${c.name}`).join(", ");
    await store.run(`INSERT INTO ${t.name} (snapshot_id, la_code, ${cols}) SELECT m.snapshot_id, s.la_code, ${sel} FROM ${staging.table(t.name)} s JOIN ${staging.map} m ON m.la_code = s.la_code`);
  }
  await store.run(`DROP TABLE IF EXISTS ${staging.map}`);
}

/**
 * Whether `line` is the file's last, with no line break after it: a short row there is a file cut
 * off while being exported or copied, not a row with a missing separator. Read again only in that
 * case, by the shared reader (any encoding).
 */
async function endsOnUnfinishedLine(path: string, line: number): Promise<boolean> {
  // Line breaks as a person counts them (RECORD_DELIMITERS): CRLF once, a lone CR or LF once.
  let breaks = 0;
  let last = "";
  for await (const chunk of openText(path).chunks()) {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (c === "\r" || (c === "\n" && (i > 0 ? chunk[i - 1] : last) !== "\r")) breaks++;
    }
    if (chunk) last = chunk.at(-1)!;
  }
  return last !== "\n" && last !== "\r" && line === breaks + 1;
}
