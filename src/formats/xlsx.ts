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
 * corrupted entry).
 */

import { closeSync, createReadStream, fstatSync, openSync, readSync } from "node:fs";
import { basename } from "node:path";
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

/** Check the zip's end-of-central-directory record: present, and pointing inside the file. */
export function checkZipDirectory(path: string): string | undefined {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    const n = Math.min(size, 65557);
    const buf = Buffer.alloc(n);
    readSync(fd, buf, 0, n, size - n);
    for (let i = n - 22; i >= 0; i--) {
      if (buf.readUInt32LE(i) !== 0x06054b50) continue;
      const cdSize = buf.readUInt32LE(i + 12);
      const cdOffset = buf.readUInt32LE(i + 16);
      if (cdOffset + cdSize > size - (n - i)) return "its zip directory points past the end of the file (the file is truncated or damaged)";
      return undefined;
    }
    return "it has no zip directory (the file is truncated, or not a workbook)";
  } finally {
    closeSync(fd);
  }
}

const STALL_MS = 1500;

/** Stream every row of every sheet. */
export async function* readXlsxRows(path: string): AsyncGenerator<XlsxRow> {
  const name = basename(path);
  const bad = checkZipDirectory(path);
  if (bad) throw unreadable(name, new Error(bad));
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
