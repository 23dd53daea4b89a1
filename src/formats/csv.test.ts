// Every format's CSV rows come through csvRowsFromChunks: a row whose field count is not the
// header's, or a file cut off part-way through its last row, must end the read with a located
// issue rather than shift or lose values (QA: a cut-off 903 Header stored a truncated UPN).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { isLanternError } from "../core/errors.ts";
import { type CsvReadOptions, type CsvRow, csvRowsFromChunks, readCsvRows } from "./csv.ts";

async function* chunks(...parts: string[]): AsyncGenerator<string> {
  yield* parts;
}

async function read(parts: string[], opts?: CsvReadOptions): Promise<CsvRow[]> {
  const out: CsvRow[] = [];
  for await (const r of csvRowsFromChunks(chunks(...parts), "t.csv", opts)) out.push(r);
  return out;
}

/** The one issue of a refused read. */
async function refused(parts: string[], opts?: CsvReadOptions): Promise<{ code: string; row?: number; message: string; expected?: string }> {
  try {
    await read(parts, opts);
  } catch (e) {
    assert.ok(isLanternError(e) && e.code === "LANTERN_DATA_REJECTED", String(e));
    assert.equal(e.issues.length, 1);
    assert.equal(e.issues[0]!.file, "t.csv");
    return e.issues[0]!;
  }
  assert.fail("the read was not refused");
}

test("csv: a row with more fields than the header is refused, naming the row, the fields found and expected, and what to do", async () => {
  const i = await refused(["A,B,C\n1,2,3\n4,5,6,7\n8,9,10\n"]);
  assert.equal(i.code, "FILE_CSV_FIELD_COUNT");
  assert.equal(i.row, 3);
  assert.match(i.message, /t\.csv row 3 has 4 fields but the header has 3: a value probably holds a comma without quotes round it\. Check the row.s separators and quotes and correct it, or save or export the file again as CSV\./);
  assert.equal(i.expected, "3 fields on every row, as in the header");
  // Tab-separated (Excel's Unicode text): the message names the tab.
  assert.match((await refused(["A\tB\n1\t2\t3\n"])).message, /holds a tab without quotes/);
  // Even where short rows are read with blanks, a long row is refused: its values would be shifted.
  assert.equal((await refused(["A,B,C\n1,2,3,4\n"], { shortRows: "blank" })).code, "FILE_CSV_FIELD_COUNT");
});

test("csv: a row with fewer fields is refused, or read with its missing last fields blank when the caller asks", async () => {
  const i = await refused(["A,B,C\n1,2\n4,5,6\n"]);
  assert.deepEqual([i.code, i.row], ["FILE_CSV_FIELD_COUNT", 2]);
  assert.match(i.message, /row 2 has 2 fields but the header has 3: values are missing from the row/);
  // A short last row that ends in a line break is short, not cut off.
  assert.equal((await refused(["A,B,C\n1,2,3\n4,5\n"])).code, "FILE_CSV_FIELD_COUNT");
  const rows = await read(["A,B,C\n1,2\n4,5,6\n7\n"], { shortRows: "blank" });
  assert.deepEqual(
    rows.map((r) => [r.line, r.cells, r.found]),
    [
      [1, ["A", "B", "C"], undefined],
      [2, ["1", "2", ""], 2],
      [3, ["4", "5", "6"], undefined],
      [4, ["7", "", ""], 1],
    ],
  );
});

test("csv: a file that ends part-way through a row is reported as truncated; a whole last row without a line break is not", async () => {
  for (const parts of [["A,B,C\n1,2,3\n4,5"], ["A,B,C\n1,2,3\n", "4,5"], ["A,B,C\r\n1,2,3\r\n4,", "5"]]) {
    const i = await refused(parts);
    assert.deepEqual([i.code, i.row], ["FILE_CSV_TRUNCATED", 3], parts.join("|"));
    assert.match(i.message, /t\.csv ends part-way through row 3: the row has 2 of the header's 3 fields and no line break after it, so the file looks truncated\. Export or copy the whole file again\./);
    // Cut off is cut off, even where short rows are otherwise read with blanks.
    assert.equal((await refused(parts, { shortRows: "blank" })).code, "FILE_CSV_TRUNCATED");
  }
  assert.deepEqual((await read(["A,B,C\n1,2,3\n4,5,6"])).map((r) => r.cells.length), [3, 3, 3]);
});

test("csv: blank rows of any width are still skipped, and a quoted field with commas and line breaks is one field", async () => {
  const rows = await read(['A,B,C\n1,"x, y\nz",3\n,,,,\n\n,\n4,5,6\n']);
  assert.deepEqual(
    rows.map((r) => [r.line, r.cells]),
    [
      [1, ["A", "B", "C"]],
      [2, ["1", "x, y\nz", "3"]],
      [7, ["4", "5", "6"]],
    ],
  );
});

test("csv: a NUL byte in a field (past the part sniffed for binary data) is refused with the row and field", async () => {
  const i = await refused(["A,B\n1,2\n", "3,x\u0000y\n"]);
  assert.equal(i.code, "FILE_CSV_NUL");
  assert.equal(i.row, 3);
  assert.match(i.message, /t\.csv row 3, field 2, holds a NUL character/);
});

test("csv: a quote left open at the end of the file is located at the row and field where it opened, not the file's last line", async () => {
  const cases: [string[], number, number, string | undefined][] = [
    // The quote on row 3 swallows rows 4 and 5: the parser notices only at the end of the file.
    [['A,B,C\n1,2,3\n4,"x\n5,6,7\n8,9,10\n'], 3, 2, "B"],
    // Blank lines before it still count; so do CRLF line breaks and a quoted value over two lines.
    [["A,B,C\r\n1,2,3\r\n\r\n", '\r\n4,5,"x\r\n5,6,7\r\n'], 5, 3, "C"],
    [['A,B,C\n1,"two\nlines",3\n4,5,"6\n7,8,9\n'], 4, 3, "C"],
    // In the header itself: no column to name.
    [['A,"B,C\n1,2,3\n'], 1, 2, undefined],
  ];
  for (const [parts, row, field, column] of cases) {
    const i = (await refused(parts)) as { code: string; row?: number; column?: string; message: string; expected?: string };
    assert.deepEqual([i.code, i.row, i.column], ["FILE_CSV_MALFORMED", row, column], parts.join("|"));
    assert.equal(
      i.message,
      `t.csv row ${row}, field ${field}, opens a quote (") that is never closed, so the rest of the file was read as that one value: the value's closing quote is missing, or the file was cut off while being exported or copied.`,
    );
    assert.equal(i.expected, 'a closing quote (") at the end of the value');
  }
});

test("csv: a file that ends inside a quoted value opened on its last line is reported as truncated at that row and column, not as a quote problem or a bad value", async () => {
  const cases: [string[], number, number, string, string][] = [
    [['A,B,C,D,E\n1,2,3,4,5\n6,7,"8'], 3, 3, "C", "the row has 3 of the header's 5 fields, the last with no closing quote"],
    [["A,B,C\r\n1,\"two\r\nlines\",3\r\n", '4,5,"6 and a h'], 4, 3, "C", "the row's last field with no closing quote"],
    [['A,B,C\n1,2,3\n\n4,"5,6'], 4, 2, "B", "the row has 2 of the header's 3 fields, the last with no closing quote"],
  ];
  for (const [parts, row, field, column, has] of cases) {
    for (const opts of [undefined, { shortRows: "blank" } as const]) {
      const i = (await refused(parts, opts)) as { code: string; row?: number; column?: string; message: string; expected?: string };
      assert.deepEqual([i.code, i.row, i.column], ["FILE_CSV_TRUNCATED", row, column], parts.join("|"));
      assert.ok(i.message.startsWith(`t.csv ends part-way through row ${row}, inside the quoted value of field ${field} (${column}): ${has} and no line break after it, so the file looks truncated. Export or copy the whole file again`), i.message);
      assert.match(i.expected!, /fields? on every row, as in the header, each quoted value closed/);
    }
  }
  // With a line break after it, the row ended: a closing quote left off, as before.
  assert.equal((await refused(['A,B,C\n1,2,3\n4,5,"6\n'])).code, "FILE_CSV_MALFORMED");
});

test("csv: a quote inside a value that does not begin with one is located, with how to write it", async () => {
  const i = (await refused(['A,B,C\n1,2,3\n4,O"Brien,6\n'])) as { code: string; row?: number; column?: string; message: string; expected?: string };
  assert.deepEqual([i.code, i.row, i.column], ["FILE_CSV_MALFORMED", 3, "B"]);
  assert.equal(i.message, `t.csv row 3, field 2, has a quote (") inside a value that does not begin with one: a value holding a quote must be written in quotes with that quote doubled ("O""Brien"), as Excel saves it.`);
  assert.equal(i.expected, 'the whole value in quotes, with each quote inside it doubled ("")');
});

test("csv: a NUL byte's issue names the header's column for the field", async () => {
  const i = (await refused(["A,B\n1,2\n", "3,x\u0000y\n"])) as { column?: string };
  assert.equal(i.column, "B");
});

test("csv: a file that stops being UTF-8 after its first chunk is refused as a LanternError, not an unhandled stream error that ends the process", async () => {
  // The first 64 KB (sniffed) and first 256 KB read are UTF-8; a Windows-1252 "é" comes after them.
  const dir = mkdtempSync(join(tmpdir(), "lantern-csv-"));
  try {
    const path = join(dir, "late.csv");
    const rows = Array.from({ length: 20_000 }, (_, i) => `${i},padding padding padding`).join("\n");
    writeFileSync(path, Buffer.concat([Buffer.from(`A,B\n${rows}\n`), Buffer.from([0x39, 0x2c, 0x63, 0x61, 0x66, 0xe9, 0x0a])]));
    let n = 0;
    const e = await (async () => {
      try {
        for await (const _ of readCsvRows(path)) n++;
      } catch (err) {
        return err;
      }
      assert.fail("the read was not refused");
    })();
    assert.ok(isLanternError(e), String(e));
    assert.equal(e.code, "LANTERN_FILE_UNREADABLE");
    assert.match(e.message, /late\.csv is UTF-8 text but holds bytes that are not UTF-8 \(first at line 20002: "9,caf\uFFFD", where \uFFFD stands for what could not be read\): part of it was saved in another encoding/);
    assert.deepEqual(
      e.issues?.map((i) => [i.code, i.file, i.row]),
      [["FORMAT_NOT_UTF8", "late.csv", 20002]],
    );
    assert.ok(n > 1000, "rows before the bad byte were read first, so the error came mid-stream");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("csv: the line of the first byte that is not UTF-8 is named wherever it falls: across a read's boundary, after a real U+FFFD, with CR line ends, or cut off at the end", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lantern-csv-"));
  const where = async (bytes: Buffer): Promise<string> => {
    const path = join(dir, "f.csv");
    writeFileSync(path, bytes);
    try {
      for await (const _ of readCsvRows(path));
    } catch (e) {
      assert.ok(isLanternError(e), String(e));
      return e.message;
    }
    return "read";
  };
  try {
    const lines = (n: number, eol = "\n") => Buffer.from(`A,B${eol}${Array.from({ length: n }, () => `1,2${eol}`).join("")}`);
    // 0xC3 the last byte of the first 256 KB read, completed by nothing: its line is named.
    const head = lines(30_000);
    const fill = 262_143 - head.length;
    const before = Buffer.concat([head, Buffer.from(`${"z".repeat(fill - 1)}\n`)]);
    assert.equal(before.length, 262_143);
    const m1 = await where(Buffer.concat([before, Buffer.from([0x39, 0xc3]).subarray(1), Buffer.from("x\n")]));
    assert.match(m1, /first at line 30003: "\uFFFDx"/);
    // A U+FFFD written in the file earlier is a character, not the bad byte.
    const m2 = await where(Buffer.concat([lines(30_000), Buffer.from("9,\uFFFD ok\n"), Buffer.from([0x39, 0x2c, 0x63, 0x61, 0x66, 0xe9, 0x0a])]));
    assert.match(m2, /first at line 30003: "9,caf\uFFFD"/);
    // Old Mac line ends (CR alone), which the CSV readers take.
    const m3 = await where(Buffer.concat([lines(30_000, "\r"), Buffer.from([0x39, 0x2c, 0xe9, 0x0d])]));
    assert.match(m3, /first at line 30002: "9,\uFFFD"/);
    // A character cut off by the end of the file.
    const m4 = await where(Buffer.concat([lines(30_000), Buffer.from([0x39, 0x2c, 0xc3])]));
    assert.match(m4, /first at line 30002: "9,\uFFFD"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("csv: the field-count advice fits a file saved from Excel as well as one exported from a case management system", async () => {
  for (const parts of [["A,B,C\n1,2,3\n4,5,6,7\n"], ["A,B,C\n1,2\n4,5,6\n"]]) {
    const i = await refused(parts);
    assert.equal(i.code, "FILE_CSV_FIELD_COUNT");
    assert.doesNotMatch(i.message, /case management system/);
    assert.match(i.message, /Check the row's separators and quotes and correct it, or save or export the file again as CSV\.$/);
  }
});

test("csv: a problem the parser finds after a value holding a CRLF is located at the line a person counts, not one further on per CRLF", async () => {
  // The parser counts a CRLF inside quotes as two lines; before, its errors named the row after.
  const before = 'A,B,C\r\n1,"x\r\ny",3\r\n4,5,6\r\n';
  const stray = await refused([`${before}7,a"b,9\r\n`]);
  assert.deepEqual([stray.code, stray.row], ["FILE_CSV_MALFORMED", 5]);
  assert.match(stray.message, /row 5, field 2, has a quote/);
  const open = await refused([`${before}7,"b,9\r\n10,11,12\r\n`]);
  assert.deepEqual([open.code, open.row], ["FILE_CSV_MALFORMED", 5]);
  assert.match(open.message, /row 5, field 2, opens a quote/);
  const closing = await refused([`${before}7,"b"c,9\r\n`]);
  assert.deepEqual([closing.code, closing.row], ["FILE_CSV_MALFORMED", 5]);
  // Two such values in one row before (the row spans lines 2 to 4): two lines' difference.
  const twice = await refused(['A,B\r\n"a\r\nb","c\r\nd"\r\n1,x"y\r\n']);
  assert.equal(twice.row, 5);
  assert.match(twice.message, /row 5, field 2/);
});

test("csv: a row ends at CRLF, LF or CR in any mix (a line of a Windows file edited in another editor), each row read alone at its own line", async () => {
  // Before, the parser took the first line's ending as the file's, so a row ending in LF only ran
  // on into the next: one row with too many fields, or a quote "not doubled".
  const rows = await read(['A,B,C\r\n1,2,3\r\n4,5,6\n7,"x, y",9\r\n10,11,12\r13,14,"a\r\nb"\r\n15,16,17\r\n']);
  assert.deepEqual(
    rows.map((r) => [r.line, r.cells]),
    [
      [1, ["A", "B", "C"]],
      [2, ["1", "2", "3"]],
      [3, ["4", "5", "6"]],
      [4, ["7", "x, y", "9"]],
      [5, ["10", "11", "12"]],
      [6, ["13", "14", "a\r\nb"]],
      [8, ["15", "16", "17"]],
    ],
  );
  // A CRLF split between two chunks is one line break, not a blank row between two.
  const split = await read(["A,B\r\n1,2\r", "\n3,4\n5,6\r\n"]);
  assert.deepEqual(
    split.map((r) => [r.line, r.cells]),
    [
      [1, ["A", "B"]],
      [2, ["1", "2"]],
      [3, ["3", "4"]],
      [4, ["5", "6"]],
    ],
  );
  // A file whose first line ends in LF and a later one in CRLF: the CR is not part of a value.
  const lf = await read(["A,B\n1,2\r\n3,4\n"]);
  assert.deepEqual(lf.map((r) => r.cells), [["A", "B"], ["1", "2"], ["3", "4"]]);
});
