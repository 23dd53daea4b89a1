import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { main } from "../cli/main.ts";
import { isLanternError, type LanternError } from "../core/errors.ts";
import { openStore, storeConfig } from "../store/open.ts";
import type { Store } from "../store/port.ts";
import { computeAndStore, storedValues } from "../kpi/compute.ts";
import { listSnapshots, tableRows } from "../store/snapshots.ts";
import { capture, smallExport, tempDir, tempStore, writeExport } from "../../test/fixtures.ts";
import { importMeasures, isMeasuresFile } from "./measures-import.ts";
import { importSsd } from "./ssd-import.ts";

const GOOD = "indicator,authority,period,value,numerator,denominator,note\nsw_vacancy_rate,202,2025-09,14.2,14.2,100,\nsw_caseload,202,2025-09,15.5,,,census\nehe_children,203,2025-01,120,,,";

test("aggregate figures load as versioned snapshots that carry the SSD tables forward", async () => {
  const { store, cleanup } = await tempStore();
  try {
    await importSsd(store, { paths: [writeExport(smallExport())], authority: "202" });
    const dir = writeExport({ "workforce.csv": GOOD });
    assert.equal(isMeasuresFile(`${dir}/workforce.csv`), true);
    const res = await importMeasures(store, { paths: [`${dir}/workforce.csv`] });
    assert.deepEqual(
      res.authorities.map((a) => [a.authority, a.status, a.snapshotId, a.rows]),
      [
        ["202", "loaded", 2, 2],
        ["203", "loaded", 3, 1],
      ],
    );
    assert.equal((await tableRows(store, "ssd_person", 2)).length, 3, "SSD rows carried forward into the measures snapshot");
    await computeAndStore(store, { indicators: ["sw_vacancy_rate", "sw_caseload", "ehe_children"] });
    const vals = await storedValues(store, { snapshots: [2, 3] });
    assert.deepEqual(
      vals.map((v) => [v.authority, v.indicator, v.period, v.value, v.numerator, v.denominator]),
      [
        ["202", "sw_vacancy_rate", "2025-09", 14.2, 14.2, 100],
        ["202", "sw_caseload", "2025-09", 15.5, null, null],
        ["203", "ehe_children", "2025-01", 120, null, null],
      ],
    );
    const again = await importMeasures(store, { paths: [`${dir}/workforce.csv`] });
    assert.deepEqual(again.authorities.map((a) => a.status), ["unchanged", "unchanged"]);
    assert.equal((await listSnapshots(store)).length, 3);
  } finally {
    await cleanup();
  }
});

test("bad figures are refused with file, row and column, and nothing is loaded", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const bad = "indicator,authority,period,value\nsw_vacancy_rate,202,2025-09,140\nreferrals,202,2025-09,10\nsw_caseload,202,Sept 2025,15\nsw_caseload,202,2025-09,abc\nnonsense,202,2025-09,1";
    const dir = writeExport({ "w.csv": bad });
    const err = await importMeasures(store, { paths: [`${dir}/w.csv`] }).then(
      () => assert.fail("expected a refusal"),
      (e: unknown) => e,
    );
    assert.ok(isLanternError(err));
    assert.equal(err.exit, 2);
    const where = err.issues.map((i) => [i.row, i.column]);
    assert.deepEqual(where, [
      [2, "value"],
      [3, "indicator"],
      [4, "period"],
      [5, "value"],
      [6, "indicator"],
    ]);
    assert.match(err.issues[1]!.message, /computed from the SSD tables/);
    assert.equal((await listSnapshots(store)).length, 0);
  } finally {
    await cleanup();
  }
});

test("impossible figures are refused with file, row, column, value and what was expected: negatives, absurd magnitudes, a value that disagrees with numerator ÷ denominator", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const rows = [
      "indicator,authority,period,value,numerator,denominator,note",
      "sw_caseload,202,2025-09,1000000000000000000000,,,", // 2: the QA's 1e21 caseload, written out
      "sw_caseload,202,2024-09,1000,,,", // 3: an average caseload of 1,000
      "ehe_children,202,2025-01,-3,,,", // 4: a negative count
      "ehe_children,202,2025-02,10000000,,,", // 5: ten million children
      "ehe_children,202,2025-03,120.5,,,", // 6: half a child
      "sw_vacancy_rate,202,2025-09,5,5,40,", // 7: 100 × 5 ÷ 40 is 12.5, not 5
      "sw_vacancy_rate,202,2024-09,12.5,-5,40,", // 8: a negative numerator
      "sw_agency_rate,202,2025-09,10,1,0,", // 9: a denominator of 0
      "sw_turnover_rate,202,2025-09,15,15,20000000,", // 10: an absurd denominator
      "sw_caseload,202,2023-09,20,300,20,", // 11: 300 cases ÷ 20 social workers is 15, not 20
      "ehe_children,202,2025-04,0x10,,,", // 12: hexadecimal
      "sw_caseload,202,2022-09,1e21,,,", // 13: an exponent
      "sw_agency_rate,202,2024-09,-0.1,,,", // 14: a negative percentage
    ];
    const dir = writeExport({ "m.csv": rows.join("\n") });
    const err = await importMeasures(store, { paths: [`${dir}/m.csv`] }).then(
      () => assert.fail("expected a refusal"),
      (e: unknown) => e,
    );
    assert.ok(isLanternError(err));
    assert.deepEqual(
      err.issues.map((i) => [i.code, i.file, i.row, i.column, i.value]),
      [
        ["MEASURES_VALUE_INVALID", "m.csv", 2, "value", "1000000000000000000000"],
        ["MEASURES_VALUE_INVALID", "m.csv", 3, "value", "1000"],
        ["MEASURES_VALUE_INVALID", "m.csv", 4, "value", "-3"],
        ["MEASURES_VALUE_INVALID", "m.csv", 5, "value", "10000000"],
        ["MEASURES_VALUE_INVALID", "m.csv", 6, "value", "120.5"],
        ["MEASURES_VALUE_INVALID", "m.csv", 7, "value", "5"],
        ["MEASURES_VALUE_INVALID", "m.csv", 8, "numerator", "-5"],
        ["MEASURES_VALUE_INVALID", "m.csv", 9, "denominator", "0"],
        ["MEASURES_VALUE_INVALID", "m.csv", 10, "denominator", "20000000"],
        ["MEASURES_VALUE_INVALID", "m.csv", 11, "value", "20"],
        ["MEASURES_VALUE_INVALID", "m.csv", 12, "value", "0x10"],
        ["MEASURES_VALUE_INVALID", "m.csv", 13, "value", "1e21"],
        ["MEASURES_VALUE_INVALID", "m.csv", 14, "value", "-0.1"],
      ],
    );
    const at = (row: number) => err.issues.find((i) => i.row === row)!;
    assert.equal(at(2).message, "the value 1,000,000,000,000,000,000,000 is not believable for sw_caseload: it must be below 1,000.");
    assert.equal(at(2).expected, "a number from 0 to below 1,000");
    assert.equal(at(4).message, "the value -3 is negative: ehe_children cannot be below 0.");
    assert.equal(at(5).expected, "a number from 0 to below 10,000,000");
    assert.equal(at(6).message, "the value 120.5 is not a whole number, and ehe_children is a count.");
    assert.equal(at(7).message, "the value 5 does not agree with its numerator and denominator: 100 × numerator ÷ denominator is 100 × 5 ÷ 40 = 12.5.");
    assert.equal(at(7).expected, "12.5 (100 × numerator ÷ denominator, to within 0.05), or the numerator and denominator corrected");
    assert.equal(at(8).message, "the numerator -5 is negative.");
    assert.match(at(9).message, /the denominator is 0/);
    assert.equal(at(11).message, "the value 20 does not agree with its numerator and denominator: numerator ÷ denominator is 300 ÷ 20 = 15.");
    assert.match(at(12).expected!, /digits and at most one decimal point/);
    assert.match(at(14).message, /a percentage of -0\.1 is outside 0 to 100/);
    assert.equal((await listSnapshots(store)).length, 0, "nothing was loaded");
  } finally {
    await cleanup();
  }
});

test("figures that are possible load: rounding within 0.05, a ceiling just missed, numerator and denominator left blank or agreeing", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const rows = [
      "indicator,authority,period,value,numerator,denominator,note",
      "sw_vacancy_rate,202,2025-09,14.3,5.7,40,", // 100 × 5.7 ÷ 40 = 14.25, shown rounded up
      "sw_agency_rate,202,2025-09,12.5,5,40,",
      "sw_turnover_rate,202,2025-09,0,0,40,",
      "sw_caseload,202,2025-09,999.9,,,",
      "sw_caseload,202,2024-09,15.33,230,15,", // 230 ÷ 15 = 15.333…
      "ehe_children,202,2025-01,9999999,,,",
      "cme_children,202,2025-01,0,,,",
    ];
    const dir = writeExport({ "m.csv": rows.join("\n") });
    const res = await importMeasures(store, { paths: [`${dir}/m.csv`] });
    assert.deepEqual(
      res.authorities.map((a) => [a.authority, a.status, a.rows]),
      [["202", "loaded", 7]],
    );
  } finally {
    await cleanup();
  }
});

test("a later measures file adds to the figures loaded before (its rows replace only their own); --replace makes it the whole set", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const figures = async () =>
      (
        await store.all<{ f: string }>(
          `SELECT m.indicator_id || ' ' || m.period_id || ' ' || CAST(m.value AS VARCHAR) AS f FROM lantern_latest_snapshot l
           JOIN lantern_snapshot_table st ON st.snapshot_id = l.snapshot_id AND st.table_name = 'lantern_measure'
           JOIN lantern_measure m ON m.snapshot_id = st.rows_snapshot_id WHERE l.la_code = '202' ORDER BY 1`,
        )
      ).map((r) => r.f);
    const june = writeExport({ "june.csv": "indicator,authority,period,value\nsw_caseload,202,2025-06,15.5\nsw_vacancy_rate,202,2025-06,12.0" });
    await importMeasures(store, { paths: [`${june}/june.csv`] });
    // The September file: September's caseload and a corrected June vacancy rate.
    const sept = writeExport({ "sept.csv": "indicator,authority,period,value\nsw_caseload,202,2025-09,16.5\nsw_vacancy_rate,202,2025-06,12.5" });
    const r = await importMeasures(store, { paths: [`${sept}/sept.csv`] });
    assert.deepEqual(await figures(), ["sw_caseload 2025-06 15.5", "sw_caseload 2025-09 16.5", "sw_vacancy_rate 2025-06 12.5"], "June's caseload is kept, not dropped");
    assert.match(r.warnings.find((w) => w.code === "MEASURES_KEPT")?.message ?? "", /^202: 1 figure\(s\) loaded before and not in sept\.csv are kept/);
    const latest = (await listSnapshots(store)).reduce((a, b) => (b.snapshotId > a.snapshotId ? b : a));
    assert.equal(latest!.tables["lantern_measure"], 3, "the snapshot records the three figures it holds");
    const whole = writeExport({ "all.csv": "indicator,authority,period,value\nsw_caseload,202,2025-09,16.5" });
    const w = await importMeasures(store, { paths: [`${whole}/all.csv`], replace: true });
    assert.equal(w.warnings.length, 0);
    assert.deepEqual(await figures(), ["sw_caseload 2025-09 16.5"], "with replace, the file is the whole set");
  } finally {
    await cleanup();
  }
});

// measures.csv is saved from Excel by an analyst, so it comes in whatever Excel offers; it is read
// by the shared CSV reader as every return is. Before, it was parsed as raw UTF-8: a Windows-1252
// "£" was stored as "�", and a UTF-16 "Unicode text" save was not taken as a figures file at all.

const HEAD = ["indicator", "authority", "period", "value", "numerator", "denominator", "note"];
/** A note with a comma and characters outside ASCII that Windows-1252 holds ("€" and "—" at 0x80 and 0x97). */
const NOTE = "Agency spend £1,200 a week — Zoë's café team, €90 fee";
const figureRows = (la: string): string[][] => [HEAD, ["sw_vacancy_rate", la, "2025-09", "14.2", "14.2", "100", NOTE], ["sw_caseload", la, "2025-09", "15.5", "", "", "census"]];
const asCsv = (rows: string[][], sep: string, eol: string): string => rows.map((r) => r.map((c) => (c.includes(sep) ? `"${c}"` : c)).join(sep)).join(eol) + eol;
function windows1252(text: string): Buffer {
  const high: Record<string, number> = { "€": 0x80, "—": 0x97 };
  return Buffer.from([...text].map((ch) => high[ch] ?? ch.charCodeAt(0)));
}
const LOADED = [
  ["sw_caseload", "2025-09", 15.5, null, null, "census"],
  ["sw_vacancy_rate", "2025-09", 14.2, 14.2, 100, NOTE],
];

/** Every figure an authority's snapshots hold, as [indicator, period, value, numerator, denominator, note]. */
async function figuresOf(store: Store, la: string): Promise<unknown[][]> {
  const rows = await store.all<{ i: string; p: string; v: number; n: number | null; d: number | null; note: string | null }>(
    "SELECT indicator_id AS i, period_id AS p, value AS v, numerator AS n, denominator AS d, note FROM lantern_measure WHERE la_code = $1 ORDER BY indicator_id",
    [la],
  );
  const numeric = (x: number | null) => (x === null ? null : Number(x));
  return rows.map((r) => [r.i, r.p, Number(r.v), numeric(r.n), numeric(r.d), r.note]);
}

async function refusal(p: Promise<unknown>): Promise<LanternError> {
  const e = await p.then(
    () => assert.fail("expected a refusal"),
    (x: unknown) => x,
  );
  assert.ok(isLanternError(e), String(e));
  return e;
}

test("measures.csv saved from Excel as UTF-8 with a BOM, Windows-1252, UTF-16 Unicode text or with CRLF line breaks loads with its note intact", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const files: Record<string, Buffer> = {
      // (a) Excel's "CSV UTF-8": a byte-order mark.
      "a-utf8-bom.csv": Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(asCsv(figureRows("201"), ",", "\n"), "utf8")]),
      // (b) Excel's plain "CSV": Windows-1252, CRLF.
      "b-windows-1252.csv": windows1252(asCsv(figureRows("202"), ",", "\r\n")),
      // (c) Excel's "Unicode text": UTF-16LE with a BOM, tab-separated, CRLF.
      "c-unicode.txt": Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(asCsv(figureRows("203"), "\t", "\r\n"), "utf16le")]),
      // (f) UTF-8 without a BOM, CRLF: the note is the last column, so a stray "\r" would end up in it.
      "f-crlf.csv": Buffer.from(asCsv(figureRows("204"), ",", "\r\n"), "utf8"),
    };
    const dir = writeExport(files);
    for (const name of Object.keys(files)) assert.equal(isMeasuresFile(join(dir, name)), true, `${name} is taken as a figures file`);
    const res = await importMeasures(store, { paths: Object.keys(files).map((n) => join(dir, n)) });
    assert.deepEqual(
      res.authorities.map((a) => [a.authority, a.status, a.rows]),
      [
        ["201", "loaded", 2],
        ["202", "loaded", 2],
        ["203", "loaded", 2],
        ["204", "loaded", 2],
      ],
    );
    for (const la of ["201", "202", "203", "204"]) assert.deepEqual(await figuresOf(store, la), LOADED, la);
  } finally {
    await cleanup();
  }
});

test("`lantern import` takes a UTF-16 Unicode-text measures file as figures and loads it", async () => {
  const t = tempDir();
  try {
    const dir = writeExport({ "workforce.txt": Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(asCsv(figureRows("202"), "\t", "\r\n"), "utf16le")]) });
    const o = capture();
    assert.equal(await main(["import", join(dir, "workforce.txt"), "--data", t.dir, "--no-compute"], o), 0, o.stderr());
    assert.match(o.stdout(), /202: loaded snapshot 1: 2 rows/);
    const store = await openStore(storeConfig(t.dir, {}));
    try {
      assert.deepEqual(await figuresOf(store, "202"), LOADED);
    } finally {
      await store.close();
    }
  } finally {
    t.cleanup();
  }
});

test("a measures.csv that is not well-formed CSV is refused as any CSV is, with file, row and column, and nothing from any file is loaded", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const good = asCsv(figureRows("202"), ",", "\r\n");
    const cases: [string, string, [string, number, string | undefined], RegExp][] = [
      // (d) An unquoted comma in the note: one field too many.
      ["long.csv", `${HEAD.join(",")}\nsw_caseload,202,2025-06,15.5,,,census\nehe_children,202,2025-01,120,,,see Zoë, not me\n`, ["FILE_CSV_FIELD_COUNT", 3, undefined], /^long\.csv row 3 has 8 fields but the header has 7: a value probably holds a comma without quotes round it\./],
      // (d) A row with its last three fields left off: one too few, and more.
      ["short.csv", `${HEAD.join(",")}\nsw_caseload,202,2025-09,15.5\nehe_children,202,2025-01,120,,,\n`, ["FILE_CSV_FIELD_COUNT", 2, undefined], /^short\.csv row 2 has 4 fields but the header has 7: values are missing from the row/],
      // (e) A quoted note left open: the rows after it are swallowed into it, to the end of the file.
      ["open.csv", `${HEAD.join(",")}\nsw_caseload,202,2025-09,15.5,,,"census, March\nehe_children,202,2025-01,120,,,\ncme_children,202,2025-01,4,,,\n`, ["FILE_CSV_MALFORMED", 2, "note"], /^open\.csv row 2, field 7, opens a quote \("\) that is never closed/],
      // Cut off part-way through its last row.
      ["cut.csv", `${HEAD.join(",")}\nsw_caseload,202,2025-06,15.5,,,\nehe_children,202,2025-0`, ["FILE_CSV_TRUNCATED", 3, undefined], /^cut\.csv ends part-way through row 3/],
    ];
    // (The bad files' good rows are for June, not good.csv's September: the same figure in two files is refused too.)
    for (const [name, text, [code, row, column], message] of cases) {
      const dir = writeExport({ "good.csv": good, [name]: text });
      // The good file comes first and is checked whole: a load is all or nothing.
      const err = await refusal(importMeasures(store, { paths: [join(dir, "good.csv"), join(dir, name)] }));
      assert.equal(err.code, "LANTERN_DATA_REJECTED");
      assert.equal(err.exit, 2);
      assert.deepEqual(
        err.issues.map((i) => [i.code, i.file, i.row, i.column]),
        [[code, name, row, column]],
        name,
      );
      assert.match(err.issues[0]!.message, message);
      assert.ok(err.hint && !/Correct the rows listed/.test(err.hint), `the reader's own advice: ${err.hint}`);
      // Advice that fits a file saved from Excel, not only an export from a case management system.
      assert.doesNotMatch(`${err.issues[0]!.message} ${err.hint}`, /case management system/, name);
      assert.equal((await listSnapshots(store)).length, 0, `${name}: nothing was loaded`);
      assert.deepEqual(await figuresOf(store, "202"), []);
    }
    // A figure refused in one file and a CSV problem in another: both are reported, in file order.
    const dir = writeExport({ "bad-value.csv": `${HEAD.join(",")}\nsw_caseload,202,2025-09,abc,,,\n`, "long.csv": cases[0]![1] });
    const both = await refusal(importMeasures(store, { paths: [join(dir, "bad-value.csv"), join(dir, "long.csv")] }));
    assert.deepEqual(
      both.issues.map((i) => [i.code, i.file, i.row, i.column]),
      [
        ["MEASURES_VALUE_INVALID", "bad-value.csv", 2, "value"],
        ["FILE_CSV_FIELD_COUNT", "long.csv", 3, undefined],
      ],
    );
    assert.match(both.hint ?? "", /Correct the rows listed and import again\.$/);
    assert.equal((await listSnapshots(store)).length, 0);
  } finally {
    await cleanup();
  }
});

test("a NUL byte in measures.csv is refused at its row and column, in the first 64 KB or after; a file of binary data as not text", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const head = `${HEAD.join(",")}\n`;
    const dir = writeExport({
      "n.csv": `${head}sw_caseload,202,2025-09,15,,,see\u0000note\n`,
      "late.csv": `${head}sw_caseload,202,2025-09,15,,,${"x".repeat(70_000)}\nehe_children,202,2025-01,120,,,see\u0000note\n`,
    });
    // Still taken as a figures file by `lantern import`, so that it is refused as one.
    assert.equal(isMeasuresFile(join(dir, "n.csv")), true);
    // A stray NUL in the part sniffed for binary data is a damaged cell, not a binary file.
    const early = await refusal(importMeasures(store, { paths: [join(dir, "n.csv")] }));
    assert.equal(early.exit, 2);
    assert.deepEqual(
      early.issues.map((i) => [i.code, i.file, i.row, i.column]),
      [["FILE_CSV_NUL", "n.csv", 2, "note"]],
    );
    const zip = join(writeExport({ "z.csv": Buffer.from([...Buffer.from(`${head}`), 0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0x00, 0x00, 0x21, 0x00]) }), "z.csv");
    const binary = await refusal(importMeasures(store, { paths: [zip] }));
    assert.equal(binary.code, "LANTERN_FILE_UNREADABLE");
    assert.equal(binary.message, "z.csv is not a text file Lantern can read (it holds binary data).");
    const late = await refusal(importMeasures(store, { paths: [join(dir, "late.csv")] }));
    assert.deepEqual(
      late.issues.map((i) => [i.code, i.file, i.row, i.column]),
      [["FILE_CSV_NUL", "late.csv", 3, "note"]],
    );
    assert.equal((await listSnapshots(store)).length, 0, "nothing was loaded");
    const t = tempDir();
    try {
      const o = capture();
      assert.equal(await main(["import", join(dir, "n.csv"), "--data", t.dir, "--no-compute"], o), 2);
      assert.match(o.stderr(), /FILE_CSV_NUL at n\.csv, row 2, column note/);
    } finally {
      t.cleanup();
    }
  } finally {
    await cleanup();
  }
});

// Before, the duplicate check was per file: the same indicator, authority and period in two files
// loaded together were both stored, and which figure a dashboard showed was chance.
test("the same figure in two measures files loaded together is refused, naming both files and rows, and nothing is loaded", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const dir = writeExport({
      "workforce.csv": asCsv(figureRows("202"), ",", "\n"),
      "late-return.csv": asCsv([HEAD, ["ehe_children", "202", "2025-01", "120", "", "", ""], ["sw_caseload", "203", "2025-09", "15.5", "", "", ""], ["sw_caseload", "202", "2025-09", "16", "", "", "revised"]], ",", "\n"),
    });
    const err = await refusal(importMeasures(store, { paths: [join(dir, "workforce.csv"), join(dir, "late-return.csv")] }));
    assert.equal(err.code, "LANTERN_DATA_REJECTED");
    assert.deepEqual(
      err.issues.map((i) => [i.code, i.file, i.row, i.column, i.value]),
      [["MEASURES_VALUE_INVALID", "late-return.csv", 4, "period", "2025-09"]],
    );
    assert.equal(err.issues[0]!.message, "sw_caseload for 202 in 2025-09 is also in workforce.csv, row 3: the files loaded together give it twice.");
    assert.match(err.issues[0]!.expected!, /in all the files loaded together/);
    assert.equal((await listSnapshots(store)).length, 0, "nothing was loaded");
    assert.deepEqual(await figuresOf(store, "202"), []);

    // Two files of the same name in different folders are named as given.
    const q1 = writeExport({ "measures.csv": asCsv(figureRows("202"), ",", "\n") });
    const q2 = writeExport({ "measures.csv": asCsv([HEAD, ["sw_vacancy_rate", "202", "2025-09", "12", "", "", ""]], ",", "\n") });
    const [a, b] = [join(q1, "measures.csv"), join(q2, "measures.csv")];
    const same = await refusal(importMeasures(store, { paths: [a, b] }));
    assert.deepEqual(same.issues.map((i) => [i.file, i.row]), [["measures.csv", 2]]);
    assert.equal(same.issues[0]!.message, `sw_vacancy_rate for 202 in 2025-09 is also in ${a}, row 2: the files loaded together give it twice.`);
    assert.equal((await listSnapshots(store)).length, 0);

    // Within one file the message is as before; one file named twice is read once, and loads.
    const one = writeExport({ "w.csv": asCsv([...figureRows("202"), ["sw_caseload", "202", "2025-09", "15", "", "", ""]], ",", "\n") });
    const within = await refusal(importMeasures(store, { paths: [join(one, "w.csv")] }));
    assert.deepEqual(within.issues.map((i) => [i.file, i.row, i.message]), [["w.csv", 4, "sw_caseload for 202 in 2025-09 is also on row 3."]]);
    const twice = await importMeasures(store, { paths: [join(dir, "workforce.csv"), join(dir, ".", "workforce.csv")] });
    assert.deepEqual(twice.authorities.map((r) => [r.authority, r.status, r.rows]), [["202", "loaded", 2]]);
    assert.deepEqual(await figuresOf(store, "202"), LOADED);
  } finally {
    await cleanup();
  }
});

test("a figures file missing its value column is recognised as one and refused naming the column, with advice that lists no rows", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const dir = writeExport({ "measures.csv": "indicator,authority,period\nsw_vacancy_rate,202,2025-09\n" });
    const path = join(dir, "measures.csv");
    assert.equal(isMeasuresFile(path), true, "three of its four required columns make it a figures file");
    const err = await refusal(importMeasures(store, { paths: [path] }));
    assert.deepEqual(
      err.issues.map((i) => [i.code, i.file, i.column]),
      [["MEASURES_COLUMN_MISSING", "measures.csv", "value"]],
    );
    assert.match(err.issues[0]!.message, /^measures\.csv has no value column/);
    assert.doesNotMatch(err.hint ?? "", /rows listed/);
    assert.match(err.hint ?? "", /Add the missing column/);
    assert.equal((await listSnapshots(store)).length, 0);
  } finally {
    await cleanup();
  }
  // The same through the command line: a figures file, not 'not a format Lantern reads'.
  const { dir: data } = tempDir();
  const o = capture();
  assert.equal(await main(["import", join(writeExport({ "measures.csv": "indicator,authority,period\nsw_vacancy_rate,202,2025-09\n" }), "measures.csv"), "--dry-run", "--data", data], o), 2);
  assert.match(o.stderr(), /MEASURES_COLUMN_MISSING at measures\.csv, row 1, column value/);
  assert.doesNotMatch(o.stderr(), /FORMAT_FILE_UNKNOWN|rows listed/);
});

test("an authority written as a name, in another case than the stored one, or other than --authority is refused with its row, and nothing is loaded", async () => {
  const { store, cleanup } = await tempStore();
  try {
    await importSsd(store, { paths: [writeExport(smallExport())], authority: "X001" });
    const before = await store.all(`SELECT la_code FROM lantern_authority ORDER BY la_code`);
    const file = (rows: string) => join(writeExport({ "measures.csv": `indicator,authority,period,value\n${rows}` }), "measures.csv");
    const refused = async (path: string, opts: { authority?: string } = {}) => {
      const e = await importMeasures(store, { paths: [path], ...opts }).then(
        () => assert.fail("loaded"),
        (x: unknown) => x as LanternError,
      );
      assert.equal(e.code, "LANTERN_DATA_REJECTED");
      return e.issues.map((i) => [i.row, i.column, i.message]);
    };
    assert.deepEqual(await refused(file("ehe_children,X001,2025-01,120\nehe_children,Lanternshire,2025-01,120")), [[3, "authority", 'authority "Lanternshire" is not an authority code.']]);
    assert.deepEqual(await refused(file("ehe_children,X001,2025-01,120\nehe_children,x001,2025-02,121")), [[3, "authority", "authority x001 differs only in case from the stored authority X001."]]);
    assert.deepEqual(await refused(file("ehe_children,X001,2025-01,120"), { authority: "202" }), [[2, "authority", "authority X001 is not 202, the authority given with --authority."]]);
    assert.deepEqual(await store.all(`SELECT la_code FROM lantern_authority ORDER BY la_code`), before);
    // The same file with --authority agreeing loads.
    assert.equal((await importMeasures(store, { paths: [file("ehe_children,X001,2025-01,120")], authority: "X001" })).authorities[0]!.status, "loaded");
  } finally {
    await cleanup();
  }
});

test("a figures file with a header and no rows is refused naming the file, where it loaded nothing and said nothing (exit 0)", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const path = join(writeExport({ "measures.csv": "indicator,authority,period,value\r\n" }), "measures.csv");
    const err = await refusal(importMeasures(store, { paths: [path] }));
    assert.deepEqual(
      err.issues.map((i) => [i.code, i.file, i.row]),
      [["MEASURES_FILE_EMPTY", "measures.csv", undefined]],
    );
    assert.match(err.issues[0]!.message, /^measures\.csv holds no figures: it has a header row and nothing under it\./);
    assert.doesNotMatch(err.hint ?? "", /rows listed/);
    assert.match(err.hint ?? "", /figures under the header/);
    // With a file of figures beside it, still refused: the file named was not the one meant.
    const good = join(writeExport({ "good.csv": GOOD }), "good.csv");
    assert.deepEqual((await refusal(importMeasures(store, { paths: [good, path] }))).issues.map((i) => [i.code, i.file]), [["MEASURES_FILE_EMPTY", "measures.csv"]]);
    assert.equal((await listSnapshots(store)).length, 0);
  } finally {
    await cleanup();
  }
  const { dir: data } = tempDir();
  const o = capture();
  assert.equal(await main(["import", join(writeExport({ "measures.csv": "indicator,authority,period,value\n" }), "measures.csv"), "--data", data, "--no-compute"], o), 2);
  assert.match(o.stderr(), /MEASURES_FILE_EMPTY at measures\.csv: measures\.csv holds no figures/);
});

test("a period written as people write it (2024/25, Q3 2024-25, 2024/25 Q3) is refused naming the period Lantern reads it as", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const path = join(writeExport({ "m.csv": "indicator,authority,period,value\nsw_caseload,202,2024/25,15\nsw_caseload,202,Q3 2024-25,15\nsw_caseload,202,2024/25 Q2,15\nsw_caseload,202,Sept 2025,15\n" }), "m.csv");
    const err = await refusal(importMeasures(store, { paths: [path] }));
    assert.deepEqual(
      err.issues.map((i) => [i.row, i.column, i.value, i.expected]),
      [
        [2, "period", "2024/25", "2024-25, as Lantern writes that period (2025-09, 2024-25-Q3, 2024-25, 12m-2025-01 or 2024)"],
        [3, "period", "Q3 2024-25", "2024-25-Q3, as Lantern writes that period (2025-09, 2024-25-Q3, 2024-25, 12m-2025-01 or 2024)"],
        [4, "period", "2024/25 Q2", "2024-25-Q2, as Lantern writes that period (2025-09, 2024-25-Q3, 2024-25, 12m-2025-01 or 2024)"],
        [5, "period", "Sept 2025", "2025-09, as Lantern writes that period (2025-09, 2024-25-Q3, 2024-25, 12m-2025-01 or 2024)"],
      ],
    );
  } finally {
    await cleanup();
  }
});

test("figures grouped in thousands ('1,234', '12,345.6') load as population.csv's counts do; a comma out of place is refused, located, saying what was expected", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const grouped = [HEAD, ["ehe_children", "202", "2025-01", "1,234", "", "", ""], ["sw_vacancy_rate", "202", "2025-09", "12.5", "1,250", "10,000", ""], ["sw_caseload", "202", "2025-09", "15.5", "12,345.6", "796.5", ""]];
    const dir = writeExport({ "grouped.csv": asCsv(grouped, ",", "\r\n") });
    await importMeasures(store, { paths: [join(dir, "grouped.csv")] });
    assert.deepEqual(await figuresOf(store, "202"), [
      ["ehe_children", "2025-01", 1234, null, null, null],
      ["sw_caseload", "2025-09", 15.5, 12345.6, 796.5, null],
      ["sw_vacancy_rate", "2025-09", 12.5, 1250, 10000, null],
    ]);
    const misgrouped = [HEAD, ["ehe_children", "202", "2025-02", "1,23", "", "", ""], ["sw_vacancy_rate", "202", "2025-10", "12.5", "1250,0", "10,000", ""], ["sw_caseload", "202", "2025-10", "15,5", "", "", ""]];
    const bad = writeExport({ "misgrouped.csv": asCsv(misgrouped, ",", "\n") });
    const err = await refusal(importMeasures(store, { paths: [join(bad, "misgrouped.csv")] }));
    assert.deepEqual(
      err.issues.map((i) => [i.code, i.file, i.row, i.column, i.value]),
      [
        ["MEASURES_VALUE_INVALID", "misgrouped.csv", 2, "value", "1,23"],
        ["MEASURES_VALUE_INVALID", "misgrouped.csv", 3, "numerator", "1250,0"],
        ["MEASURES_VALUE_INVALID", "misgrouped.csv", 4, "value", "15,5"],
      ],
    );
    assert.equal(err.issues[0]!.message, 'value "1,23" is not a number: its commas are not between groups of three digits, so it could be read more than one way.');
    assert.match(err.issues[0]!.expected!, /commas \(if any\) only between groups of three digits, such as 85, 12\.5, 1,234 or 12,345\.6; a decimal point, not a comma, before the decimals/);
    assert.match(err.issues[1]!.expected!, /, or blank$/);
    assert.equal((await listSnapshots(store)).length, 1, "the refused file loaded nothing");
  } finally {
    await cleanup();
  }
});
