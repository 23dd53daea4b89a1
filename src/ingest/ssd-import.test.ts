import assert from "node:assert/strict";
import { test } from "node:test";
import { type DataIssue, isLanternError, type LanternError } from "../core/errors.ts";
import { listSnapshots, tableRows } from "../store/snapshots.ts";
import type { Store } from "../store/port.ts";
import { SSD_TABLES } from "../store/ssd-schema.ts";
import { smallExport, tempStore, writeExport } from "../../test/fixtures.ts";
import { importSsd } from "./ssd-import.ts";

async function storeState(store: Store): Promise<string> {
  const parts: string[] = [];
  for (const t of [...SSD_TABLES.map((x) => x.name), "lantern_snapshot", "lantern_snapshot_file", "lantern_snapshot_table", "lantern_population", "lantern_audit", "lantern_authority"]) {
    const rows = await store.all(`SELECT * FROM ${t}`);
    parts.push(`${t}:${JSON.stringify(rows.map((r) => JSON.stringify(r)).sort())}`);
  }
  return parts.join("\n");
}

async function rejected(p: Promise<unknown>): Promise<LanternError> {
  try {
    await p;
  } catch (e) {
    if (isLanternError(e)) return e;
    throw e;
  }
  assert.fail("expected the import to be refused");
}

function only(issues: readonly DataIssue[], code: string): DataIssue {
  const found = issues.filter((i) => i.code === code);
  assert.equal(found.length, 1, `one ${code} in ${JSON.stringify(issues, null, 1)}`);
  return found[0]!;
}

test("a small export loads as one snapshot with exact rows and normalised dates", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const dir = writeExport(smallExport());
    const res = await importSsd(store, { paths: [dir], authority: "202", loadedBy: "tester", now: () => new Date("2025-06-01T09:00:00Z") });
    assert.equal(res.authorities.length, 1);
    const a = res.authorities[0]!;
    assert.equal(a.status, "loaded");
    assert.equal(a.snapshotId, 1);
    assert.equal(a.rows, 3 + 3 + 2 + 1);
    const contacts = await tableRows(store, "ssd_contacts", 1);
    assert.deepEqual(
      contacts.map((r) => [r["cont_contact_id"], r["cont_contact_date"], r["la_code"]]),
      [
        ["C1", "2024-04-02", "202"],
        ["C2", "2024-04-03", "202"],
        ["C3", "2024-05-10", "202"],
      ],
    );
    assert.equal(contacts[0]!["cont_contact_outcome_json"], '{"NEW_REFERRAL_FLAG":"Y"}');
    const people = await tableRows(store, "ssd_person", 1);
    assert.equal(people.find((p) => p["pers_person_id"] === "P2")!["pers_dob"], "2010-02-01");
    const [snap] = await listSnapshots(store);
    assert.equal(snap!.loadedBy, "tester");
    assert.equal(snap!.loadedAt, "2025-06-01T09:00:00.000Z");
    assert.equal(snap!.files.length, 4);
    assert.match(snap!.files[0]!.sha256, /^[0-9a-f]{64}$/);
    assert.deepEqual(snap!.tables, { ssd_cin_assessments: 1, ssd_cin_episodes: 2, ssd_contacts: 3, ssd_person: 3 });
    const audit = await store.all(`SELECT action, actor, la_code FROM lantern_audit`);
    assert.deepEqual(audit, [{ action: "data.load", actor: "tester", la_code: "202" }]);
  } finally {
    await cleanup();
  }
});

test("a bad row in the last file leaves the store exactly as it was", async () => {
  const { store, cleanup } = await tempStore();
  try {
    await importSsd(store, { paths: [writeExport(smallExport())], authority: "202" });
    const before = await storeState(store);
    const files = smallExport();
    files["ssd_person.csv"] += "\nP4,M,2012-01-01,WBRI";
    files["ssd_cin_assessments.csv"] += "\nA2,P2,R2,2024-04-06,2024-13-01";
    const err = await rejected(importSsd(store, { paths: [writeExport(files)], authority: "202" }));
    assert.equal(err.code, "LANTERN_DATA_REJECTED");
    assert.equal(err.exit, 2);
    const i = only(err.issues, "SSD_DATE_INVALID");
    assert.equal(i.file, "ssd_cin_assessments.csv");
    assert.equal(i.row, 3);
    assert.equal(i.column, "cina_assessment_auth_date");
    assert.equal(i.value, "2024-13-01");
    assert.match(i.expected!, /YYYY-MM-DD or DD\/MM\/YYYY/);
    assert.equal(await storeState(store), before);
  } finally {
    await cleanup();
  }
});

test("a load stopped part way (a file that cannot be read, an upload cut off) leaves the store as it was and nothing staged", async () => {
  const { store, cleanup } = await tempStore();
  try {
    await importSsd(store, { paths: [writeExport(smallExport())], authority: "202" });
    const before = await storeState(store);
    // On DuckDB one connection serves the process, so what a load stages is seen here; on
    // PostgreSQL its temporary tables belong to the load's own connection and are not.
    const staged = async () => Number((await store.all<{ n: number }>(`SELECT count(*) AS n FROM information_schema.tables WHERE table_name LIKE 'stg%'`))[0]!.n);
    const files = smallExport();
    files["ssd_contacts.csv"] = files["ssd_contacts.csv"]!.replace("2024-05-10", "2024-05-11");
    let calls = 0;
    await assert.rejects(
      importSsd(store, {
        paths: [writeExport(files)],
        authority: "202",
        onProgress: () => {
          if (++calls === 2) throw new Error("the upload was cut off");
        },
      }),
      /the upload was cut off/,
    );
    assert.equal(calls, 2, "it stopped part way, after staging had begun");
    if (store.kind === "duckdb") assert.equal(await staged(), 0, "no staging table is left behind");
    assert.equal(await storeState(store), before);
    // The next load goes ahead as if the stopped one had never begun.
    const res = await importSsd(store, { paths: [writeExport(files)], authority: "202" });
    assert.equal(res.authorities[0]!.snapshotId, 2);
  } finally {
    await cleanup();
  }
});

test("loading identical files again adds nothing unless forced", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const dir = writeExport(smallExport());
    await importSsd(store, { paths: [dir], authority: "202" });
    const again = await importSsd(store, { paths: [dir], authority: "202" });
    assert.equal(again.authorities[0]!.status, "unchanged");
    assert.equal(again.authorities[0]!.identicalTo!.snapshotId, 1);
    assert.equal((await listSnapshots(store)).length, 1);
    const forced = await importSsd(store, { paths: [dir], authority: "202", force: true });
    assert.equal(forced.authorities[0]!.status, "loaded");
    assert.equal(forced.authorities[0]!.snapshotId, 2);
    // The same files for another authority are a new load.
    const other = await importSsd(store, { paths: [dir], authority: "203" });
    assert.equal(other.authorities[0]!.status, "loaded");
  } finally {
    await cleanup();
  }
});

test("every earlier snapshot stays queryable, and tables not reloaded carry forward", async () => {
  const { store, cleanup } = await tempStore();
  try {
    await importSsd(store, { paths: [writeExport(smallExport())], authority: "202" });
    const files = smallExport();
    const contactsOnly = writeExport({ "ssd_contacts.csv": files["ssd_contacts.csv"] + "\nC4,P1,2024-06-01,1A," });
    const res = await importSsd(store, { paths: [contactsOnly], authority: "202" });
    assert.equal(res.authorities[0]!.snapshotId, 2);
    assert.equal((await tableRows(store, "ssd_contacts", 1)).length, 3);
    assert.equal((await tableRows(store, "ssd_contacts", 2)).length, 4);
    assert.equal((await tableRows(store, "ssd_person", 2)).length, 3, "person rows carried forward from snapshot 1");
    const current = await store.all(`SELECT count(*) AS n FROM current_ssd_contacts`);
    assert.equal(current[0]!["n"], 4);
    // References from the new contacts were checked against the stored people.
    const bad = writeExport({ "ssd_contacts.csv": "cont_contact_id,cont_person_id,cont_contact_date\nC9,NOBODY,2024-06-01" });
    const err = await rejected(importSsd(store, { paths: [bad], authority: "202" }));
    const i = only(err.issues, "SSD_REFERENCE_MISSING");
    assert.deepEqual([i.file, i.row, i.column, i.value], ["ssd_contacts.csv", 2, "cont_person_id", "NOBODY"]);
  } finally {
    await cleanup();
  }
});

test("each kind of error names file, row, column, value and what was expected", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const files = smallExport();
    files["ssd_person.csv"] += "\nP1,F,2016-01-01,WBRI";
    files["ssd_contacts.csv"] += "\nC5,P9,2024-04-02,1A,";
    files["ssd_cin_episodes.csv"] += "\nR3,P3,2024-05-01,maybe,2024-04-01,RC1";
    files["ssd_cin_assessments.csv"] = "cina_person_id,cina_assessment_start_date\nP1,2024-04-04";
    const err = await rejected(importSsd(store, { paths: [writeExport(files)], authority: "202" }));
    const dup = only(err.issues, "SSD_KEY_DUPLICATE");
    assert.deepEqual([dup.file, dup.row, dup.column, dup.value], ["ssd_person.csv", 5, "pers_person_id", "P1"]);
    // The row the id first appeared on too, so both records can be found.
    assert.equal(dup.message, "pers_person_id P1 appears more than once in ssd_person.csv: first on row 2, again on row 5.");
    assert.equal(dup.expected, "a unique pers_person_id: one record for P1 (rows 2 and 5 of ssd_person.csv both have it)");
    const ref = only(err.issues, "SSD_REFERENCE_MISSING");
    assert.deepEqual([ref.file, ref.row, ref.column, ref.value], ["ssd_contacts.csv", 5, "cont_person_id", "P9"]);
    const flag = only(err.issues, "SSD_CODE_INVALID");
    assert.deepEqual([flag.file, flag.row, flag.column, flag.value, flag.expected], ["ssd_cin_episodes.csv", 4, "cine_referral_nfa", "maybe", "Y or N"]);
    const order = only(err.issues, "SSD_DATE_ORDER");
    assert.deepEqual([order.file, order.row, order.column, order.value], ["ssd_cin_episodes.csv", 4, "cine_close_date", "2024-04-01"]);
    const missing = only(err.issues, "SSD_COLUMN_MISSING");
    assert.deepEqual([missing.file, missing.row, missing.column], ["ssd_cin_assessments.csv", 1, "cina_assessment_id"]);
    for (const i of err.issues.filter((x) => x.severity === "error")) {
      assert.ok(i.file && i.row && i.message, `located: ${JSON.stringify(i)}`);
    }
  } finally {
    await cleanup();
  }
});

test("columns Excel leaves with no name at the end of each line are ignored with a warning; a misnamed required column is named, with the column that may be it", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const files: Record<string, string | Buffer> = smallExport();
    const contacts = String(files["ssd_contacts.csv"]);
    files["ssd_contacts.csv"] = contacts.split("\n").map((l) => `${l},,`).join("\n");
    const ok = await importSsd(store, { paths: [writeExport(files)], authority: "202" });
    const unnamed = ok.warnings.filter((w) => w.code === "SSD_COLUMN_UNKNOWN" && w.file === "ssd_contacts.csv");
    assert.deepEqual(unnamed.map((w) => w.message), ["2 column(s) of the header have no name; they were ignored."]);
    files["ssd_contacts.csv"] = contacts.replace("cont_contact_date", "Contact Date");
    const err = await rejected(importSsd(store, { paths: [writeExport(files)], authority: "202", force: true }));
    const missing = only(err.issues, "SSD_COLUMN_MISSING");
    assert.equal(missing.message, 'the required column cont_contact_date is missing from the header. The header has "contact date", which Lantern does not know.');
    assert.equal(missing.expected, 'a header naming cont_contact_date: rename the column "contact date" to cont_contact_date if that is what it holds');
  } finally {
    await cleanup();
  }
});

test("malformed CSV, Excel serial dates and blank required values are refused clearly", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const files: Record<string, string | Buffer> = smallExport();
    files["ssd_contacts.csv"] = "cont_contact_id,cont_person_id,cont_contact_date\nC1,P1,2024-04-02\nC2,P2\n";
    const err = await rejected(importSsd(store, { paths: [writeExport(files)], authority: "202" }));
    const m = only(err.issues, "SSD_CSV_MALFORMED");
    assert.deepEqual([m.file, m.row], ["ssd_contacts.csv", 3]);
    assert.match(m.message, /row 3 has 2 fields where the header has 3: values are missing from the row \(it may have been cut short or broken across lines\)/);
    // In the shared reader's words, naming the separator: a value holding one without quotes.
    const wide = smallExport();
    wide["ssd_contacts.csv"] = "cont_contact_id,cont_person_id,cont_contact_date\nC1,P1,2024-04-02\nC2,P2,2024-04-03,extra\n";
    assert.match(only((await rejected(importSsd(store, { paths: [writeExport(wide)], authority: "202" }))).issues, "SSD_CSV_MALFORMED").message, /row 3 has 4 fields where the header has 3: a value probably holds a comma without quotes round it/);
    const quotes = smallExport();
    quotes["ssd_contacts.csv"] = 'cont_contact_id,cont_person_id,cont_contact_date\nC1,"P1 "x" y",2024-04-02\n';
    assert.match(only((await rejected(importSsd(store, { paths: [writeExport(quotes)], authority: "202" }))).issues, "SSD_CSV_MALFORMED").message, /quote \("\) inside a value is not doubled/);
    // A quote inside a value that does not begin with one (O"Brien): located, with how to write it
    // (it was an uncaught parser error: "Lantern failed unexpectedly").
    quotes["ssd_contacts.csv"] = 'cont_contact_id,cont_person_id,cont_contact_date\nC1,P1,2024-04-02\nC2,O"Brien,2024-04-03\n';
    const stray = only((await rejected(importSsd(store, { paths: [writeExport(quotes)], authority: "202" }))).issues, "SSD_CSV_MALFORMED");
    assert.deepEqual([stray.row, stray.column], [3, "cont_person_id"]);
    assert.match(stray.message, /row 3, field 2, has a quote \("\) inside a value that does not begin with one: a value holding a quote must be written in quotes with that quote doubled \("O""Brien"\)/);
    // A quote left open is found where it opened (row 3, the person id), not at the end of the file.
    quotes["ssd_contacts.csv"] = 'cont_contact_id,cont_person_id,cont_contact_date\nC1,P1,2024-04-02\n\nC2,"P2,2024-04-03\nC3,P3,2024-04-04\n';
    const open = only((await rejected(importSsd(store, { paths: [writeExport(quotes)], authority: "202" }))).issues, "SSD_CSV_MALFORMED");
    assert.deepEqual([open.row, open.column], [4, "cont_person_id"]);
    assert.match(open.message, /row 4, field 2, opens a quote \("\) that is never closed/);
    // A last row cut short with no line break after it: a file cut off, not a missing separator.
    const cut = smallExport();
    cut["ssd_contacts.csv"] = "cont_contact_id,cont_person_id,cont_contact_date\nC1,P1,2024-04-02\nC2,P2";
    const t = only((await rejected(importSsd(store, { paths: [writeExport(cut)], authority: "202" }))).issues, "SSD_FILE_TRUNCATED");
    assert.equal(t.row, 3);
    assert.match(t.message, /ssd_contacts\.csv ends part-way through row 3: the row has 2 of the header's 3 fields and no line break after it, so the file looks truncated/);
    assert.ok(!err.issues.some((i) => i.code === "SSD_FILE_EMPTY"), "a malformed file is not also called empty");

    const serial = smallExport();
    serial["ssd_contacts.csv"] = "cont_contact_id,cont_person_id,cont_contact_date\nC1,P1,45383\nC2,P2,";
    const e3 = await rejected(importSsd(store, { paths: [writeExport(serial)], authority: "202" }));
    // Said with the date it would be, as docs/formats.md says and the other readers say it.
    assert.equal(only(e3.issues, "SSD_DATE_INVALID").message, 'cont_contact_date "45383" looks like an Excel serial date number (as one it would be 2024-04-01).');
    const req = only(e3.issues, "SSD_VALUE_REQUIRED");
    assert.deepEqual([req.row, req.column], [3, "cont_contact_date"]);

    // A NUL byte after the first 64 KB (which are sniffed for binary data): a damaged file, and
    // text PostgreSQL cannot store. Refused by cell, on either store.
    const nul = smallExport();
    const pad = Array.from({ length: 2000 }, (_, i) => `C${1000 + i},P1,2024-04-02,padding padding padding`).join("\n");
    nul["ssd_contacts.csv"] = `cont_contact_id,cont_person_id,cont_contact_date,cont_contact_source_desc\n${pad}\nC9,P2,2024-05-01,bad\u0000byte\n`;
    const e4 = await rejected(importSsd(store, { paths: [writeExport(nul)], authority: "202" }));
    const z = e4.issues.find((i) => i.code === "SSD_VALUE_NUL");
    assert.ok(z, JSON.stringify(e4.issues.slice(0, 3)));
    assert.deepEqual([z.file, z.row], ["ssd_contacts.csv", 2002]);
    assert.match(z.message, /NUL character/);
    assert.equal((await listSnapshots(store)).length, 0);
  } finally {
    await cleanup();
  }
});

// SSD files are decoded by the shared text reader (src/formats/text.ts), as every CSV is. Before,
// a UTF-16 file was refused ("Lantern reads CSV in UTF-8") and a Windows-1252 "é" was refused as
// not UTF-8 (it was read as U+FFFD).
const NAMED = ["pers_person_id,pers_forename,pers_surname,pers_sex,pers_dob,pers_ethnicity", "P1,Zoé,Ní Bhriain,M,2015-06-01,WBRI", "P2,Łucja,O'Neill-Müller,F,01/02/2010,MWBC", "P3,Amélie,Smith,F,2019-11-30,ASIN"].join("\r\n") + "\r\n";

test("an SSD file saved as UTF-16 (SQL Server's or Excel's Unicode, with or without a BOM, comma or tab separated) or Windows-1252 loads with its names intact", async () => {
  const utf16be = (t: string) => Buffer.from(t, "utf16le").swap16();
  const variants: [string, Buffer][] = [
    // SQL Server Management Studio, "Save results as…" Unicode: UTF-16LE with a BOM, commas.
    ["UTF-16LE with BOM, commas", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(NAMED, "utf16le")])],
    // Excel "Unicode text": UTF-16LE with a BOM, tab-separated.
    ["UTF-16LE with BOM, tabs", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(NAMED.replaceAll(",", "\t"), "utf16le")])],
    ["UTF-16LE without BOM, commas", Buffer.from(NAMED, "utf16le")],
    ["UTF-16BE with BOM, commas", Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(NAMED)])],
    // Excel's plain "CSV" (Windows-1252) cannot hold the "Ł"; its "’" (0x92) is not Latin-1's.
    ["Windows-1252", Buffer.from([...NAMED.replace("Łucja", "Lucja").replace("O'Neill", "O\u2019Neill")].map((c) => (c === "\u2019" ? 0x92 : c.charCodeAt(0))))],
    ["UTF-8 with BOM", Buffer.from("\uFEFF" + NAMED)],
  ];
  for (const [what, bytes] of variants) {
    const { store, cleanup } = await tempStore();
    try {
      const files: Record<string, string | Buffer> = smallExport();
      files["ssd_person.csv"] = bytes;
      const res = await importSsd(store, { paths: [writeExport(files)], authority: "202" });
      assert.equal(res.authorities[0]!.status, "loaded", what);
      assert.deepEqual(res.warnings.filter((w) => w.code === "SSD_COLUMN_UNKNOWN"), [], what);
      const people = await tableRows(store, "ssd_person", 1);
      const want = what === "Windows-1252" ? ["Zoé Ní Bhriain", "Lucja O\u2019Neill-Müller", "Amélie Smith"] : ["Zoé Ní Bhriain", "Łucja O'Neill-Müller", "Amélie Smith"];
      assert.deepEqual(
        people.map((p) => `${p["pers_forename"]} ${p["pers_surname"]}`),
        want,
        what,
      );
      assert.equal(people.find((p) => p["pers_person_id"] === "P2")!["pers_dob"], "2010-02-01", what);
    } finally {
      await cleanup();
    }
  }
});

test("an SSD file that is not text is refused in the shared reader's words; one whose UTF-8 breaks after the part sniffed is refused at the row and column", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const binary: Record<string, string | Buffer> = smallExport();
    binary["ssd_contacts.csv"] = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0x00, 0x00, 0x21, 0x00, 0x62, 0xee]);
    const e1 = await rejected(importSsd(store, { paths: [writeExport(binary)], authority: "202" }));
    const i1 = only(e1.issues, "SSD_FILE_ENCODING");
    assert.deepEqual([i1.file, i1.row], ["ssd_contacts.csv", 1]);
    assert.equal(i1.message, "ssd_contacts.csv is not a text file Lantern can read (it holds binary data).");
    assert.match(i1.expected!, /CSV UTF-8/);

    // UTF-8 for the first 64 KB (so read as UTF-8), then a Windows-1252 "é".
    const late = smallExport();
    const pad = Array.from({ length: 2000 }, (_, i) => `C${1000 + i},P1,2024-04-02,padding padding padding`).join("\n");
    const files: Record<string, string | Buffer> = late;
    files["ssd_contacts.csv"] = Buffer.concat([Buffer.from(`cont_contact_id,cont_person_id,cont_contact_date,cont_contact_source_desc\n${pad}\n`), Buffer.from("C9,P2,2024-05-01,Caf\xe9\n", "latin1")]);
    const e2 = await rejected(importSsd(store, { paths: [writeExport(files)], authority: "202" }));
    const i2 = only(e2.issues, "SSD_FILE_ENCODING");
    assert.deepEqual([i2.file, i2.row, i2.column], ["ssd_contacts.csv", 2002, "cont_contact_source_desc"]);
    assert.match(i2.message, /not valid UTF-8/);
    assert.equal((await listSnapshots(store)).length, 0);

    // A small file of UTF-8 names with one "é" saved as Windows-1252 (a row pasted in from Excel):
    // read as UTF-8, so the stray byte is refused where it is rather than every other "ë" loading as "Ã«".
    const mixed: Record<string, string | Buffer> = smallExport();
    mixed["ssd_contacts.csv"] = Buffer.concat([
      Buffer.from("cont_contact_id,cont_person_id,cont_contact_date,cont_contact_source_desc\nC1,P1,2024-04-02,Zoë Brontë\nC2,P2,2024-04-03,Łukasz Żak\n"),
      Buffer.from("C3,P3,2024-05-10,Caf\xe9 Nord\n", "latin1"),
    ]);
    const e5 = await rejected(importSsd(store, { paths: [writeExport(mixed)], authority: "202" }));
    assert.deepEqual(
      e5.issues.filter((i) => i.code === "SSD_FILE_ENCODING").map((i) => [i.row, i.column]),
      [[4, "cont_contact_source_desc"]],
    );
    assert.equal((await listSnapshots(store)).length, 0);

    // The character U+FFFD itself, written as UTF-8 by a system that had already lost a letter: the
    // file is UTF-8 throughout, so the value is loaded as it is, with a warning at its cell. Beside
    // a byte that is not UTF-8 in the same file it is refused with it.
    const damaged = smallExport();
    damaged["ssd_contacts.csv"] = damaged["ssd_contacts.csv"]!.replace("C2,P2,03/04/2024,2B,", "C2,P2,03/04/2024,2B\uFFFD,");
    const ok = await importSsd(store, { paths: [writeExport(damaged)], authority: "202" });
    assert.equal(ok.authorities[0]!.status, "loaded");
    const w = only(ok.warnings, "SSD_VALUE_REPLACEMENT_CHARACTER");
    assert.deepEqual([w.file, w.row, w.column, w.value], ["ssd_contacts.csv", 3, "cont_contact_source_code", "2B\uFFFD"]);
    assert.match(w.message, /damaged before this export\. It is loaded as it is/);
    const stored = await tableRows(store, "ssd_contacts", ok.authorities[0]!.snapshotId!);
    assert.equal(stored.find((r) => r["cont_contact_id"] === "C2")!["cont_contact_source_code"], "2B\uFFFD");
    // (The byte that is not UTF-8 past the first 64 KB, so that the file is read as UTF-8.)
    const both: Record<string, string | Buffer> = smallExport();
    const padded = `${damaged["ssd_contacts.csv"]!}\n${Array.from({ length: 2000 }, (_, i) => `C${1000 + i},P1,2024-04-02,1A,padding padding padding`).join("\n")}\n`;
    both["ssd_contacts.csv"] = Buffer.concat([Buffer.from(padded), Buffer.from("C9,P2,2024-05-01,1A,Caf\xe9\n", "latin1")]);
    const e3 = await rejected(importSsd(store, { paths: [writeExport(both)], authority: "202" }));
    assert.deepEqual(
      e3.issues.filter((i) => i.code === "SSD_FILE_ENCODING").map((i) => [i.row, i.column]),
      [
        [3, "cont_contact_source_code"],
        [2005, "cont_contact_outcome_json"],
      ],
    );
    assert.equal((await listSnapshots(store)).length, 1, "only the first of the two was loaded");
  } finally {
    await cleanup();
  }
});

test("unknown extra columns are warnings, a BOM and blank trailing rows are fine, dry run loads nothing", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const files = smallExport();
    files["ssd_person.csv"] = "\uFEFF" + files["ssd_person.csv"]!.replace("pers_ethnicity", "pers_ethnicity,pers_shoe_size").replace(/WBRI|MWBC|ASIN/g, "$&,9") + "\n\n\n";
    const dir = writeExport(files);
    const dry = await importSsd(store, { paths: [dir], authority: "202", dryRun: true });
    assert.equal(dry.authorities[0]!.status, "validated");
    assert.equal((await listSnapshots(store)).length, 0);
    const res = await importSsd(store, { paths: [dir], authority: "202" });
    const w = res.warnings.find((x) => x.code === "SSD_COLUMN_UNKNOWN")!;
    assert.deepEqual([w.file, w.row, w.column], ["ssd_person.csv", 1, "pers_shoe_size"]);
    assert.equal((await tableRows(store, "ssd_person", 1)).length, 3);
    const kept = await store.all(`SELECT code FROM lantern_snapshot_issue WHERE snapshot_id = 1`);
    assert.ok(kept.some((k) => k["code"] === "SSD_COLUMN_UNKNOWN"), "warnings are kept with the snapshot");
  } finally {
    await cleanup();
  }
});

test("a load that would leave stored rows pointing at children it drops, or that holds no rows at all, is refused; an emptied table is a warning", async () => {
  const { store, cleanup } = await tempStore();
  try {
    await importSsd(store, { paths: [writeExport(smallExport())], authority: "X" });
    const before = await storeState(store);
    // ssd_person.csv alone, with one of the three children: the kept contacts, referrals and
    // assessments of P2 and P3 would refer to no one.
    const e = await rejected(importSsd(store, { paths: [writeExport({ "ssd_person.csv": "pers_person_id,pers_sex,pers_dob\nP1,M,2015-06-01" })], authority: "X" }));
    assert.equal(e.code, "LANTERN_DATA_REJECTED");
    const orphaned = e.issues.filter((i) => i.code === "SSD_REFERENCE_ORPHANED");
    const contacts = orphaned.find((i) => i.column === "cont_person_id")!;
    assert.ok(contacts, JSON.stringify(e.issues, null, 1));
    assert.equal(contacts.file, "ssd_person.csv");
    assert.equal(contacts.value, "P2");
    assert.match(contacts.message, /2 ssd_contacts row\(s\) kept from the stored snapshot/);
    assert.match(contacts.expected!, /load the whole export together/);
    assert.equal(await storeState(store), before, "nothing changed");
    // A dry run refuses exactly what the load refuses, and leaves the store as it was.
    const dry = await rejected(importSsd(store, { paths: [writeExport({ "ssd_person.csv": "pers_person_id,pers_sex,pers_dob\nP1,M,2015-06-01" })], authority: "X", dryRun: true }));
    assert.deepEqual(
      dry.issues.map((i) => [i.code, i.column, i.value]),
      e.issues.map((i) => [i.code, i.column, i.value]),
    );
    assert.equal(await storeState(store), before, "a dry run stages and drops, nothing changed");

    // Header-only files: nothing to load.
    const empty = await rejected(importSsd(store, { paths: [writeExport({ "ssd_contacts.csv": "cont_contact_id,cont_person_id,cont_contact_date\n" })], authority: "X" }));
    assert.match(only(empty.issues, "SSD_LOAD_EMPTY").message, /replace X's stored ssd_contacts with nothing/);
    assert.equal(await storeState(store), before);
    const emptyDry = await rejected(importSsd(store, { paths: [writeExport({ "ssd_contacts.csv": "cont_contact_id,cont_person_id,cont_contact_date\n" })], authority: "X", dryRun: true }));
    assert.match(only(emptyDry.issues, "SSD_LOAD_EMPTY").message, /replace X's stored ssd_contacts with nothing/);

    // The whole export again with contacts emptied: loads, and says what the empty file replaced.
    const files = smallExport();
    files["ssd_contacts.csv"] = files["ssd_contacts.csv"]!.split("\n")[0]!;
    const r = await importSsd(store, { paths: [writeExport(files)], authority: "X" });
    assert.equal(r.authorities[0]!.status, "loaded");
    assert.match(only(r.warnings, "SSD_TABLE_EMPTIED").message, /replaces the 3 ssd_contacts rows stored for X with none/);
  } finally {
    await cleanup();
  }
});

test("an authority code that differs from a stored one only in case is refused, not made a second authority", async () => {
  const { store, cleanup } = await tempStore();
  try {
    await importSsd(store, { paths: [writeExport(smallExport())], authority: "X001" });
    const e = await rejected(importSsd(store, { paths: [writeExport(smallExport())], authority: "x001" }));
    assert.equal(e.code, "LANTERN_BAD_OPTION");
    assert.match(e.message, /x001 differs only in case from the stored authority X001/);
    assert.match(e.hint!, /Use --authority X001/);
    assert.deepEqual((await store.all(`SELECT la_code FROM lantern_authority`)).map((r) => r["la_code"]), ["X001"]);
  } finally {
    await cleanup();
  }
});

test("population.csv is read as any CSV: an Excel Unicode save with formatted counts loads, the same year twice is refused", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const files: Record<string, string | Buffer> = smallExport();
    // Excel's "Unicode text": UTF-16LE with a BOM, tab-separated, a formatted count in quotes.
    files["population.csv"] = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('la_code\tyear\tpopulation_0_17\r\n202\t2024\t"60,123"\r\n202\t2025\t61000\r\n', "utf16le")]);
    await importSsd(store, { paths: [writeExport(files)], authority: "202" });
    const rows = await store.all<{ year: number; population_0_17: number }>(`SELECT year, population_0_17 FROM lantern_population WHERE la_code = '202' ORDER BY year`);
    assert.deepEqual(rows.map((r) => [Number(r.year), Number(r.population_0_17)]), [[2024, 60123], [2025, 61000]]);

    const twice = smallExport();
    twice["population.csv"] = "la_code,year,population_0_17\n202,2024,60000\n202,2024,59000\n";
    const e = await rejected(importSsd(store, { paths: [writeExport(twice)], authority: "202", force: true }));
    const d = only(e.issues, "POPULATION_DUPLICATE");
    assert.deepEqual([d.file, d.row, d.column], ["population.csv", 3, "year"]);
    const broken = smallExport();
    broken["population.csv"] = 'la_code,year,population_0_17\n202,2024,"60000\n';
    assert.ok((await rejected(importSsd(store, { paths: [writeExport(broken)], authority: "202", force: true }))).issues.some((i) => i.file === "population.csv"));
  } finally {
    await cleanup();
  }
});

test("a copy's name among an export's files (ssd_contacts (1).csv) is refused by name, not left out without a word", async () => {
  const { ssdCopyOf } = await import("./discover.ts");
  const { isSsdExport } = await import("../formats/load.ts");
  for (const [name, copies] of [
    ["ssd_contacts (1).csv", "ssd_contacts.csv"],
    ["ssd_contacts(2).CSV", "ssd_contacts.csv"],
    ["ssd_cin_plans - Copy.csv", "ssd_cin_plans.csv"],
    ["ssd_cin_plans - Copy (3).csv", "ssd_cin_plans.csv"],
    ["ssd_person copy.csv", "ssd_person.csv"],
    ["ssd_contacts.csv", undefined],
    ["ssd_contacts_old.csv", undefined],
  ] as const) {
    assert.equal(ssdCopyOf(name), copies, name);
  }
  const { store, cleanup } = await tempStore();
  try {
    const files: Record<string, string> = smallExport();
    // Downloaded twice: the second copy of contacts, and cin episodes only under its copy's name.
    files["ssd_contacts (1).csv"] = files["ssd_contacts.csv"]!;
    files["ssd_cin_episodes (1).csv"] = files["ssd_cin_episodes.csv"]!;
    delete files["ssd_cin_episodes.csv"];
    const dir = writeExport(files);
    assert.equal(await isSsdExport([dir]), true, "still an SSD export, so the SSD import says what is wrong");
    const e = (await importSsd(store, { paths: [dir], authority: "202" }).then(
      () => assert.fail("loaded"),
      (x: unknown) => x,
    )) as LanternError;
    assert.ok(isLanternError(e));
    assert.equal(e.code, "LANTERN_USAGE");
    assert.equal(
      e.message,
      "Files are named like copies, not ssd_<table>.csv: ssd_cin_episodes (1).csv (a copy of ssd_cin_episodes.csv?), ssd_contacts (1).csv (a copy of ssd_contacts.csv?). Lantern reads SSD files by their exact names, so they would not be loaded.",
    );
    assert.deepEqual(await listSnapshots(store), []);
  } finally {
    await cleanup();
  }
});

test("an export folder with a file Lantern does not read (a log, a README) loads with a warning naming it; with a return or a figures file it is a mix", async () => {
  const { isSsdExport } = await import("../formats/load.ts");
  const { readFileSync } = await import("node:fs");
  const { store, cleanup } = await tempStore();
  try {
    const files: Record<string, string> = { ...smallExport(), "README.txt": "Exported by the case management system, 30 June 2025\n", "export_log.csv": "run,rows\n1,200\n" };
    const dir = writeExport(files);
    assert.equal(await isSsdExport([dir]), true);
    const res = await importSsd(store, { paths: [dir], authority: "202" });
    assert.equal(res.authorities[0]!.status, "loaded");
    assert.deepEqual(
      res.warnings.filter((w) => w.code === "SSD_FILE_NOT_READ").map((w) => [w.file, w.message]),
      [
        ["README.txt", "README.txt is not an SSD table file (ssd_<table>.csv) nor a file Lantern reads; it was not read."],
        ["export_log.csv", "export_log.csv is not an SSD table file (ssd_<table>.csv) nor a file Lantern reads; it was not read."],
      ],
    );
    // A return, or a figures file, among SSD files is a mix, for the formats loader to refuse.
    const sample = (p: string) => readFileSync(new URL(`../../../shared/samples/${p}`, import.meta.url), "utf8");
    assert.equal(await isSsdExport([writeExport({ ...smallExport(), "header.csv": sample("ssda903_validator_fake/header.csv") })]), false);
    assert.equal(await isSsdExport([writeExport({ ...smallExport(), "measures.csv": "indicator,authority,period,value\nsw_caseload,202,2025-03,17.5\n" })]), false);
  } finally {
    await cleanup();
  }
});

test("an id column saved through Excel in scientific notation (1.23457E+11) is named as such, not as a missing reference", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const files: Record<string, string> = smallExport();
    files["ssd_contacts.csv"] = "cont_contact_id,cont_person_id,cont_contact_date\nC1,1.23457E+11,2024-04-02\n";
    const e = (await importSsd(store, { paths: [writeExport(files)], authority: "202" }).then(
      () => assert.fail("loaded"),
      (x: unknown) => x,
    )) as LanternError;
    assert.deepEqual(
      e.issues.filter((i) => i.severity === "error").map((i) => [i.code, i.row, i.column, i.value]),
      [["SSD_ID_EXCEL_NUMBER", 2, "cont_person_id", "1.23457E+11"]],
    );
    assert.match(e.issues[0]!.message, /cont_person_id 1\.23457E\+11 is an id Excel has turned into a number in scientific notation/);
    // A value that only looks numeric elsewhere (not an id) is left to its column's own rules.
    const { excelMangledId } = await import("./values.ts");
    assert.equal(excelMangledId("x", "123456789012"), undefined);
    assert.equal(excelMangledId("x", "1E5"), undefined);
    assert.ok(excelMangledId("x", " 9.87654E+15 "));
  } finally {
    await cleanup();
  }
});

test("population.csv of another authority (X001 in a load for 202) is refused at its row, naming both codes; nothing is loaded", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const before = await storeState(store);
    const files = { ...smallExport(), "population.csv": "la_code,year,population_0_17\nX001,2024,500\nX001,2025,501\n" };
    const e = await rejected(importSsd(store, { paths: [writeExport(files)], authority: "202" }));
    const p = only(e.issues, "POPULATION_AUTHORITY");
    assert.deepEqual([p.file, p.row, p.column, p.value], ["population.csv", 2, "la_code", "X001"]);
    assert.match(p.message, /X001/);
    assert.match(p.message, /202/);
    assert.match(p.expected ?? "", /la_code 202/);
    assert.match(p.expected ?? "", /ONS/);
    assert.equal(await storeState(store), before, "all or nothing: not the SSD tables either");
    // The authority's own rows among others' are taken; the others are left for their own loads.
    const shared = { ...smallExport(), "population.csv": "la_code,year,population_0_17\nX001,2024,500\n202,2024,60000\n" };
    await importSsd(store, { paths: [writeExport(shared)], authority: "202" });
    const rows = await store.all<{ la_code: string; year: number }>(`SELECT la_code, year FROM lantern_population ORDER BY la_code`);
    assert.deepEqual(rows.map((r) => [r.la_code, Number(r.year)]), [["202", 2024]]);
  } finally {
    await cleanup();
  }
});

test("an SSD file with mixed line endings (CRLF, one row ending in LF only, one in CR) loads every row as its own", async () => {
  // Before, the row ending in LF ran on into the next: "a quote inside a value is not doubled" or
  // "row 3 has 9 fields where the header has 5".
  const { store, cleanup } = await tempStore();
  try {
    const files = smallExport();
    files["ssd_person.csv"] = "pers_person_id,pers_sex,pers_dob,pers_ethnicity\r\nP1,M,2015-06-01,WBRI\nP2,F,01/02/2010,MWBC\rP3,F,2019-11-30,ASIN\r\n";
    files["ssd_contacts.csv"] = 'cont_contact_id,cont_person_id,cont_contact_date,cont_contact_source_code,cont_contact_outcome_json\r\nC1,P1,2024-04-02,1A,"{""NEW_REFERRAL_FLAG"":""Y""}"\nC2,P2,03/04/2024,2B,\r\nC3,P3,2024-05-10,5A,"{""NEW_REFERRAL_FLAG"":""N""}"\r\n';
    const res = await importSsd(store, { paths: [writeExport(files)], authority: "202" });
    assert.equal(res.authorities[0]!.status, "loaded", JSON.stringify(res));
    assert.deepEqual(
      (await tableRows(store, "ssd_person", 1)).map((r) => r["pers_person_id"]).sort(),
      ["P1", "P2", "P3"],
    );
    const contacts = await tableRows(store, "ssd_contacts", 1);
    assert.deepEqual(
      contacts.map((r) => [r["cont_contact_id"], r["cont_contact_outcome_json"]]),
      [
        ["C1", '{"NEW_REFERRAL_FLAG":"Y"}'],
        ["C2", null],
        ["C3", '{"NEW_REFERRAL_FLAG":"N"}'],
      ],
    );
  } finally {
    await cleanup();
  }
});

test("an SSD CSV problem after a value holding a CRLF is located at the line a person counts", async () => {
  // The parser counts a CRLF inside quotes as two lines; before, each error named the row after.
  const { store, cleanup } = await tempStore();
  try {
    const head = 'cont_contact_id,cont_person_id,cont_contact_date,cont_contact_source_code,cont_contact_outcome_json\r\nC1,P1,2024-04-02,1A,"{""NEW_REFERRAL_FLAG"":\r\n""Y""}"\r\nC2,P2,2024-04-03,2B,\r\n';
    const files = smallExport();
    files["ssd_contacts.csv"] = `${head}C3,O"Brien,2024-05-10,5A,\r\n`;
    const stray = only((await rejected(importSsd(store, { paths: [writeExport(files)], authority: "202" }))).issues, "SSD_CSV_MALFORMED");
    assert.deepEqual([stray.row, stray.column], [5, "cont_person_id"]);
    assert.match(stray.message, /row 5, field 2, has a quote/);
    files["ssd_contacts.csv"] = `${head}C3,"P3,2024-05-10,5A,\r\nC4,P1,2024-05-11,5A,\r\n`;
    const open = only((await rejected(importSsd(store, { paths: [writeExport(files)], authority: "202" }))).issues, "SSD_CSV_MALFORMED");
    assert.deepEqual([open.row, open.column], [5, "cont_person_id"]);
    // A last row cut short is still seen as the file cut off, at its own line.
    files["ssd_contacts.csv"] = `${head}C3,P3,2024-05`;
    const cut = only((await rejected(importSsd(store, { paths: [writeExport(files)], authority: "202" }))).issues, "SSD_FILE_TRUNCATED");
    assert.equal(cut.row, 5);
    assert.match(cut.message, /ends part-way through row 5/);
  } finally {
    await cleanup();
  }
});

test("rows of empty cells (',,,,' as Excel leaves after the data) are skipped, and the rows after one keep their own numbers", async () => {
  // Before, each was refused as SSD_VALUE_REQUIRED at that row.
  const { store, cleanup } = await tempStore();
  try {
    const files = smallExport();
    files["ssd_person.csv"] = `${files["ssd_person.csv"]}\n,,,\n , ,,\n,,,\n`;
    const dry = await importSsd(store, { paths: [writeExport(files)], authority: "202", dryRun: true });
    assert.equal(dry.authorities[0]!.status, "validated");
    assert.equal(dry.authorities[0]!.rows, 3 + 3 + 2 + 1);
    files["ssd_contacts.csv"] = "cont_contact_id,cont_person_id,cont_contact_date\nC1,P1,2024-04-02\n,,\n\nC2,P2,not a date\n,,\n";
    const err = await rejected(importSsd(store, { paths: [writeExport(files)], authority: "202" }));
    assert.deepEqual(
      err.issues.filter((i) => i.severity === "error").map((i) => [i.code, i.file, i.row, i.column]),
      [["SSD_DATE_INVALID", "ssd_contacts.csv", 5, "cont_contact_date"]],
    );
  } finally {
    await cleanup();
  }
});

test("a file of one enormous line is refused with issues of a readable size, not the line quoted again and again", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const files = smallExport();
    // ssd_person.csv as one 1 MB line: a header of 50,000 unknown columns and no row.
    files["ssd_person.csv"] = Array.from({ length: 50_000 }, (_, i) => `col${i}`).join(",");
    const err = await rejected(importSsd(store, { paths: [writeExport(files)], authority: "202" }));
    assert.equal(err.code, "LANTERN_DATA_REJECTED");
    assert.ok(err.issues.length > 0);
    const size = err.issues.reduce((n, i) => n + i.message.length + (i.value?.length ?? 0) + (i.column?.length ?? 0) + (i.expected?.length ?? 0), 0);
    assert.ok(size < 200_000, `${size.toLocaleString("en-GB")} characters of issues`);
    assert.ok(err.issues.some((i) => /characters in all\)/.test(i.message)), "the long message says it was cut");
  } finally {
    await cleanup();
  }
});

test("a folder inside an export, even one named like a table (ssd_send.csv), is left with a warning, not opened as a file", async () => {
  const { mkdirSync } = await import("node:fs");
  const { join } = await import("node:path");
  const { store, cleanup } = await tempStore();
  try {
    const dir = writeExport(smallExport());
    mkdirSync(join(dir, "ssd_send.csv"));
    mkdirSync(join(dir, "old"));
    const res = await importSsd(store, { paths: [dir], authority: "202" });
    assert.equal(res.authorities[0]!.status, "loaded");
    assert.deepEqual(
      res.warnings.filter((w) => w.code === "SSD_FILE_NOT_READ").map((w) => [w.file, w.message]),
      [
        ["old", "old is a folder (or a link to nothing), not a file; it was not read: Lantern does not look in folders inside the one named."],
        ["ssd_send.csv", "ssd_send.csv is a folder (or a link to nothing), not a file; it was not read: Lantern does not look in folders inside the one named."],
      ],
    );
  } finally {
    await cleanup();
  }
});

test("a value over 1 MB in an SSD file is refused at its row and column, as the shared CSV reader refuses it", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const files = smallExport();
    files["ssd_contacts.csv"] = `cont_contact_id,cont_person_id,cont_contact_date,cont_contact_source_desc\nC1,P1,2024-04-02,ok\nC2,P2,2024-04-03,${"x".repeat(5_000_000)}\n`;
    const err = await rejected(importSsd(store, { paths: [writeExport(files)], authority: "202" }));
    const m = only(err.issues, "SSD_CSV_MALFORMED");
    assert.deepEqual([m.file, m.row, m.column], ["ssd_contacts.csv", 3, "cont_contact_source_desc"]);
    assert.match(m.message, /^ssd_contacts\.csv row 3, column cont_contact_source_desc, holds more than 1 MB \(1,000,000 characters\) without an end/);
    assert.equal((await listSnapshots(store)).length, 0);
  } finally {
    await cleanup();
  }
});

test("an SSD cell refused says why: a number too large (with the limit), a year out of range (open ends are left blank); a UK date with fractional seconds loads", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const files = smallExport();
    files["ssd_contacts.csv"] = "cont_contact_id,cont_person_id,cont_contact_date\nC1,P1,31/03/2024 00:00:00.000\nC2,P2,2024-03-31 00:00:00.000\n";
    const ok = await importSsd(store, { paths: [writeExport(files)], authority: "202" });
    assert.equal(ok.authorities[0]!.status, "loaded");
    const days = await store.all<{ d: string }>(`SELECT CAST(cont_contact_date AS VARCHAR) AS d FROM current_ssd_contacts ORDER BY cont_contact_id`);
    assert.deepEqual(days.map((r) => r.d.slice(0, 10)), ["2024-03-31", "2024-03-31"]);
    const bad = smallExport();
    bad["ssd_contacts.csv"] = "cont_contact_id,cont_person_id,cont_contact_date\nC1,P1,9999-12-31\n";
    const e = await rejected(importSsd(store, { paths: [writeExport(bad)], authority: "203" }));
    assert.match(only(e.issues, "SSD_DATE_INVALID").message, /^cont_contact_date "9999-12-31" has the year 9999, outside the years Lantern reads \(1900 to 2100\): a date not yet known, such as the end of an episode still open, is left blank/);
  } finally {
    await cleanup();
  }
});

test("a population.csv that is empty, or a header and nothing under it, is refused naming it, where the load went on without a word on the ONS estimates", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const before = await storeState(store);
    for (const [text, said] of [
      ["", /population\.csv is empty/],
      ["la_code,year,population_0_17\r\n", /population\.csv has a header row and no population under it/],
    ] as const) {
      const files = { ...smallExport(), "population.csv": text };
      const e = await rejected(importSsd(store, { paths: [writeExport(files)], authority: "202" }));
      const p = only(e.issues, "POPULATION_EMPTY");
      assert.equal(p.file, "population.csv");
      assert.match(p.message, said);
      assert.match(p.expected ?? "", /take population\.csv out of the load/);
      assert.equal(await storeState(store), before, "all or nothing");
    }
  } finally {
    await cleanup();
  }
});

test("a 1900 placeholder date or a date after the day of the load is loaded with one warning per column naming the file, the first row and how many, where it was loaded without a word", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const files = smallExport();
    files["ssd_cin_episodes.csv"] = [
      "cine_referral_id,cine_person_id,cine_referral_date,cine_referral_nfa,cine_close_date,cine_close_reason",
      "R1,P1,01/01/1900,N,,",
      "R2,P2,2024-04-05,Y,2024-04-20,RC8",
      "R3,P3,1900-01-01,N,,",
      "R4,P3,2030-01-02,N,,",
    ].join("\r\n");
    // A date due in the future is not a slip.
    files["ssd_person.csv"] = "pers_person_id,pers_sex,pers_dob,pers_ethnicity,pers_expected_dob\nP1,M,2015-06-01,WBRI,\nP2,F,01/02/2010,MWBC,\nP3,F,2019-11-30,ASIN,2026-03-01\n";
    const res = await importSsd(store, { paths: [writeExport(files)], authority: "202", now: () => new Date("2025-06-01T09:00:00Z") });
    assert.equal(res.authorities[0]!.status, "loaded", "warnings, not a refusal: the rows are what the system holds");
    const dated = res.warnings.filter((w) => w.code === "SSD_DATE_PLACEHOLDER" || w.code === "SSD_DATE_FUTURE");
    assert.deepEqual(
      dated.map((w) => [w.code, w.file, w.row, w.column, w.value]),
      [
        ["SSD_DATE_PLACEHOLDER", "ssd_cin_episodes.csv", 2, "cine_referral_date", "01/01/1900"],
        ["SSD_DATE_FUTURE", "ssd_cin_episodes.csv", 5, "cine_referral_date", "2030-01-02"],
      ],
    );
    assert.match(dated[0]!.message, /^cine_referral_date is in 1900 on 2 rows \(the first row 2\)/);
    assert.match(dated[1]!.message, /^cine_referral_date is after 2025-06-01, the day of this load, on 1 row \(row 5\)/);
    assert.ok(dated.every((w) => w.expected), "says what to do");
  } finally {
    await cleanup();
  }
});

test("population.csv reads a count grouped in thousands as measures.csv does, and refuses a malformed grouping ('1234,567', '60,00') at its row", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const files: Record<string, string> = smallExport();
    files["population.csv"] = 'la_code,year,population_0_17\n202,2023,"1,060,123"\n202,2024,"1234,567"\n202,2025,"60,00"\n';
    const e = await rejected(importSsd(store, { paths: [writeExport(files)], authority: "202" }));
    const refused = e.issues.filter((i) => i.code === "POPULATION_VALUE");
    assert.deepEqual(
      refused.map((i) => [i.file, i.row, i.column, i.value]),
      [
        ["population.csv", 3, "population_0_17", "1234,567"],
        ["population.csv", 4, "population_0_17", "60,00"],
      ],
    );
    assert.equal(refused[0]!.message, 'population_0_17 "1234,567" is not a number: its commas are not between groups of three digits.');
    assert.match(refused[0]!.expected!, /^a count of children such as 60000 or 60,000 \(.*commas \(if any\) only between groups of three digits/);
  } finally {
    await cleanup();
  }
});

test("a file cut off in the middle of its last value (inside quotes, or a date cut short with no line break after it) is refused as truncated at its row, not as a bad value, and nothing is loaded", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const head = "cont_contact_id,cont_person_id,cont_contact_date,cont_contact_source_code,cont_contact_outcome_json\nC1,P1,2024-04-02,1A,\n";
    const cases: [string, string, string, RegExp][] = [
      // Cut inside a quoted value: not "a quote that is never closed".
      [`${head}C2,P2,2024-04-03,2B,"{""NEW_REF`, "cont_contact_outcome_json", "", /ends part-way through row 3, inside the quoted value of field 5 \(cont_contact_outcome_json\): the row's last field with no closing quote and no line break after it, so the file looks truncated\. Export or copy the whole file again/],
      [`${head}C2,P2,"2024-04`, "cont_contact_date", "", /ends part-way through row 3, inside the quoted value of field 3 \(cont_contact_date\): the row has 3 of the header's 5 fields, the last with no closing quote/],
      // Cut inside the last field's date: not "not a date Lantern can read".
      ["cont_contact_id,cont_person_id,cont_contact_date\nC1,P1,2024-04-02\nC2,P2,2024-0", "cont_contact_date", "2024-0", /ends part-way through row 3: the row's last field \(cont_contact_date\) is "2024-0", only the start of a value, with no line break after it, so the file looks truncated/],
    ];
    for (const [text, column, value, message] of cases) {
      const files = smallExport();
      files["ssd_contacts.csv"] = text;
      const err = await rejected(importSsd(store, { paths: [writeExport(files)], authority: "202" }));
      const t = only(err.issues, "SSD_FILE_TRUNCATED");
      assert.deepEqual([t.file, t.row, t.column, t.value ?? ""], ["ssd_contacts.csv", 3, column, value], text);
      assert.match(t.message, message);
      assert.match(t.expected!, /fields on every row, as in the header/);
      assert.deepEqual(err.issues.filter((i) => i.severity === "error" && i.code !== "SSD_FILE_TRUNCATED"), [], "reported once, as truncated");
    }
    assert.equal((await listSnapshots(store)).length, 0, "nothing was loaded");
    // A quote left open on a last line that ends in a line break is a closing quote left off, as before.
    const open = smallExport();
    open["ssd_contacts.csv"] = `${head}C2,P2,"2024-04-03,2B,\n`;
    assert.equal(only((await rejected(importSsd(store, { paths: [writeExport(open)], authority: "202" }))).issues, "SSD_CSV_MALFORMED").row, 3);
    // A bad date that is a whole date's length, or a cut-looking one with a line break after it, is a bad value as before.
    for (const text of ["cont_contact_id,cont_person_id,cont_contact_date\nC1,P1,2024-04-02\nC2,P2,2024-13-01", "cont_contact_id,cont_person_id,cont_contact_date\nC1,P1,2024-04-02\nC2,P2,2024-0\n"]) {
      const files = smallExport();
      files["ssd_contacts.csv"] = text;
      const err = await rejected(importSsd(store, { paths: [writeExport(files)], authority: "202" }));
      assert.deepEqual(err.issues.filter((i) => i.severity === "error").map((i) => [i.code, i.row, i.column]), [["SSD_DATE_INVALID", 3, "cont_contact_date"]], text);
    }
  } finally {
    await cleanup();
  }
});

test("an export missing a table the stored snapshot holds (ssd_contacts.csv not exported this month) loads keeping last load's rows, and says so: one warning naming each table kept and its rows", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const first = await importSsd(store, { paths: [writeExport(smallExport())], authority: "X" });
    assert.deepEqual(first.warnings.filter((w) => w.code === "SSD_TABLES_KEPT"), []);
    const { "ssd_contacts.csv": _contacts, ...rest } = smallExport();
    const r = await importSsd(store, { paths: [writeExport(rest)], authority: "X", force: true });
    assert.equal(r.authorities[0]!.status, "loaded");
    const kept = only(r.warnings, "SSD_TABLES_KEPT");
    assert.match(kept.message, /^This load has no file for ssd_contacts \(3 rows\): it is kept from X's previous load/);
    assert.match(kept.expected!, /ssd_contacts\.csv/);
    // The whole export again: nothing kept, nothing said.
    const whole = await importSsd(store, { paths: [writeExport(smallExport())], authority: "X", force: true });
    assert.deepEqual(whole.warnings.filter((w) => w.code === "SSD_TABLES_KEPT"), []);
  } finally {
    await cleanup();
  }
});
