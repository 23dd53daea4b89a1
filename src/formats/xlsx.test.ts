// Workbooks written by exceljs (as Lantern's Annex A export is) read back whole: exceljs's
// streaming reader loses the last zip entry of many of them, and exceljs writes xl/workbook.xml last.
import assert from "node:assert/strict";
import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deflateRawSync } from "node:zlib";
import { test } from "node:test";
import ExcelJS from "exceljs";
import { tempDir } from "../../test/fixtures.ts";
import { LanternError } from "../core/errors.ts";
import { detectFile } from "./detect.ts";
import { loadFormats } from "./load.ts";
import { readXlsxRows } from "./xlsx.ts";

test("every row of every sheet of exceljs-written workbooks reads back, with dates as days", async () => {
  const t = tempDir();
  try {
    // Eight files: each has a new creation time in docProps/core.xml, so a different zip; before
    // the fallback about three in four failed with "Cannot read properties of undefined (reading 'sheets')".
    for (let k = 0; k < 8; k++) {
      const wb = new ExcelJS.Workbook();
      const expected: string[] = [];
      for (let i = 1; i <= 11; i++) {
        const ws = wb.addWorksheet(`List ${i}`);
        ws.addRow(["Child ID", "Date", "Count"]);
        expected.push(`List ${i}|1|Child ID,Date,Count`);
        for (let r = 0; r < (i === 1 ? 400 : 30); r++) {
          const day = 1 + (r % 28);
          ws.addRow([`C${i}-${r}`, new Date(Date.UTC(2024, 4, day)), r]);
          expected.push(`List ${i}|${r + 2}|C${i}-${r},2024-05-${String(day).padStart(2, "0")},${r}`);
        }
      }
      const path = join(t.dir, `w${k}.xlsx`);
      await wb.xlsx.writeFile(path);
      const got: string[] = [];
      for await (const row of readXlsxRows(path)) got.push(`${row.sheet}|${row.row}|${row.values.join(",")}`);
      assert.deepEqual(got, expected, `workbook ${k}`);
    }
  } finally {
    t.cleanup();
  }
});

/** A zip of `entries` written by hand, as a zip bomb's maker would: each deflated, with the unpacked size its directory is to claim. */
function zip(entries: readonly { name: string; data: Buffer; claims?: number }[], opts: { hiddenBefore?: Buffer } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let at = 0;
  const hidden = opts.hiddenBefore ?? Buffer.alloc(0);
  for (const [i, e] of entries.entries()) {
    const name = Buffer.from(e.name);
    const packed = deflateRawSync(e.data);
    const size = e.claims ?? e.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const before = i === 0 ? hidden : Buffer.alloc(0);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(at + before.length, 42);
    locals.push(before, local, name, packed);
    centrals.push(central, name);
    at += before.length + local.length + name.length + packed.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(at, 16);
  return Buffer.concat([...locals, cd, end]);
}

const SHEET = (rows: string) => Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows}</sheetData></worksheet>`);

async function readAll(path: string, maxUnpacked?: number): Promise<number> {
  let n = 0;
  for await (const _ of readXlsxRows(path, maxUnpacked === undefined ? {} : { maxUnpacked })) n++;
  return n;
}

test("a zip bomb is refused before it is unpacked: by what its directory says, or by what it holds, naming the file and the limit", async () => {
  const t = tempDir();
  try {
    // 20 MB of one repeated row packs into about 20 KB.
    const row = '<row r="1"><c t="inlineStr"><is><t>x</t></is></c></row>';
    const big = SHEET(row.repeat(Math.ceil((20 * 1024 * 1024) / row.length)));
    const honest = join(t.dir, "honest bomb.xlsx");
    writeFileSync(honest, zip([{ name: "xl/worksheets/sheet1.xml", data: big }]));
    assert.ok(statSync(honest).size < 100 * 1024);
    const lying = join(t.dir, "lying bomb.xlsx");
    writeFileSync(lying, zip([{ name: "xl/worksheets/sheet1.xml", data: big, claims: 1000 }]));
    for (const [path, name] of [[honest, "honest bomb.xlsx"], [lying, "lying bomb.xlsx"]] as const) {
      await assert.rejects(readAll(path, 1024 * 1024), (e: unknown) => {
        assert.ok(e instanceof LanternError, String(e));
        assert.equal(e.code, "LANTERN_FILE_TOO_LARGE");
        assert.ok(e.message.startsWith(`${name} was not read`), e.message);
        assert.match(e.message, /more than 1 MB, the most Lantern reads/);
        return true;
      });
    }
    // At the real limit, a directory claiming 4 GB is refused without unpacking anything.
    const claims = join(t.dir, "claims.xlsx");
    writeFileSync(claims, zip([{ name: "xl/worksheets/sheet1.xml", data: SHEET(row), claims: 0xfffffff0 }]));
    await assert.rejects(readAll(claims), (e: unknown) => e instanceof LanternError && e.code === "LANTERN_FILE_TOO_LARGE" && /more than 1,024 MB/.test(e.message) && /4,294,967,280 bytes/.test(e.message));
    // An entry holding more than its directory says, under the limit, is a doctored file; so is
    // one the directory does not list (exceljs's streaming reader would read it uncounted).
    const doctored = join(t.dir, "doctored.xlsx");
    writeFileSync(doctored, zip([{ name: "xl/worksheets/sheet1.xml", data: SHEET(row.repeat(50)), claims: 100 }]));
    await assert.rejects(readAll(doctored), (e: unknown) => e instanceof LanternError && e.code === "LANTERN_FILE_UNREADABLE" && /holds more than its zip directory says/.test(e.message));
    const hiddenEntry = zip([{ name: "xl/worksheets/sheet2.xml", data: big }]).subarray(0, 30 + "xl/worksheets/sheet2.xml".length + deflateRawSync(big).length);
    const hidden = join(t.dir, "hidden.xlsx");
    writeFileSync(hidden, zip([{ name: "xl/worksheets/sheet1.xml", data: SHEET(row) }], { hiddenBefore: hiddenEntry }));
    await assert.rejects(readAll(hidden), (e: unknown) => e instanceof LanternError && e.code === "LANTERN_FILE_UNREADABLE" && /data its zip directory does not list/.test(e.message));
  } finally {
    t.cleanup();
  }
});

test("a zip that is not a workbook (an SSD export or a return zipped to send) is named as a zip to unzip, not as a workbook with no Annex A list; a workbook is still a workbook", async () => {
  const t = tempDir();
  try {
    const zipped = join(t.dir, "export-2025-06.zip");
    writeFileSync(zipped, zip([{ name: "ssd_person.csv", data: Buffer.from("pers_person_id\nP1\n") }, { name: "ssd_contacts.csv", data: Buffer.from("cont_contact_id\nC1\n") }]));
    const d = await detectFile(zipped);
    assert.equal(d.detected.kind, "unknown");
    assert.match(d.detected.kind === "unknown" ? d.detected.reason : "", /^a zip archive, not an Excel workbook: it holds 2 files \(ssd_person\.csv, ssd_contacts\.csv\); unzip it and give the folder it unpacks to/);
    const r = await loadFormats(undefined, { paths: [zipped] });
    assert.deepEqual(r.issues.map((i) => [i.code, i.file]), [["FORMAT_FILE_UNKNOWN", "export-2025-06.zip"]]);
    assert.doesNotMatch(r.issues[0]!.message, /workbook with no Annex A list/);
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet("List 1").addRow(["Child ID"]);
    await wb.xlsx.writeFile(join(t.dir, "annex.xlsx"));
    assert.equal((await detectFile(join(t.dir, "annex.xlsx"))).detected.kind, "annex-a-xlsx");
  } finally {
    t.cleanup();
  }
});
