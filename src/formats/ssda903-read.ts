/**
 * @module
 * Reading an SSDA903 return child by child in bounded memory. The DfE's cross-table rules (an
 * episode against the Header's date of birth, overlapping episodes, …) and the mapping need all of
 * one child's records together, which the tables hold in separate files. Three ways, the first
 * that applies:
 *
 * - **merge** (a Header CSV is given): the Header is read once for its children's order; then
 *   every table file is read at once and merged child by child in that order, checking as it
 *   goes that each file follows it (the DfE's exports and every sample do: grouped by child, in
 *   the Header's order). Records of children not in the Header are set aside on disk and read
 *   back grouped at the end. A file that does not follow the order (or any file that cannot be
 *   read) stops the merge; the load starts again by spilling.
 * - **xml** (only EXPSSDA903 files): each `<CHILD>` holds all of a child's records; they are
 *   checked and mapped as they are read.
 * - **spill** (anything else): the files are read one after the other, as before, and every
 *   record is written to sorted runs on disk (an external sort by child), then read back merged,
 *   child by child.
 *
 * Each way gives the same issues, DfE rule results and SSD rows: issues are placed by where the
 * old whole-file reader met them ({@link Issues} ordered mode): file-level and record-level
 * checks by (file, record), a child's rule results and mapping issues by the child's first
 * record (file, record). What memory still grows with the file: one entry per child (the Header
 * order for the merge, the ids already seen for the XML), the sink's per-child key checks, and a
 * single child's records (every record of one CHILD id is held at once).
 */

import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { DataIssue } from "../core/errors.ts";
import { excelMangledId, isProblem, parseDate } from "../ingest/values.ts";
import { readCsvRows } from "./csv.ts";
import { type DetectedFile, describeDetected } from "./detect.ts";
import type { IssueKey, Issues } from "./issues.ts";
import { field, type LoadSink, type SourceRecord } from "./model.ts";
import { runRules } from "./rules/registry.ts";
import { COLLECTION_END_RULES, needsCollectionEnd, SSDA903_RULES } from "./rules/ssda903-rules.ts";
import { type Child903, cellKey, child903FromXml, collectionYearOf, day, dateProblemWords, map903, Model903, normHeader, recs, SSDA903_DATES, SSDA903_TABLES, SSDA903_XML_TABLES, type Ssda903Table } from "./ssda903.ts";
import { readXmlRecords } from "./xml.ts";

/** What one 903 file read gives: a record per CSV row, or every record of one XML `<CHILD>`. */
export interface Unit903 {
  /** The child's id, trimmed. */
  readonly c: string;
  /** The file's place in the load (the order files were given). */
  readonly i: number;
  /** The unit's ordinal in its file (CSV data rows from 1, XML `<CHILD>` elements from 1). */
  readonly o: number;
  /** The line the unit starts on. */
  readonly l: number;
  /** An XML `<CHILD>` (its records stand or fall together). */
  readonly x: boolean;
  readonly r: readonly { readonly t: Ssda903Table; readonly rec: SourceRecord }[];
}

/** How a load was read (for tests and the benchmark). */
export type Read903Mode = "merge" | "xml" | "spill";

export interface Read903Options {
  /** The 903 files in the order given (CSV tables and EXPSSDA903 XML). */
  readonly files: readonly DetectedFile[];
  readonly log: Issues;
  readonly sink: LoadSink;
  readonly downgrade: boolean;
  readonly onBytes?: (done: number, label: string) => void;
  /** Undo whatever the sink has taken (rows, keys, staged rows) before reading again. */
  readonly restart: () => Promise<void>;
  /** Where records are spilled (default: the system's temporary folder). */
  readonly tmpDir?: string;
  /** Force a way of reading (tests). */
  readonly mode?: Read903Mode;
  /** Records held in memory before a sorted run is written (tests make it small). */
  readonly runChars?: number;
}

export interface Read903Result {
  /** The 903 tables the files hold (each CSV's table; every table an XML file carries). */
  readonly tables: ReadonlySet<Ssda903Table>;
  readonly files: { readonly file: string; readonly format: string; readonly encoding?: string; readonly records: number }[];
  readonly mode: Read903Mode;
}

const INTERNED = new Map<string, string>();
/** One copy of each short repeated value (codes, dates): a 903 holds the same few thousand. */
function intern(v: string): string {
  if (v.length > 12) return v;
  const hit = INTERNED.get(v);
  if (hit !== undefined) return hit;
  if (INTERNED.size < 200_000) INTERNED.set(v, v);
  return v;
}

/**
 * Every 903 date that is given must be one Lantern can read: an error whatever
 * --dfe-errors-as-queries says (a DfE rule would let it load blank), said in the 903's words (an
 * Excel serial with the date it would be, a month in words). Each cell refused is added to
 * `refused`, so the SSD column it would give is not refused again.
 */
function check903Dates(r: SourceRecord, log: Issues, refused: Set<string>): void {
  for (const k of SSDA903_DATES) {
    const v = r.f[k];
    if (v === undefined) continue;
    const s = v.trim();
    const d = s ? parseDate(s) : null;
    if (d !== null && isProblem(d)) {
      log.add({ code: "FORMAT_DATE_INVALID", severity: "error", file: r.file, row: r.row, column: k, value: s, message: `${dateProblemWords(k, s, d)}.`, expected: d.expected });
      refused.add(cellKey(r, k));
    }
  }
}

/**
 * An episode's DECOM that is blank, when DfE errors are loaded as queries: DfE rule 141 is then
 * only a query, but Lantern cannot load an episode without the day it began, so the cell is
 * refused as a structural error. (One that cannot be read is refused by {@link check903Dates}.)
 */
function checkEpisodeStarts(c: Child903, log: Issues, refused: Set<string>): void {
  for (const e of recs(c, "Episodes")) {
    if (refused.has(cellKey(e, "DECOM")) || field(e, "DECOM") !== "") continue;
    log.add({ code: "FORMAT_VALUE_REQUIRED", severity: "error", file: e.file, row: e.row, column: "DECOM", value: "", message: "DECOM is blank: an episode cannot be loaded without the date it began.", expected: "the date the episode began, as DD/MM/YYYY" });
    refused.add(cellKey(e, "DECOM"));
  }
}

// ---- Sources ----------------------------------------------------------------------------------

/** One file read unit by unit. */
interface Source {
  readonly index: number;
  readonly file: DetectedFile;
  /** Units read so far (rows with a blank CHILD and duplicate XML children included). */
  records: number;
  next(): Promise<Unit903 | undefined>;
  close(): Promise<void>;
}

function csvSource(f: DetectedFile, index: number, table: Ssda903Table, log: Issues, onBytes: (n: number) => void): Source {
  const cols: readonly string[] = SSDA903_TABLES[table];
  const it = readCsvRows(f.path, onBytes)[Symbol.asyncIterator]();
  let header: string[] | undefined;
  let keep: [number, string][] = [];
  const s: Source = {
    index,
    file: f,
    records: 0,
    async next() {
      for (;;) {
        const step = await it.next();
        if (step.done) return undefined;
        const r = step.value;
        if (!header) {
          header = r.cells.map(normHeader);
          keep = header.map((h, i) => [i, h] as [number, string]).filter(([, h]) => cols.includes(h));
          const seen = new Set<string>();
          log.at([0, index, 0]);
          for (const h of header) {
            if (seen.has(h)) log.add({ code: "FORMAT_COLUMN_DUPLICATE", severity: "error", file: f.name, row: 1, column: h, message: `column ${h} appears twice in the header.`, expected: "each column once" });
            seen.add(h);
          }
          continue;
        }
        const o = ++s.records;
        const rec: SourceRecord = { file: f.name, row: r.line, f: {} };
        for (const [i, h] of keep) rec.f[h] = h === "CHILD" ? (r.cells[i] ?? "") : intern(r.cells[i] ?? "");
        const child = (rec.f["CHILD"] ?? "").trim();
        if (!child) {
          log.at([0, index, o]);
          log.add({ code: "FORMAT_VALUE_REQUIRED", severity: "error", file: f.name, row: r.line, column: "CHILD", value: "", message: "CHILD is blank.", expected: "the child's id on every row" });
          continue;
        }
        const mangled = excelMangledId("CHILD", child);
        if (mangled) {
          // Saved through Excel: not this child's id, and maybe another's (so not a "second Header row").
          log.at([0, index, o]);
          log.add({ code: "FORMAT_ID_EXCEL_NUMBER", severity: "error", file: f.name, row: r.line, column: "CHILD", value: child, ...mangled });
          continue;
        }
        return { c: child, i: index, o, l: r.line, x: false, r: [{ t: table, rec }] };
      }
    },
    async close() {
      await it.return?.(undefined);
    },
  };
  return s;
}

function xmlSource(f: DetectedFile, index: number, log: Issues, onBytes: (n: number) => void): Source {
  const it = readXmlRecords(f.path, (p) => p.length === 2 && p[1] === "CHILD", onBytes)[Symbol.asyncIterator]();
  const s: Source = {
    index,
    file: f,
    records: 0,
    async next() {
      for (;;) {
        const step = await it.next();
        if (step.done) return undefined;
        const { node } = step.value;
        const o = ++s.records;
        const tmp = new Model903();
        child903FromXml(node, f.name, tmp);
        for (const [id, c] of tmp.children) {
          if (!id) {
            log.at([0, index, o]);
            log.add({ code: "FORMAT_VALUE_REQUIRED", severity: "error", file: f.name, row: node.line, column: "CHILDID", value: "", message: "a CHILD has no CHILDID.", expected: "a CHILDID in every HEADER" });
            continue;
          }
          const r: { t: Ssda903Table; rec: SourceRecord }[] = [];
          for (const [t, rs] of Object.entries(c.records) as [Ssda903Table, SourceRecord[]][]) for (const rec of rs) r.push({ t, rec });
          return { c: id, i: index, o, l: node.line, x: true, r };
        }
      }
    },
    async close() {
      await it.return?.(undefined);
    },
  };
  return s;
}

// ---- Spilling to sorted runs --------------------------------------------------------------------

const byUnit = (a: { c: string; i: number; o: number }, b: { c: string; i: number; o: number }): number => (a.c < b.c ? -1 : a.c > b.c ? 1 : a.i - b.i || a.o - b.o);

/** Runs merged at once. */
const MAX_FAN = 64;

const keyOf = (line: string): { c: string; i: number; o: number } => {
  const [c, i, o] = JSON.parse(line) as [string, number, number];
  return { c, i, o };
};

/** The lines of sorted runs, merged in order. */
async function* mergeLines(paths: readonly string[]): AsyncGenerator<string> {
  const readers = paths.map((p) => createInterface({ input: createReadStream(p, { highWaterMark: 1 << 16 }), crlfDelay: Infinity })[Symbol.asyncIterator]());
  const heads: ({ line: string; k: { c: string; i: number; o: number } } | undefined)[] = [];
  for (const r of readers) {
    const n = await r.next();
    heads.push(n.done ? undefined : { line: n.value, k: keyOf(n.value) });
  }
  try {
    for (;;) {
      let best = -1;
      for (let k = 0; k < heads.length; k++) if (heads[k] && (best < 0 || byUnit(heads[k]!.k, heads[best]!.k) < 0)) best = k;
      if (best < 0) return;
      yield heads[best]!.line;
      const n = await readers[best]!.next();
      heads[best] = n.done ? undefined : { line: n.value, k: keyOf(n.value) };
    }
  } finally {
    for (const r of readers) await r.return?.(undefined);
  }
}

/**
 * An external sort of units by (child, file, ordinal): units are held as JSON until about
 * `runChars` characters, then sorted and written as a run; reading back merges the runs.
 */
export class UnitSorter {
  readonly #names: readonly string[];
  readonly #runChars: number;
  readonly #base: string;
  #dir: string | undefined;
  #runs: string[] = [];
  #made = 0;
  #buf: { c: string; i: number; o: number; s: string }[] = [];
  #chars = 0;
  count = 0;

  constructor(names: readonly string[], runChars = 8000000, base = tmpdir()) {
    this.#names = names;
    this.#runChars = runChars;
    this.#base = base;
  }

  add(u: Unit903): void {
    const s = JSON.stringify([u.c, u.i, u.o, u.l, u.x ? 1 : 0, u.r.map(({ t, rec }) => [t, rec.row, rec.f])]);
    this.#buf.push({ c: u.c, i: u.i, o: u.o, s });
    this.#chars += s.length + 64;
    this.count++;
    if (this.#chars >= this.#runChars) this.#flush();
  }

  /** Runs written so far (tests). */
  get runs(): number {
    return this.#runs.length;
  }

  #flush(): void {
    if (!this.#buf.length) return;
    this.#dir ??= mkdtempSync(join(this.#base, "lantern-903-"));
    const path = join(this.#dir, `run-${this.#made++}.jsonl`);
    this.#buf.sort(byUnit);
    const fd = openSync(path, "w");
    try {
      let chunk = "";
      for (const e of this.#buf) {
        chunk += `${e.s}\n`;
        if (chunk.length >= 1 << 20) {
          writeSync(fd, chunk);
          chunk = "";
        }
      }
      if (chunk) writeSync(fd, chunk);
    } finally {
      closeSync(fd);
    }
    this.#runs.push(path);
    this.#buf = [];
    this.#chars = 0;
  }

  #parse(line: string): Unit903 {
    const [c, i, o, l, x, r] = JSON.parse(line) as [string, number, number, number, number, [Ssda903Table, number, Record<string, string>][]];
    const file = this.#names[i]!;
    return { c, i, o, l, x: x === 1, r: r.map(([t, row, f]) => ({ t, rec: { file, row, f } })) };
  }

  /** Merge the first `MAX_FAN` runs into one, until there are no more than that (each open run holds a read buffer). */
  async #cascade(): Promise<void> {
    while (this.#runs.length > MAX_FAN) {
      const some = this.#runs.splice(0, MAX_FAN);
      const path = join(this.#dir!, `run-${this.#made++}.jsonl`);
      const fd = openSync(path, "w");
      try {
        let chunk = "";
        for await (const line of mergeLines(some)) {
          chunk += `${line}\n`;
          if (chunk.length >= 1 << 20) {
            writeSync(fd, chunk);
            chunk = "";
          }
        }
        if (chunk) writeSync(fd, chunk);
      } finally {
        closeSync(fd);
      }
      for (const p of some) rmSync(p, { force: true });
      this.#runs.push(path);
    }
  }

  /** Every unit in (child, file, ordinal) order, one child's units at a time. */
  async *groups(): AsyncGenerator<Unit903[]> {
    await this.#cascade();
    this.#buf.sort(byUnit);
    const mem = this.#buf;
    let m = 0;
    const readers = this.#runs.map((p) => createInterface({ input: createReadStream(p, { highWaterMark: 1 << 16 }), crlfDelay: Infinity })[Symbol.asyncIterator]());
    const heads: (Unit903 | undefined)[] = [];
    for (const r of readers) {
      const n = await r.next();
      heads.push(n.done ? undefined : this.#parse(n.value));
    }
    let memHead = m < mem.length ? this.#parse(mem[m]!.s) : undefined;
    let group: Unit903[] = [];
    try {
      for (;;) {
        let best = -1;
        let u = memHead;
        for (let k = 0; k < heads.length; k++) {
          const h = heads[k];
          if (h && (!u || byUnit(h, u) < 0)) {
            u = h;
            best = k;
          }
        }
        if (!u) break;
        if (best < 0) {
          m++;
          memHead = m < mem.length ? this.#parse(mem[m]!.s) : undefined;
        } else {
          const n = await readers[best]!.next();
          heads[best] = n.done ? undefined : this.#parse(n.value);
        }
        if (group.length && group[0]!.c !== u.c) {
          yield group;
          group = [];
        }
        group.push(u);
      }
      if (group.length) yield group;
    } finally {
      for (const r of readers) await r.return?.(undefined);
    }
  }

  cleanup(): void {
    this.#buf = [];
    if (this.#dir) rmSync(this.#dir, { recursive: true, force: true });
    this.#dir = undefined;
    this.#runs = [];
  }
}

// ---- One child ----------------------------------------------------------------------------------

/** A second XML <CHILD> for a child's id: where it is, and where the first one is. */
function secondChild(column: string, id: string, first: { file: string; row: number }, again: { file: string; row: number }): DataIssue {
  const firstAt = first.file === again.file ? `line ${first.row}` : `${first.file}, line ${first.row}`;
  return {
    code: "FORMAT_ID_DUPLICATE",
    severity: "error",
    file: again.file,
    row: again.row,
    column,
    value: id,
    message: `${column} ${id} occurs twice: first at ${firstAt}, again at ${first.file === again.file ? "" : `${again.file}, `}line ${again.row}.`,
    expected: `each child once (${id} is already at ${firstAt})`,
  };
}

/** A merge that met a file out of the Header's order. */
class OutOfOrder extends Error {}

/**
 * Check one child's units (in file, ordinal order) as the whole-file reader did: a second Header
 * (or a second XML `<CHILD>`) for a child is an error and is left out, structural dates are
 * checked; then, unless `checksOnly`, the DfE rules and the mapping into SSD rows.
 */
/**
 * Children whose rules wait for the collection year's end ({@link needsCollectionEnd}), which
 * the latest episode date of the whole return settles: run when every child has been read.
 */
interface YearEnd {
  latest: number | undefined;
  readonly waiting: { readonly key: IssueKey; readonly c: Child903; readonly fallback: { file: string; row?: number } }[];
}

function processChild(units: readonly Unit903[], o: { log: Issues; sink: LoadSink; downgrade: boolean; workers: Set<string>; yearEnd: YearEnd }, checksOnly = false): void {
  const { log } = o;
  const first = units[0]!;
  const m = new Model903();
  const c = m.child(first.c);
  // Cells refused with an error: the SSD columns they would give are not refused again.
  const refused = new Set<string>();
  // Where the child's Header row (or XML <CHILD>) was first read, for a second one's message.
  let headerAt: { file: string; row: number } | undefined;
  for (const u of units) {
    if (u.x) {
      const file = u.r[0]?.rec.file ?? "";
      if (c.header) {
        log.at([0, u.i, u.o, 0]);
        log.add(secondChild("CHILDID", u.c, headerAt ?? { file: c.header.file, row: c.header.row }, { file, row: u.l }));
        continue;
      }
      headerAt = { file, row: u.l };
      u.r.forEach(({ t, rec }, k) => {
        log.at([0, u.i, u.o, k]);
        check903Dates(rec, log, refused);
        m.add(t, rec);
      });
    } else {
      const { t, rec } = u.r[0]!;
      log.at([0, u.i, u.o, 0]);
      if (t === "Header" && c.header) {
        const first = headerAt ?? { file: c.header.file, row: c.header.row };
        const firstAt = first.file === rec.file ? `row ${first.row}` : `${first.file}, row ${first.row}`;
        log.add({
          code: "FORMAT_ID_DUPLICATE",
          severity: "error",
          file: rec.file,
          row: rec.row,
          column: "CHILD",
          value: u.c,
          message: `CHILD ${u.c} has two Header rows: first at ${firstAt}, again at ${first.file === rec.file ? "" : `${rec.file}, `}row ${rec.row}.`,
          expected: `one Header row per child (${u.c}'s is at ${firstAt})`,
        });
        continue;
      }
      if (t === "Header") headerAt = { file: rec.file, row: rec.row };
      check903Dates(rec, log, refused);
      m.add(t, rec);
    }
  }
  if (checksOnly) return;
  log.at([1, first.i, first.o]);
  if (!c.header) {
    // Records of a child with no Header row: each episode is an error, said once in the 903's
    // words (not as the three SSD rows it would give); other tables are kept out with a warning,
    // as they feed no figure on their own.
    for (const [t, rs] of Object.entries(c.records) as [Ssda903Table, SourceRecord[]][]) {
      if (t === "Episodes") {
        for (const r of rs) log.add({ code: "FORMAT_REFERENCE_MISSING", severity: "error", file: r.file, row: r.row, column: "CHILD", value: c.id, message: `CHILD ${c.id} has no Header row, so this Episodes record cannot be loaded.`, expected: `a Header row for ${c.id}` });
        continue;
      }
      for (const r of rs) log.add({ code: "FORMAT_CHILD_NOT_IN_HEADER", severity: "warning", file: r.file, row: r.row, column: "CHILD", value: c.id, message: `CHILD ${c.id} has no Header row; this ${t} record was not loaded.`, expected: "a Header row for every child" });
      delete c.records[t];
    }
  }
  for (const e of recs(c, "Episodes")) {
    for (const d of [day(e, "DECOM"), day(e, "DEC")]) if (d !== null && (o.yearEnd.latest === undefined || d > o.yearEnd.latest)) o.yearEnd.latest = d;
  }
  const fallback = { file: c.header?.file ?? "", ...(c.header ? { row: c.header.row } : {}) };
  const waits = needsCollectionEnd(c);
  if (waits) o.yearEnd.waiting.push({ key: [1, first.i, first.o], c, fallback });
  for (const i of runRules(waits ? RULES_NOW : SSDA903_RULES, c, {}, fallback, o.downgrade)) {
    log.add(i);
    if (i.severity === "error" && i.row !== undefined && i.column) refused.add(cellKey({ file: i.file ?? "", row: i.row, f: {} }, i.column));
  }
  checkEpisodeStarts(c, log, refused);
  // A child with no Header row has nothing to map (its episodes were refused above).
  if (c.header) map903(c, o.sink, o.workers, refused);
}

/** The rules run as a child is read when some wait for the collection year's end. */
const RULES_NOW = SSDA903_RULES.filter((r) => !COLLECTION_END_RULES.has(r.id));
const RULES_AT_YEAR_END = SSDA903_RULES.filter((r) => COLLECTION_END_RULES.has(r.id));

/** Run the rules that waited for the collection year's end, each child's issues placed with its others. */
function runYearEndRules(yearEnd: YearEnd, log: Issues, downgrade: boolean): void {
  if (yearEnd.latest === undefined) return;
  const ctx = { collectionEnd: collectionYearOf(yearEnd.latest).end };
  for (const w of yearEnd.waiting) {
    log.at(w.key);
    for (const i of runRules(RULES_AT_YEAR_END, w.c, ctx, w.fallback, downgrade)) log.add(i);
  }
}

// ---- The three ways -----------------------------------------------------------------------------

interface Run {
  readonly opts: Read903Options;
  readonly sources: Source[];
  readonly names: string[];
  readonly child: (units: readonly Unit903[], checksOnly?: boolean) => Promise<void>;
}

/** The Header's children in order: id → position (first row of each id). */
async function headerOrder(f: DetectedFile): Promise<Map<string, number>> {
  const order = new Map<string, number>();
  let col = -2;
  for await (const r of readCsvRows(f.path)) {
    if (col === -2) {
      col = r.cells.map(normHeader).lastIndexOf("CHILD");
      continue;
    }
    const id = col < 0 ? "" : (r.cells[col] ?? "").trim();
    if (id && !order.has(id)) order.set(id, order.size);
  }
  return order;
}

async function byMerge(run: Run, header: DetectedFile): Promise<void> {
  const order = await headerOrder(header);
  const orphans = new UnitSorter(run.names, run.opts.runChars, run.opts.tmpDir);
  try {
    const heads = run.sources.map((s) => ({ s, u: undefined as Unit903 | undefined, p: 0, last: -1 }));
    const advance = async (h: (typeof heads)[number]): Promise<void> => {
      for (;;) {
        const u = await h.s.next();
        if (!u) {
          h.u = undefined;
          return;
        }
        const p = order.get(u.c);
        if (p === undefined) {
          orphans.add(u);
          continue;
        }
        if (p < h.last) throw new OutOfOrder(`${h.s.file.name}: ${u.c} after a later child`);
        h.u = u;
        h.p = p;
        return;
      }
    };
    for (const h of heads) await advance(h);
    const group: Unit903[] = [];
    for (;;) {
      let p = Infinity;
      for (const h of heads) if (h.u && h.p < p) p = h.p;
      if (p === Infinity) break;
      group.length = 0;
      for (const h of heads) {
        while (h.u && h.p === p) {
          group.push(h.u);
          h.last = p;
          await advance(h);
        }
      }
      await run.child(group);
    }
    order.clear();
    for await (const g of orphans.groups()) await run.child(g);
  } finally {
    orphans.cleanup();
  }
}

async function byXml(run: Run): Promise<void> {
  // Each child's id and where its <CHILD> was first read.
  const seen = new Map<string, { file: string; row: number }>();
  for (const s of run.sources) {
    for (let u = await s.next(); u; u = await s.next()) {
      const first = seen.get(u.c);
      if (first) {
        // A second <CHILD> for an id: reported, and none of its records is read.
        run.opts.log.at([0, u.i, u.o, 0]);
        run.opts.log.add(secondChild("CHILDID", u.c, first, { file: s.file.name, row: u.l }));
        continue;
      }
      seen.set(u.c, { file: s.file.name, row: u.l });
      await run.child([u]);
    }
  }
}

async function bySpill(run: Run): Promise<void> {
  const sorter = new UnitSorter(run.names, run.opts.runChars, run.opts.tmpDir);
  try {
    try {
      for (const s of run.sources) for (let u = await s.next(); u; u = await s.next()) sorter.add(u);
    } catch (e) {
      // As the whole-file reader did: what was read before the failure is checked (duplicate
      // Header rows, dates) and reported ahead of the failure itself.
      for await (const g of sorter.groups()) await run.child(g, true);
      throw e;
    }
    for await (const g of sorter.groups()) await run.child(g);
  } finally {
    sorter.cleanup();
  }
}

/**
 * Read, check and map every 903 file into the sink, child by child. Issues are collected in the
 * log's ordered mode and join its list, in the whole-file reader's order, before this returns
 * or throws.
 */
export async function read903(opts: Read903Options): Promise<Read903Result> {
  const { log, files } = opts;
  const csvTable = (f: DetectedFile) => (f.detected.kind === "ssda903-csv" ? f.detected.table : undefined);
  const header = files.find((f) => csvTable(f) === "Header");
  let mode: Read903Mode = opts.mode ?? (files.every((f) => f.detected.kind === "ssda903-xml") ? "xml" : header ? "merge" : "spill");
  log.beginOrdered();
  for (;;) {
    const names = files.map((f) => f.name);
    const sources: Source[] = [];
    const done = files.map(() => 0);
    const total = () => done.reduce((a, b) => a + b, 0);
    const seenTables = new Map<Ssda903Table, string>();
    files.forEach((f, index) => {
      const d = f.detected;
      const onBytes = (n: number) => {
        done[index] = n;
        opts.onBytes?.(total(), f.name);
      };
      log.at([0, index, 0]);
      if (d.kind === "ssda903-csv") {
        const prev = seenTables.get(d.table);
        if (prev) {
          log.add({ code: "FORMAT_TABLE_TWICE", severity: "error", file: f.name, message: `${f.name} and ${prev} are both the SSDA903 ${d.table} table.`, expected: "one file per table per load (load each year as its own snapshot)" });
          return;
        }
        seenTables.set(d.table, f.name);
        const cols: readonly string[] = SSDA903_TABLES[d.table];
        for (const c of d.missing) log.add({ code: "FORMAT_COLUMN_MISSING", severity: "error", file: f.name, row: 1, column: c, message: `${f.name} looks like the SSDA903 ${d.table} table but has no ${c} column.`, expected: `the columns ${cols.join(", ")}` });
        for (const c of d.extra) log.add({ code: "FORMAT_COLUMN_UNKNOWN", severity: "warning", file: f.name, row: 1, column: c, message: `${c} is not an SSDA903 ${d.table} column; it was ignored.` });
        sources.push(csvSource(f, index, d.table, log, onBytes));
      } else if (d.kind === "ssda903-xml") {
        sources.push(xmlSource(f, index, log, onBytes));
      }
    });
    const workers = new Set<string>();
    const yearEnd: YearEnd = { latest: undefined, waiting: [] };
    let children = 0;
    const run: Run = {
      opts,
      sources,
      names,
      child: async (units, checksOnly) => {
        processChild(units, { log, sink: opts.sink, downgrade: opts.downgrade, workers, yearEnd }, checksOnly);
        if (++children % 1000 === 0) await opts.sink.drained?.();
      },
    };
    try {
      if (mode === "merge") await byMerge(run, header!);
      else if (mode === "xml") await byXml(run);
      else await bySpill(run);
      runYearEndRules(yearEnd, log, opts.downgrade);
    } catch (e) {
      for (const s of sources) await s.close().catch(() => undefined);
      if (mode !== "spill" && !opts.mode) {
        // Out of order, or a file that cannot be read: start again the way that reads files one
        // after the other (which meets a broken file exactly as the whole-file reader did).
        log.rollback();
        await opts.restart();
        mode = "spill";
        continue;
      }
      log.endOrdered();
      throw e;
    }
    log.endOrdered();
    const tables = new Set<Ssda903Table>(seenTables.keys());
    if (files.some((f) => f.detected.kind === "ssda903-xml")) for (const t of SSDA903_XML_TABLES) tables.add(t);
    return {
      mode,
      tables,
      files: sources.map((s) => ({ file: s.file.name, format: describeDetected(s.file.detected), ...(s.file.encoding ? { encoding: s.file.encoding } : {}), records: s.records })),
    };
  }
}
