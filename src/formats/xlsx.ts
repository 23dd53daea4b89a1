/**
 * @module
 * Rows of an Excel workbook, streamed with exceljs's WorkbookReader and wrapped so nothing else
 * in Lantern touches exceljs. Shared strings and styles are cached so date cells arrive as dates
 * (exceljs only knows a number is a date from its cell style). exceljs's `row.values` is 1-based
 * (index 0 is empty); rows here are 0-based arrays of plain values: string, number, boolean,
 * Date (as an ISO day string), or null. Formula cells give their cached result; rich text its
 * plain text. A file that is not a readable .xlsx ends in a LanternError.
 */

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

/** Stream every row of every sheet. */
export async function* readXlsxRows(path: string): AsyncGenerator<XlsxRow> {
  const name = basename(path);
  let reader: ExcelJS.stream.xlsx.WorkbookReader;
  try {
    reader = new ExcelJS.stream.xlsx.WorkbookReader(path, { sharedStrings: "cache", styles: "cache", worksheets: "emit", hyperlinks: "ignore" });
  } catch (e) {
    throw unreadable(name, e);
  }
  try {
    let index = 0;
    for await (const ws of reader) {
      index++;
      const sheet = String((ws as unknown as { name?: string }).name ?? `Sheet${index}`);
      for await (const row of ws) {
        const raw = row.values as unknown[];
        const values: XlsxValue[] = [];
        for (let i = 1; i < raw.length; i++) values.push(plain(raw[i]));
        yield { sheet, row: row.number, values };
      }
    }
  } catch (e) {
    if (e instanceof LanternError) throw e;
    throw unreadable(name, e);
  }
}

function unreadable(name: string, e: unknown): LanternError {
  return new LanternError("LANTERN_FILE_UNREADABLE", `${name} could not be read as an Excel workbook: ${e instanceof Error ? e.message : String(e)}.`, {
    hint: "Open it in Excel and save it again as an Excel Workbook (.xlsx), or save each list as CSV UTF-8.",
  });
}
