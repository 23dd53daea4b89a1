/**
 * @module
 * The backup file format, as pure functions with no IO: what `lantern backup` writes,
 * `lantern restore` reads and `lantern migrate-store` streams between two stores. A backup is
 * one gzip-compressed UTF-8 text of JSON lines, so it can be read with `zcat` and nothing else:
 *
 * ```
 * {"format":"lantern-backup","formatVersion":1,"schemaVersion":5,"createdAt":…,"source":{…},"tables":55,"rows":116063}
 * {"table":"lantern_audit","columns":[["audit_id","int"],["logged_at","text"],…],"rows":5}
 * [1,"2025-04-02T09:00:00.000Z",…]                       ← one JSON array per row
 * {"table":"lantern_calendar",…}
 * …
 * {"end":"lantern-backup","tables":55,"rows":116063,"sha256":"…"}
 * ```
 *
 * The trailer's SHA-256 covers every byte before it, and every table header carries its row
 * count, so a file cut short, edited or damaged is refused rather than half restored. Values are
 * written so they come back exactly on either store: a DATE as its calendar day `YYYY-MM-DD`
 * (never a time at midnight, which British Summer Time would move), a BIGINT or TIMESTAMP as
 * the text the database prints (no rounding through a JS number), a DOUBLE as the shortest text
 * that reads back as the same double (`NaN`, `Infinity` and `-0` spelt out), NULL as null.
 *
 * It deliberately knows nothing of tables or stores: the column types come from the database
 * (`backup.ts`), and any type not listed here is refused at backup time instead of being
 * written in a form that might not read back the same.
 */

import { createHash, type Hash } from "node:crypto";
import type { SqlValue } from "./port.ts";

/** The `format` field of a backup's first line. */
export const BACKUP_FORMAT = "lantern-backup";
/** The version of the file layout this Lantern writes and the newest it reads. */
export const BACKUP_FORMAT_VERSION = 1;

/** How a column's values are written. */
export type ColumnType = "text" | "int" | "bigint" | "float" | "date" | "bool" | "timestamp";

const COLUMN_TYPES: ReadonlySet<string> = new Set<ColumnType>(["text", "int", "bigint", "float", "date", "bool", "timestamp"]);

/** A column as a backup records it. */
export interface BackupColumn {
  readonly name: string;
  readonly type: ColumnType;
}

/** Where a backup came from. */
export interface BackupSource {
  readonly kind: "duckdb" | "postgres";
  /** The file path or the URL without its password. */
  readonly location: string;
}

/** A backup's first line. */
export interface BackupHeader {
  readonly format: typeof BACKUP_FORMAT;
  readonly formatVersion: number;
  /** The newest numbered migration the source store had applied. */
  readonly schemaVersion: number;
  readonly createdAt: string;
  readonly source: BackupSource;
  readonly tables: number;
  readonly rows: number;
}

/** The line that starts each table. */
export interface TableHeader {
  readonly table: string;
  readonly columns: readonly BackupColumn[];
  readonly rows: number;
}

/** A backup's last line. */
export interface BackupTrailer {
  readonly end: typeof BACKUP_FORMAT;
  readonly tables: number;
  readonly rows: number;
  /** SHA-256 (hex) of every byte before this line. */
  readonly sha256: string;
}

/** A value as it appears in a row line. */
export type Encoded = string | number | boolean | null;

/** Why a file cannot be restored; `backup.ts` turns it into a message naming the file. */
export type ProblemKind = "not-a-backup" | "truncated" | "corrupt" | "too-new";

/** A problem found in a backup (or in what is about to be written to one). */
export class BackupProblem extends Error {
  readonly kind: ProblemKind;
  constructor(kind: ProblemKind, message: string) {
    super(message);
    this.name = "BackupProblem";
    this.kind = kind;
  }
}

/**
 * The column type for an `information_schema.columns.data_type` from DuckDB or PostgreSQL, or
 * undefined when a backup cannot carry it exactly.
 */
export function columnType(dataType: string): ColumnType | undefined {
  switch (dataType.toLowerCase()) {
    case "varchar":
    case "character varying":
    case "text":
      return "text";
    case "integer":
    case "smallint":
      return "int";
    case "bigint":
      return "bigint";
    case "double":
    case "double precision":
      return "float";
    case "date":
      return "date";
    case "boolean":
      return "bool";
    case "timestamp":
    case "timestamp without time zone":
      return "timestamp";
    default:
      return undefined;
  }
}

/** The SQL type (portable to both stores) a value of this column type is cast to on the way in. */
export function sqlTypeOf(t: ColumnType): string {
  return { text: "VARCHAR", int: "INTEGER", bigint: "BIGINT", float: "DOUBLE PRECISION", date: "DATE", bool: "BOOLEAN", timestamp: "TIMESTAMP" }[t];
}

/** A double-quoted SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * The SELECT expression that reads a column for a backup: BIGINT and TIMESTAMP as the database's
 * own text, so nothing passes through a rounding JS number or a millisecond JS Date.
 */
export function selectExpression(c: BackupColumn): string {
  const q = quoteIdent(c.name);
  return c.type === "bigint" || c.type === "timestamp" ? `CAST(${q} AS VARCHAR)` : q;
}

/** A value read from a store, as written in a row line. */
export function encodeValue(type: ColumnType, v: SqlValue): Encoded {
  if (v === null) return null;
  switch (type) {
    case "float": {
      const n = Number(v);
      if (Number.isNaN(n)) return "NaN";
      if (n === Infinity) return "Infinity";
      if (n === -Infinity) return "-Infinity";
      if (Object.is(n, -0)) return "-0";
      return n;
    }
    case "int":
      return Number(v);
    case "bool":
      return Boolean(v);
    default:
      return String(v);
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,9})?$/;
const BIGINT = /^-?\d{1,19}$/;
const SPECIAL_FLOATS: ReadonlySet<string> = new Set(["NaN", "Infinity", "-Infinity", "-0"]);

/**
 * A row line's value as the text a store casts to the column's type (a staging table holds text),
 * or null; throws a {@link BackupProblem} when the value cannot be of that type.
 */
export function decodeToText(type: ColumnType, e: unknown): string | null {
  if (e === null) return null;
  const bad = (): never => {
    throw new BackupProblem("corrupt", `${JSON.stringify(e)} is not a valid ${type} value`);
  };
  switch (type) {
    case "text":
      return typeof e === "string" ? e : bad();
    case "int":
      return typeof e === "number" && Number.isSafeInteger(e) ? String(e) : bad();
    case "bigint":
      return typeof e === "string" && BIGINT.test(e) ? e : bad();
    case "float":
      if (typeof e === "number" && Number.isFinite(e)) return String(e);
      return typeof e === "string" && SPECIAL_FLOATS.has(e) ? e : bad();
    case "date":
      return typeof e === "string" && DATE.test(e) ? e : bad();
    case "bool":
      return typeof e === "boolean" ? String(e) : bad();
    case "timestamp":
      return typeof e === "string" && TIMESTAMP.test(e) ? e : bad();
  }
}

/** The whole row's text form, checking the row has one value per column. */
export function decodeRow(columns: readonly BackupColumn[], row: readonly unknown[]): (string | null)[] {
  if (row.length !== columns.length) throw new BackupProblem("corrupt", `a row has ${row.length} values where its table has ${columns.length} columns`);
  const out: (string | null)[] = new Array(row.length);
  for (let i = 0; i < row.length; i++) {
    try {
      out[i] = decodeToText(columns[i]!.type, row[i]);
    } catch (e) {
      if (e instanceof BackupProblem) throw new BackupProblem("corrupt", `column ${columns[i]!.name}: ${e.message}`);
      throw e;
    }
  }
  return out;
}

/** Writes the lines of a backup, keeping the running SHA-256 and counts the trailer needs. */
export class BackupEncoder {
  readonly #hash: Hash = createHash("sha256");
  #tables = 0;
  #rows = 0;
  #columns: readonly BackupColumn[] = [];

  #emit(text: string): string {
    const line = `${text}\n`;
    this.#hash.update(line, "utf8");
    return line;
  }

  header(h: BackupHeader): string {
    return this.#emit(JSON.stringify(h));
  }

  table(t: TableHeader): string {
    this.#tables++;
    this.#columns = t.columns;
    return this.#emit(JSON.stringify({ table: t.table, columns: t.columns.map((c) => [c.name, c.type]), rows: t.rows }));
  }

  /** One row, already encoded ({@link encodeValue}). */
  row(values: readonly Encoded[]): string {
    if (values.length !== this.#columns.length) throw new Error(`a row of ${values.length} values for ${this.#columns.length} columns`);
    this.#rows++;
    return this.#emit(JSON.stringify(values));
  }

  trailer(): string {
    const t: BackupTrailer = { end: BACKUP_FORMAT, tables: this.#tables, rows: this.#rows, sha256: this.#hash.copy().digest("hex") };
    return `${JSON.stringify(t)}\n`;
  }
}

/** One line read back. */
export type DecodedLine =
  | { readonly kind: "header"; readonly header: BackupHeader }
  | { readonly kind: "table"; readonly table: TableHeader }
  | { readonly kind: "row"; readonly values: readonly Encoded[] }
  | { readonly kind: "end"; readonly trailer: BackupTrailer };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function count(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

/**
 * Reads a backup line by line and checks it as it goes: the header first (a Lantern backup, a
 * format and schema this Lantern knows), every row the right shape, each table's row count as its
 * header says, the trailer last with the right counts and checksum. Every problem is a
 * {@link BackupProblem} naming the line.
 */
export class BackupDecoder {
  readonly #hash: Hash = createHash("sha256");
  readonly #knownSchema: number;
  #line = 0;
  #header: BackupHeader | undefined;
  #table: TableHeader | undefined;
  #tableRows = 0;
  #tables = 0;
  #rows = 0;
  #trailer: BackupTrailer | undefined;
  readonly #seen = new Set<string>();

  /** `knownSchema`: the newest numbered migration this Lantern has. */
  constructor(knownSchema: number) {
    this.#knownSchema = knownSchema;
  }

  /** Where reading has got to, for messages. */
  get position(): { line: number; tables: number; rows: number; table?: string } {
    return { line: this.#line, tables: this.#tables, rows: this.#rows, ...(this.#table ? { table: this.#table.table } : {}) };
  }

  /** The header, once read. */
  get header(): BackupHeader | undefined {
    return this.#header;
  }

  #fail(kind: ProblemKind, message: string): never {
    throw new BackupProblem(kind, `line ${this.#line}${this.#table && kind === "corrupt" ? ` (table ${this.#table.table})` : ""}: ${message}`);
  }

  /** One line, without its newline. */
  line(text: string): DecodedLine {
    this.#line++;
    if (this.#trailer) {
      if (text === "") return this.#fail("corrupt", "an empty line after the end marker");
      return this.#fail("corrupt", "there is more after the end marker");
    }
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      if (!this.#header) return this.#fail("not-a-backup", "it does not start with a Lantern backup header");
      return this.#fail("corrupt", "the line is not valid JSON");
    }
    if (!this.#header) return this.#readHeader(v, text);
    if (Array.isArray(v)) {
      if (!this.#table) return this.#fail("corrupt", "a row before any table header");
      if (v.length !== this.#table.columns.length) return this.#fail("corrupt", `a row of ${v.length} values where the table has ${this.#table.columns.length} columns`);
      if (this.#tableRows >= this.#table.rows) return this.#fail("corrupt", `more rows than the ${this.#table.rows} its header announced`);
      try {
        decodeRow(this.#table.columns, v);
      } catch (e) {
        if (e instanceof BackupProblem) this.#fail("corrupt", `row ${this.#tableRows + 1}, ${e.message}`);
        throw e;
      }
      this.#tableRows++;
      this.#rows++;
      this.#hash.update(`${text}\n`, "utf8");
      return { kind: "row", values: v as Encoded[] };
    }
    if (!isObject(v)) return this.#fail("corrupt", "a line that is neither a row nor a header");
    if ("end" in v) return this.#readTrailer(v);
    if (typeof v["table"] === "string") return this.#readTable(v, text);
    return this.#fail("corrupt", "a line that is neither a row nor a header");
  }

  #readHeader(v: unknown, text: string): DecodedLine {
    if (!isObject(v) || v["format"] !== BACKUP_FORMAT) return this.#fail("not-a-backup", "it does not start with a Lantern backup header");
    const fv = v["formatVersion"];
    if (!count(fv) || fv < 1) return this.#fail("not-a-backup", "its header has no format version");
    if (fv > BACKUP_FORMAT_VERSION) return this.#fail("too-new", `it was written in backup format ${fv}; this Lantern reads format ${BACKUP_FORMAT_VERSION} and older`);
    const sv = v["schemaVersion"];
    if (!count(sv)) return this.#fail("corrupt", "its header has no schema version");
    if (sv > this.#knownSchema) return this.#fail("too-new", `it was made by a newer Lantern (store schema ${sv}; this Lantern's is ${this.#knownSchema})`);
    const src = v["source"];
    if (!isObject(src) || (src["kind"] !== "duckdb" && src["kind"] !== "postgres") || typeof src["location"] !== "string") return this.#fail("corrupt", "its header does not say where it came from");
    if (typeof v["createdAt"] !== "string" || !count(v["tables"]) || !count(v["rows"])) return this.#fail("corrupt", "its header is incomplete");
    this.#header = {
      format: BACKUP_FORMAT,
      formatVersion: fv,
      schemaVersion: sv,
      createdAt: v["createdAt"],
      source: { kind: src["kind"], location: src["location"] },
      tables: v["tables"],
      rows: v["rows"],
    };
    this.#hash.update(`${text}\n`, "utf8");
    return { kind: "header", header: this.#header };
  }

  #closeTable(): void {
    if (this.#table && this.#tableRows !== this.#table.rows) {
      this.#fail("corrupt", `table ${this.#table.table} has ${this.#tableRows} rows where its header announced ${this.#table.rows}`);
    }
  }

  #readTable(v: Record<string, unknown>, text: string): DecodedLine {
    this.#closeTable();
    const name = v["table"] as string;
    const cols = v["columns"];
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return this.#fail("corrupt", `${JSON.stringify(name)} is not a table name`);
    if (this.#seen.has(name)) return this.#fail("corrupt", `table ${name} appears twice`);
    if (!Array.isArray(cols) || !cols.length || !count(v["rows"])) return this.#fail("corrupt", `the header of table ${name} is incomplete`);
    const columns: BackupColumn[] = [];
    for (const c of cols) {
      if (!Array.isArray(c) || c.length !== 2 || typeof c[0] !== "string" || typeof c[1] !== "string") return this.#fail("corrupt", `a column of table ${name} is not [name, type]`);
      if (!COLUMN_TYPES.has(c[1])) return this.#fail("too-new", `column ${name}.${c[0]} has type ${c[1]}, which this Lantern does not know`);
      columns.push({ name: c[0], type: c[1] as ColumnType });
    }
    this.#seen.add(name);
    this.#table = { table: name, columns, rows: v["rows"] };
    this.#tableRows = 0;
    this.#tables++;
    this.#hash.update(`${text}\n`, "utf8");
    return { kind: "table", table: this.#table };
  }

  #readTrailer(v: Record<string, unknown>): DecodedLine {
    this.#closeTable();
    this.#table = undefined;
    if (v["end"] !== BACKUP_FORMAT || !count(v["tables"]) || !count(v["rows"]) || typeof v["sha256"] !== "string") return this.#fail("corrupt", "the end marker is malformed");
    if (v["tables"] !== this.#tables || v["rows"] !== this.#rows) {
      return this.#fail("corrupt", `the end marker counts ${v["tables"]} tables and ${v["rows"]} rows, but the file holds ${this.#tables} and ${this.#rows}`);
    }
    const sha = this.#hash.digest("hex");
    if (sha !== v["sha256"]) return this.#fail("corrupt", "the checksum does not match the contents (the file was changed or damaged after it was written)");
    const h = this.#header!;
    if (h.tables !== this.#tables || h.rows !== this.#rows) {
      return this.#fail("corrupt", `the header announced ${h.tables} tables and ${h.rows} rows, but the file holds ${this.#tables} and ${this.#rows}`);
    }
    this.#trailer = { end: BACKUP_FORMAT, tables: this.#tables, rows: this.#rows, sha256: sha };
    return { kind: "end", trailer: this.#trailer };
  }

  /** Call at the end of the input: a file without its end marker was cut short. */
  finish(): BackupTrailer {
    if (!this.#header) throw new BackupProblem("not-a-backup", "the file is empty");
    if (!this.#trailer) {
      const where = this.#table ? ` in table ${this.#table.table} after ${this.#tableRows} of its ${this.#table.rows} rows` : "";
      throw new BackupProblem("truncated", `it ends without its end marker${where} (${this.#rows} of ${this.#header.rows} rows present)`);
    }
    return this.#trailer;
  }
}

/**
 * An order-independent fingerprint of a table's rows (a multiset hash: the sum of each row's
 * SHA-256, modulo 2^256), so two stores that return the same rows in different orders agree and
 * neither needs to sort. Rows are compared in their encoded form, so equal means exactly equal.
 */
export class RowDigest {
  #sum = 0n;
  #rows = 0;
  static readonly #MASK = (1n << 256n) - 1n;

  add(values: readonly Encoded[]): void {
    const h = createHash("sha256").update(JSON.stringify(values), "utf8").digest("hex");
    this.#sum = (this.#sum + BigInt(`0x${h}`)) & RowDigest.#MASK;
    this.#rows++;
  }

  get rows(): number {
    return this.#rows;
  }

  get hex(): string {
    return this.#sum.toString(16).padStart(64, "0");
  }
}
