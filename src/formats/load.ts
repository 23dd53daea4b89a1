/**
 * @module
 * Loading statutory-format files (SSDA903 CSV or XML, CIN census XML, Annex A workbook or CSV)
 * as one ordinary snapshot, all or nothing, and validating them without loading. Files are
 * recognised by content ({@link detectFile}); each reader maps its records into SSD rows through
 * one checking sink (required values, unique keys, references, date order) which stages them in
 * session-local tables; the DfE rules run child by child. Only when no error was found does one
 * transaction write the snapshot (through the shared snapshot writer), its rows, and the DfE
 * queries (migration 5). Any error before COMMIT leaves the store exactly as it was.
 */

import { createHash } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { dayNumber, dayOf, isoDate } from "../calendar/dates.ts";
import { defaultCalendar, type WorkingDayCalendar } from "../calendar/working-days.ts";
import { type DataIssue, isLanternError, LanternError, listedToCorrect } from "../core/errors.ts";
import { isMeasuresFile } from "../ingest/measures-import.ts";
import { isGeneratedFolder, oncePerFile, ssdCopyOf } from "../ingest/discover.ts";
import { carryPeople, checkAuthorityCase, commitRows, dropStaging, emptyLoadIssue, type LoadStaging, loadStaging, replacementIssues, sha256File, stageTables } from "../ingest/ssd-import.ts";
import { type PopulationRow, populationOf, readPopulation, storePopulation } from "../ingest/population.ts";
import { type CellValue, excelMangledId } from "../ingest/values.ts";
import { indicatorLibrary } from "../kpi/library/index.ts";
import { coverage } from "../kpi/targets.ts";
import type { BulkWriter, Store } from "../store/port.ts";
import { AUTHORITY_CODE, sameAuthority } from "../store/authorities.ts";
import { identicalSnapshot, writeSnapshot } from "../store/snapshot-write.ts";
import { latestTables } from "../store/snapshots.ts";
import { SSD_TABLES, type SsdTable } from "../store/ssd-schema.ts";
import { ANNEX_A_FEEDS, ANNEX_WINDOW_EVENTS, AnnexMapper, type AnnexRow, annexDate, annexWindowStart, matchAnnexList } from "./annex-a.ts";
import { CIN_FEEDS, type CinChild, type CinDate, cinChildFrom, cinHeaderFrom, mapCin } from "./cin-census.ts";
import { isBlankRow, readCsvRows } from "./csv.ts";
import { type DetectedFile, describeDetected, detectFile, distinctNames } from "./detect.ts";
import { DFE_CODE, type IssueKey, Issues, compareKeys } from "./issues.ts";
import type { FormatId, Loc, LoadSink } from "./model.ts";
import { CIN_HEADER_RULES, CIN_RULES, type CtxCin } from "./rules/cin-rules.ts";
import { runRules } from "./rules/registry.ts";
import { collectionYearOf, SSDA903_TABLE_FEEDS } from "./ssda903.ts";
import { type Read903Mode, read903 } from "./ssda903-read.ts";
import { readXlsxRows } from "./xlsx.ts";
import { childrenNamed, readXmlRecords } from "./xml.ts";
import { commandLineUser } from "../core/actor.ts";

/** What to load or validate. */
export interface FormatLoadOptions {
  readonly paths: readonly string[];
  readonly authority?: string;
  readonly dryRun?: boolean;
  readonly force?: boolean;
  readonly loadedBy?: string;
  readonly now?: () => Date;
  readonly onProgress?: (done: number, total: number, label: string) => void;
  /** Keep at most this many issues of each severity (all are counted). Default 500. */
  readonly maxIssues?: number;
  /** Treat DfE errors as queries (shown and stored, not blocking). Structural errors still block. */
  readonly dfeErrorsAsQueries?: boolean;
  readonly calendar?: WorkingDayCalendar;
  /** How the SSDA903 files were read (merged child by child, XML, or spilled and sorted): for tests and the benchmark. */
  readonly on903Read?: (mode: Read903Mode) => void;
  /** Tests: read the SSDA903 files this way whatever they are, spilling runs of this many characters. */
  readonly read903?: { readonly mode?: Read903Mode; readonly runChars?: number };
}

/** One file as read. */
export interface FileSummary {
  readonly file: string;
  readonly format: string;
  readonly encoding?: string;
  readonly records: number;
}

/** The outcome of a load or validation. */
export interface FormatLoadResult {
  readonly authority: string;
  readonly status: "loaded" | "unchanged" | "validated" | "rejected";
  readonly snapshotId?: number;
  readonly identicalTo?: { readonly snapshotId: number; readonly loadedAt: string };
  readonly formats: FormatId[];
  readonly files: FileSummary[];
  readonly tables: { readonly table: string; readonly rows: number }[];
  readonly rows: number;
  readonly errorCount: number;
  readonly warningCount: number;
  readonly queryCount: number;
  readonly issues: DataIssue[];
  /** SSD tables this load replaced. */
  readonly fed: string[];
  /** Indicators the loaded formats cannot feed, with the SSD tables they lack. */
  readonly notComputable: { readonly indicator: string; readonly missing: string[] }[];
  readonly bytes: number;
  readonly elapsedMs: number;
}

/** Files named on the command line: files as given, folders' files (not hidden), sorted. */
export function expandPaths(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(p);
    } catch {
      throw new LanternError("LANTERN_FILE_NOT_FOUND", `${p} does not exist.`, { hint: "Check the path; files and folders are accepted." });
    }
    if (st.isDirectory()) {
      for (const n of readdirSync(p).sort()) {
        if (n.startsWith(".") || n.startsWith("~$")) continue;
        const full = join(p, n);
        if (statSync(full).isFile()) out.push(resolve(full));
      }
    } else out.push(resolve(p));
  }
  // A file named twice (a folder and a file in it) is read once: twice, its children were duplicates.
  return oncePerFile(out, (f) => f);
}

/** The folders directly inside the folders among `paths` that hold files (at most five). */
function foldersHoldingFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (!statSync(p).isDirectory()) continue;
    for (const n of readdirSync(p).sort()) {
      const full = join(p, n);
      if (n.startsWith(".") || !statSync(full).isDirectory()) continue;
      if (expandPaths([full]).length) out.push(full);
    }
  }
  return out.slice(0, 5);
}

/** A file named as an SSD export's are: ssd_<table>.csv, or a copy's name the SSD import refuses by name. */
function isSsdName(n: string): boolean {
  return /^ssd_[a-z0-9_]+\.csv$/i.test(n) || ssdCopyOf(n) !== undefined;
}

/** The kinds of file that make a statutory return (anything else is an SSD file, a figures or reference file, or unknown). */
const RETURN_KINDS: ReadonlySet<string> = new Set(["ssda903-csv", "ssda903-xml", "cin-census-xml", "annex-a-csv", "annex-a-xlsx"]);

/**
 * Is this an SSD export (so the SSD importer handles it)? Files named ssd_<table>.csv, with
 * population.csv and authorities.csv, and anything else only if it is no file Lantern reads (a
 * log or a README the export tool left, which the SSD import names in a warning). A return or a
 * figures file among SSD files makes it a mix, which the formats loader refuses file by file.
 * A folder `lantern generate` wrote (authorities.csv and a sub-folder per authority) is one too.
 */
export async function isSsdExport(paths: readonly string[]): Promise<boolean> {
  if (paths.length && paths.every(isGeneratedFolder)) return true;
  const files = expandPaths(paths);
  // A copy's name ("ssd_contacts (1).csv") is an SSD file too: the SSD import refuses it by name.
  const refName = /^(population|authorities)\.csv$/i;
  if (!files.some((f) => isSsdName(basename(f)))) return false;
  for (const f of files.filter((x) => !isSsdName(basename(x)) && !refName.test(basename(x)))) {
    const kind = isMeasuresFile(f) ? "measures" : (await detectFile(f)).detected.kind;
    if (kind !== "unknown" && kind !== "population" && kind !== "authorities") return false;
  }
  return true;
}

interface TableState {
  readonly table: SsdTable;
  /** Each key and where it was first read, so that a duplicate names both places. */
  readonly keys: Map<string, Loc>;
  readonly keyIndex: number;
  rows: number;
  writer?: BulkWriter;
}

/**
 * Tables whose keys come from the files (children, workers): their keys are tracked for
 * duplicates and references to them are checked. Every other key is made by a mapper from the
 * child's id and a counter, unique and consistent by construction, so it is not tracked (which
 * keeps memory to one entry per child, not per row).
 */
const FILE_KEYS = new Set(["ssd_person", "ssd_professionals"]);

/** "row 12", or "the file" for a place with no row. */
const rowOf = (l: Loc): string => (l.row === undefined ? "the file" : `row ${l.row}`);

/** The checking, staging sink every reader emits into. */
class Sink implements LoadSink {
  readonly tables = new Map<string, TableState>();
  readonly pending: { value: string; target: string; column: string; loc: Loc; key: IssueKey | undefined }[] = [];
  readonly authority: string;
  readonly log: Issues;
  constructor(authority: string, log: Issues) {
    this.authority = authority;
    this.log = log;
    for (const t of SSD_TABLES) this.tables.set(t.name, { table: t, keys: new Map(), keyIndex: t.columns.findIndex((c) => c.name === t.key), rows: 0 });
  }
  issue(i: DataIssue): void {
    this.log.add(i);
  }
  emit(table: string, values: Record<string, CellValue>, loc: Loc, reported?: ReadonlySet<string>): void {
    const st = this.tables.get(table);
    if (!st) throw new Error(`reader emitted unknown table ${table}`);
    const t = st.table;
    st.rows++;
    const row: CellValue[] = new Array(t.columns.length + 1);
    row[0] = this.authority;
    let bad = false;
    for (let i = 0; i < t.columns.length; i++) {
      const c = t.columns[i]!;
      const v = values[c.name] ?? null;
      row[i + 1] = v;
      if (v === null && c.required) {
        bad = true;
        if (!reported?.has(c.name)) this.log.add({ code: "FORMAT_VALUE_REQUIRED", severity: "error", ...loc, column: c.name, value: "", message: `${t.name}.${c.name} would be blank, but Lantern needs it.`, expected: `a value that gives ${c.name}` });
      }
      if (c.references && typeof v === "string") {
        const [tt] = c.references.split(".") as [string, string];
        if (FILE_KEYS.has(tt) && !this.tables.get(tt)!.keys.has(v)) this.pending.push({ value: v, target: tt, column: c.name, loc, key: this.log.key() });
      }
    }
    const key = row[st.keyIndex + 1];
    if (typeof key === "string" && FILE_KEYS.has(t.name)) {
      const first = st.keys.get(key);
      if (first) {
        bad = true;
        const firstAt = first.file === loc.file ? rowOf(first) : `${first.file}${first.row === undefined ? "" : `, row ${first.row}`}`;
        this.log.add({ code: "FORMAT_ID_DUPLICATE", severity: "error", ...loc, column: t.key, value: key, message: `${t.key} ${key} occurs twice: first at ${firstAt}, again at ${first.file === loc.file ? rowOf(loc) : `${loc.file}, ${rowOf(loc)}`}.`, expected: `each record once (${key} is already at ${firstAt})` });
      } else st.keys.set(key, loc);
    }
    for (const [a, b] of t.dateOrder ?? []) {
      const s = values[a];
      const e = values[b];
      if (typeof s === "number" && typeof e === "number" && e < s && !reported?.has(b)) {
        this.log.add({ code: "FORMAT_DATE_ORDER", severity: "warning", ...loc, column: b, message: `${t.name}: ${b} is before ${a}; the record is kept but durations from it are unreliable.`, expected: `${b} on or after ${a}` });
      }
    }
    if (!bad && st.writer && this.log.errors === 0) st.writer.append(row);
  }
  async drained(): Promise<void> {
    for (const st of this.tables.values()) await st.writer?.drained?.();
  }
  /** Forget every row taken (before a reader starts again from the beginning). */
  reset(): void {
    for (const st of this.tables.values()) {
      st.rows = 0;
      st.keys.clear();
    }
    this.pending.length = 0;
  }
  /** Check references once every row is in. */
  finish(fed: ReadonlySet<string>): void {
    // References met out of order (the 903 reader's, placed by key) are reported in file order.
    this.pending.sort((a, b) => (a.key && b.key ? compareKeys(a.key, b.key) : a.key ? -1 : b.key ? 1 : 0));
    for (const p of this.pending) {
      if (!fed.has(p.target)) continue;
      if (this.tables.get(p.target)!.keys.has(p.value)) continue;
      this.log.add({ code: "FORMAT_REFERENCE_MISSING", severity: "error", ...p.loc, column: p.column, value: p.value, message: `${p.column} ${p.value} refers to a record that is not in the files (${p.target}).`, expected: `a record for ${p.value} (for a 903 load: a Header row for every child)` });
    }
    this.pending.length = 0;
  }
}

function cinDates(c: CinChild): [string, CinDate][] {
  const out: [string, CinDate][] = [
    ["PersonBirthDate", c.dob],
    ["ExpectedPersonBirthDate", c.expectedDob],
    ["PersonDeathDate", c.death],
  ];
  for (const d of c.details) {
    out.push(["CINreferralDate", d.referral], ["CINclosureDate", d.closure], ["DateOfInitialCPC", d.icpc]);
    for (const a of d.assessments) out.push(["AssessmentActualStartDate", a.start], ["AssessmentAuthorisationDate", a.auth]);
    for (const p of d.plans) out.push(["CINPlanStartDate", p.start], ["CINPlanEndDate", p.end]);
    for (const s of d.s47) out.push(["S47ActualStartDate", s.start], ["InitialCPCtarget", s.target], ["DateOfInitialCPC", s.icpc]);
    for (const p of d.cpps) {
      out.push(["CPPstartDate", p.start], ["CPPendDate", p.end]);
      for (const r of p.reviews) out.push(["CPPreviewDate", r]);
    }
  }
  return out;
}

/** Everything read: which formats, files, what the load feeds. */
interface ReadOutcome {
  readonly formats: FormatId[];
  readonly files: FileSummary[];
  readonly fed: Set<string>;
  readonly lea?: string;
  readonly bytes: number;
  /** The reference dates (census days, ISO) the CIN census files' headers give. */
  readonly censusDays: string[];
}

/** Read and check every file into the sink. */
async function readAll(detected: readonly DetectedFile[], sink: Sink, log: Issues, opts: FormatLoadOptions, restage?: () => Promise<void>): Promise<ReadOutcome> {
  const formats = new Set<FormatId>();
  const files: FileSummary[] = [];
  const fed = new Set<string>();
  const total = detected.reduce((s, f) => s + f.bytes, 0);
  let before = 0;
  const progress = (f: DetectedFile) => (n: number) => opts.onProgress?.(before + n, total, f.name);
  const downgrade = opts.dfeErrorsAsQueries ?? false;
  let lea: string | undefined;
  const censusDays: string[] = [];

  // An SSD export with a file whose name is off the pattern (ssd_contacts_2025-06.csv) but whose
  // header is an SSD table's: the SSD importer reads files by their exact names, so the folder came
  // here as a mix. That one file is at fault, not the correctly named ones beside it: it alone is
  // refused, saying what to rename it. It is not read under its table's name: a dated suffix may
  // mean another month's extract, and two such files in a folder would leave the choice to chance.
  const misnamed = detected.filter((f) => f.detected.kind === "ssd" && !isSsdName(basename(f.path)));
  if (misnamed.length && !detected.some((f) => RETURN_KINDS.has(f.detected.kind))) {
    for (const f of misnamed) {
      const table = f.detected.kind === "ssd" ? f.detected.table : "";
      const named = detected.find((x) => basename(x.path).toLowerCase() === `${table}.csv`);
      log.add({
        code: "FORMAT_SSD_MISNAMED",
        severity: "error",
        file: f.name,
        message: `${f.name} holds an SSD table (${table}) but is not named ssd_<table>.csv: the files of an SSD export are read by their exact names, so the export cannot be loaded with it.`,
        expected: named ? `one file for ${table}: ${named.name} is here too, so remove the one not to load (or rename ${f.name} to ${table}.csv in its place)` : `the file renamed ${table}.csv`,
      });
    }
    return { formats: [], files: [], fed, bytes: total, censusDays };
  }

  // Unknown files and SSD files block. An SSD file's refusal names the return's files beside it:
  // among an export's thirty files, the one odd file would otherwise not be named in the first lines.
  const returnFiles = detected.filter((f) => RETURN_KINDS.has(f.detected.kind));
  const returnNamed = [...new Set(returnFiles.map((f) => RETURN_OF[f.detected.kind]))].join(" and ");
  const returnListed = `${returnFiles.slice(0, 3).map((f) => f.name).join(", ")}${returnFiles.length > 3 ? ` and ${returnFiles.length - 3} more` : ""}`;
  for (const f of detected) {
    const d = f.detected;
    if (d.kind === "unknown" && isMeasuresFile(f.path)) {
      log.add({ code: "FORMAT_MEASURES_MIXED", severity: "error", file: f.name, message: `${f.name} is a figures file (indicator, authority, period, value); figures files load on their own, not with a return's files.`, expected: "a figures file in its own `lantern import` run (or upload)" });
    } else if (d.kind === "unknown") {
      log.add(unknownFileIssue(f.name, d.reason));
    } else if (d.kind === "authorities") {
      log.add({ code: "FORMAT_FILE_NOT_READ", severity: "warning", file: f.name, message: `${f.name} is the list of authorities \`lantern generate\` writes beside its exports, not part of a return; it was not read.` });
    } else if (d.kind === "ssd") {
      const beside = returnFiles.length ? `, here with the files of ${returnNamed === "Annex A" ? "Annex A lists" : `${returnNamed === "SSDA903" ? "an" : "a"} ${returnNamed} return`} (${returnListed}): an SSD export and a return load on their own, one after the other.` : "; SSD exports load on their own, named ssd_<table>.csv.";
      log.add({ code: "FORMAT_SSD_MIXED", severity: "error", file: f.name, message: `${f.name} is an SSD table (${d.table})${beside}`, expected: "SSD files in their own `lantern import` run" });
    }
  }

  // SSDA903: CSV tables and XML, read child by child (see ssda903-read.ts).
  const files903 = detected.filter((f) => f.detected.kind === "ssda903-csv" || f.detected.kind === "ssda903-xml");
  if (files903.length) {
    for (const f of files903) formats.add(f.detected.kind as FormatId);
    const r = await read903({
      files: files903,
      log,
      sink,
      downgrade,
      onBytes: (n, label) => opts.onProgress?.(n, total, label),
      restart: async () => {
        sink.reset();
        await restage?.();
      },
      ...opts.read903,
    });
    opts.on903Read?.(r.mode);
    files.push(...r.files);
    before += files903.reduce((s, f) => s + f.bytes, 0);
    for (const t of r.tables) for (const ssd of SSDA903_TABLE_FEEDS[t]) fed.add(ssd);
  }

  // CIN census, streamed child by child.
  const calendar = opts.calendar ?? defaultCalendar();
  for (const f of detected) {
    if (f.detected.kind !== "cin-census-xml") continue;
    formats.add("cin-census-xml");
    for (const t of CIN_FEEDS) fed.add(t);
    const ctx: CtxCin = { referenceDate: null, calendar, seenIds: new Map() };
    let mutable = ctx;
    let n = 0;
    // The children of this file: a duplicate among them is DfE 8510's; any other, an earlier census's.
    const inFile = new Set<string>();
    for await (const { path, node } of readXmlRecords(f.path, (p) => (p.length === 2 && p[1] === "Header") || (p.length === 3 && p[1] === "Children" && p[2] === "Child"), progress(f))) {
      if (path[1] === "Header") {
        const h = cinHeaderFrom(node);
        for (const i of runRules(CIN_HEADER_RULES, h, { file: f.name }, { file: f.name, row: node.line }, downgrade)) log.add(i);
        mutable = { ...ctx, referenceDate: h.referenceDate };
        if (h.referenceDate !== null) censusDays.push(isoDate(h.referenceDate));
        lea ??= h.lea || undefined;
        continue;
      }
      n++;
      const c = cinChildFrom(node, f.name);
      for (const [col, dt] of cinDates(c)) {
        if (dt.day === undefined) log.add({ code: "FORMAT_DATE_INVALID", severity: "error", file: f.name, row: dt.line, column: col, value: dt.raw, message: `${col} "${dt.raw}" is not a date.`, expected: "a date as YYYY-MM-DD" });
      }
      for (const i of runRules(CIN_RULES, c, mutable, { file: f.name, row: c.line }, downgrade)) log.add(i);
      if (!c.id) continue;
      const inThisFile = inFile.has(c.id);
      inFile.add(c.id);
      const first = sink.tables.get("ssd_person")!.keys.get(c.id);
      if (first) {
        // In this file, DfE rule 8510 has said so already; in an earlier census of this load (two
        // files may share a name, in two folders), say so here, or the child's records in this
        // file would be left out without a word.
        if (!inThisFile) {
          const firstAt = `${first.file}${first.row === undefined ? "" : `, line ${first.row}`}`;
          log.add({ code: "FORMAT_ID_DUPLICATE", severity: "error", file: f.name, row: c.line, column: "LAchildID", value: c.id, message: `LAchildID ${c.id} is in two CIN censuses of this load: first at ${firstAt}, again at ${f.name}, line ${c.line}. One load takes one census; a child's records in both would be counted twice or lost.`, expected: "one CIN census per load: import each census year on its own" });
        }
        continue;
      }
      mapCin(c, sink);
    }
    files.push({ file: f.name, format: describeDetected(f.detected), ...(f.encoding ? { encoding: f.encoding } : {}), records: n });
    before += f.bytes;
  }

  // Annex A: CSV lists and workbooks.
  const mapper = new AnnexMapper(sink);
  const lists = new Map<number, string>();
  // `heads` is the list's header row (issues name a column as the file does); `csv` says the
  // cells are text from a CSV, where an Excel serial number is not taken for a date.
  const annexRows = async (rows: AsyncIterable<{ line: number; values: (string | number | boolean | null)[] }>, file: string, list: number, slots: Map<string, number>, heads: readonly unknown[], csv: boolean): Promise<number> => {
    const columnName = (k: string): string => {
      const i = slots.get(k);
      const h = i === undefined ? "" : String(heads[i] ?? "").trim();
      return h || k;
    };
    let n = 0;
    for await (const r of rows) {
      if (isBlankRow(r.values)) continue;
      n++;
      const row: AnnexRow = new Map();
      for (const [k, i] of slots) row.set(k, r.values[i] ?? null);
      const date = (k: string): number | null => {
        const v = row.get(k) ?? null;
        const d = annexDate(v, csv);
        if (d !== null && typeof d === "object") {
          const col = columnName(k);
          const asSerial = d.serialDay === undefined ? "" : ` (as one it would be ${isoDate(d.serialDay)}); in a CSV a date must be written as a date, not a number`;
          log.add({ code: "FORMAT_DATE_INVALID", severity: "error", file, row: r.line, column: col, value: String(v), message: `${col} "${String(v)}" ${d.problem}${asSerial}.`, expected: d.expected ?? "a date (a date cell, YYYY-MM-DD or DD/MM/YYYY)" });
          return null;
        }
        return d;
      };
      if (list !== 11 && !String(row.get("child") ?? "").trim()) {
        log.add({ code: "FORMAT_VALUE_REQUIRED", severity: "error", file, row: r.line, column: "Child Unique ID", value: "", message: "Child Unique ID is blank.", expected: "the child's id on every row" });
        continue;
      }
      // A list saved through Excel as CSV: a long id in scientific notation is not the child's.
      const mangled = list !== 11 && csv ? excelMangledId(columnName("child"), String(row.get("child"))) : undefined;
      if (mangled) {
        log.add({ code: "FORMAT_ID_EXCEL_NUMBER", severity: "error", file, row: r.line, column: columnName("child"), value: String(row.get("child")).trim(), ...mangled });
        continue;
      }
      mapper.row(list, row, file, r.line, date, columnName);
    }
    return n;
  };
  const claimList = (list: number, where: string): boolean => {
    const prev = lists.get(list);
    if (prev) {
      log.add({ code: "FORMAT_TABLE_TWICE", severity: "error", file: where, message: `${where} and ${prev} are both Annex A List ${list}.`, expected: "each list once per load" });
      return false;
    }
    lists.set(list, where);
    for (const t of ANNEX_A_FEEDS[list] ?? []) fed.add(t);
    return true;
  };
  for (const f of detected) {
    const d = f.detected;
    if (d.kind === "annex-a-csv") {
      formats.add("annex-a-csv");
      if (!claimList(d.list, f.name)) continue;
      let slots: Map<string, number> | undefined;
      let heads: string[] = [];
      // Annex A tools leave a row's trailing empty fields off: such rows are read with them blank, and said so once.
      const short = { rows: 0, first: undefined as { line: number; found: number } | undefined };
      async function* rows() {
        for await (const r of readCsvRows(f.path, progress(f), { shortRows: "blank" })) {
          if (r.found !== undefined) {
            short.rows++;
            short.first ??= { line: r.line, found: r.found };
          }
          if (!slots) {
            const m = matchAnnexList(r.cells)!;
            slots = m.slots;
            heads = r.cells;
            for (const k of m.missing) log.add({ code: "FORMAT_COLUMN_MISSING", severity: "error", file: f.name, row: 1, column: k, message: `${f.name} (Annex A List ${d.kind === "annex-a-csv" ? d.list : ""}) has no column for ${k}.`, expected: "the list's required columns (see docs/formats.md)" });
            for (const c of m.duplicates) log.add({ code: "FORMAT_COLUMN_DUPLICATE", severity: "error", file: f.name, row: 1, column: c.name, message: `column ${c.name} appears twice in the header.`, expected: "each column once" });
            continue;
          }
          yield { line: r.line, values: r.cells };
        }
      }
      const gen = rows();
      const first = await gen.next();
      let n = 0;
      if (!first.done) {
        async function* again() {
          yield first.value!;
          yield* gen;
        }
        n = await annexRows(again(), f.name, d.list, slots!, heads, true);
      }
      if (short.first) {
        const { line, found } = short.first;
        const w = heads.length;
        const what = short.rows === 1 ? `row ${line} has ${found} of the header's ${w} fields; its missing last fields were` : `${short.rows} rows have fewer than the header's ${w} fields (the first is row ${line}, with ${found}); their missing last fields were`;
        log.add({ code: "FILE_CSV_SHORT_ROWS", severity: "warning", file: f.name, row: line, message: `${f.name}: ${what} read as blank. If values are out of place, export the file again.`, expected: `${w} fields on every row, as in the header` });
      }
      files.push({ file: f.name, format: describeDetected(d), ...(f.encoding ? { encoding: f.encoding } : {}), records: n });
    } else if (d.kind === "annex-a-xlsx") {
      formats.add("annex-a-xlsx");
      const sheets = new Map<string, { list: number; slots: Map<string, number>; heads: readonly unknown[] } | null>();
      let n = 0;
      let pending: { line: number; values: (string | number | boolean | null)[]; sheet: string }[] = [];
      const flush = async (sheet: string) => {
        const s = sheets.get(sheet);
        if (s && pending.length) n += await annexRows((async function* () { yield* pending; })(), `${f.name} [${sheet}]`, s.list, s.slots, s.heads, false);
        pending = [];
      };
      let current = "";
      for await (const r of readXlsxRows(f.path)) {
        if (r.sheet !== current) {
          await flush(current);
          current = r.sheet;
        }
        if (!sheets.has(r.sheet)) {
          if (isBlankRow(r.values)) continue;
          const m = matchAnnexList(r.values.map((v) => (v === null ? "" : String(v))));
          if (!m) {
            sheets.set(r.sheet, null);
            log.add({ code: "FORMAT_SHEET_IGNORED", severity: "warning", file: f.name, message: `sheet "${r.sheet}" is not an Annex A list; it was ignored.` });
          } else if (!claimList(m.list, `${f.name} [${r.sheet}]`)) {
            sheets.set(r.sheet, null);
          } else {
            sheets.set(r.sheet, { list: m.list, slots: m.slots, heads: r.values });
            for (const k of m.missing) log.add({ code: "FORMAT_COLUMN_MISSING", severity: "error", file: `${f.name} [${r.sheet}]`, row: r.row, column: k, message: `sheet "${r.sheet}" (Annex A List ${m.list}) has no column for ${k}.`, expected: "the list's required columns (see docs/formats.md)" });
            for (const c of m.duplicates) log.add({ code: "FORMAT_COLUMN_DUPLICATE", severity: "error", file: `${f.name} [${r.sheet}]`, row: r.row, column: c.name, message: `column ${c.name} appears twice in the header.`, expected: "each column once" });
          }
          continue;
        }
        if (sheets.get(r.sheet)) pending.push({ line: r.row, values: r.values, sheet: r.sheet });
        if (pending.length >= 1000) {
          const s = sheets.get(r.sheet)!;
          const batch = pending;
          pending = [];
          n += await annexRows((async function* () { yield* batch; })(), `${f.name} [${r.sheet}]`, s.list, s.slots, s.heads, false);
        }
      }
      await flush(current);
      if (![...sheets.values()].some((s) => s)) log.add({ code: "FORMAT_FILE_UNKNOWN", severity: "error", file: f.name, message: `${f.name} is a workbook with no Annex A list in it.`, expected: "sheets List 1 … List 11 with Ofsted's Annex A headers in the first row" });
      files.push({ file: f.name, format: describeDetected(d), records: n });
    }
  }
  mapper.finish();
  sink.finish(fed);
  return { formats: [...formats], files, fed, ...(lea ? { lea } : {}), bytes: total, censusDays };
}

/** Indicators that cannot be computed from the tables a load feeds (plus what it carries forward). */
export function indicatorsNotFed(available: ReadonlySet<string>): { indicator: string; missing: string[] }[] {
  const out: { indicator: string; missing: string[] }[] = [];
  for (const def of indicatorLibrary().list()) {
    if (def.source === "measures") continue;
    const missing = def.needs.filter((n) => !available.has(`ssd_${n}`)).map((n) => `ssd_${n}`);
    if (missing.length) out.push({ indicator: def.id, missing });
  }
  return out;
}

/** The LA each CIN census file's header names (Header › Source › LEA), with the line it is on; files naming none are left out. */
async function censusLeas(detected: readonly DetectedFile[]): Promise<{ file: string; lea: string; line: number }[]> {
  const out: { file: string; lea: string; line: number }[] = [];
  for (const f of detected) {
    if (f.detected.kind !== "cin-census-xml") continue;
    try {
      for await (const { node } of readXmlRecords(f.path, (p) => p.length === 2 && p[1] === "Header")) {
        const h = cinHeaderFrom(node);
        const at = childrenNamed(childrenNamed(node, "Source")[0] ?? node, "LEA")[0];
        if (h.lea) out.push({ file: f.name, lea: h.lea, line: at?.line ?? node.line });
        break;
      }
    } catch {
      // A file that cannot be read is refused, with its words, when it is read for its children.
    }
  }
  return out;
}

/**
 * A CIN census names its authority (Header › Source › LEA): a load under another authority, or of
 * two authorities' censuses together, would file one council's children under another's code. The
 * same council by its DfE number and its ONS code (202, E09000007) is the same authority.
 */
function checkCensusLeas(leas: readonly { file: string; lea: string; line: number }[], authority: string | undefined, log: Issues): void {
  const first = leas[0];
  const refuse = (l: (typeof leas)[number], message: string, expected: string) =>
    log.add({ code: "FORMAT_AUTHORITY_MISMATCH", severity: "error", file: l.file, row: l.line, column: "LEA", value: l.lea, message, expected });
  for (const l of leas) {
    if (authority !== undefined && !sameAuthority(l.lea, authority)) {
      refuse(
        l,
        `${l.file} is the CIN census of LEA ${l.lea} (Header › Source › LEA), but --authority is ${authority}: loaded, ${l.lea}'s children would be filed under ${authority}.`,
        `a census for ${authority}: if the file is right, load it with --authority ${l.lea}; if the authority is right, choose ${authority}'s census file`,
      );
    } else if (authority === undefined && first && l !== first && !sameAuthority(l.lea, first.lea)) {
      refuse(
        l,
        `${l.file} is the CIN census of LEA ${l.lea} (Header › Source › LEA), but ${first.file} is LEA ${first.lea}'s: one load holds one authority's data.`,
        `census files of one authority in a load: load each authority's census on its own (lantern import ${l.file} --authority ${l.lea})`,
      );
    }
  }
}

/** The return each kind of file belongs to, as said to a person. */
const RETURN_OF: Readonly<Record<string, string>> = {
  "ssda903-csv": "SSDA903",
  "ssda903-xml": "SSDA903",
  "cin-census-xml": "CIN census",
  "annex-a-csv": "Annex A",
  "annex-a-xlsx": "Annex A",
};

/** A path as it can be pasted back into a shell (validate's messages quote paths the same way). */
export function shellWord(p: string): string {
  return /^[\w@%+=:,./-]+$/.test(p) ? p : `'${p.replace(/'/g, "'\\''")}'`;
}

/**
 * Files of different returns (an SSDA903, a CIN census, Annex A) are refused together, before
 * anything is read, by validate, a dry run, an import and an upload alike: one load is one
 * return. The same children are in each, so together each child's second record was a duplicate
 * id (thousands of errors for files that pass one by one), or, for a 903 with a CIN census, the
 * census records of children also in the 903 were silently dropped; and the lists and the census
 * carry the same referrals and episodes, which one snapshot would count twice. One at a time, each
 * load replaces only the tables its return carries and keeps the others.
 */
function refuseMixedReturns(opts: FormatLoadOptions, detected: readonly DetectedFile[], toStore: boolean): void {
  const groups = new Map<string, DetectedFile[]>();
  for (const f of detected) {
    const r = RETURN_OF[f.detected.kind];
    if (r) groups.set(r, [...(groups.get(r) ?? []), f]);
  }
  if (groups.size < 2) return;
  // Name each return by the paths given that hold its files alone, else by its files.
  const given = opts.paths.map((p) => ({ p, files: new Set(expandPaths([p])) }));
  const named = [...groups].map(([ret, fs]) => {
    const own = given.filter((g) => fs.some((f) => g.files.has(f.path)) && [...g.files].every((x) => !detected.some((f) => f.path === x && RETURN_OF[f.detected.kind] && RETURN_OF[f.detected.kind] !== ret)));
    const covered = new Set(own.flatMap((g) => [...g.files]));
    return { ret, fs, args: [...own.map((g) => g.p), ...fs.filter((f) => !covered.has(f.path)).map((f) => f.path)] };
  });
  const listed = (fs: readonly DetectedFile[]) => `${fs.slice(0, 3).map((f) => f.name).join(", ")}${fs.length > 3 ? ` and ${fs.length - 3} more` : ""}`;
  const article: Readonly<Record<string, string>> = { SSDA903: "an SSDA903 return", "CIN census": "a CIN census", "Annex A": "Annex A lists" };
  const returns = named.map((n) => `${article[n.ret]} (${listed(n.fs)})`);
  const command = (args: readonly string[]) =>
    toStore ? `lantern import ${args.map(shellWord).join(" ")} --authority ${opts.authority ?? "CODE"}${opts.dryRun ? " --dry-run" : ""}` : `lantern validate ${args.map(shellWord).join(" ")}`;
  throw new LanternError(
    "LANTERN_USAGE",
    `These files hold ${groups.size} different returns: ${returns.slice(0, -1).join(", ")} and ${returns.at(-1)}. One load checks and loads one return: given together, the children in more than one would be duplicate ids, and the records they share would be counted twice.`,
    {
      hint: `${toStore ? "Import" : "Validate"} each return on its own, one after the other (each load replaces only the tables its return carries and keeps the others). For example: ${named.map((n) => command(n.args)).join(", then ")}.`,
    },
  );
}

/** No file at all in the paths given; an export unzipped into a folder of its own (export/export/ssd_person.csv) is pointed to. */
function noFilesFound(paths: readonly string[]): LanternError {
  const below = foldersHoldingFiles(paths);
  return new LanternError("LANTERN_NO_FILES", `No files were found in ${paths.join(", ")}${below.length ? `; ${below.length === 1 ? "a folder inside holds some" : "folders inside hold some"}: ${below.join(", ")}` : ""}.`, {
    hint: below.length ? `Name the folder that holds the files (Lantern does not look in folders inside the one named), for example ${below[0]}.` : "Name the files or folders of the export or return.",
  });
}

function unknownFileIssue(name: string, reason: string): DataIssue {
  return { code: "FORMAT_FILE_UNKNOWN", severity: "error", file: name, message: `${name} is not a format Lantern reads: ${reason.replace(/\.$/, "")}.`, expected: "an SSDA903 table (CSV or XML), a CIN census XML, or Ofsted Annex A lists (workbook or CSV)" };
}

/**
 * Refuse paths that hold nothing to load, before a store is opened (opening the embedded store
 * creates it, so `lantern import` of the wrong folder left an empty store behind): no file at all
 * (LANTERN_NO_FILES, as a load says), only files of no format Lantern reads (a README, an old
 * .xls: FORMAT_FILE_UNKNOWN for each, as a load says), or only the population or authorities
 * files that go beside an export. Anything else (an SSD file by its name, a figures file, a
 * return) is for its loader to judge; only the first 64 KB of each file are read here.
 */
export async function refuseNothingToLoad(paths: readonly string[]): Promise<void> {
  if (paths.some(isGeneratedFolder)) return;
  const files = expandPaths(paths);
  if (!files.length) throw noFilesFound(paths);
  const unknown: DetectedFile[] = [];
  const beside: string[] = [];
  for (const f of files) {
    if (isSsdName(basename(f)) || isMeasuresFile(f)) return;
    const d = await detectFile(f);
    if (d.detected.kind === "unknown") unknown.push(d);
    else if (d.detected.kind === "population" || d.detected.kind === "authorities") beside.push(d.name);
    else return;
  }
  if (unknown.length) {
    const log = new Issues(500);
    for (const f of unknown) log.add(unknownFileIssue(f.name, f.detected.kind === "unknown" ? f.detected.reason : ""));
    throw rejection(log);
  }
  throw new LanternError("LANTERN_NO_FILES", `No export, return or figures file was found in ${paths.join(", ")}: ${paths.length === 1 ? "it holds" : "they hold"} only ${beside.join(" and ")}, which ${beside.length === 1 ? "goes" : "go"} beside the files of an export or return.`, {
    hint: "Name the folder or files of the SSD export or statutory return, with the population file beside them.",
  });
}

/**
 * Validate and (unless dryRun or no store) load statutory-format files as one snapshot. Throws
 * LANTERN_DATA_REJECTED with every issue when there is an error and a store was given.
 */
export async function loadFormats(store: Store | undefined, opts: FormatLoadOptions): Promise<FormatLoadResult> {
  // One connection throughout: the staging tables are temporary tables of that connection.
  return store ? store.session(() => loadOn(store, opts)) : loadOn(undefined, opts);
}

async function loadOn(store: Store | undefined, opts: FormatLoadOptions): Promise<FormatLoadResult> {
  const started = performance.now();
  if (opts.authority !== undefined && !AUTHORITY_CODE.test(opts.authority)) {
    throw new LanternError("LANTERN_BAD_OPTION", `--authority ${JSON.stringify(opts.authority)} is not an authority code.`, { hint: "Use the DfE local authority number (for example 202)." });
  }
  if (store && opts.authority !== undefined) await checkAuthorityCase(store, opts.authority);
  const paths = expandPaths(opts.paths);
  if (!paths.length) throw noFilesFound(opts.paths);
  const found: DetectedFile[] = [];
  for (const p of paths) found.push(await detectFile(p));
  const detected = distinctNames(found);
  refuseMixedReturns(opts, detected, !!store);
  const log = new Issues(opts.maxIssues ?? 500);
  const leas = await censusLeas(detected);
  checkCensusLeas(leas, opts.authority, log);
  const stage = !!store && !opts.dryRun;
  // Authority: given, or the CIN census's LEA (read later), or "unknown" for validation only.
  let authority = opts.authority ?? "";
  const sink = new Sink(authority || "?", log);
  const staging = loadStaging();
  // (Re)create the staging tables, empty, with a writer into each.
  const restage = async () => {
    for (const st of sink.tables.values()) {
      const w = st.writer;
      delete st.writer;
      await w?.close();
    }
    for (const [name, w] of await stageTables(store!, staging, { onDisk: true })) sink.tables.get(name)!.writer = w;
  };
  if (stage) await restage();
  let outcome: ReadOutcome;
  try {
    outcome = await readAll(detected, sink, log, opts, stage ? restage : undefined);
  } catch (e) {
    for (const st of sink.tables.values()) await st.writer?.close().catch(() => undefined);
    await dropStaging(store!, staging, stage);
    if (isLanternError(e)) {
      if (e.code === "LANTERN_DATA_REJECTED" || e.code === "LANTERN_FILE_UNREADABLE") {
        for (const i of e.issues) log.add(i);
        if (!e.issues.length) log.add({ code: "FORMAT_FILE_UNREADABLE", severity: "error", message: e.message, ...(e.hint ? { expected: e.hint } : {}) });
        return reject(store, log, authority, detected, started, e.hint);
      }
      throw e;
    }
    throw new LanternError("LANTERN_INTERNAL", `Reading the files failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  for (const st of sink.tables.values()) await st.writer?.close();
  if (!authority) authority = outcome.lea ?? "";
  // The population file beside a return sets its rate denominators, as beside an SSD export.
  const population: PopulationRow[] = [];
  const popFiles = detected.filter((f) => f.detected.kind === "population");
  for (const f of popFiles.slice(1)) {
    log.add({ code: "FORMAT_POPULATION_TWICE", severity: "error", file: f.name, message: `${f.name} and ${popFiles[0]!.name} are both population files; which one the rates used would be chance.`, expected: "one population file (la_code,year,population_0_17) in a load" });
  }
  for (const f of popFiles.slice(0, 1)) {
    const rows = await readPopulation(f.path, authority, log);
    // Checked against the authority only when it is known (validate may be given none).
    population.push(...populationOf(rows, authority, authority !== "", f.name, log));
    outcome.files.push({ file: f.name, format: describeDetected(f.detected), ...(f.encoding ? { encoding: f.encoding } : {}), records: rows.length });
  }
  // A load into a store needs its authority; so does a dry run of one (import --dry-run), which
  // must refuse what the load would. Only validate (no store) checks files of no known authority.
  if (store && !authority) {
    await dropStaging(store, staging, stage);
    throw new LanternError("LANTERN_USAGE", "Say which authority the data is for with --authority CODE.", { hint: "For example: lantern import ./903 --authority 202" });
  }
  const fedTables = [...outcome.fed].sort();
  const tables = fedTables.map((t) => ({ table: t, rows: sink.tables.get(t)!.rows }));
  const rows = tables.reduce((s, t) => s + t.rows, 0);
  const stored = store && authority ? await latestTables(store, authority) : new Map<string, number>();
  const available = new Set([...fedTables, ...stored.keys()]);
  // Files of no rows at all could only wipe tables: refused here, so validate and a dry run say
  // what the load says (it is checked again, against the staged rows, before committing).
  if (rows === 0 && log.errors === 0) log.add(emptyLoadIssue(authority, stored.size > 0, fedTables));
  const base = {
    authority: authority || "?",
    formats: outcome.formats,
    files: outcome.files,
    tables,
    rows,
    errorCount: log.errors,
    warningCount: log.warnings,
    queryCount: log.queries,
    issues: log.kept,
    fed: fedTables,
    notComputable: indicatorsNotFed(available),
    bytes: outcome.bytes,
  };
  if (log.errors > 0) {
    if (stage) await dropStaging(store, staging, true);
    if (!store) return { ...base, status: "rejected", elapsedMs: performance.now() - started };
    const misnamedOnly = log.keptErrors.every((i) => i.code === "FORMAT_SSD_MISNAMED");
    throw rejection(log, misnamedOnly ? "Rename the file listed as said (or remove it) and import the export again." : undefined);
  }
  if (!stage) return { ...base, status: store ? "validated" : "validated", elapsedMs: performance.now() - started };

  // Commit: snapshot, rows, DfE queries — one transaction, never interleaved with another load
  // for the same authority (the second waits, then compares itself with the first's snapshot).
  const commit = async (): Promise<FormatLoadResult> => {
    const shas = await Promise.all(detected.map(async (f) => ({ f, sha: await sha256File(f.path) })));
    const fingerprint = createHash("sha256")
      .update(shas.map((s) => `${s.f.name.toLowerCase()}:${s.sha}`).sort().join("\n"))
      .digest("hex");
    const hit = await identicalSnapshot(store, authority, fingerprint);
    if (hit && !opts.force) {
      await dropStaging(store, staging, true);
      return { ...base, status: "unchanged", identicalTo: hit, elapsedMs: performance.now() - started };
    }
    // Staged rows carry the placeholder authority when it came from the file: set it.
    if (!opts.authority) for (const t of SSD_TABLES) await store.run(`UPDATE ${staging.table(t.name)} SET la_code = $1`, [authority]);
    // Children the kept tables still refer to keep their person rows; anything else the load
    // would leave pointing at nothing, or a load of no rows at all, is said before committing.
    const carriedPeople = await carryPeople(store, staging, authority, new Set(fedTables));
    if (carriedPeople > 0) {
      log.add({
        code: "FORMAT_PEOPLE_KEPT",
        severity: "warning",
        message: `${carriedPeople.toLocaleString("en-GB")} children not in this return but referred to by tables kept from ${authority}'s stored snapshot keep their ssd_person rows from it.`,
      });
    }
    const yearFrom = await returnYearStart(store, staging, new Set(fedTables), outcome.censusDays);
    const windowFrom = await annexWindowFrom(store, staging, new Set(fedTables), outcome.formats);
    const overHistory = await returnOverHistory(store, authority, yearFrom);
    if (overHistory) log.add(overHistory);
    for (const i of await replacementIssues(store, staging, authority, new Map(tables.map((t) => [t.table, { rows: t.rows }])), "warning")) log.add(i);
    if (log.errors > 0) {
      await dropStaging(store, staging, true);
      throw rejection(log);
    }
    let snapshotId = 0;
    const now = (opts.now ?? (() => new Date()))().toISOString();
    try {
      await store.transaction(async () => {
        snapshotId = await writeSnapshot(store, {
          authority,
          format: outcome.formats.join("+"),
          loadedBy: opts.loadedBy ?? commandLineUser(),
          at: now,
          forced: !!hit,
          fingerprint,
          files: shas.map(({ f, sha }) => ({ name: f.name, path: f.path, sha256: sha, bytes: f.bytes, table: null, rows: outcome.files.find((x) => x.file === f.name)?.records ?? 0 })),
          tables: new Map(tables.map((t) => [t.table, t.rows + (t.table === "ssd_person" ? carriedPeople : 0)])),
          warnings: log.kept.filter((i) => i.severity === "warning"),
        });
        for (const q of log.kept.filter((i) => i.severity === "warning" && DFE_CODE.test(i.code))) {
          await store.run(
            `INSERT INTO lantern_dfe_query (snapshot_id, rule_id, dataset, file_name, row_number, column_name, value, expected, message) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
            [snapshotId, q.code.replace(DFE_CODE, ""), q.code.startsWith("903") ? "ssda903" : "cin", q.file ?? null, q.row ?? null, q.column ?? null, q.value ?? null, q.expected ?? null, q.message],
          );
        }
        await commitRows(store, staging, [[authority, snapshotId]]);
        await storePopulation(store, population);
        await setCoverage(store, snapshotId, available, yearFrom);
        if (windowFrom) await coverage(store, snapshotId, authority, windowFrom);
        await setTableCoverage(store, snapshotId, fedTables, yearFrom);
      });
    } finally {
      await dropStaging(store, staging, true);
    }
    return { ...base, authority, status: "loaded", snapshotId, warningCount: log.warnings, elapsedMs: performance.now() - started };
  };
  return store.exclusive([`load:${authority}`], commit);
}

/** Tables a return holds one collection year of, with the dates that place its records in time. */
const RETURN_YEAR_TABLES: readonly (readonly [string, string, string])[] = [
  ["ssd_cla_episodes", "clae_cla_episode_start_date", "clae_cla_episode_ceased_date"],
  ["ssd_cin_episodes", "cine_referral_date", "cine_close_date"],
];

/** The financial year (its first day) holding `latest`, less a week's grace for the odd date just after the year's end. */
function collectionYearStart(latest: string): string {
  return isoDate(collectionYearOf(dayNumber(latest)).start);
}

/**
 * The first day of the collection year a return holds (a 903, a CIN census: a load that replaces
 * a table of {@link RETURN_YEAR_TABLES} and not the front door), or null for any other load.
 * A CIN census says its year by its census day (`censusDays`, from the files' headers); a 903 by
 * its latest episode date (one load holds one return: {@link refuseMixedReturns}).
 */
async function returnYearStart(store: Store, staging: LoadStaging, fed: ReadonlySet<string>, censusDays: readonly string[]): Promise<string | null> {
  if (fed.has("ssd_contacts")) return null;
  let year: string | null = null;
  for (const [table, start, end] of RETURN_YEAR_TABLES) {
    if (!fed.has(table)) continue;
    const census = table === "ssd_cin_episodes" ? [...censusDays].sort().at(-1) : undefined;
    const [m] = census ? [] : await store.all<{ s: string | null; e: string | null }>(`SELECT CAST(max(${start}) AS VARCHAR) AS s, CAST(max(${end}) AS VARCHAR) AS e FROM ${staging.table(table)}`);
    const latest = census ?? [m?.s, m?.e].filter((x): x is string => !!x).sort().at(-1);
    if (!latest) continue;
    const y = collectionYearStart(latest.slice(0, 10));
    if (!year || y > year) year = y;
  }
  return year;
}

/**
 * The first day of the window an Annex A load's lists cover ({@link annexWindowStart}, from their
 * earliest contact, early help assessment or section 47 enquiry), or null for any other load. As
 * a return's collection year is kept with its snapshot, this is recorded as the first day the
 * snapshot covers: rounded up to the next month from the first contact, a window starting on a
 * bank holiday would lose its first month (an Annex A for 2024-25 would cover May to March, and
 * every 2024-25 figure and a re-export of the year would be refused).
 */
async function annexWindowFrom(store: Store, staging: LoadStaging, fed: ReadonlySet<string>, formats: readonly FormatId[]): Promise<string | null> {
  if (!formats.some((f) => f === "annex-a-xlsx" || f === "annex-a-csv") || !fed.has("ssd_contacts")) return null;
  let earliest: string | null = null;
  for (const [table, col] of ANNEX_WINDOW_EVENTS) {
    if (!fed.has(table)) continue;
    const [m] = await store.all<{ m: string | null }>(`SELECT CAST(min(${col}) AS VARCHAR) AS m FROM ${staging.table(table)}`);
    const day = m?.m?.slice(0, 10);
    if (day && (!earliest || day < earliest)) earliest = day;
  }
  return earliest ? annexWindowStart(earliest) : null;
}

/** Tables that describe children or staff rather than events in time: a return's year does not bound them. */
const UNDATED_TABLES: ReadonlySet<string> = new Set(["ssd_person", "ssd_disability", "ssd_immigration_status", "ssd_professionals", "ssd_department"]);

/**
 * Record that the dated tables a return replaces hold its collection year only (from `yearFrom`):
 * children looked after at the end of an earlier year are only those still in this return, so
 * the KPI engine computes an indicator needing such a table only for periods from that day, and
 * gives earlier ones no value, with the reason (`kpi/targets.ts`). Kept with the snapshot that
 * wrote the rows, so a later load carrying the table forward carries this too.
 */
async function setTableCoverage(store: Store, snapshotId: number, fed: readonly string[], yearFrom: string | null): Promise<void> {
  if (!yearFrom) return;
  for (const table of fed.filter((t) => !UNDATED_TABLES.has(t))) {
    await store.run(`INSERT INTO lantern_table_coverage (snapshot_id, table_name, data_from) VALUES ($1, $2, CAST($3 AS DATE))`, [snapshotId, table, yearFrom]);
  }
}

/**
 * A warning when a return replaces tables of which it holds one collection year (from
 * `yearFrom`), while the front door is kept from a stored snapshot whose data reaches back before
 * that year: the new snapshot gives the figures needing those tables no value for the earlier
 * periods (worked out from this year's records alone they would be too low). Said before
 * committing, naming the snapshot that still holds them.
 */
async function returnOverHistory(store: Store, authority: string, yearFrom: string | null): Promise<DataIssue | undefined> {
  if (!yearFrom) return undefined;
  const [prev] = await store.all<{ snapshot_id: number }>(`SELECT snapshot_id FROM lantern_latest_snapshot WHERE la_code = $1`, [authority]);
  if (!prev) return undefined;
  const kept = await latestTables(store, authority);
  if (!kept.has("ssd_contacts")) return undefined;
  const cov = await coverage(store, Number(prev.snapshot_id), authority);
  if (!cov.from || cov.from >= yearFrom) return undefined;
  return {
    code: "FORMAT_RETURN_OVER_HISTORY",
    severity: "warning",
    message: `This return replaces tables for ${authority} with the records of the year from ${yearFrom} only, while its stored data (snapshot ${prev.snapshot_id}) reaches back to ${cov.from}: figures needing those tables will have no value for periods before ${yearFrom} in the new snapshot (from this return alone they would be too low).`,
    expected: `for periods before ${yearFrom}, the figures of snapshot ${prev.snapshot_id} (lantern indicators --snapshot ${prev.snapshot_id}); or load the full SSD export again after this return`,
  };
}

/**
 * A return with no contacts or referrals (the 903) gives the KPI engine no start for its periods;
 * such a snapshot covers its collection year (`yearFrom`, from {@link returnYearStart}: the
 * financial year holding its latest episode date), recorded before anything is computed.
 */
async function setCoverage(store: Store, snapshotId: number, available: ReadonlySet<string>, yearFrom: string | null): Promise<void> {
  if (available.has("ssd_contacts") || available.has("ssd_cin_episodes") || !available.has("ssd_cla_episodes") || !yearFrom) return;
  const to = isoDate(dayOf(Number(yearFrom.slice(0, 4)) + 1, 3, 31));
  await store.run(`INSERT INTO lantern_coverage (snapshot_id, data_from, data_to) VALUES ($1, CAST($2 AS DATE), CAST($3 AS DATE))`, [snapshotId, yearFrom, to]);
}

function rejection(log: Issues, hint?: string): LanternError {
  const shown = log.kept.filter((i) => i.severity === "error").length;
  return new LanternError("LANTERN_DATA_REJECTED", `The load was refused: ${log.errors} error(s) in the data${shown < log.errors ? ` (the first ${shown} are listed)` : ""}. Nothing was loaded; the store is unchanged.`, {
    issues: log.kept,
    counts: { errors: log.errors, warnings: log.warnings },
    hint: hint ?? `Correct ${listedToCorrect(log.kept)} and load again; \`lantern validate PATH --report report.html\` writes every issue. DfE errors can be loaded as queries with --dfe-errors-as-queries.`,
  });
}

async function reject(store: Store | undefined, log: Issues, authority: string, detected: readonly DetectedFile[], started: number, hint?: string): Promise<FormatLoadResult> {
  if (store) throw rejection(log, hint);
  return {
    authority: authority || "?",
    status: "rejected",
    formats: [],
    files: detected.map((f) => ({ file: f.name, format: describeDetected(f.detected), records: 0 })),
    tables: [],
    rows: 0,
    errorCount: log.errors,
    warningCount: log.warnings,
    queryCount: log.queries,
    issues: log.kept,
    fed: [],
    notComputable: [],
    bytes: detected.reduce((s, f) => s + f.bytes, 0),
    elapsedMs: performance.now() - started,
  };
}
