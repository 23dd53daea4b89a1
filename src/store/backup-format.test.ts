// The backup file format without any store: values come back exactly (the awkward doubles, big
// integers, dates, text), and a file that is cut short, edited, reordered, from a newer Lantern
// or not a backup at all is refused with the right kind of problem.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  BACKUP_FORMAT_VERSION,
  type BackupColumn,
  BackupDecoder,
  BackupEncoder,
  type BackupHeader,
  BackupProblem,
  columnType,
  decodeToText,
  type Encoded,
  encodeValue,
  type ProblemKind,
  RowDigest,
} from "./backup-format.ts";

const through = (e: Encoded): unknown => JSON.parse(JSON.stringify(e));

test("every double, however awkward, is written so it reads back as the same double", () => {
  const doubles = [0.1 + 0.2, 1 / 3, 5e-324, 1.7976931348623157e308, -0, 0, NaN, Infinity, -Infinity, 1e21, 123456789.125, -2.5e-7, 2 ** 53 + 2];
  for (const d of doubles) {
    const text = decodeToText("float", through(encodeValue("float", d)));
    assert.ok(Object.is(Number(text), d), `${d} came back as ${text}`);
  }
});

test("big integers, dates, timestamps, booleans, text and NULL survive as text for the store to cast", () => {
  const cases: [BackupColumn["type"], string | number | boolean | null, string | null][] = [
    ["bigint", "9223372036854775807", "9223372036854775807"],
    ["bigint", "-9007199254740993", "-9007199254740993"],
    ["int", 2147483647, "2147483647"],
    ["date", "2024-06-01", "2024-06-01"],
    ["date", "2024-03-31", "2024-03-31"],
    ["timestamp", "2024-06-01 00:30:00.123456", "2024-06-01 00:30:00.123456"],
    ["bool", false, "false"],
    ["bool", true, "true"],
    ["text", "line\nbreak\ttab \\N \"quoted\" ünïcødé £ 👶 \u2028", "line\nbreak\ttab \\N \"quoted\" ünïcødé £ 👶 \u2028"],
    ["text", "", ""],
    ["text", null, null],
    ["date", null, null],
  ];
  for (const [type, v, want] of cases) assert.equal(decodeToText(type, through(encodeValue(type, v))), want, `${type} ${String(v)}`);
});

test("a value of the wrong kind for its column is refused", () => {
  const bad: [BackupColumn["type"], unknown][] = [
    ["int", 1.5],
    ["int", "1"],
    ["bigint", 12],
    ["bigint", "12a"],
    ["float", "1.5"],
    ["date", "01/06/2024"],
    ["date", 20240601],
    ["bool", "Y"],
    ["text", 12],
    ["timestamp", "2024-06-01T10:00:00Z"],
  ];
  for (const [type, v] of bad) assert.throws(() => decodeToText(type, v), BackupProblem, `${type} ${JSON.stringify(v)}`);
});

test("both stores' column types are recognised; anything else is refused rather than guessed", () => {
  const duck = ["VARCHAR", "INTEGER", "BIGINT", "DOUBLE", "DATE", "BOOLEAN", "TIMESTAMP"].map(columnType);
  const pg = ["character varying", "integer", "bigint", "double precision", "date", "boolean", "timestamp without time zone"].map(columnType);
  assert.deepEqual(duck, ["text", "int", "bigint", "float", "date", "bool", "timestamp"]);
  assert.deepEqual(pg, duck);
  for (const t of ["numeric", "real", "json", "timestamp with time zone", "BLOB", "INTERVAL"]) assert.equal(columnType(t), undefined, t);
});

const HEADER: BackupHeader = {
  format: "lantern-backup",
  formatVersion: BACKUP_FORMAT_VERSION,
  schemaVersion: 5,
  createdAt: "2025-06-30T23:30:00.000Z",
  source: { kind: "duckdb", location: "/srv/lantern/lantern.duckdb" },
  tables: 2,
  rows: 3,
};

/** A small backup as its lines (without newlines). */
function sample(header: BackupHeader = HEADER): string[] {
  const e = new BackupEncoder();
  const text =
    e.header(header) +
    e.table({ table: "a", columns: [{ name: "d", type: "date" }, { name: "x", type: "float" }], rows: 2 }) +
    e.row(["2024-06-01", 0.1]) +
    e.row([null, "NaN"]) +
    e.table({ table: "b", columns: [{ name: "s", type: "text" }], rows: 1 }) +
    e.row(["multi\nline"]) +
    e.trailer();
  return text.slice(0, -1).split("\n");
}

function decode(lines: readonly string[], known = 5): string[] {
  const d = new BackupDecoder(known);
  const kinds = lines.map((l) => d.line(l).kind);
  d.finish();
  return kinds;
}

function problem(lines: readonly string[], kind: ProblemKind, message: RegExp, known = 5): void {
  assert.throws(
    () => decode(lines, known),
    (e: unknown) => e instanceof BackupProblem && e.kind === kind && message.test(e.message),
    `expected ${kind} ${message}`,
  );
}

test("a backup reads back line by line: header, tables, rows, the end marker with its checksum", () => {
  const lines = sample();
  assert.equal(lines.length, 7, "text with a newline stays on one line");
  assert.deepEqual(decode(lines), ["header", "table", "row", "row", "table", "row", "end"]);
  const d = new BackupDecoder(5);
  for (const l of lines) d.line(l);
  assert.equal(d.finish().rows, 3);
  assert.deepEqual(d.header?.source, HEADER.source);
});

test("a file cut short, edited, reordered or with rows missing is refused as such", () => {
  const lines = sample();
  problem(lines.slice(0, -1), "truncated", /ends without its end marker in table b after 1 of its 1 rows \(3 of 3 rows present\)/);
  problem(lines.slice(0, 3), "truncated", /in table a after 1 of its 2 rows/);
  problem([], "not-a-backup", /empty/);
  problem(
    lines.map((l, i) => (i === 2 ? l.replace("0.1", "0.2") : l)),
    "corrupt",
    /checksum does not match/,
  );
  problem(
    lines.filter((_, i) => i !== 3),
    "corrupt",
    /table a has 1 rows where its header announced 2/,
  );
  problem([...lines.slice(0, 4), lines[3]!, ...lines.slice(4)], "corrupt", /more rows than the 2/);
  problem([...lines, lines[5]!], "corrupt", /more after the end marker/);
  problem([lines[0]!, lines[4]!, lines[5]!, lines[1]!, lines[2]!, lines[3]!, lines[6]!], "corrupt", /checksum/);
  problem(
    lines.map((l, i) => (i === 2 ? '["2024-06-01"' : l)),
    "corrupt",
    /line 3 \(table a\): the line is not valid JSON/,
  );
  problem(
    lines.map((l, i) => (i === 2 ? '["1 June 2024",0.1]' : l)),
    "corrupt",
    /row 1, column d: "1 June 2024" is not a valid date value/,
  );
});

test("a file from a newer Lantern or not a backup at all is refused before anything else is read", () => {
  problem(sample({ ...HEADER, formatVersion: BACKUP_FORMAT_VERSION + 1 }), "too-new", /backup format 2; this Lantern reads format 1/);
  problem(sample({ ...HEADER, schemaVersion: 6 }), "too-new", /newer Lantern \(store schema 6; this Lantern's is 5\)/);
  assert.deepEqual(decode(sample({ ...HEADER, schemaVersion: 4 })).at(-1), "end", "an older schema is fine");
  problem(
    sample().map((l, i) => (i === 1 ? l.replace('"float"', '"decimal"') : l)),
    "too-new",
    /column a\.x has type decimal/,
  );
  problem(["ssd_person_id,name", "P1,Ann"], "not-a-backup", /does not start with a Lantern backup header/);
  problem(['{"format":"something-else"}'], "not-a-backup", /does not start/);
});

test("a table's fingerprint ignores row order but not values or duplicates", () => {
  const of = (rows: Encoded[][]) => {
    const d = new RowDigest();
    for (const r of rows) d.add(r);
    return d.hex;
  };
  const rows: Encoded[][] = [
    ["2024-06-01", 1, null],
    ["2024-06-02", 2, "x"],
    ["2024-06-03", 3, "y"],
  ];
  assert.equal(of(rows), of([...rows].reverse()));
  assert.notEqual(of(rows), of([rows[0]!, rows[1]!, ["2024-06-03", 3, "z"]]));
  assert.notEqual(of(rows), of([...rows, rows[0]!]));
  assert.notEqual(of([["a"], ["a"]]), of([]), "a pair of equal rows does not cancel out");
  assert.equal(of([]), "0".repeat(64));
});
