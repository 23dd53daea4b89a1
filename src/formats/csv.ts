/**
 * @module
 * CSV rows from any encoding {@link openText} understands, comma- or tab-separated (Excel's
 * "Unicode text" is tab-separated UTF-16), with the line each record starts on. Blank rows,
 * including rows of empty cells that Excel leaves after the data, are skipped. A malformed file
 * (an unclosed quote, a field over 1 MB) ends in a LanternError, never a partial read.
 */

import { Readable } from "node:stream";
import { basename } from "node:path";
import { parse } from "csv-parse";
import { LanternError } from "../core/errors.ts";
import { openText, type TextEncoding } from "./text.ts";

/** One record and the line it starts on (the header is line 1). */
export interface CsvRow {
  readonly line: number;
  readonly cells: string[];
}

/** Pick the delimiter from the first line: tab when it has tabs and no commas, else comma. */
export function delimiterOf(firstLine: string): "," | "\t" | ";" {
  const tabs = firstLine.split("\t").length - 1;
  const commas = firstLine.split(",").length - 1;
  const semis = firstLine.split(";").length - 1;
  if (tabs > 0 && tabs >= commas) return "\t";
  if (semis > 0 && commas === 0) return ";";
  return ",";
}

function startLine(endLine: number, record: readonly string[]): number {
  let nl = 0;
  for (const cell of record) for (let i = cell.indexOf("\n"); i >= 0; i = cell.indexOf("\n", i + 1)) nl++;
  return endLine - nl;
}

/** Stream the rows of a CSV file. */
export async function* readCsvRows(path: string, onBytes?: (n: number) => void): AsyncGenerator<CsvRow> {
  const text = openText(path);
  yield* csvRowsFromChunks(text.chunks(onBytes), basename(path));
}

/** The encoding a CSV file was read in (for reports). */
export function csvEncoding(path: string): TextEncoding {
  return openText(path).encoding;
}

/** Rows from decoded text chunks. */
export async function* csvRowsFromChunks(chunks: AsyncIterable<string>, name: string): AsyncGenerator<CsvRow> {
  const it = chunks[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return;
  const head = first.value;
  const nl = head.search(/\r?\n/);
  const delimiter = delimiterOf(nl >= 0 ? head.slice(0, nl) : head);
  async function* all(): AsyncGenerator<string> {
    yield head;
    for (;;) {
      const n = await it.next();
      if (n.done) return;
      yield n.value;
    }
  }
  const parser = Readable.from(all(), { objectMode: false }).pipe(
    parse({ delimiter, info: true, skip_empty_lines: true, relax_column_count: true, max_record_size: 1_000_000, bom: true }),
  );
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const cells = item.record;
      if (cells.every((c) => c.trim() === "")) continue;
      yield { line: startLine(item.info.lines, cells), cells };
    }
  } catch (e) {
    if (e instanceof LanternError) throw e;
    const err = e as { lines?: number; message?: string };
    throw new LanternError("LANTERN_DATA_REJECTED", `${name} is not well-formed CSV.`, {
      issues: [
        {
          code: "FILE_CSV_MALFORMED",
          severity: "error",
          file: name,
          ...(err.lines !== undefined ? { row: err.lines } : {}),
          message: `${name} is not well-formed CSV: ${err.message ?? String(e)}`,
          expected: "comma-separated values with quotes closed and no field over 1 MB",
        },
      ],
      hint: "Open the file in Excel and save it again as CSV UTF-8, or correct the line named.",
    });
  }
}
