/**
 * @module
 * RFC 4180 text for generated rows: comma separator, `\n` line endings, ISO dates, empty field for
 * null, quotes (doubled inside) only when a field holds a comma, quote or line break. Pure string
 * building; it deliberately does not touch the file system (see `write.ts`).
 */

import { isoDate } from "../calendar/dates.ts";
import type { SsdTable } from "../store/ssd-schema.ts";
import type { Cell, Row } from "./rows.ts";

const NEEDS_QUOTES = /[",\n\r]/;

/** One CSV field; `date` says the cell is a day number to write as `YYYY-MM-DD`. */
export function csvField(v: Cell | undefined, date: boolean): string {
  if (v === null || v === undefined) return "";
  if (date && typeof v === "number") return isoDate(v);
  const s = String(v);
  return NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The header line of a table: its registry column names in registry order (no line ending). */
export function csvHeader(table: SsdTable): string {
  return table.columns.map((c) => c.name).join(",");
}

/** A function turning a row of `table` into one CSV line (no line ending). */
export function csvLineWriter(table: SsdTable): (row: Row) => string {
  const names = table.columns.map((c) => c.name);
  const dates = table.columns.map((c) => c.kind === "date");
  return (row) => {
    let line = "";
    for (let i = 0; i < names.length; i++) {
      if (i) line += ",";
      line += csvField(row[names[i]!], dates[i]!);
    }
    return line;
  };
}
