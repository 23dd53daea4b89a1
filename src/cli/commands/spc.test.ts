import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { main } from "../main.ts";
import { capture } from "../../../test/fixtures.ts";

const RQM_CSV = new URL("../../../../shared/benchmarks/spc_fixtures/rqm_type1_breaches_2016_2018.csv", import.meta.url);
const FIXTURES = JSON.parse(readFileSync(new URL("../../../../shared/benchmarks/spc_fixtures/xmr_fixtures.json", import.meta.url), "utf8")) as {
  cases: { id: string; oracle: Record<string, unknown>; derived: { point_type: string[] } }[];
};

const dir = mkdtempSync(join(tmpdir(), "lantern-spc-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

async function run(args: string[]) {
  const o = capture();
  const code = await main(["spc", ...args], o);
  return { code, out: o.stdout(), err: o.stderr() };
}

/** The RQM fixture CSV (period,org_code,type,breaches) converted to date,value. */
function rqmFile(): string {
  const [header, ...rows] = readFileSync(RQM_CSV, "utf8").trim().split(/\r?\n/);
  assert.deepEqual(header!.split(","), ["period", "org_code", "type", "breaches"]);
  return file("rqm.csv", ["date,value", ...rows.map((r) => `${r.split(",")[0]},${r.split(",")[3]}`)].join("\n") + "\n");
}

test("help teaches SPC and the icons, with examples", async () => {
  const r = await run(["--help"]);
  assert.equal(r.code, 0);
  assert.match(r.out, /^lantern spc --input FILE\.csv/);
  assert.match(r.out, /Examples:\n {2}lantern spc --input /);
  for (const w of ["common cause", "improvement", "concern", "consistently passing", "consistently failing", "hit and miss", "trial limits"]) assert.match(r.out, new RegExp(w));
});

test("RQM A&E breaches (NHSRplotthedots README): limits 740.40 / 1545.17 / 2349.94, common cause, hit and miss", async () => {
  const input = rqmFile();
  const j = await run(["--input", input, "--improvement", "down", "--target", "1200", "--json"]);
  assert.equal(j.code, 0, j.err);
  const parsed = JSON.parse(j.out);
  assert.equal(parsed.points.length, 24);
  for (const p of parsed.points) {
    assert.deepEqual(Object.keys(p).slice(0, 6), ["date", "value", "mean", "lpl", "upl", "nlpl"]);
    assert.equal(p.mean.toFixed(2), "1545.17");
    assert.equal(p.lpl.toFixed(2), "740.40");
    assert.equal(p.upl.toFixed(2), "2349.94");
  }
  const rqm = FIXTURES.cases.find((c) => c.id === "nhsr_readme_rqm_ae_breaches")!;
  assert.deepEqual(
    parsed.points.map((p: { type: string }) => p.type),
    rqm.derived.point_type,
  );
  assert.equal(parsed.variation, rqm.oracle["variation_type"]);
  assert.equal(rqm.oracle["assurance_type"], "inconsistent");
  assert.equal(parsed.assurance, "hit_and_miss");
  assert.deepEqual(parsed.warnings, []);
  assert.match(parsed.description, /The target of 1,200 is within the process limits, so it will sometimes be met and sometimes missed\./);

  const t = await run(["--input", input, "--improvement", "down", "--target", "1200"]);
  assert.equal(t.code, 0);
  assert.match(t.out, /^date +value +mean +lower limit +upper limit +type/);
  assert.match(t.out, /2016-12-01 +2,675 +1,545\.17 +740\.40 +2,349\.94 +special cause: concern +beyond limit/);
  assert.match(t.out, /2016-05-01 +929 .*special cause: improvement +2 of 3 beyond 2 sigma/);
  assert.match(t.out, /Variation: Common cause variation\.\nAssurance: hit and miss\./);
  assert.match(t.out, /sometimes be met and sometimes missed\.\n$/);
});

test("CSV quirks: BOM, CRLF, DD/MM/YYYY, extra columns, unsorted rows, blank trailing lines", async () => {
  const rows = ["01/03/2024,5", "2024-01-01,3", "2024-02-01,4"];
  const p = file("quirks.csv", "\uFEFFDate,Value,Note\r\n" + rows.map((r) => `${r},x`).join("\r\n") + "\r\n\r\n\r\n");
  const r = await run(["--input", p, "--json"]);
  assert.equal(r.code, 0, r.err);
  const parsed = JSON.parse(r.out);
  assert.deepEqual(
    parsed.points.map((x: { date: string; value: number }) => [x.date, x.value]),
    [
      ["2024-01-01", 3],
      ["2024-02-01", 4],
      ["2024-03-01", 5],
    ],
  );
  assert.equal(parsed.assurance, null);
  assert.deepEqual(
    parsed.warnings.map((w: { code: string }) => w.code),
    ["trial_limits"],
  );
  const text = await run(["--input", p]);
  assert.match(text.err, /warning: The series has 3 points, fewer than 13: its limits are trial limits/);
});

test("mixed line endings (a CRLF file with one row ending in LF only, or CR) are read row by row, not two rows run together", async () => {
  const p = file("mixed.csv", "date,value\r\n2024-01-01,3\n2024-02-01,4\r\n2024-03-01,5\r2024-04-01,6\r\n");
  const r = await run(["--input", p, "--json"]);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(
    JSON.parse(r.out).points.map((x: { date: string; value: number }) => [x.date, x.value]),
    [
      ["2024-01-01", 3],
      ["2024-02-01", 4],
      ["2024-03-01", 5],
      ["2024-04-01", 6],
    ],
  );
});

test("the file is read as every CSV is: a tab-separated save is charted; a stray comma, quote or open quote is refused at its row, never read as another number", async () => {
  const tabs = await run(["--input", file("tabs.csv", "date\tvalue\n2024-01-01\t3\n2024-02-01\t4\n2024-03-01\t5\n"), "--json"]);
  assert.equal(tabs.code, 0, tabs.err);
  assert.deepEqual(JSON.parse(tabs.out).points.map((x: { value: number }) => x.value), [3, 4, 5]);
  // "1,200" unquoted was read as 1 (its own splitter kept the first part): now a row with a field too many.
  const comma = await run(["--input", file("comma.csv", "date,value\n2024-01-01,900\n2024-02-01,1,200\n2024-03-01,950\n")]);
  assert.equal(comma.code, 2);
  assert.match(comma.err, /FILE_CSV_FIELD_COUNT at comma\.csv, row 3: comma\.csv row 3 has 3 fields but the header has 2: a value probably holds a comma without quotes round it/);
  const stray = await run(["--input", file("stray.csv", 'date,value\n2024-01-01,3\n2024-02-01,4"\n2024-03-01,5\n')]);
  assert.equal(stray.code, 2);
  assert.match(stray.err, /FILE_CSV_MALFORMED at stray\.csv, row 3, column value: stray\.csv row 3, field 2, has a quote \("\) inside a value/);
  // A quote left open to the end: it was read as if closed.
  const open = await run(["--input", file("open.csv", 'date,value\n2024-01-01,3\n2024-02-01,"4\n')]);
  assert.equal(open.code, 2);
  assert.match(open.err, /row 3, field 2, opens a quote \("\) that is never closed/);
});

test("bad rows exit 2 naming file, row, column, value and what was expected", async () => {
  const p = file("bad.csv", "date,value\n2024-01-01,3\n2024-02-30,4\n2024-03-01,abc\n2024-01-01,5\n2024-05-01,\n");
  const r = await run(["--input", p]);
  assert.equal(r.code, 2);
  assert.match(r.err, /error LANTERN_DATA_REJECTED: 4 row\(s\) of bad\.csv could not be read/);
  assert.match(r.err, /SPC_DATE_INVALID at bad\.csv, row 3, column date: .*value "2024-02-30"; expected a date written YYYY-MM-DD or DD\/MM\/YYYY/);
  assert.match(r.err, /SPC_VALUE_INVALID at bad\.csv, row 4, column value: .*value "abc"; expected a number/);
  assert.match(r.err, /SPC_DATE_DUPLICATE at bad\.csv, row 5, column date: .*already on row 2/);
  assert.match(r.err, /SPC_VALUE_INVALID at bad\.csv, row 6, column value: .*expected a number/);
  const j = await run(["--input", p, "--json"]);
  assert.equal(j.code, 2);
  const e = JSON.parse(j.out).error;
  assert.equal(e.code, "LANTERN_DATA_REJECTED");
  assert.deepEqual(
    e.issues.map((i: { row: number; column: string }) => [i.row, i.column]),
    [
      [3, "date"],
      [4, "value"],
      [5, "date"],
      [6, "value"],
    ],
  );
  const header = await run(["--input", file("hdr.csv", "when,count\n2024-01-01,1\n")]);
  assert.equal(header.code, 2);
  assert.match(header.err, /SPC_HEADER at hdr\.csv, row 1/);
  const one = await run(["--input", file("one.csv", "date,value\n2024-01-01,1\n")]);
  assert.equal(one.code, 2);
  assert.match(one.err, /needs at least 2/);
  // Values so large the limits would overflow (they printed NaN): refused by row.
  const huge = await run(["--input", file("huge.csv", "date,value\n2024-01-01,1e300\n2024-02-01,-1e300\n2024-03-01,5\n")]);
  assert.equal(huge.code, 2);
  assert.match(huge.err, /SPC_VALUE_INVALID at huge\.csv, row 2, column value: The value is too large to chart/);
  assert.match(huge.err, /row 3/);
  assert.doesNotMatch(huge.err + huge.out, /NaN/);
});

test("bad flags exit 1 and say what is accepted", async () => {
  const input = rqmFile();
  const cases: [string[], RegExp][] = [
    [[], /LANTERN_USAGE: Say which file to chart with --input/],
    [["--input", input, "--improvement", "sideways"], /LANTERN_BAD_OPTION: --improvement sideways is not a direction; use up/],
    [["--input", input, "--target", "abc"], /LANTERN_BAD_OPTION: --target abc is not a number/],
    [["--input", input, "--rebase", "2017-13-01"], /LANTERN_BAD_OPTION: --rebase 2017-13-01 is not a date/],
    [["--input", input, "--fix-after", "11"], /LANTERN_BAD_OPTION: --fix-after 11 is not a whole number of at least 12/],
    [["--input", input, "--two-in-three", "new"], /LANTERN_BAD_OPTION: --two-in-three new/],
    [["--input", input, "--rebase", "2018-03-01"], /LANTERN_BAD_OPTION: The segment starting 2018-03-01 has only 1 point/],
    [["--input", input, "--colour"], /LANTERN_USAGE: .*colour/],
    [["--input", join(dir, "missing.csv")], /LANTERN_FILE_NOT_FOUND/],
  ];
  for (const [args, re] of cases) {
    const r = await run(args);
    assert.equal(r.code, 1, `${args.join(" ")}: ${r.err}`);
    assert.match(r.err, re);
  }
});

test("--rebase makes segments; assurance from the latest; other options pass through", async () => {
  const before = [10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 10, 12];
  const afterV = [30, 31, 30, 31, 30, 31, 30, 31, 30, 31, 30, 31, 30];
  const rows = [...before, ...afterV].map((v, i) => `${new Date(Date.UTC(2020, i, 1)).toISOString().slice(0, 10)},${v}`);
  const p = file("rebase.csv", ["date,value", ...rows].join("\n"));
  const r = await run(["--input", p, "--improvement", "down", "--target", "20", "--rebase", "15/02/2021", "--json"]);
  assert.equal(r.code, 0, r.err);
  const parsed = JSON.parse(r.out);
  assert.equal(parsed.segments.length, 2);
  assert.equal(parsed.segments[1].start, "2021-03-01");
  assert.equal(parsed.points.at(-1).mean, 30 + 6 / 13);
  assert.equal(parsed.variation, "common_cause");
  assert.equal(parsed.assurance, "consistently_failing");
  const text = await run(["--input", p, "--rebase", "2021-03-01", "--unit", "children"]);
  assert.match(text.out, /segment\n/);
  assert.match(text.out, /between [\d.,]+ children and [\d.,]+ children/);
  const plain = await run(["--input", p, "--improvement", "down", "--json"]);
  assert.equal(JSON.parse(plain.out).variation, "special_cause_concern");
  const fixedRun = await run(["--input", p, "--fix-after", "12", "--no-screen", "--two-in-three", "nhsr-legacy", "--json"]);
  assert.equal(JSON.parse(fixedRun.out).segments[0].baselineN, 12);
});

test("--input that is a folder, a binary file or UTF-16 text: refused in words or read correctly, never a crash", async () => {
  const folder = await run(["--input", dir]);
  assert.equal(folder.code, 1, folder.err);
  assert.match(folder.err, /LANTERN_BAD_OPTION: --input .* is a folder; give a CSV file with date,value rows\./);
  assert.doesNotMatch(folder.err, /LANTERN_INTERNAL|EISDIR/);

  const csv = "date,value\r\n2024-01-01,5\r\n2024-02-01,6\r\n2024-03-01,7\r\n";
  const utf16 = join(dir, "utf16.csv");
  writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csv, "utf16le")]));
  const u = await run(["--input", utf16, "--json"]);
  assert.equal(u.code, 0, u.err);
  assert.deepEqual(
    JSON.parse(u.out).points.map((p: { date: string; value: number }) => [p.date, p.value]),
    [
      ["2024-01-01", 5],
      ["2024-02-01", 6],
      ["2024-03-01", 7],
    ],
  );

  const binary = join(dir, "binary.csv");
  writeFileSync(binary, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x01, 0x00, 0x00, 0x02, 0x00]));
  const b = await run(["--input", binary]);
  assert.equal(b.code, 2, b.err);
  assert.match(b.err, /LANTERN_FILE_UNREADABLE: binary\.csv is not a text file/);
});

test("Excel serial numbers in the date column are named as such, with the date they stand for", async () => {
  const r = await run(["--input", file("serial.csv", "date,value\n45292,5\n45323,6\n2024-03-01,7\n")]);
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, /SPC_DATE_EXCEL_SERIAL at serial\.csv, row 2, column date: The date is an Excel serial number, not a date \(45292 is Excel's number for 2024-01-01\)/);
  assert.match(r.err, /SPC_DATE_EXCEL_SERIAL at serial\.csv, row 3, .*45323 is Excel's number for 2024-02-01/);
  assert.match(r.err, /What to do: In Excel, format the date column as a date/);
});

test("a gap or mixed spacing is refused naming the rows, the dates and what is missing", async () => {
  const gap = await run(["--input", file("gap.csv", "date,value\n2024-01-01,5\n2024-02-01,6\n2024-06-01,7\n2024-07-01,8\n")]);
  assert.equal(gap.code, 2, gap.err);
  assert.match(gap.err, /LANTERN_DATA_REJECTED: The dates in gap\.csv are not one row per period with none missing/);
  assert.match(
    gap.err,
    /SPC_DATE_GAP at gap\.csv, row 4, column date: There is a gap: no row for the 3 months between 2024-02-01 \(row 3\) and 2024-06-01 \(row 4\); missing 2024-03-01, 2024-04-01 and 2024-05-01\./,
  );
  const mixed = await run(["--input", file("mixed.csv", "date,value\n2024-01-01,5\n2024-01-08,6\n2024-02-01,7\n2024-04-01,6\n"), "--json"]);
  assert.equal(mixed.code, 2, mixed.err);
  const issues = JSON.parse(mixed.out).error.issues as { code: string; row: number; message: string }[];
  assert.deepEqual(
    issues.map((i) => [i.code, i.row]),
    [
      ["SPC_DATE_SPACING", 4],
      ["SPC_DATE_SPACING", 5],
    ],
  );
  assert.match(issues[0]!.message, /^2024-01-08 \(row 3\) and 2024-02-01 \(row 4\) are 24 days apart, but most rows are one week apart/);
  // A monthly series with one mistyped day: the odd row is blamed, not the whole series.
  const typo = await run(["--input", file("typo.csv", "date,value\n2024-01-01,1\n2024-02-01,2\n2024-03-02,3\n2024-04-01,4\n2024-05-01,5\n")]);
  assert.match(typo.err, /SPC_DATE_SPACING at typo\.csv, row 4, .*2024-02-01 \(row 3\) and 2024-03-02 \(row 4\) are 30 days apart, but most rows are one month apart/);
  // A quarterly series missing a quarter names the quarter.
  const q = await run(["--input", file("q.csv", "date,value\n2023-04-01,1\n2023-07-01,2\n2024-01-01,3\n2024-04-01,4\n")]);
  assert.match(q.err, /no row for the quarter between 2023-07-01 \(row 3\) and 2024-01-01 \(row 4\); missing 2023-10-01\./);
});

test("regular series of every frequency are charted: daily, weekly, monthly, month ends, quarterly, yearly, unsorted", async () => {
  const series: Record<string, string[]> = {
    daily: ["2024-02-27", "2024-02-28", "2024-02-29", "2024-03-01"],
    weekly: ["2024-01-01", "2024-01-08", "2024-01-15", "2024-01-22"],
    monthly: ["15/01/2024", "15/02/2024", "15/03/2024", "15/04/2024"],
    monthEnds: ["2023-12-31", "2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30"],
    quarterly: ["2023-04-01", "2023-07-01", "2023-10-01", "2024-01-01"],
    yearly: ["2021-03-31", "2022-03-31", "2023-03-31", "2024-03-31"],
    unsorted: ["2024-03-01", "2024-01-01", "2024-02-01"],
  };
  for (const [name, dates] of Object.entries(series)) {
    const r = await run(["--input", file(`${name}.csv`, ["date,value", ...dates.map((d, i) => `${d},${i % 2 ? 5 : 6}`)].join("\n")), "--json"]);
    assert.equal(r.code, 0, `${name}: ${r.err}`);
    assert.equal(JSON.parse(r.out).points.length, dates.length, name);
  }
});

test("a wrong header or a file of one row is refused with advice for it, not 'Fix the rows listed'", async () => {
  const header = await run(["--input", file("hdr2.csv", "when,count\n2024-01-01,1\n")]);
  assert.equal(header.code, 2);
  assert.doesNotMatch(header.err, /rows listed/);
  assert.match(header.err, /What to do: .*date,value/);
  const one = await run(["--input", file("one2.csv", "date,value\n2024-01-01,1\n")]);
  assert.equal(one.code, 2);
  assert.doesNotMatch(one.err, /rows listed/);
  assert.match(one.err, /What to do: .*at least 2 rows/);
});
