/**
 * Readers and structural checks end to end, through `loadFormats`: detection by content (not
 * name), every structural check with a failing and a passing case, messy real-world files
 * (BOM, UTF-16 "Unicode text", Windows-1252, Excel serial and text dates, trailing blank rows,
 * header variants, a workbook with extra sheets), and all-or-nothing loading into a real store.
 */

import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { test } from "node:test";
import ExcelJS from "exceljs";
import { smallExport, tempDir, tempStore, writeExport } from "../../test/fixtures.ts";
import { isLanternError } from "../core/errors.ts";
import { SSD_TABLES } from "../store/ssd-schema.ts";
import { ANNEX_DATE_SOURCES } from "./annex-a.ts";
import { distinctNames } from "./detect.ts";
import { isSsdExport, loadFormats } from "./load.ts";
import { parsePeriod } from "../calendar/periods.ts";
import { requireCovered, resolveTargets } from "../kpi/targets.ts";
import type { IndicatorValue } from "../kpi/types.ts";
import type { Store } from "../store/port.ts";

const HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nC1,M,01/06/2010,WBRI,A123456789012,,\nC2,2,05/03/2012,WIRI,UN1,,\n";
const EPISODES =
  "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n" +
  "C1,01/05/2023,S,C2,N1,U4,PR1,01/09/2023,X1,CARPL,,,\n" +
  "C1,01/09/2023,P,C2,N1,U6,PR1,,,,,,\n" +
  "C2,10/10/2023,S,V2,N4,U6,PR1,20/12/2023,E13,,,,\n";
const MISSING = "CHILD,DOB,MISSING,MIS_START,MIS_END\nC1,01/06/2010,M,03/07/2023,04/07/2023\n";

function files(extra: Record<string, string | Buffer> = {}, base: Record<string, string> = { "a.csv": HEADER, "b.txt": EPISODES, "c.dat": MISSING }): string {
  const { dir } = tempDir("lantern-formats-");
  for (const [n, t] of Object.entries({ ...base, ...extra })) writeFileSync(join(dir, n), t);
  return dir;
}

const codes = (r: { issues: { code: string; severity: string }[] }, sev = "error") => r.issues.filter((i) => i.severity === sev).map((i) => i.code);

test("files are recognised by content, whatever their names", async () => {
  const r = await loadFormats(undefined, { paths: [files()] });
  assert.deepEqual(codes(r), []);
  assert.deepEqual(
    r.files.map((f) => f.format),
    ["SSDA903 Header (CSV)", "SSDA903 Episodes (CSV)", "SSDA903 Missing (CSV)"],
  );
  const rows = Object.fromEntries(r.tables.map((t) => [t.table, t.rows]));
  assert.equal(rows["ssd_person"], 2);
  assert.equal(rows["ssd_cla_episodes"], 3);
  // C1: one period of care with a placement change (2 placements, 1 legal status); C2: one of each.
  assert.equal(rows["ssd_cla_placement"], 3);
  assert.equal(rows["ssd_legal_status"], 2);
  assert.equal(rows["ssd_missing"], 1);
  assert.ok(r.notComputable.some((n) => n.indicator === "contacts" && n.missing.includes("ssd_contacts")), "the 903 says it cannot feed contacts");
});

test("a 903 UPN column's UN code is kept as the reason there is no UPN (pers_upn_unknown), and written back in the 903's UPN column", async () => {
  const { store, cleanup } = await tempStore();
  const t = tempDir();
  try {
    assert.equal((await loadFormats(store, { paths: [files()], authority: "202" })).status, "loaded");
    const people = await store.all<{ id: string; upn: string | null; unknown: string | null }>(
      `SELECT pers_person_id AS id, pers_upn AS upn, pers_upn_unknown AS unknown FROM current_ssd_person WHERE la_code = '202' ORDER BY 1`,
    );
    assert.deepEqual(
      people.map((p) => [p.id, p.upn, p.unknown]),
      [
        ["C1", "A123456789012", null],
        ["C2", null, "UN1"],
      ],
    );
    const { exportSsda903 } = await import("./writers/ssda903.ts");
    await exportSsda903(store, { out: join(t.dir, "903"), period: parsePeriod("2023-24")!, authority: "202", actor: "test" });
    const { readFileSync } = await import("node:fs");
    const header = readFileSync(join(t.dir, "903", "header.csv"), "utf8");
    assert.match(header, /^C2,F,05\/03\/2012,WIRI,UN1,/m);
    assert.match(header, /^C1,M,01\/06\/2010,WBRI,A123456789012,/m);
  } finally {
    await cleanup();
    t.cleanup();
  }
});

test("structural: an unknown file is an error; a known one is not", async () => {
  const r = await loadFormats(undefined, { paths: [files({ "notes.csv": "name,age\nx,1\n" })] });
  assert.deepEqual(codes(r), ["FORMAT_FILE_UNKNOWN"]);
  assert.equal(r.issues[0]!.file, "notes.csv");
  // A figures file among a return's files is named for what it is, not "not a format Lantern reads".
  const m = await loadFormats(undefined, { paths: [files({ "measures.csv": "indicator,authority,period,value\nsw_caseload,202,2025-03,17.5\n", "b.txt": EPISODES })] });
  assert.deepEqual(codes(m), ["FORMAT_MEASURES_MIXED"]);
  assert.match(m.issues[0]!.message, /^measures\.csv is a figures file \(indicator, authority, period, value\); figures files load on their own/);
});

test("structural: a missing column is located; the full column set passes", async () => {
  const bad = EPISODES.replace(",URN\n", "\n").replace(/,,,\n/g, ",,\n");
  const r = await loadFormats(undefined, { paths: [files({ "b.txt": bad })] });
  const i = r.issues.find((x) => x.code === "FORMAT_COLUMN_MISSING")!;
  assert.equal(i.column, "URN");
  assert.equal(i.row, 1);
  assert.equal(r.status, "rejected");
});

test("structural: a duplicated column is an error", async () => {
  const r = await loadFormats(undefined, { paths: [files({ "c.dat": "CHILD,DOB,MISSING,MIS_START,MIS_END,MIS_END\nC1,01/06/2010,M,03/07/2023,04/07/2023,\n" })] });
  assert.ok(codes(r).includes("FORMAT_COLUMN_DUPLICATE"));
});

test("structural: an unparseable date names file, row, column, value and expectation", async () => {
  const r = await loadFormats(undefined, { paths: [files({ "c.dat": "CHILD,DOB,MISSING,MIS_START,MIS_END\nC1,01/06/2010,M,31/06/2023,04/07/2023\n" })] });
  const i = r.issues.find((x) => x.code === "FORMAT_DATE_INVALID")!;
  assert.deepEqual([i.file, i.row, i.column, i.value], ["c.dat", 2, "MIS_START", "31/06/2023"]);
  assert.match(i.expected!, /DD\/MM\/YYYY/);
});

test("structural: an Excel serial or a date in words in a 903 date column is named as such at its file and column, with no errors about SSD columns the file does not have", async () => {
  const episodes = EPISODES.replace("C1,01/05/2023", "C1,45047").replace("C2,10/10/2023", "C2,10 Oct 2023");
  for (const dfeErrorsAsQueries of [false, true]) {
    const r = await loadFormats(undefined, { paths: [files({ "b.txt": episodes })], dfeErrorsAsQueries });
    assert.equal(r.status, "rejected");
    // None about SSD columns (clae_cla_episode_start_date, clap_…, lega_…) the file does not have.
    assert.deepEqual(
      r.issues.filter((i) => /^[a-z]+_/.test(i.column ?? "")).map((i) => [i.code, i.column]),
      [],
    );
    const errors = r.issues.filter((i) => i.severity === "error" && i.column === "DECOM");
    // Structural whatever the flag: a date Lantern cannot read is never a DfE rule's to downgrade.
    assert.deepEqual(
      errors.map((i) => i.code),
      ["FORMAT_DATE_INVALID", "FORMAT_DATE_INVALID"],
    );
    assert.deepEqual(
      errors.map((i) => [i.file, i.row, i.column, i.value]),
      [
        ["b.txt", 2, "DECOM", "45047"],
        ["b.txt", 4, "DECOM", "10 Oct 2023"],
      ],
      JSON.stringify(r.issues, null, 1),
    );
    assert.match(errors[0]!.message, /DECOM "45047" looks like an Excel serial date number \(as one it would be 01\/05\/2023\)/);
    assert.match(errors[0]!.expected!, /format the column as a date before saving the CSV/);
    assert.match(errors[1]!.message, /DECOM "10 Oct 2023" is a date written with the month in words/);
    assert.match(errors[1]!.expected!, /DD\/MM\/YYYY/);
    // Nor any about the order of C1's episodes: the open latest one is not "not ended" before the
    // episode whose start could not be read (DfE 142 followed the bad DECOM before).
    assert.deepEqual(
      r.issues.filter((i) => i.code === "903-142" || i.code === "903-501" || i.code === "903-433"),
      [],
    );
  }
});

test("structural: every 903 date that cannot be read blocks the load, even with --dfe-errors-as-queries (it was loaded blank as a DfE query)", async () => {
  const header = HEADER.replace("C1,M,01/06/2010,WBRI,A123456789012,,", "C1,M,40330,WBRI,A123456789012,,").replace("C2,2,05/03/2012,WIRI,UN1,,", "C2,2,05/03/2012,WIRI,UN1,,soon");
  const episodes = EPISODES.replace("C1,01/05/2023,S,C2,N1,U4,PR1,01/09/2023,X1", "C1,01/05/2023,S,C2,N1,U4,PR1,45526,X1");
  const reviews = "CHILD,DOB,REVIEW,REVIEW_CODE\nC1,01/06/2010,31/06/2023,PN1\n";
  const uasc = "CHILD,SEX,DOB,DUC\nC2,2,05/03/2012,2028-13-01\n";
  const placed = "CHILD,DOB,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED\nC1,01/06/2010,1 Jan 2024,,\n";
  for (const dfeErrorsAsQueries of [true, false]) {
    const r = await loadFormats(undefined, { paths: [files({ "a.csv": header, "b.txt": episodes, "r.csv": reviews, "u.csv": uasc, "p.csv": placed })], dfeErrorsAsQueries });
    assert.equal(r.status, "rejected");
    const errors = r.issues.filter((i) => i.severity === "error");
    assert.deepEqual(
      errors.map((i) => [i.code, i.file, i.row, i.column, i.value]).sort(),
      [
        ["FORMAT_DATE_INVALID", "a.csv", 2, "DOB", "40330"],
        ["FORMAT_DATE_INVALID", "a.csv", 3, "MC_DOB", "soon"],
        ["FORMAT_DATE_INVALID", "b.txt", 2, "DEC", "45526"],
        ["FORMAT_DATE_INVALID", "p.csv", 2, "DATE_PLACED", "1 Jan 2024"],
        ["FORMAT_DATE_INVALID", "r.csv", 2, "REVIEW", "31/06/2023"],
        ["FORMAT_DATE_INVALID", "u.csv", 2, "DUC", "2028-13-01"],
      ],
      JSON.stringify(r.issues, null, 1),
    );
    const dec = errors.find((i) => i.column === "DEC")!;
    assert.match(dec.message, /^DEC "45526" looks like an Excel serial date number \(as one it would be 22\/08\/2024\)/);
    assert.match(dec.expected!, /format the column as a date before saving the CSV/);
    assert.match(errors.find((i) => i.column === "DOB")!.message, /as one it would be 01\/06\/2010/);
  }
});

test("structural: a code outside its code set is an error (DfE 143), a valid code is not", async () => {
  const r = await loadFormats(undefined, { paths: [files({ "b.txt": EPISODES.replace("C1,01/09/2023,P,", "C1,01/09/2023,Q,") })] });
  const i = r.issues.find((x) => x.code === "903-143")!;
  assert.equal(i.value, "Q");
  assert.equal(i.row, 3);
});

test("structural: duplicate ids are refused, naming the row the id first appeared on as well as the duplicate's", async () => {
  const r = await loadFormats(undefined, { paths: [files({ "a.csv": `${HEADER}C1,M,01/06/2010,WBRI,A123456789012,,\n` })] });
  const i = r.issues.find((x) => x.code === "FORMAT_ID_DUPLICATE")!;
  assert.deepEqual([i.file, i.row, i.column, i.value], ["a.csv", 4, "CHILD", "C1"]);
  assert.equal(i.message, "CHILD C1 has two Header rows: first at row 2, again at row 4.");
  assert.equal(i.expected, "one Header row per child (C1's is at row 2)");
});

test("structural: a CIN census with two children of one LAchildID names both lines (DfE 8510)", async () => {
  const one = census("202");
  const child = one.slice(one.indexOf("<Child>"), one.indexOf("</Child>") + "</Child>".length);
  const twice = one.replace(child, `${child}\n${child.replace("<UPN>A383489771083</UPN>", "")}`);
  const r = await loadFormats(undefined, { paths: [files({}, { "cin.xml": twice })] });
  const i = r.issues.find((x) => x.code === "CIN-8510")!;
  assert.deepEqual([i.file, i.row, i.column, i.value], ["cin.xml", 5, "LAchildID", "K1"]);
  assert.match(i.message, /More than one child record with the same LA Child ID \(K1 first at line 4, again at line 5\)/);
});

test("structural: a CHILD or Child Unique ID saved through Excel in scientific notation is named as such, not as a duplicate", async () => {
  // Two children whose 12-digit ids Excel showed as the same 1.23457E+11.
  const mangled = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1.23457E+11,1,01/06/2010,WBRI,A123456789012,,\n1.23457E+11,2,05/03/2012,WIRI,UN1,,\n";
  const r = await loadFormats(undefined, { paths: [files({}, { "a.csv": mangled })] });
  assert.deepEqual(
    r.issues.filter((i) => i.severity === "error").map((i) => [i.code, i.row, i.column, i.value]),
    [
      ["FORMAT_ID_EXCEL_NUMBER", 2, "CHILD", "1.23457E+11"],
      ["FORMAT_ID_EXCEL_NUMBER", 3, "CHILD", "1.23457E+11"],
    ],
  );
  assert.match(r.issues[0]!.message, /^CHILD 1\.23457E\+11 is an id Excel has turned into a number in scientific notation: its digits after the first few are lost/);
  const annex = "Child Unique ID,Gender,Ethnicity,Date of Birth,Age,Date of Contact,Contact Source\n1.23457e+11,Female,a) WBRI,2015-01-25,6,2020-09-16,q) 6: Police\n9212044,Female,a) WBRI,2015-01-25,6,2020-09-16,q) 6: Police\n";
  const a = await loadFormats(undefined, { paths: [files({}, { "annex_a_list_1.csv": annex })] });
  assert.deepEqual(
    a.issues.filter((i) => i.severity === "error").map((i) => [i.code, i.row, i.column]),
    [["FORMAT_ID_EXCEL_NUMBER", 2, "Child Unique ID"]],
  );
});

test("structural: an episode of a child who is not in the Header is a missing reference, said once at its row and CHILD column", async () => {
  const r = await loadFormats(undefined, { paths: [files({ "b.txt": `${EPISODES}C9,01/01/2024,S,C2,N1,U4,PR1,,,,,,\n` })] });
  const refs = r.issues.filter((x) => x.code === "FORMAT_REFERENCE_MISSING");
  assert.deepEqual(
    refs.map((i) => [i.file, i.row, i.column, i.value]),
    [["b.txt", 5, "CHILD", "C9"]],
    "one issue in the file's words, not one for each of clae_, clap_ and lega_person_id",
  );
  assert.match(refs[0]!.message, /^CHILD C9 has no Header row, so this Episodes record cannot be loaded\.$/);
});

test("structural: a date before the one it follows is said once, at the 903 row and column (DEC by DfE 356; MIS_END, SW_DEC as FORMAT_DATE_ORDER), not as the SSD columns it gives", async () => {
  const backwards = EPISODES.replace("C2,10/10/2023,S,V2,N4,U6,PR1,20/12/2023,", "C2,10/10/2023,S,V2,N4,U6,PR1,20/09/2023,");
  const missing = "CHILD,DOB,MISSING,MIS_START,MIS_END\nC1,01/06/2010,M,03/07/2023,01/07/2023\n";
  const sw = "CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON\nC1,01/06/2010,W1,01/06/2023,01/05/2023,MANAGE\n";
  const r = await loadFormats(undefined, { paths: [files({ "b.txt": backwards, "c.dat": missing, "d.csv": sw })], dfeErrorsAsQueries: true });
  const said = r.issues.filter((i) => i.code === "FORMAT_DATE_ORDER" || i.code === "903-356").map((i) => [i.code, i.file, i.row, i.column]);
  // Child by child: C1's missing and social worker records, then C2's episode.
  assert.deepEqual(said, [
    ["FORMAT_DATE_ORDER", "c.dat", 2, "MIS_END"],
    ["FORMAT_DATE_ORDER", "d.csv", 2, "SW_DEC"],
    ["903-356", "b.txt", 4, "DEC"],
  ]);
  assert.match(r.issues.find((i) => i.column === "MIS_END")!.message, /^Missing: MIS_END is before MIS_START \(03\/07\/2023\)/);
  assert.ok(!r.issues.some((i) => /^(clae|clap|lega|miss|invo)_/.test(i.column ?? "")), JSON.stringify(r.issues, null, 1));
});

test("structural: overlapping episodes are refused (DfE 501) and gapped continuations (433)", async () => {
  const overlap = EPISODES.replace("C1,01/09/2023,P,", "C1,01/08/2023,P,");
  const r = await loadFormats(undefined, { paths: [files({ "b.txt": overlap })] });
  assert.ok(codes(r).includes("903-501"));
  const gap = EPISODES.replace("C1,01/09/2023,P,", "C1,05/09/2023,P,");
  assert.ok(codes(await loadFormats(undefined, { paths: [files({ "b.txt": gap })] })).includes("903-433"));
});

test("DfE 361/362: an open police protection or EPO is measured to the end of the return's collection year (from its latest episode date), and named with its child's other issues", async () => {
  const eps =
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n" +
    "C1,15/03/2025,S,L1,N1,U4,PR1,,,,,,\n" +
    "C2,01/05/2024,S,C2,N4,U6,PR1,20/03/2025,E13,,,,\n";
  const r = await loadFormats(undefined, { paths: [files({ "b.txt": eps }, { "a.csv": HEADER, "b.txt": eps })] });
  // The latest date, 20/03/2025, puts the return in 2024-25: C1's L1 has lasted 16 days by 31/03/2025.
  assert.deepEqual(r.issues.filter((i) => i.code.startsWith("903-36")).map((i) => [i.code, i.file, i.row, i.column]), [["903-361", "b.txt", 2, "DEC"]]);
  assert.equal(r.status, "rejected");
  // Open for three days to the year's end: within the limit.
  const ok = await loadFormats(undefined, { paths: [files({}, { "a.csv": HEADER, "b.txt": eps.replace("C1,15/03/2025,S,L1", "C1,28/03/2025,S,L1") })] });
  assert.deepEqual(codes(ok), []);
  // An open EPO read from XML is measured the same way.
  const xml = `<?xml version="1.0"?><EXPSSDA903><CHILD><HEADER><CHILDID>X1</CHILDID><SEX>1</SEX><DOB>01/06/2012</DOB><ETHNIC>WBRI</ETHNIC></HEADER><EPISODE><DECOM>01/02/2025</DECOM><RNE>S</RNE><LS>L2</LS><CIN>N1</CIN><PL>U4</PL></EPISODE></CHILD></EXPSSDA903>`;
  const x = await loadFormats(undefined, { paths: [files({}, { "r.xml": xml })] });
  assert.deepEqual(x.issues.filter((i) => i.code.startsWith("903-36")).map((i) => i.code), ["903-362"]);
});

test("messy: UTF-8 with BOM, UTF-16 tab-separated (Excel Unicode text), Windows-1252 all read the same", async () => {
  const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(HEADER)]);
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(EPISODES.replace(/,/g, "\t"), "utf16le")]);
  const cp1252 = Buffer.from(MISSING.replace("CHILD,DOB", "CHILD,DOB").replace("\n", "\r\n"), "latin1");
  const r = await loadFormats(undefined, { paths: [files({ "a.csv": bom, "b.txt": utf16, "c.dat": cp1252 })] });
  assert.deepEqual(codes(r), []);
  assert.deepEqual(
    r.files.map((f) => f.encoding),
    ["utf-8-bom", "utf-16le", "utf-8"],
  );
  const win = Buffer.concat([Buffer.from("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nC1,M,01/06/2010,WBRI,"), Buffer.from([0xc9]), Buffer.from("T,,\n")]);
  const r2 = await loadFormats(undefined, { paths: [files({ "a.csv": win, "b.txt": "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n" })] });
  assert.equal(r2.files[0]!.encoding, "windows-1252");
  // Read as "ÉT": no encoding error, only DfE 168 (it is no UPN).
  assert.deepEqual(r2.issues.filter((i) => i.severity === "error").map((i) => [i.code, i.value]), [["903-168", "ÉT"]]);
});

test("messy: trailing blank rows and header spelling variants", async () => {
  const r = await loadFormats(undefined, { paths: [files({ "a.csv": `${HEADER.replace("CHILD,SEX", " child , Sex ")},,,,,,\n,,,,,,\n\n` })] });
  assert.deepEqual(codes(r), []);
  assert.equal(r.files[0]!.records, 2);
});

test("messy: a file that breaks UTF-8 after the first 64 KB is refused with what to do, not half read", async () => {
  const big = HEADER + "C3,M,01/06/2010,WBRI,A123456789012,,\n".repeat(3000);
  const buf = Buffer.concat([Buffer.from(big), Buffer.from([0xff, 0xfe, 0xfd]), Buffer.from(",\n")]);
  const r = await loadFormats(undefined, { paths: [files({ "a.csv": buf })] });
  assert.equal(r.status, "rejected");
  assert.match(r.issues.find((i) => i.severity === "error")!.expected ?? r.issues[0]!.message, /UTF-8/);
});

const LIST1 = "Child Unique ID,Gender,Ethnicity,Date of Birth,Age,Date of Contact,Contact Source\n";

test("messy: mixed line endings (CRLF, one row ending in LF only, one in CR) in an SSDA903 table and an Annex A list: every row read as its own", async () => {
  // Before, the rows ran together: "row 3 has 25 fields where the header has 13".
  const crlf = (t: string) => t.replaceAll("\n", "\r\n");
  const episodes = crlf(EPISODES).replace("PR1,01/09/2023,X1,CARPL,,,\r\n", "PR1,01/09/2023,X1,CARPL,,,\n").replace("U6,PR1,,,,,,\r\n", "U6,PR1,,,,,,\r");
  const r = await loadFormats(undefined, { paths: [files({ "a.csv": crlf(HEADER), "b.txt": episodes })] });
  assert.deepEqual(codes(r), []);
  assert.equal(r.files.find((f) => f.file === "b.txt")!.records, 3);
  const list = `${LIST1}K1,F,WBRI,2015-01-25,6,2020-09-16,6\nK2,M,WBRI,2015-01-25,6,2020-09-17,"a) 1A: Individual"\r\nK3,M,WBRI,2015-01-25,6,2020-09-18,6\r\n`.replace(LIST1, crlf(LIST1));
  const a = await loadFormats(undefined, { paths: [files({}, { "list.csv": list })] });
  assert.deepEqual(codes(a), []);
  assert.equal(a.files[0]!.records, 3);
});

test("Annex A CSV: lettered options and bare codes, ISO and UK dates", async () => {
  const csv = `${LIST1}K1,b) Female,a) WBRI,2015-01-25,6.1,2020-09-16,q) 6: Police\nK2,Male,WBRI,25/01/2015,6,2020-09-16,6\nK3,M,WBRI,2020-06-18,6,16/09/2020,"a) 1A: Individual"\n,,,,,,\n`;
  const r = await loadFormats(undefined, { paths: [files({}, { "list.csv": csv })] });
  assert.deepEqual(codes(r), []);
  assert.deepEqual(
    r.tables.filter((t) => t.rows).map((t) => [t.table, t.rows]),
    [
      ["ssd_contacts", 3],
      ["ssd_person", 3],
    ],
  );
  const bad = await loadFormats(undefined, { paths: [files({}, { "list.csv": `${LIST1}K1,F,WBRI,2015-01-25,6,not a date,6\n` })] });
  assert.equal(bad.issues[0]!.code, "FORMAT_DATE_INVALID");
  assert.equal(bad.issues[0]!.row, 2);
});

test("Annex A: the data covers the lists' window from its first day, though no contact fell on it (1 April 2024 was Easter Monday)", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const list = (first: string) => `${LIST1}K1,F,WBRI,2015-01-25,9,${first},6\nK2,M,WBRI,2014-03-02,10,2024-09-16,6\nK1,F,WBRI,2015-01-25,10,2025-03-28,6\n`;
    await loadFormats(store, { paths: [files({}, { "list.csv": list("2024-04-02") })], authority: "X001" });
    const [t] = await resolveTargets(store, { authority: "X001" });
    assert.deepEqual([String(t!.data_from).slice(0, 10), String(t!.data_to).slice(0, 10)], ["2024-04-01", "2025-03-31"]);
    requireCovered(t!, parsePeriod("2024-25")!);
    // A first contact later in the month: the window began then, so the first whole month is May.
    await loadFormats(store, { paths: [files({}, { "list.csv": list("2024-04-10") })], authority: "X002" });
    const [u] = await resolveTargets(store, { authority: "X002" });
    assert.equal(String(u!.data_from).slice(0, 10), "2024-05-01");
  } finally {
    await cleanup();
  }
});

test("Annex A: a row that repeats an earlier one exactly is loaded and said, with both rows", async () => {
  const row = "K1,F,WBRI,2015-01-25,6,2020-09-16,6";
  const r = await loadFormats(undefined, { paths: [files({}, { "list.csv": `${LIST1}${row}\nK2,M,WBRI,2016-01-25,5,2020-09-16,6\n${row}\n` })] });
  const repeated = r.issues.filter((i) => i.code === "FORMAT_ROW_REPEATED");
  assert.deepEqual(
    repeated.map((i) => [i.severity, i.row, i.message]),
    [["warning", 4, "list.csv: row 4 repeats row 2 exactly; both are loaded, so whatever it records counts twice."]],
  );
  assert.deepEqual(r.tables.filter((t) => t.table === "ssd_contacts").map((t) => t.rows), [3]);
});

test("Annex A CSV: an Excel serial number in a date column is refused as the SSD import refuses it, with the date it would be", async () => {
  // In a CSV a serial means the column was saved as numbers; in a workbook (next test) it is a date.
  const r = await loadFormats(undefined, { paths: [files({}, { "list.csv": `${LIST1}K1,F,WBRI,2015-01-25,6,44090,6\nK2,M,WBRI,2015-01-25,6,2020-09-16,6\n` })] });
  assert.equal(r.status, "rejected");
  const i = r.issues.find((x) => x.code === "FORMAT_DATE_INVALID")!;
  assert.deepEqual([i.severity, i.file, i.row, i.column, i.value], ["error", "list.csv", 2, "Date of Contact", "44090"]);
  assert.match(i.message, /Excel serial date number \(as one it would be 2020-09-16\)/);
  assert.match(i.expected!, /format the column as a date before saving the CSV/);
  // The one error for that cell: none for the SSD column it would have given (cont_contact_date).
  assert.deepEqual(
    r.issues.filter((x) => x.severity === "error").map((x) => x.column),
    ["Date of Contact"],
  );
});

test("Annex A: a refused date silences only the SSD columns it would have given; a blank required date beside it is still named", async () => {
  // A bad Date of Birth and a blank Date of Contact on one row: before, the blank was not reported
  // (every blank column on a row with a refused date was taken as following from it).
  const r = await loadFormats(undefined, { paths: [files({}, { "list.csv": `${LIST1}K1,F,WBRI,31/02/2015,6,,6\n` })] });
  assert.equal(r.status, "rejected");
  assert.deepEqual(
    r.issues.filter((x) => x.severity === "error").map((x) => [x.code, x.row, x.column]),
    [
      ["FORMAT_DATE_INVALID", 2, "Date of Birth"],
      ["FORMAT_VALUE_REQUIRED", 2, "cont_contact_date"],
    ],
    JSON.stringify(r.issues, null, 1),
  );
  // A bad Date of Contact alone is one error, in the list's own words (as before).
  const one = await loadFormats(undefined, { paths: [files({}, { "list.csv": `${LIST1}K1,F,WBRI,2015-01-25,6,31/02/2024,6\n` })] });
  assert.deepEqual(
    one.issues.filter((x) => x.severity === "error").map((x) => x.column),
    ["Date of Contact"],
  );
});

test("Annex A: every required SSD date column a list fills is traced to the list cells it comes from", () => {
  const tables = ["ssd_person", "ssd_contacts", "ssd_early_help_episodes", "ssd_cin_episodes", "ssd_cin_assessments", "ssd_s47_enquiry", "ssd_initial_cp_conference", "ssd_cp_plans", "ssd_cla_placement", "ssd_cla_episodes", "ssd_legal_status", "ssd_care_leavers", "ssd_permanence"];
  const required = SSD_TABLES.filter((t) => tables.includes(t.name)).flatMap((t) => t.columns.filter((c) => c.required && c.kind === "date").map((c) => c.name));
  assert.ok(required.length >= 8, required.join(" "));
  assert.deepEqual(required.filter((c) => !(c in ANNEX_DATE_SOURCES)), []);
});

test("CSV: a truncated or ragged SSDA903 table, and an Annex A row with extra fields, are refused and nothing is stored", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const cases: [Record<string, string>, string, string, number, RegExp][] = [
      // Cut off mid-row: the UPN would have been stored as "A12345".
      [{ "a.csv": `${HEADER}C3,1,01/02/2012,WBRI,A12345` }, "FILE_CSV_TRUNCATED", "a.csv", 4, /ends part-way through row 4: the row has 5 of the header's 7 fields .* looks truncated/],
      [{ "a.csv": HEADER.replace(",A123456789012,,\n", "\n") }, "FILE_CSV_FIELD_COUNT", "a.csv", 2, /row 2 has 4 fields but the header has 7: values are missing/],
      [{ "b.txt": EPISODES.replace("S,C2,N1,U4,PR1,", "S,C2,N1,U4,PR1,X,Y,") }, "FILE_CSV_FIELD_COUNT", "b.txt", 2, /row 2 has 15 fields but the header has 13: a value probably holds a comma without quotes/],
    ];
    for (const [extra, code, file, row, message] of cases) {
      await assert.rejects(
        () => loadFormats(store, { paths: [files(extra)], authority: "202" }),
        (e: unknown) => {
          assert.ok(isLanternError(e) && e.code === "LANTERN_DATA_REJECTED" && e.exit === 2, String(e));
          const i = e.issues.find((x) => x.severity === "error")!;
          assert.deepEqual([i.code, i.file, i.row], [code, file, row]);
          assert.match(i.message, message);
          assert.match(i.expected!, /^(7|13) fields on every row, as in the header$/);
          return true;
        },
      );
    }
    const aa = await loadFormats(undefined, { paths: [files({}, { "list.csv": `${LIST1}K1,F,WBRI,2015-01-25,6,2020-09-16,6,EXTRA,MORE\n` })] });
    assert.deepEqual(codes(aa), ["FILE_CSV_FIELD_COUNT"]);
    assert.equal(aa.issues[0]!.row, 2);
    assert.equal((await store.all(`SELECT * FROM lantern_snapshot`)).length, 0);
    assert.equal((await store.all(`SELECT * FROM ssd_person`)).length, 0);
  } finally {
    await cleanup();
  }
});

test("Annex A CSV: rows without their trailing empty fields are read with them blank, with one warning; a cut-off last row is refused", async () => {
  const r = await loadFormats(undefined, { paths: [files({}, { "list.csv": `${LIST1}K1,F,WBRI,2015-01-25,6,2020-09-16,6\nK2,M,WBRI,,6,2020-09-17,6\nK3,M,WBRI,2015-01-25,6,2020-09-18\nK4,M,WBRI,2015-01-25,6,2020-09-19\n` })] });
  assert.deepEqual(codes(r), []);
  assert.deepEqual(codes(r, "warning"), ["FILE_CSV_SHORT_ROWS"]);
  assert.equal(r.issues[0]!.row, 4);
  assert.match(r.issues[0]!.message, /2 rows have fewer than the header's 7 fields \(the first is row 4, with 6\)/);
  assert.equal(r.tables.find((t) => t.table === "ssd_contacts")!.rows, 4);
  const cut = await loadFormats(undefined, { paths: [files({}, { "list.csv": `${LIST1}K1,F,WBRI,2015-01-25,6,2020-09-16,6\nK2,M,WBRI,2015-01-25,6,20` })] });
  assert.deepEqual(codes(cut), ["FILE_CSV_TRUNCATED"]);
  assert.equal(cut.issues[0]!.row, 3);
});

test("Annex A workbook: extra sheets ignored with a warning, date cells and serial numbers read", async () => {
  const { dir } = tempDir("lantern-xlsx-");
  const path = join(dir, "annex.xlsx");
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet("Cover").addRow(["Annex A return for inspection"]);
  const l1 = wb.addWorksheet("List 1");
  l1.addRow(["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "Date of Contact", "Contact Source"]);
  l1.addRow(["K1", "a) Male", "a) WBRI", new Date(Date.UTC(2015, 0, 25)), 6, new Date(Date.UTC(2020, 8, 16)), "q) 6: Police"]);
  l1.addRow(["K2", "b) Female", "a) WBRI", 42029, 6, 44090, "6"]);
  l1.addRow([]);
  const l3 = wb.addWorksheet("List 3 referrals");
  l3.addRow(["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "Date of Referral", "Referral Source", "Referral NFA?", "Number of Referrals in Last 12 Months", "Allocated Team", "Allocated Worker"]);
  l3.addRow(["K1", "a) Male", "a) WBRI", new Date(Date.UTC(2015, 0, 25)), 6, new Date(Date.UTC(2020, 8, 17)), "q) 6: Police", "b) No", 1, "MASH", "W1"]);
  await wb.xlsx.writeFile(path);
  const r = await loadFormats(undefined, { paths: [path] });
  assert.deepEqual(codes(r), []);
  assert.deepEqual(codes(r, "warning"), ["FORMAT_SHEET_IGNORED"]);
  const rows = Object.fromEntries(r.tables.map((t) => [t.table, t.rows]));
  assert.equal(rows["ssd_contacts"], 2);
  assert.equal(rows["ssd_cin_episodes"], 1);
  assert.equal(rows["ssd_person"], 2);
});

test("all or nothing: an error leaves the store as it was; a clean load is one snapshot with its queries kept", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const bad = files({ "b.txt": EPISODES.replace("C1,01/09/2023,P,", "C1,01/08/2023,P,") });
    await assert.rejects(
      () => loadFormats(store, { paths: [bad], authority: "202" }),
      (e: unknown) => isLanternError(e) && e.code === "LANTERN_DATA_REJECTED" && e.issues.some((i) => i.code === "903-501"),
    );
    assert.equal((await store.all(`SELECT * FROM lantern_snapshot`)).length, 0);
    assert.equal((await store.all(`SELECT * FROM ssd_cla_episodes`)).length, 0);
    // The same files load when DfE errors are taken as queries, and the queries are kept.
    const r = await loadFormats(store, { paths: [bad], authority: "202", dfeErrorsAsQueries: true });
    assert.equal(r.status, "loaded");
    assert.equal((await store.all(`SELECT * FROM current_ssd_cla_episodes WHERE la_code = '202'`)).length, 3);
    const q = await store.all<{ rule_id: string; row_number: number }>(`SELECT rule_id, row_number FROM lantern_dfe_query WHERE snapshot_id = $1`, [r.snapshotId!]);
    assert.deepEqual(q.map((x) => x.rule_id).sort(), ["433", "501"], "the overlap is also a continuation that does not start when the last ended");
    // The same files again: unchanged.
    const again = await loadFormats(store, { paths: [bad], authority: "202", dfeErrorsAsQueries: true });
    assert.equal(again.status, "unchanged");
  } finally {
    await cleanup();
  }
});

test("a 903 whose files are not grouped by child loads the same snapshot as grouped files (the reader starts again; staging is emptied first)", async () => {
  const header = ["CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"];
  const episodes = ["CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN"];
  for (let c = 1; c <= 40; c++) {
    header.push(`K${c},${c % 2 ? "M" : "F"},01/0${1 + (c % 9)}/2010,WBRI,,,`);
    episodes.push(`K${c},01/05/2023,S,C2,N1,U4,PR1,01/09/2023,X1,CARPL,,,`, `K${c},01/09/2023,P,C2,N1,U6,PR1,,,,,,`);
  }
  // Not grouped: the second episode of every child comes after all the first ones.
  const mixed = [episodes[0]!, ...episodes.slice(1).filter((_, i) => i % 2 === 0), ...episodes.slice(1).filter((_, i) => i % 2 === 1)];
  const { store, cleanup } = await tempStore();
  try {
    const modes: string[] = [];
    const a = await loadFormats(store, { paths: [files({}, { "h.csv": `${header.join("\n")}\n`, "e.csv": `${episodes.join("\n")}\n` })], authority: "811", on903Read: (m) => modes.push(m) });
    const b = await loadFormats(store, { paths: [files({}, { "h.csv": `${header.join("\n")}\n`, "e.csv": `${mixed.join("\n")}\n` })], authority: "812", on903Read: (m) => modes.push(m) });
    assert.deepEqual(modes, ["merge", "spill"]);
    assert.equal(a.status, "loaded");
    assert.deepEqual(b.tables, a.tables);
    for (const t of ["ssd_person", "ssd_cla_episodes", "ssd_cla_placement", "ssd_legal_status"]) {
      const rows = async (la: string) => (await store.all(`SELECT * FROM current_${t} WHERE la_code = $1`, [la])).map((r) => JSON.stringify({ ...r, la_code: null, snapshot_id: null })).sort();
      const ra = await rows("811");
      assert.ok(ra.length >= 40, t);
      assert.deepEqual(await rows("812"), ra, t);
    }
  } finally {
    await cleanup();
  }
});

test("a 903 loaded over an SSD history reaching back before its year gives the figures needing its tables no value before its year, and says where to find them", async () => {
  const { store, cleanup } = await tempStore();
  const { tempDir } = await import("../../test/fixtures.ts");
  const { generateToDirectory } = await import("../generate/index.ts");
  const { importSsd } = await import("../ingest/ssd-import.ts");
  const { exportSsda903 } = await import("./writers/ssda903.ts");
  const { parsePeriod } = await import("../calendar/periods.ts");
  const t = tempDir();
  try {
    await generateToDirectory({ out: t.dir, seed: 2, population: 1500, from: "2022-04", to: "2025-03", authorities: 1, shocks: [] });
    await importSsd(store, { paths: [t.dir] });
    const out = `${t.dir}/903`;
    await exportSsda903(store, { out, period: parsePeriod("2024-25")!, authority: "X001", actor: "test" });
    const r = await loadFormats(store, { paths: [out], authority: "X001" });
    assert.equal(r.status, "loaded");
    const w = r.issues.find((i) => i.code === "FORMAT_RETURN_OVER_HISTORY");
    assert.ok(w, JSON.stringify(r.issues.map((i) => i.code)));
    assert.match(w.message, /^This return replaces tables for X001 with the records of the year from 2024-04-01 only, while its stored data \(snapshot 1\) reaches back to 2022-04-01: figures needing those tables will have no value for periods before 2024-04-01 in the new snapshot/);
    assert.match(w.expected!, /lantern indicators --snapshot 1/);
    const { computeAndStore, storedValues } = await import("../kpi/compute.ts");
    for (const snapshot of [1, 2]) await computeAndStore(store, { snapshot, workers: 1 });
    const [before, after] = [await storedValues(store, { snapshots: [1] }), await storedValues(store, { snapshots: [2] })];
    const at = (vs: typeof before, id: string, period: string) => vs.filter((v) => v.indicator === id && v.period === period);
    // Children in care at the end of 2023-24, and a rate worked out from that count: no value, with the reason.
    for (const id of ["cla_at_end", "cla_rate", "cla_started", "cl_in_touch_pct"]) {
      const [v, ...more] = at(after, id, "2023-24");
      assert.equal(more.length, 0, `${id}: one figure for the period`);
      assert.equal(v?.value, null, id);
      assert.match(v?.reason ?? "", /^cannot be computed for this period: (ssd_[a-z_]+, )*(ssd_[a-z_]+ and )?ssd_[a-z_]+ for X001 holds? the records of a return \(loaded in snapshot 2\) from 2024-04-01 only$/, id);
      assert.notEqual(at(before, id, "2023-24")[0]?.value ?? null, null, `${id}: the SSD history had a figure`);
      assert.notEqual(at(after, id, "2024-25")[0]?.value ?? null, null, `${id}: the return's own year has one`);
    }
    assert.equal(
      at(after, "cla_at_end", "2023-24")[0]?.reason,
      "cannot be computed for this period: ssd_cla_placement, ssd_cla_episodes and ssd_legal_status for X001 hold the records of a return (loaded in snapshot 2) from 2024-04-01 only",
    );
    // Three or more placements in the 12 months to a day: the return holds the placements open
    // in its year only, so the figure at 31 March 2025 (the year's own) is judged, a month's end
    // inside the year reaching back before it is not, and the SSD history had both.
    const three = (vs: typeof before, period: string) => at(vs, "cla_3plus_placements_pct", period);
    assert.notEqual(three(after, "2024-25")[0]?.value ?? null, null);
    assert.equal(three(after, "2024-25")[0]?.value, three(before, "2024-25")[0]?.value, "every placement open in 2024-25 is in the return");
    assert.equal(three(after, "2025-03")[0]?.value, three(before, "2025-03")[0]?.value);
    assert.deepEqual(
      three(after, "2024-09").map((v) => [v.value, v.reason]),
      [
        [
          null,
          "cannot be computed for this period: it looks back 12 months for placements, and the data loaded for X001 holds them (ssd_cla_placement) from 2024-04-01 only, so its figures start with the periods that end on or after 2025-03-31",
        ],
      ],
    );
    assert.notEqual(three(before, "2024-09")[0]?.value ?? null, null);
    // A rolling year reaching back before the return's year, and a month inside it.
    assert.equal(at(after, "cla_started", "12m-2024-06")[0]?.value, null);
    assert.notEqual(at(after, "cla_started", "2024-06")[0]?.value ?? null, null);
    // Figures from the kept front door are computed for every period, as before.
    assert.deepEqual(at(after, "contacts", "2022-23").map((v) => v.value), at(before, "contacts", "2022-23").map((v) => v.value));
    assert.ok((at(after, "contacts", "2022-23")[0]?.value ?? 0) > 0);
    // The children in care at the end of 2024-25 are all in the return: the same as from the SSD history.
    assert.equal(at(after, "cla_at_end", "2024-25")[0]?.value, at(before, "cla_at_end", "2024-25")[0]?.value);
    const { revisionsBetween } = await import("../analysis/revisions.ts");
    const gone = revisionsBetween(before, after).find((r) => r.indicator === "cla_at_end" && r.period === "2023-24");
    assert.equal(gone?.change, "no_longer_computed");
  } finally {
    await cleanup();
    t.cleanup();
  }
});

test("a return loaded over an SSD export keeps the person rows of the children the kept tables refer to; a header-only return is refused", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const { importSsd } = await import("../ingest/ssd-import.ts");
    const { smallExport, writeExport } = await import("../../test/fixtures.ts");
    await importSsd(store, { paths: [writeExport(smallExport())], authority: "202" });
    // The 903 has C1 and C2 only; P1-P3 are known from the SSD export's contacts and referrals.
    const r = await loadFormats(store, { paths: [files()], authority: "202" });
    assert.equal(r.status, "loaded");
    assert.ok(r.issues.some((i) => i.code === "FORMAT_PEOPLE_KEPT" && /^3 children/.test(i.message)), JSON.stringify(r.issues, null, 1));
    assert.ok(!r.issues.some((i) => i.code === "FORMAT_RETURN_OVER_HISTORY"), "the SSD export reaches back no further than the return's year");
    const people = await store.all<{ id: string; sex: string | null }>(`SELECT pers_person_id AS id, pers_sex AS sex FROM current_ssd_person WHERE la_code = '202' ORDER BY 1`);
    assert.deepEqual(
      people.map((p) => p.id),
      ["C1", "C2", "P1", "P2", "P3"],
    );
    assert.equal(people.find((p) => p.id === "P2")!.sex, "F", "a kept child's details are the stored ones");
    const [count] = await store.all<{ n: number }>(
      `SELECT st.row_count AS n FROM lantern_latest_snapshot l JOIN lantern_snapshot_table st ON st.snapshot_id = l.snapshot_id AND st.table_name = 'ssd_person' WHERE l.la_code = '202'`,
    );
    assert.equal(Number(count!.n), 5, "the snapshot counts the kept rows too");
    // An Annex A list with a header and nothing else would only wipe tables.
    const before = (await store.all(`SELECT * FROM lantern_snapshot`)).length;
    await assert.rejects(
      () => loadFormats(store, { paths: [files({}, { "list1.csv": "Child Unique ID,Gender,Ethnicity,Date of Birth,Age,Disability,Date of Contact,Contact Source\n" })], authority: "202" }),
      (e: unknown) => isLanternError(e) && e.issues.some((i) => i.code === "SSD_LOAD_EMPTY"),
    );
    assert.equal((await store.all(`SELECT * FROM lantern_snapshot`)).length, before);
  } finally {
    await cleanup();
  }
});

/** An indicator's headline figure for one period, computed from the one authority `store` holds. */
async function headline(store: Store, id: string, period: string): Promise<IndicatorValue> {
  const { loadBankHolidays } = await import("../calendar/working-days.ts");
  const { ensureReferenceTables } = await import("../kpi/reference-tables.ts");
  const { computeIndicator } = await import("../kpi/engine.ts");
  const { indicatorLibrary } = await import("../kpi/library/index.ts");
  await ensureReferenceTables(store, loadBankHolidays());
  const [target] = await resolveTargets(store);
  return (await computeIndicator(store, indicatorLibrary().get(id)!, [target!], { periodIds: [period] })).find((v) => !v.breakdown)!;
}

test("figures a 903 cannot settle have no value, with the reason, not 0%: return home interviews it does not carry", async () => {
  const { store, cleanup } = await tempStore();
  try {
    assert.equal((await loadFormats(store, { paths: [files()], authority: "203" })).status, "loaded");
    const july = await headline(store, "missing_rhi_offered_pct", "2023-07");
    assert.equal(july.denominator, 1, "C1's episode ended in July 2023");
    assert.equal(july.value, null);
    assert.match(july.reason ?? "", /SSDA903 return does not carry it/);
    assert.equal((await headline(store, "missing_episodes", "2023-07")).value, 1, "what the 903 does carry is counted");
  } finally {
    await cleanup();
  }
});

test("a 903 of Header and Episodes alone replaces only the tables they feed: missing and social worker figures have no value, with the reason, not 0", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const r = await loadFormats(store, { paths: [files({}, { "a.csv": HEADER, "b.txt": EPISODES })], authority: "203" });
    assert.equal(r.status, "loaded");
    assert.deepEqual(r.fed, ["ssd_cla_episodes", "ssd_cla_placement", "ssd_legal_status", "ssd_person"]);
    for (const id of ["cla_multiple_sw_pct", "cla_missing_pct", "cla_away_pct", "missing_episodes"]) {
      const v = await headline(store, id, "2023-12");
      assert.equal(v.value, null, id);
      assert.match(v.reason ?? "", /no ssd_(missing|involvements) data loaded/, id);
    }
    // With the Missing table, ssd_missing is fed (and the missing figures computed); SWEpisodes still not.
    const m = await loadFormats(store, { paths: [files()], authority: "203" });
    assert.ok(m.fed.includes("ssd_missing") && !m.fed.includes("ssd_involvements") && !m.fed.includes("ssd_care_leavers"), m.fed.join());
  } finally {
    await cleanup();
  }
});

test("a folder holding no files says which folder inside it does (an export unzipped into a folder of its own)", async () => {
  const { mkdirSync } = await import("node:fs");
  const t = tempDir();
  const empty = join(t.dir, "empty");
  mkdirSync(empty);
  const refusal = (p: string) =>
    loadFormats(undefined, { paths: [p] }).then(
      () => assert.fail("read"),
      (e: unknown) => {
        assert.ok(isLanternError(e) && e.code === "LANTERN_NO_FILES", String(e));
        return e;
      },
    );
  const none = await refusal(empty);
  assert.equal(none.message, `No files were found in ${empty}.`);
  const nest = join(t.dir, "export");
  mkdirSync(join(nest, "export"), { recursive: true });
  mkdirSync(join(nest, "nothing here"));
  writeFileSync(join(nest, "export", "header.csv"), "CHILD,SEX\n1,1\n");
  const below = await refusal(nest);
  assert.equal(below.message, `No files were found in ${nest}; a folder inside holds some: ${join(nest, "export")}.`);
  assert.match(below.hint ?? "", /Name the folder that holds the files \(Lantern does not look in folders inside the one named\), for example .*export/);
  t.cleanup();
});

test("a refusal with no row among its errors does not ask to correct 'the rows listed'", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const e = await loadFormats(store, { paths: [files({ "notes.csv": "name,age\nx,1\n" })], authority: "202" }).then(
      () => assert.fail("an unknown file is refused"),
      (x: unknown) => x,
    );
    assert.ok(isLanternError(e));
    assert.deepEqual(e.issues.filter((i) => i.severity === "error").map((i) => [i.code, i.row]), [["FORMAT_FILE_UNKNOWN", undefined]]);
    assert.doesNotMatch(e.hint ?? "", /rows listed/);
    assert.match(e.hint ?? "", /files listed/);
  } finally {
    await cleanup();
  }
});

/** A one-child CIN census naming `lea` in its header. */
function census(lea: string): string {
  return (
    `<?xml version="1.0" encoding="utf-8"?>\n<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>2024</Year><ReferenceDate>2024-03-31</ReferenceDate></CollectionDetails>\n<Source><SourceLevel>L</SourceLevel><LEA>${lea}</LEA></Source></Header><Children>\n` +
    "<Child><ChildIdentifiers><LAchildID>K1</LAchildID><UPN>A383489771083</UPN><PersonBirthDate>2015-01-01</PersonBirthDate><Sex>F</Sex></ChildIdentifiers><ChildCharacteristics><Ethnicity>WBRI</Ethnicity><Disabilities><Disability>NONE</Disability></Disabilities></ChildCharacteristics>" +
    "<CINdetails><CINreferralDate>2023-05-02</CINreferralDate><ReferralSource>1A</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode><ReferralNFA>false</ReferralNFA></CINdetails></Child>\n</Children></Message>\n"
  );
}

test("a CIN census whose LEA is not --authority is refused naming both codes; the same council by its ONS code loads", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const dir = files({}, { "cin.xml": census("202") });
    await assert.rejects(
      () => loadFormats(store, { paths: [dir], authority: "203", dfeErrorsAsQueries: true }),
      (e: unknown) => {
        assert.ok(isLanternError(e) && e.code === "LANTERN_DATA_REJECTED", String(e));
        const errors = e.issues.filter((i) => i.severity === "error");
        assert.deepEqual(
          errors.map((i) => [i.code, i.file, i.row, i.column, i.value]),
          [["FORMAT_AUTHORITY_MISMATCH", "cin.xml", 3, "LEA", "202"]],
        );
        assert.match(errors[0]!.message, /cin\.xml is the CIN census of LEA 202 \(Header › Source › LEA\), but --authority is 203/);
        assert.match(errors[0]!.expected!, /load it with --authority 202/);
        return true;
      },
    );
    assert.deepEqual(await store.all(`SELECT snapshot_id FROM lantern_snapshot`), [], "nothing loaded");
    // Camden by its ONS code, and its LEA in another case: the same authority.
    const ons = await loadFormats(store, { paths: [dir], authority: "E09000007", dfeErrorsAsQueries: true });
    assert.equal(ons.status, "loaded");
    assert.equal(ons.authority, "E09000007");
    const x = await loadFormats(store, { paths: [files({}, { "cin.xml": census("x001") })], authority: "X001", dfeErrorsAsQueries: true });
    assert.equal(x.status, "loaded");
  } finally {
    await cleanup();
  }
});

test("two CIN censuses of different authorities in one load are refused; of one authority (202 and E09000007) they are not", async () => {
  const two = await loadFormats(undefined, { paths: [files({}, { "a.xml": census("202"), "b.xml": census("203").replaceAll("K1", "K2") })] });
  assert.equal(two.status, "rejected");
  assert.deepEqual(
    two.issues.filter((i) => i.severity === "error").map((i) => [i.code, i.file, i.value]),
    [["FORMAT_AUTHORITY_MISMATCH", "b.xml", "203"]],
  );
  assert.match(two.issues[0]!.message, /b\.xml is the CIN census of LEA 203 .*but a\.xml is LEA 202's/);
  const same = await loadFormats(undefined, { paths: [files({}, { "a.xml": census("202"), "b.xml": census("E09000007").replaceAll("K1", "K2") })] });
  assert.deepEqual(same.issues.filter((i) => i.code === "FORMAT_AUTHORITY_MISMATCH"), []);
  assert.equal(same.authority, "202");
});

test("a child in two CIN censuses of one load is refused as a duplicate naming both files and lines (its records in the second were left out without a word); two censuses of different children load", async () => {
  const both = await loadFormats(undefined, { paths: [files({}, { "a.xml": census("202"), "b.xml": census("202") })] });
  assert.equal(both.status, "rejected");
  const dup = both.issues.filter((i) => i.severity === "error");
  assert.deepEqual(
    dup.map((i) => [i.code, i.file, i.row, i.column, i.value]),
    [["FORMAT_ID_DUPLICATE", "b.xml", 4, "LAchildID", "K1"]],
  );
  assert.match(dup[0]!.message, /LAchildID K1 is in two CIN censuses of this load: first at a\.xml, line 4, again at b\.xml, line 4/);
  const apart = await loadFormats(undefined, { paths: [files({}, { "a.xml": census("202"), "b.xml": census("202").replaceAll("K1", "K2") })] });
  assert.deepEqual(apart.issues.filter((i) => i.severity === "error"), []);
});

test("a child in two CIN censuses of one load is refused when the files share a name (cin.xml in two folders), not left out of the second without a word; each is named with its folder", async () => {
  const [one, two] = [files({}, { "cin.xml": census("202") }), files({}, { "cin.xml": census("202") })];
  const r = await loadFormats(undefined, { paths: [one, two] });
  assert.equal(r.status, "rejected");
  const [a, b] = [`${basename(one)}/cin.xml`, `${basename(two)}/cin.xml`];
  const dup = r.issues.filter((i) => i.severity === "error");
  assert.deepEqual(
    dup.map((i) => [i.code, i.file, i.row, i.column, i.value]),
    [["FORMAT_ID_DUPLICATE", b, 4, "LAchildID", "K1"]],
  );
  assert.ok(dup[0]!.message.includes(`LAchildID K1 is in two CIN censuses of this load: first at ${a}, line 4, again at ${b}, line 4`), dup[0]!.message);
  assert.deepEqual(r.files.map((f) => f.file), [a, b]);
});

test("files of one name in different folders are named by as much of their path as tells them apart; the rest keep their bare names", () => {
  const f = (path: string) => ({ path, name: basename(path), bytes: 0, detected: { kind: "cin-census-xml" } }) as const;
  assert.deepEqual(
    distinctNames([f("/x/2024/CIN.xml"), f("/x/2025/CIN.xml"), f("/x/2025/header.csv"), f("/a/q/cin.xml"), f("/b/q/cin.xml")]).map((d) => d.name),
    ["2024/CIN.xml", "2025/CIN.xml", "header.csv", "a/q/cin.xml", "b/q/cin.xml"],
  );
  // The same file given twice (a folder and a file in it) is one file: its name is kept.
  assert.deepEqual(distinctNames([f("/x/cin.xml"), f("/x/cin.xml")]).map((d) => d.name), ["cin.xml", "cin.xml"]);
});

test("files of different returns together (a CIN census and Annex A, a 903 and a CIN census) are refused up front by validate, a dry run and a load alike, naming each return and saying to give them one at a time; each alone passes", async () => {
  // K1 is in both the census and the Annex A list, C1 in both the 903 and the census: before, the
  // first pair gave "pers_person_id K1 occurs twice" and the second dropped C1's census records.
  const cin = census("202");
  const list = `${LIST1}K1,F,WBRI,2015-01-01,9,2023-05-01,6\n`;
  const dir = files({}, { "cin.xml": cin, "list1.csv": list });
  const mixes = [
    { paths: [dir], said: /These files hold 2 different returns: a CIN census \(cin\.xml\) and Annex A lists \(list1\.csv\)\. One load checks and loads one return/ },
    { paths: [files(), files({}, { "cin.xml": cin.replaceAll("K1", "C1") })], said: /2 different returns: an SSDA903 return \(a\.csv, b\.txt, c\.dat\) and a CIN census \(cin\.xml\)/ },
  ];
  const { store, cleanup } = await tempStore();
  try {
    for (const { paths, said } of mixes) {
      for (const [how, run] of [
        ["validate", () => loadFormats(undefined, { paths })],
        ["import --dry-run", () => loadFormats(store, { paths, authority: "202", dryRun: true })],
        ["import", () => loadFormats(store, { paths, authority: "202" })],
      ] as const) {
        await assert.rejects(run, (e: unknown) => {
          assert.ok(isLanternError(e) && e.code === "LANTERN_USAGE", `${how}: ${String(e)}`);
          assert.match(e.message, said, how);
          assert.doesNotMatch(e.message, /occurs twice/);
          assert.match(e.hint ?? "", how === "validate" ? /^Validate each return on its own, one after the other .*For example: lantern validate \S+, then lantern validate \S+\.$/ : /^Import each return on its own.*For example: lantern import \S+ --authority 202( --dry-run)?, then lantern import/, how);
          return true;
        });
      }
    }
    assert.deepEqual(await store.all(`SELECT snapshot_id FROM lantern_snapshot`), [], "nothing loaded");
    // A return in a folder of its own is named by that folder.
    await assert.rejects(() => loadFormats(undefined, { paths: mixes[1]!.paths }), (e: unknown) => isLanternError(e) && e.hint!.includes(`lantern validate ${mixes[1]!.paths[0]}, then lantern validate ${mixes[1]!.paths[1]}.`));
    // One at a time, each passes.
    for (const p of [join(dir, "cin.xml"), join(dir, "list1.csv")]) assert.deepEqual(codes(await loadFormats(undefined, { paths: [p], dfeErrorsAsQueries: true })), [], p);
  } finally {
    await cleanup();
  }
});

/** A one-child 2024-25 census (referred 1 April 2024: April and May are whole months of it) whose one plan starts on 28 May 2024 with `previous` as its NumberOfPreviousCPP. */
function censusWithPlan(previous: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>2025</Year><ReferenceDate>2025-03-31</ReferenceDate></CollectionDetails>\n<Source><SourceLevel>L</SourceLevel><LEA>202</LEA></Source></Header><Children>\n` +
    "<Child><ChildIdentifiers><LAchildID>K1</LAchildID><PersonBirthDate>2015-01-01</PersonBirthDate><Sex>F</Sex></ChildIdentifiers><ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>\n" +
    "<CINdetails><CINreferralDate>2024-04-01</CINreferralDate><ReferralSource>1A</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode><ReferralNFA>0</ReferralNFA>\n" +
    `<ChildProtectionPlans><CPPstartDate>2024-05-28</CPPstartDate><InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse><LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>\n<NumberOfPreviousCPP>${previous}</NumberOfPreviousCPP></ChildProtectionPlans></CINdetails></Child>\n</Children></Message>\n`
  );
}

test("CIN census: NumberOfPreviousCPP is the plan's count of previous plans, so a plan with 2 is a second plan (cpp_second_pct 1 of 1 in May 2024); a count in words is refused where it is", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const r = await loadFormats(store, { paths: [files({}, { "cin.xml": censusWithPlan("2") })], authority: "202", dfeErrorsAsQueries: true });
    assert.equal(r.status, "loaded");
    assert.deepEqual(await store.all(`SELECT cppl_previous_plans AS n FROM current_ssd_cp_plans WHERE la_code = '202'`), [{ n: 2 }]);
    const { computeAndStore, storedValues } = await import("../kpi/compute.ts");
    await computeAndStore(store, { authority: "202", workers: 1, indicators: ["cpp_second_pct"] });
    const [v] = (await storedValues(store, { snapshots: [r.snapshotId!], indicators: ["cpp_second_pct"], periods: ["2024-05"] })).filter((x) => !x.breakdown);
    assert.deepEqual([v?.value, v?.numerator, v?.denominator], [100, 1, 1]);
    const bad = await loadFormats(undefined, { paths: [files({}, { "cin.xml": censusWithPlan("two") })], authority: "202", dfeErrorsAsQueries: true });
    const e = bad.issues.find((i) => i.code === "FORMAT_NUMBER_INVALID");
    assert.deepEqual([e?.severity, e?.file, e?.row, e?.column, e?.value], ["error", "cin.xml", 7, "NumberOfPreviousCPP", "two"]);
  } finally {
    await cleanup();
  }
});

test("CIN census: a header whose Year is not its reference date's (2024 with 2025-03-31) is DfE error 100 at the ReferenceDate", async () => {
  const r = await loadFormats(undefined, { paths: [files({}, { "cin.xml": censusWithPlan("0").replace("<Year>2025</Year>", "<Year>2024</Year>") })], authority: "202" });
  assert.deepEqual(
    r.issues.filter((i) => i.severity === "error").map((i) => [i.code, i.file, i.row, i.column, i.value]),
    [["CIN-100", "cin.xml", 2, "ReferenceDate", "2025-03-31"]],
  );
  const ok = await loadFormats(undefined, { paths: [files({}, { "cin.xml": censusWithPlan("0") })], authority: "202" });
  assert.deepEqual(ok.issues.filter((i) => i.severity === "error"), []);
});

test("an SSD export with one file named off the pattern (ssd_contacts_2025-06.csv) is refused naming that file and what to rename it, not every file beside it", async () => {
  const { "ssd_contacts.csv": contacts, ...rest } = smallExport();
  const dir = writeExport({ ...rest, "ssd_contacts_2025-06.csv": contacts! });
  assert.equal(await isSsdExport([dir]), false);
  const r = await loadFormats(undefined, { paths: [dir] });
  assert.equal(r.status, "rejected");
  assert.deepEqual(
    r.issues.map((i) => [i.code, i.severity, i.file]),
    [["FORMAT_SSD_MISNAMED", "error", "ssd_contacts_2025-06.csv"]],
  );
  assert.match(r.issues[0]!.message, /^ssd_contacts_2025-06\.csv holds an SSD table \(ssd_contacts\) but is not named ssd_<table>\.csv/);
  assert.equal(r.issues[0]!.expected, "the file renamed ssd_contacts.csv");
  // Beside a correctly named file for the same table: say which two.
  const both = await loadFormats(undefined, { paths: [writeExport({ ...smallExport(), "ssd_contacts_2025-06.csv": contacts! })] });
  assert.match(both.issues[0]!.expected!, /^one file for ssd_contacts: ssd_contacts\.csv is here too/);
  // With a return's files, SSD files are a mix as before, each named.
  const mixed = await loadFormats(undefined, { paths: [files({ "ssd_contacts_2025-06.csv": contacts!, "ssd_person.csv": rest["ssd_person.csv"]! })] });
  assert.deepEqual(codes(mixed), ["FORMAT_SSD_MIXED", "FORMAT_SSD_MIXED"]);
});

test("Annex A: a gender, yes/no or source matching no alias is refused naming its cell and the values accepted; a name such as Police is read as its code", async () => {
  const LIST3 = "Child Unique ID,Gender,Ethnicity,Date of Birth,Age,Date of Referral,Referral Source,Referral NFA?,Number of Referrals in Last 12 Months,Allocated Team,Allocated Worker\n";
  const bad = await loadFormats(undefined, {
    paths: [
      files(
        {},
        {
          "l1.csv": `${LIST1}K1,Femal,WBRI,2015-01-25,6,2020-09-16,6\nK2,F,WBRI,2015-01-25,6,2020-09-16,Polis\nK1,Mal,WBRI,2015-01-25,6,2020-09-17,6\n`,
          "l3.csv": `${LIST3}K3,M,WBRI,2015-01-25,6,2020-09-16,Police,Not sure,1,MASH,W1\nK4,M,WBRI,2015-01-25,6,2020-09-16,6,,1,MASH,W1\n`,
        },
      ),
    ],
  });
  assert.equal(bad.status, "rejected");
  assert.deepEqual(
    bad.issues.filter((i) => i.severity === "error").map((i) => [i.code, i.file, i.row, i.column, i.value]),
    [
      ["FORMAT_CODE_INVALID", "l1.csv", 2, "Gender", "Femal"],
      ["FORMAT_CODE_INVALID", "l1.csv", 3, "Contact Source", "Polis"],
      ["FORMAT_CODE_INVALID", "l1.csv", 4, "Gender", "Mal"],
      ["FORMAT_CODE_INVALID", "l3.csv", 2, "Referral NFA?", "Not sure"],
    ],
  );
  const [gender, source, , nfa] = bad.issues;
  assert.equal(gender!.message, 'Gender "Femal" is not a value Lantern recognises for this column.');
  assert.match(gender!.expected!, /^blank, or Male, Female or Unknown/);
  assert.match(source!.expected!, /CIN census source code \(1A, 1B, .* 10\), Ofsted's option \(q\) 6: Police\) or a source's name \(.*police/);
  assert.match(nfa!.expected!, /^blank, or Yes or No/);
  // Names and Ofsted's options are read as codes; a blank stays blank.
  const { store, cleanup } = await tempStore();
  try {
    const good = `${LIST1}K1,c) Not stated/recorded,WBRI,2015-01-25,6,2020-09-16,Police\nK2,F,WBRI,2015-01-25,6,2020-09-16,a&e\nK3,,WBRI,2015-01-25,6,2020-09-16,\n`;
    const r = await loadFormats(store, { paths: [files({}, { "l1.csv": good })], authority: "202" });
    assert.equal(r.status, "loaded");
    const rows = await store.all<{ p: string; sex: string | null; code: string | null }>(
      `SELECT c.cont_person_id AS p, p.pers_sex AS sex, c.cont_contact_source_code AS code FROM current_ssd_contacts c JOIN current_ssd_person p ON p.la_code = c.la_code AND p.pers_person_id = c.cont_person_id ORDER BY 1`,
    );
    assert.deepEqual(rows.map((x) => [x.p, x.sex, x.code]), [
      ["K1", "U", "6"],
      ["K2", "F", "3E"],
      ["K3", null, null],
    ]);
  } finally {
    await cleanup();
  }
});

test("Annex A: a column the list reads given twice (two Date of Contact columns) is refused as in SSD and 903 files, in a CSV and in a workbook", async () => {
  const csv = "Child Unique ID,Gender,Ethnicity,Date of Birth,Age,Date of Contact,Contact Source,Date of Contact\nK1,F,WBRI,2015-01-25,6,2020-09-16,6,2021-01-01\n";
  const r = await loadFormats(undefined, { paths: [files({}, { "l1.csv": csv })] });
  assert.equal(r.status, "rejected");
  assert.deepEqual(
    r.issues.filter((i) => i.severity === "error").map((i) => [i.code, i.file, i.row, i.column, i.message, i.expected]),
    [["FORMAT_COLUMN_DUPLICATE", "l1.csv", 1, "Date of Contact", "column Date of Contact appears twice in the header.", "each column once"]],
  );
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("List 1");
  ws.addRow(["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "Date of Contact", "Contact Source", "date of contact"]);
  ws.addRow(["K1", "a) Male", "a) WBRI", new Date(Date.UTC(2015, 0, 25)), 6, new Date(Date.UTC(2020, 8, 16)), "q) 6: Police", new Date(Date.UTC(2021, 0, 1))]);
  const { dir } = tempDir("lantern-formats-");
  await wb.xlsx.writeFile(join(dir, "annex.xlsx"));
  const x = await loadFormats(undefined, { paths: [dir] });
  assert.deepEqual(
    x.issues.filter((i) => i.severity === "error").map((i) => [i.code, i.file, i.column]),
    [["FORMAT_COLUMN_DUPLICATE", "annex.xlsx [List 1]", "date of contact"]],
  );
});
