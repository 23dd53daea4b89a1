/**
 * @module
 * CSV rows from any encoding {@link openText} understands, comma- or tab-separated (Excel's
 * "Unicode text" is tab-separated UTF-16), with the line each record starts on. A row ends at a
 * CRLF, an LF or a CR, in any mix (a file edited in two editors has both). Blank rows,
 * including rows of empty cells that Excel leaves after the data, are skipped. A malformed file
 * (an unclosed quote, a field over 1 MB) ends in a LanternError, never a partial read. So does a
 * row with more fields than the header (a value with an unquoted comma, which would shift every
 * value after it), and a file that ends part-way through a row (short, with no line break after
 * it: cut off while exported or copied). Every format's CSV comes through here, so the checks are
 * made once, as the SSD importer makes them. A row with fewer fields is refused too, unless the
 * caller reads such rows with their missing last fields blank (Annex A lists, whose tools leave
 * trailing empty fields off, as the shared samples do). A quote left open at the end of the file
 * (a missing closing quote, or a file cut off inside a quoted value) is located at the row and
 * field where it opened, not the file's last line, which is where the parser notices it; opened on
 * the file's last line (the value runs to the end of the file with no line break in it or after
 * it), it is a file cut off part-way through that value, and is reported as a truncated file.
 */

import { Readable } from "node:stream";
import { basename } from "node:path";
import { parse } from "csv-parse";
import { LanternError } from "../core/errors.ts";
import { openText, type TextEncoding } from "./text.ts";

/** The longest row or value a CSV may hold, in characters: longer is a damaged file or a quote left open, not data. */
export const MAX_FIELD = 1_000_000;

/**
 * Whether a row holds nothing: every cell empty or spaces (`,,,,`, as Excel leaves after the data
 * it has held). Such a row is skipped by every reader, CSV or workbook, and keeps its line, so the
 * rows after it are numbered as the file is.
 */
export function isBlankRow(cells: readonly unknown[]): boolean {
  return cells.every((c) => c === null || c === undefined || String(c).trim() === "");
}

/** One record and the line it starts on (the header is line 1). */
export interface CsvRow {
  readonly line: number;
  readonly cells: string[];
  /** A short row read with its missing last fields blank: how many fields it had. */
  readonly found?: number;
}

/** How to read rows with fewer fields than the header: refuse them, or fill the missing last fields with blanks. */
export interface CsvReadOptions {
  readonly shortRows?: "refuse" | "blank";
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

/**
 * What ends a row: CRLF, LF or a lone CR, in any mix. Left to itself csv-parse takes the first
 * line's ending as the whole file's, so in a CRLF file one row ending in LF only (a line edited in
 * another editor) ran on into the next: two rows read as one, reported as a value with a stray
 * comma or quote. CRLF is listed first so that it is one break, not two. (For every CSV reader.)
 */
export const RECORD_DELIMITERS: string[] = ["\r\n", "\n", "\r"];

/** What a csv-parse error carries (its `lines` as a person counts them, once through {@link RecordLines.error}). */
export interface CsvParseError {
  readonly code?: string;
  readonly lines?: number;
  readonly empty_lines?: number;
  readonly column?: unknown;
  readonly message?: string;
}

/**
 * The lines records start on, as a person counts them. csv-parse counts a CRLF that ends a row as
 * one line but a CRLF inside a quoted value as two, so its count runs ahead by one for each such
 * CRLF in the records before. Give it each record, in order, with the line csv-parse says it ends on
 * (`read` in csv-parse's `on_record`, which sees every record before an error, where a loop over
 * the parser's output runs behind it).
 */
export class RecordLines {
  #ahead = 0;
  // Where the last record ended (csv-parse's count) and the blank lines skipped by then.
  #lastEnd = 0;
  #lastEmpty = 0;
  /**
   * In csv-parse's `on_record` with `info` (the record handed over as { record, info }): set the
   * line the record starts on as its `line`, and give its cells.
   */
  read(record: unknown, context: { readonly lines: number; readonly empty_lines: number }): string[] {
    const r = record as { record: string[]; line: number };
    r.line = this.#start(context.lines, r.record);
    this.#lastEnd = context.lines;
    this.#lastEmpty = context.empty_lines;
    return r.record;
  }
  /** A csv-parse error's fields, with the line it names as a person counts it. */
  error(e: unknown): CsvParseError {
    const p = e as CsvParseError;
    return { code: p.code, lines: p.lines === undefined ? undefined : this.#line(p.lines), empty_lines: p.empty_lines, column: p.column, message: p.message };
  }
  /**
   * The line a quote left open to the end of the file opened on, from the error's count of blank
   * lines: the first after the last record read and the blank lines skipped since.
   */
  openQuoteLine(emptyLines: number): number {
    return this.#line(this.#lastEnd) + (emptyLines - this.#lastEmpty) + 1;
  }
  /** The line this record starts on. */
  #start(endLine: number, record: readonly string[]): number {
    let breaks = 0;
    let crlf = 0;
    for (const cell of record) {
      // Nearly every cell holds no line break: found natively, without a loop over its characters.
      if (cell.indexOf("\n") < 0 && cell.indexOf("\r") < 0) continue;
      for (let i = 0; i < cell.length; i++) {
        const c = cell.charCodeAt(i);
        if (c === 13 || c === 10) breaks++;
        if (c === 10 && i > 0 && cell.charCodeAt(i - 1) === 13) crlf++;
      }
    }
    const line = endLine - this.#ahead - breaks;
    this.#ahead += crlf;
    return line;
  }
  /** A line csv-parse names in an error, as a person counts it. */
  #line(parserLine: number): number {
    return parserLine - this.#ahead;
  }
}

/** Stream the rows of a CSV file. */
export async function* readCsvRows(path: string, onBytes?: (n: number) => void, opts: CsvReadOptions = {}): AsyncGenerator<CsvRow> {
  const text = openText(path);
  yield* csvRowsFromChunks(text.chunks(onBytes), basename(path), opts);
}

/** The encoding a CSV file was read in (for reports). */
export function csvEncoding(path: string): TextEncoding {
  return openText(path).encoding;
}

const DELIMITER_NAME = { ",": "comma", "\t": "tab", ";": "semicolon" } as const;

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;

/** Why a row has more or fewer fields than the header, in words (for every CSV reader's message). */
export function fieldCountWhy(found: number, width: number, delimiter: "," | "\t" | ";"): string {
  return found > width
    ? `a value probably holds a ${DELIMITER_NAME[delimiter]} without quotes round it`
    : "values are missing from the row (it may have been cut short or broken across lines)";
}

/** What every row is expected to hold, for a field-count problem. */
export function fieldsExpected(width: number): string {
  return `${plural(width, "field")} on every row, as in the header`;
}

/** The message for a file whose last row is cut short with no line break after it (for every CSV reader). */
export function truncatedMessage(name: string, line: number, found: number, width: number): string {
  return `${name} ends part-way through row ${line}: the row has ${found} of the header's ${plural(width, "field")} and no line break after it, so the file looks truncated. Export or copy the whole file again.`;
}

/**
 * The message for a file that ends inside a quoted value opened on its last line: cut off in the
 * middle of that value (for every CSV reader). `field` counts from 1; `column` is its header name.
 */
export function truncatedInQuoteMessage(name: string, line: number, field: number, column: string | undefined, width: number): string {
  return `${name} ends part-way through row ${line}, inside the quoted value of field ${field}${column ? ` (${column})` : ""}: ${field < width ? `the row has ${field} of the header's ${plural(width, "field")}, the last` : "the row's last field"} with no closing quote and no line break after it, so the file looks truncated. Export or copy the whole file again (if the row is in fact complete, add the value's closing quote).`;
}

/**
 * The message for a file whose last row, with no line break after it, ends in a value that is only
 * the start of one the column takes ("2024-0" for a date): cut off in the middle of that value
 * (for every reader that knows its columns' kinds).
 */
export function truncatedValueMessage(name: string, line: number, column: string, value: string, found: number, width: number): string {
  const fields = found < width ? `the row has ${found} of the header's ${plural(width, "field")}, the last` : "the row's last field";
  return `${name} ends part-way through row ${line}: ${fields} (${column}) is "${value}", only the start of a value, with no line break after it, so the file looks truncated. Export or copy the whole file again (if the row is in fact complete, correct the value).`;
}

/** What a file cut off inside a quoted value needed. */
export function truncatedInQuoteExpected(width: number): string {
  return `${fieldsExpected(width)}, each quoted value closed with a quote (")`;
}

/**
 * Whether a quote left open to the end of the file opened on the file's last line: the parser's
 * last line (as a person counts it) is the line the quote opened on, so the open value holds no
 * line break and the file stops inside it.
 */
export function openQuoteOnLastLine(err: CsvParseError, openedOn: number): boolean {
  return err.lines !== undefined && err.lines === openedOn;
}

/** A quote left open to the end of a file, where it opened (for every CSV reader's message). */
export function openQuoteProblem(line: number, field: number): string {
  return `row ${line}, field ${field}, opens a quote (") that is never closed, so the rest of the file was read as that one value: the value's closing quote is missing, or the file was cut off while being exported or copied`;
}

/** What a quote left open needed. */
export const OPEN_QUOTE_EXPECTED = 'a closing quote (") at the end of the value';

/**
 * A quote inside a value that does not begin with one (`O"Brien`, `stepped up to "care"`), which
 * csv-parse reports as INVALID_OPENING_QUOTE: where, and how to write it (for every CSV reader).
 */
export function strayQuoteProblem(line: number, field: number): string {
  return `row ${line}, field ${field}, has a quote (") inside a value that does not begin with one: a value holding a quote must be written in quotes with that quote doubled ("O""Brien"), as Excel saves it`;
}

/** What a value with a stray quote needed. */
export const STRAY_QUOTE_EXPECTED = 'the whole value in quotes, with each quote inside it doubled ("")';

/** The header's field count and a row's, from csv-parse's field-count error ("expect 4, got 3"). */
export function fieldCounts(message: string | undefined): { found: number; width: number } | undefined {
  const m = /expect (\d+), got (\d+)/.exec(message ?? "");
  return m ? { found: Number(m[2]), width: Number(m[1]) } : undefined;
}

/**
 * csv-parse's error in words an analyst can act on ("row 4 has 7 fields where the header has 6"
 * rather than "Invalid Record Length: expect 6, got 7 on line 4"); its own text where there is no
 * better one. `field` (from 1) places a stray quote.
 */
export function csvProblem(code: string, message: string, row?: number, delimiter: "," | "\t" | ";" = ",", field?: number): string {
  const at = row ? `row ${row}` : "a row";
  const counts = code === "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH" ? fieldCounts(message) : undefined;
  if (counts) return `${at} has ${counts.found} fields where the header has ${counts.width}: ${fieldCountWhy(counts.found, counts.width, delimiter)}`;
  if (code === "CSV_QUOTE_NOT_CLOSED") return `a value opened with a quote (") is never closed, so the file ends inside it`;
  if (code === "CSV_INVALID_CLOSING_QUOTE" || code === "CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE") {
    return `on ${at} a quote (") inside a value is not doubled: a quoted value ends at a quote, and a quote within it must be written ""`;
  }
  if (code === "INVALID_OPENING_QUOTE" && row && field) return strayQuoteProblem(row, field);
  return message.replace(/\.$/, "");
}

/**
 * The error for a row whose field count is not the header's. The file's last row, short and with
 * no line break after it, is a file cut off part-way (a copy or export that did not finish). The
 * advice fits any CSV, since the same reader takes a 903 exported from a case management system
 * and a figures file saved from Excel: check the row, or save or export the file again.
 */
function fieldCountError(name: string, row: CsvRow, width: number, delimiter: "," | "\t" | ";", cutOff: boolean): LanternError {
  const n = row.cells.length;
  const expected = fieldsExpected(width);
  if (cutOff) {
    return new LanternError("LANTERN_DATA_REJECTED", `${name} looks truncated: it ends part-way through row ${row.line}.`, {
      issues: [
        {
          code: "FILE_CSV_TRUNCATED",
          severity: "error",
          file: name,
          row: row.line,
          message: truncatedMessage(name, row.line, n, width),
          expected,
        },
      ],
      hint: "The file was probably cut off while being exported or copied: export or copy it again in full.",
    });
  }
  const why = fieldCountWhy(n, width, delimiter);
  return new LanternError("LANTERN_DATA_REJECTED", `${name} is not well-formed CSV: row ${row.line} has ${n} fields where the header has ${width}.`, {
    issues: [
      {
        code: "FILE_CSV_FIELD_COUNT",
        severity: "error",
        file: name,
        row: row.line,
        message: `${name} row ${row.line} has ${plural(n, "field")} but the header has ${width}: ${why}. Check the row's separators and quotes and correct it, or save or export the file again as CSV.`,
        expected,
      },
    ],
    hint: "Every row must have as many fields as the header: correct the row named (its separators and quotes), or save or export the file again as CSV.",
  });
}

/**
 * A NUL character (byte 0) in a field: not text, and PostgreSQL cannot store it. A file whose
 * first 64 KB hold one is refused as binary before this; here it appears later on, in a file
 * damaged or partly saved in another encoding.
 */
function nulError(name: string, line: number, field: number, column: string | undefined): LanternError {
  return new LanternError("LANTERN_DATA_REJECTED", `${name} row ${line} holds a NUL character (byte 0) in field ${field}, which is not text.`, {
    issues: [
      {
        code: "FILE_CSV_NUL",
        severity: "error",
        file: name,
        row: line,
        ...(column ? { column } : {}),
        message: `${name} row ${line}, field ${field}, holds a NUL character (byte 0): the file is damaged, or part of it was saved in another encoding.`,
        expected: "text only",
      },
    ],
    hint: "Save or export the file again (as CSV UTF-8) and load the new copy.",
  });
}

/**
 * The error for a quoted value whose closing quote never comes: everything from the quote to the
 * end of the file was read as one value. `line` and `field` are where that row and value begin.
 */
function openQuoteError(name: string, line: number, field: number, column: string | undefined): LanternError {
  return new LanternError("LANTERN_DATA_REJECTED", `${name} is not well-formed CSV: a quote opened on row ${line} is never closed.`, {
    issues: [
      {
        code: "FILE_CSV_MALFORMED",
        severity: "error",
        file: name,
        row: line,
        ...(column ? { column } : {}),
        message: `${name} ${openQuoteProblem(line, field)}.`,
        expected: OPEN_QUOTE_EXPECTED,
      },
    ],
    hint: "Add the missing closing quote on the row named, or export or copy the whole file again, and load it again.",
  });
}

/** A file that ends inside a quoted value opened on its last line: cut off (see {@link truncatedInQuoteMessage}). */
function truncatedInQuoteError(name: string, line: number, field: number, column: string | undefined, width: number): LanternError {
  return new LanternError("LANTERN_DATA_REJECTED", `${name} looks truncated: it ends part-way through row ${line}, inside a quoted value.`, {
    issues: [
      {
        code: "FILE_CSV_TRUNCATED",
        severity: "error",
        file: name,
        row: line,
        ...(column ? { column } : {}),
        message: truncatedInQuoteMessage(name, line, field, column, width),
        expected: truncatedInQuoteExpected(width),
      },
    ],
    hint: "The file was probably cut off while being exported or copied: export or copy it again in full.",
  });
}

/** Rows from decoded text chunks. */
export async function* csvRowsFromChunks(chunks: AsyncIterable<string>, name: string, opts: CsvReadOptions = {}): AsyncGenerator<CsvRow> {
  const blankShort = opts.shortRows === "blank";
  const it = chunks[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return;
  const head = first.value;
  const nl = head.search(/[\r\n]/);
  const delimiter = delimiterOf(nl >= 0 ? head.slice(0, nl) : head);
  // Whether the text ends in a line break: a short last row without one is a file cut off.
  let endsInBreak = /[\r\n]$/.test(head);
  async function* all(): AsyncGenerator<string> {
    yield head;
    for (;;) {
      const n = await it.next();
      if (n.done) return;
      if (n.value) endsInBreak = /[\r\n]$/.test(n.value);
      yield n.value;
    }
  }
  // The header's cells, to name a problem's column (taken as parsed, for the same reason).
  let parsedHeader: readonly string[] | undefined;
  // Lines as a person counts them, kept as the parser reads each record (see RecordLines).
  const lines = new RecordLines();
  const parser = parse({
    delimiter,
    info: true,
    record_delimiter: RECORD_DELIMITERS,
    skip_empty_lines: true,
    relax_column_count: true,
    max_record_size: MAX_FIELD,
    bom: true,
    on_record: (record, context) => {
      const cells = lines.read(record, context);
      if (!parsedHeader && cells.some((c) => c.trim() !== "")) parsedHeader = cells;
      return record;
    },
  });
  // pipe() does not pass a source's error on: text that stops being UTF-8 after the first chunk
  // (or a read that fails) would be an unhandled 'error' event, ending the process. Handed to the
  // parser, it ends the loop below and is thrown as it is.
  const source = Readable.from(all(), { objectMode: false });
  source.on("error", (e) => parser.destroy(e));
  source.pipe(parser);
  // The header's field count. A short row is held until the next record shows whether it was
  // the file's last (so, with no line break after it, cut off).
  let width = -1;
  let held: CsvRow | undefined;
  const padded = (r: CsvRow): CsvRow => ({ line: r.line, cells: [...r.cells, ...new Array<string>(width - r.cells.length).fill("")], found: r.cells.length });
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; line: number }>) {
      if (held) {
        const h = held;
        held = undefined;
        if (!blankShort) throw fieldCountError(name, h, width, delimiter, false);
        yield padded(h);
      }
      const cells = item.record;
      if (isBlankRow(cells)) continue;
      const row = { line: item.line, cells };
      const nul = cells.findIndex((c) => c.includes("\u0000"));
      if (nul >= 0) throw nulError(name, row.line, nul + 1, width < 0 ? undefined : parsedHeader?.[nul]?.trim());
      if (width < 0) width = cells.length;
      else if (cells.length > width) throw fieldCountError(name, row, width, delimiter, false);
      else if (cells.length < width) {
        held = row;
        continue;
      }
      yield row;
    }
    if (held) {
      if (!endsInBreak || !blankShort) throw fieldCountError(name, held, width, delimiter, !endsInBreak);
      yield padded(held);
    }
  } catch (e) {
    if (e instanceof LanternError) throw e;
    if (held && !blankShort) throw fieldCountError(name, held, width, delimiter, false);
    const err = lines.error(e);
    if (err.code === "CSV_QUOTE_NOT_CLOSED" && typeof err.empty_lines === "number" && typeof err.column === "number") {
      const line = lines.openQuoteLine(err.empty_lines);
      const column = parsedHeader?.[err.column]?.trim();
      // The header's width: the loop may not have been handed the header before the parser failed.
      const w = width > 0 ? width : (parsedHeader?.length ?? 0);
      // Only with no line break at the end: `…,"4` + line break is a closing quote left off a whole row.
      if (w > 0 && line > 1 && !endsInBreak && openQuoteOnLastLine(err, line)) throw truncatedInQuoteError(name, line, err.column + 1, column, w);
      throw openQuoteError(name, line, err.column + 1, column);
    }
    if (err.code === "INVALID_OPENING_QUOTE" && typeof err.lines === "number" && typeof err.column === "number") {
      const column = parsedHeader?.[err.column]?.trim();
      throw new LanternError("LANTERN_DATA_REJECTED", `${name} is not well-formed CSV: a quote inside a value on row ${err.lines}.`, {
        issues: [{ code: "FILE_CSV_MALFORMED", severity: "error", file: name, row: err.lines, ...(column ? { column } : {}), message: `${name} ${strayQuoteProblem(err.lines, err.column + 1)}.`, expected: STRAY_QUOTE_EXPECTED }],
        hint: "Put that value in quotes with its quote doubled (or remove the quote) on the row named, or save the file again from Excel as CSV UTF-8, and load it again.",
      });
    }
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
