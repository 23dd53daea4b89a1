/**
 * @module
 * Rows of an Excel workbook, streamed with exceljs's WorkbookReader and wrapped so nothing else
 * in Lantern touches exceljs. Shared strings and styles are cached so date cells arrive as dates
 * (exceljs only knows a number is a date from its cell style). exceljs's `row.values` is 1-based
 * (index 0 is empty); rows here are 0-based arrays of plain values: string, number, boolean,
 * Date (as an ISO day string), or null. Formula cells give their cached result; rich text its
 * plain text. A file that is not a readable .xlsx ends in a LanternError: the zip's directory
 * is checked before exceljs sees it (a truncated file), and a watchdog ends a read that stalls
 * after the whole file has been consumed (exceljs can leave its promise pending forever on a
 * corrupted entry). Before either, every entry is unpacked once and counted, without keeping
 * it, so a "zip bomb" (a small workbook whose sheet unpacks to gigabytes, which exceljs would
 * otherwise inflate without limit, whole into memory on its fallback path) is refused at
 * {@link XLSX_MAX_UNPACKED}; entries the zip's directory does not list, which exceljs's
 * streaming reader would still read, are refused too.
 */

import { closeSync, createReadStream, fstatSync, openSync, readSync } from "node:fs";
import { basename } from "node:path";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createInflateRaw } from "node:zlib";
import ExcelJS from "exceljs";
import { LanternError } from "../core/errors.ts";

/** A cell value as Lantern sees it. */
export type XlsxValue = string | number | boolean | null;

/** One row of one sheet (row is Excel's 1-based row number). */
export interface XlsxRow {
  readonly sheet: string;
  readonly row: number;
  readonly values: XlsxValue[];
}

function plain(v: unknown): XlsxValue {
  if (v === null || v === undefined) return null;
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString().slice(0, 10);
  if (typeof v === "object") {
    const o = v as { result?: unknown; richText?: { text: string }[]; text?: unknown; error?: unknown; hyperlink?: unknown };
    if ("result" in o) return plain(o.result);
    if (Array.isArray(o.richText)) return o.richText.map((r) => r.text).join("");
    if (typeof o.text === "string") return o.text;
    if (o.error !== undefined) return null;
  }
  return String(v);
}

/** The zip's directory: where it starts, how long it is, how many entries it lists. */
interface ZipDirectory {
  readonly offset: number;
  readonly size: number;
  readonly entries: number;
}

function findZipDirectory(fd: number, size: number): ZipDirectory | string {
  const n = Math.min(size, 65557);
  const buf = Buffer.alloc(n);
  readSync(fd, buf, 0, n, size - n);
  for (let i = n - 22; i >= 0; i--) {
    if (buf.readUInt32LE(i) !== 0x06054b50) continue;
    const cdSize = buf.readUInt32LE(i + 12);
    const cdOffset = buf.readUInt32LE(i + 16);
    if (cdOffset + cdSize > size - (n - i)) return "its zip directory points past the end of the file (the file is truncated or damaged)";
    return { offset: cdOffset, size: cdSize, entries: buf.readUInt16LE(i + 10) };
  }
  return "it has no zip directory (the file is truncated, or not a workbook)";
}

/** Check the zip's end-of-central-directory record: present, and pointing inside the file. */
export function checkZipDirectory(path: string): string | undefined {
  const fd = openSync(path, "r");
  try {
    const found = findZipDirectory(fd, fstatSync(fd).size);
    return typeof found === "string" ? found : undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * The most an .xlsx may unpack to, all its entries together (1 GiB). The largest authorities'
 * Annex A workbooks unpack to tens of megabytes; a zip bomb, to gigabytes from a few.
 */
export const XLSX_MAX_UNPACKED = 1024 ** 3;

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;

/** An entry as the zip's directory lists it. */
interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly flags: number;
  readonly packed: number;
  readonly unpacked: number;
  readonly at: number;
}

class TooMuch extends Error {}

/** How many bytes the deflated data at `start` unpacks to, counting up to just past `stopAfter`; nothing is kept. */
async function unpackedBytes(path: string, start: number, packed: number, stopAfter: number): Promise<number> {
  if (packed === 0) return 0;
  let out = 0;
  const count = new Writable({
    write(chunk: Buffer, _enc, done) {
      out += chunk.length;
      done(out > stopAfter ? new TooMuch() : null);
    },
  });
  try {
    await pipeline(createReadStream(path, { start, end: start + packed - 1 }), createInflateRaw(), count);
  } catch (e) {
    if (!(e instanceof TooMuch)) throw e;
  }
  return out;
}

/** The entries the zip's directory lists, or why they cannot be read. */
function zipEntries(fd: number, dir: ZipDirectory): ZipEntry[] | string {
  const cd = Buffer.alloc(dir.size);
  readSync(fd, cd, 0, dir.size, dir.offset);
  const entries: ZipEntry[] = [];
  for (let i = 0, p = 0; i < dir.entries; i++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL_HEADER) return "its zip directory is damaged";
    const nameLength = cd.readUInt16LE(p + 28);
    entries.push({
      flags: cd.readUInt16LE(p + 8),
      method: cd.readUInt16LE(p + 10),
      packed: cd.readUInt32LE(p + 20),
      unpacked: cd.readUInt32LE(p + 24),
      at: cd.readUInt32LE(p + 42),
      name: cd.toString("utf8", p + 46, p + 46 + nameLength),
    });
    p += 46 + nameLength + cd.readUInt16LE(p + 30) + cd.readUInt16LE(p + 32);
  }
  return entries;
}

/**
 * The names of the entries a zip holds, when it is a zip but not an Excel workbook (no
 * `[Content_Types].xml`, no `xl/`): an export or a return zipped to be sent, which is to be
 * unzipped. Undefined for a workbook, and for a zip whose directory cannot be read (refused as a
 * damaged workbook when read).
 */
export function notWorkbookEntries(path: string): string[] | undefined {
  const fd = openSync(path, "r");
  try {
    const dir = findZipDirectory(fd, fstatSync(fd).size);
    const entries = typeof dir === "string" ? dir : zipEntries(fd, dir);
    if (typeof entries === "string") return undefined;
    const names = entries.map((e) => e.name);
    return names.some((n) => n === "[Content_Types].xml" || n.startsWith("xl/")) ? undefined : names.filter((n) => !n.endsWith("/"));
  } finally {
    closeSync(fd);
  }
}

/**
 * Why the workbook at `path` may not be unpacked: it would unpack to more than `limit` bytes
 * (by what its directory says, or by what its entries really hold), an entry holds more than
 * its directory says, or the file holds data its directory does not list (an entry exceljs's
 * streaming reader would read though nothing here counted it). "too large" problems are
 * refused as LANTERN_FILE_TOO_LARGE; others as unreadable.
 */
export async function unpackProblem(path: string, limit: number = XLSX_MAX_UNPACKED): Promise<{ tooLarge: boolean; why: string } | undefined> {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    const dir = findZipDirectory(fd, size);
    if (typeof dir === "string") return { tooLarge: false, why: dir };
    const entries = zipEntries(fd, dir);
    if (typeof entries === "string") return { tooLarge: false, why: entries };
    const said = entries.reduce((a, e) => a + e.unpacked, 0);
    if (said > limit) return { tooLarge: true, why: `its zip directory says it unpacks to ${said.toLocaleString("en-GB")} bytes` };
    // Each entry where the one before ends, unpacked and counted; the directory right after the last.
    let expected = 0;
    let total = 0;
    const head = Buffer.alloc(30);
    const signatureAt = (at: number) => {
      const b = Buffer.alloc(4);
      return readSync(fd, b, 0, 4, at) === 4 ? b.readUInt32LE(0) : -1;
    };
    for (const e of [...entries].sort((a, b) => a.at - b.at)) {
      if (e.at !== expected || readSync(fd, head, 0, 30, e.at) !== 30 || head.readUInt32LE(0) !== LOCAL_HEADER) return { tooLarge: false, why: "it holds data its zip directory does not list" };
      const described = (e.flags & 0x08) !== 0;
      if (!described && head.readUInt32LE(18) !== e.packed) return { tooLarge: false, why: `its entry ${e.name} is damaged` };
      const start = e.at + 30 + head.readUInt16LE(26) + head.readUInt16LE(28);
      let unpacked: number;
      if (e.method === 0) unpacked = e.packed;
      else if (e.method === 8) unpacked = await unpackedBytes(path, start, e.packed, limit - total);
      else return { tooLarge: false, why: `its entry ${e.name} is compressed in a way Excel does not use` };
      if (total + unpacked > limit) return { tooLarge: true, why: `its entries reached that by ${e.name}, though its zip directory says ${said.toLocaleString("en-GB")} bytes in all` };
      if (unpacked > e.unpacked) return { tooLarge: false, why: `its entry ${e.name} holds more than its zip directory says (a damaged or doctored file)` };
      total += unpacked;
      expected = start + e.packed;
      // A data descriptor after the data: 12 or 16 bytes (20 or 24 for zip64), then the next header.
      if (described) {
        const next = [16, 12, 24, 20].find((n) => [LOCAL_HEADER, CENTRAL_HEADER].includes(signatureAt(expected + n)) || expected + n === dir.offset);
        if (next === undefined) return { tooLarge: false, why: `its entry ${e.name} is damaged` };
        expected += next;
      }
    }
    if (expected !== dir.offset) return { tooLarge: false, why: "it holds data its zip directory does not list" };
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Refuse a workbook that may not be unpacked (see {@link unpackProblem}). */
async function checkUnpacking(path: string, name: string, limit: number): Promise<void> {
  let problem: Awaited<ReturnType<typeof unpackProblem>>;
  try {
    problem = await unpackProblem(path, limit);
  } catch (e) {
    throw unreadable(name, e);
  }
  if (!problem) return;
  if (!problem.tooLarge) throw unreadable(name, new Error(problem.why));
  const mb = (limit / 1024 ** 2).toLocaleString("en-GB");
  throw new LanternError("LANTERN_FILE_TOO_LARGE", `${name} was not read: an Excel workbook is compressed, and this one would unpack to more than ${mb} MB, the most Lantern reads (${problem.why}).`, {
    hint: "An Annex A workbook unpacks to far less than that. Check this is the file meant; if it is, save each list as CSV UTF-8 and load those.",
  });
}

const STALL_MS = 1500;

/** Stream every row of every sheet; `maxUnpacked` (default {@link XLSX_MAX_UNPACKED}) is for tests. */
export async function* readXlsxRows(path: string, opts: { readonly maxUnpacked?: number } = {}): AsyncGenerator<XlsxRow> {
  const name = basename(path);
  const bad = checkZipDirectory(path);
  if (bad) throw unreadable(name, new Error(bad));
  await checkUnpacking(path, name, opts.maxUnpacked ?? XLSX_MAX_UNPACKED);
  const input = createReadStream(path);
  let ended = false;
  let last = Date.now();
  let failed: unknown;
  input.on("data", () => {
    last = Date.now();
  });
  input.on("end", () => {
    ended = true;
    last = Date.now();
  });
  input.on("error", (e) => {
    failed = e;
  });
  let timer: NodeJS.Timeout | undefined;
  let stalled: ((e: Error) => void) | undefined;
  const watchdog = new Promise<never>((_, reject) => {
    stalled = reject;
  });
  watchdog.catch(() => undefined);
  timer = setInterval(() => {
    if (failed) stalled?.(failed instanceof Error ? failed : new Error(String(failed)));
    else if (ended && Date.now() - last > STALL_MS) stalled?.(new Error("the workbook could not be decoded (a damaged entry)"));
  }, 200);
  const step = <T>(p: Promise<T>): Promise<T> =>
    Promise.race([p, watchdog]).then((v) => {
      last = Date.now();
      return v;
    });
  let yielded = false;
  try {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, { sharedStrings: "cache", styles: "cache", worksheets: "emit", hyperlinks: "ignore" });
    const sheets = reader[Symbol.asyncIterator]();
    let index = 0;
    for (;;) {
      const s = await step(sheets.next());
      if (s.done) break;
      const ws = s.value;
      index++;
      const sheet = String((ws as unknown as { name?: string }).name ?? `Sheet${index}`);
      const rows = ws[Symbol.asyncIterator]();
      for (;;) {
        const r = await step(rows.next());
        if (r.done) break;
        yielded = true;
        yield { sheet, row: r.value.number, values: rowValues(r.value.values) };
      }
    }
  } catch (e) {
    if (e instanceof LanternError) throw e;
    // exceljs's streaming reader sometimes loses a workbook's last zip entry; exceljs itself
    // writes `xl/workbook.xml` last, so its own files then fail with "reading 'sheets'" (about
    // three in four of a test's generated workbooks). Before any row has been given out, the
    // in-memory reader reads the same file; if it cannot either, the first error stands.
    if (yielded) throw unreadable(name, e);
    let rows: XlsxRow[];
    try {
      rows = await wholeWorkbookRows(path);
    } catch {
      throw unreadable(name, e);
    }
    yield* rows;
  } finally {
    clearInterval(timer);
    timer = undefined;
    input.destroy();
  }
}

/** Every row of every sheet, the workbook read whole into memory (exceljs's non-streaming reader). */
async function wholeWorkbookRows(path: string): Promise<XlsxRow[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  const out: XlsxRow[] = [];
  for (const ws of wb.worksheets) {
    ws.eachRow((row, number) => {
      out.push({ sheet: ws.name, row: number, values: rowValues(row.values) });
    });
  }
  return out;
}

/** A row's cells as plain values (exceljs numbers cells from 1, leaving index 0 empty). */
function rowValues(cells: unknown): XlsxValue[] {
  const raw = cells as unknown[];
  const values: XlsxValue[] = [];
  for (let i = 1; i < raw.length; i++) values.push(plain(raw[i]));
  return values;
}

function unreadable(name: string, e: unknown): LanternError {
  return new LanternError("LANTERN_FILE_UNREADABLE", `${name} could not be read as an Excel workbook: ${e instanceof Error ? e.message : String(e)}.`, {
    hint: "Open it in Excel and save it again as an Excel Workbook (.xlsx), or save each list as CSV UTF-8.",
  });
}
