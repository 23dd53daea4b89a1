/**
 * Property tests on every reader: whatever the bytes (a valid file truncated anywhere, bytes
 * flipped, a quote or separator pushed into a value, random bytes, the text in another encoding,
 * a huge field), loading never crashes, hangs or half-loads: it either reads the file or ends in a
 * structured LanternError / a rejected result with located issues; and with a store, a refused
 * load leaves no snapshot.
 */

import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import ExcelJS from "exceljs";
import fc from "fast-check";
import { tempDir, tempStore } from "../../test/fixtures.ts";
import { isLanternError } from "../core/errors.ts";
import { loadFormats } from "./load.ts";

const S = fileURLToPath(new URL("../../../shared/samples/", import.meta.url));
const { dir } = tempDir("lantern-fuzz-");

const EPISODES = readFileSync(`${S}ssda903_validator_fake/episodes.csv`).subarray(0, 6000);
const XML903 = readFileSync(`${S}ssda903_validator_fake/fake_903.xml`).subarray(0, 8000);
const CIN = readFileSync(`${S}cin_census_fake/CIN_Census_2026.xml`);
const ANNEX = readFileSync(`${S}annex_a_fake_2024/annex_a_list_8.csv`);

async function xlsxBytes(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("List 1");
  ws.addRow(["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "Date of Contact", "Contact Source"]);
  for (let i = 0; i < 20; i++) ws.addRow([`K${i}`, "a) Male", "a) WBRI", new Date(Date.UTC(2015, 0, 1 + i)), 6, 44090 + i, "q) 6: Police"]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Load one file; succeed, or fail only in the structured ways. */
async function survives(bytes: Uint8Array, name: string): Promise<void> {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  try {
    const r = await loadFormats(undefined, { paths: [path] });
    assert.ok(["validated", "rejected"].includes(r.status));
    if (r.status === "rejected") assert.ok(r.issues.some((i) => i.severity === "error" && i.message));
  } catch (e) {
    assert.ok(isLanternError(e), `not a LanternError: ${e instanceof Error ? e.stack : String(e)}`);
  }
}

const mutation = (base: Uint8Array) =>
  fc.oneof(
    fc.integer({ min: 0, max: base.length }).map((n) => base.subarray(0, n)),
    fc.array(fc.tuple(fc.integer({ min: 0, max: base.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }).map((flips) => {
      const b = Buffer.from(base);
      for (const [i, v] of flips) b[i] = v;
      return b;
    }),
    fc.uint8Array({ minLength: 0, maxLength: 2000 }),
    // A quote, separator or line break pushed into a value (a name such as O"Brien, unquoted).
    fc.tuple(fc.integer({ min: 0, max: base.length }), fc.constantFrom('"', 'x"', ",", "\n", "\r", "\u0000")).map(([at, s]) => Buffer.concat([base.subarray(0, at), Buffer.from(s), base.subarray(at)])),
    fc.constantFrom("utf16le", "latin1").map((enc) => Buffer.from(Buffer.from(base).toString("utf8"), enc as BufferEncoding)),
  );

const READERS: [string, Uint8Array, string][] = [
  ["SSDA903 CSV", EPISODES, "episodes.csv"],
  ["SSDA903 XML", XML903, "903.xml"],
  ["CIN census XML", CIN, "cin.xml"],
  ["Annex A CSV", ANNEX, "list8.csv"],
];

for (const [label, base, name] of READERS) {
  test(`fuzz: ${label} never crashes on truncated, flipped, random or re-encoded bytes`, async () => {
    await fc.assert(
      fc.asyncProperty(mutation(base), async (bytes) => survives(bytes, name)),
      { numRuns: 40, seed: 42 },
    );
  });
}

test("fuzz: Annex A workbook never crashes on a truncated or corrupted .xlsx", async () => {
  const base = await xlsxBytes();
  await survives(base, "ok.xlsx");
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.integer({ min: 4, max: base.length - 1 }).map((n) => base.subarray(0, n)),
        fc.array(fc.tuple(fc.integer({ min: 4, max: base.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }).map((flips) => {
          const b = Buffer.from(base);
          for (const [i, v] of flips) b[i] = v;
          return b;
        }),
      ),
      async (bytes) => survives(bytes, "fuzz.xlsx"),
    ),
    { numRuns: 25, seed: 7 },
  );
});

test("huge fields: a 2 MB CSV cell and a 2 MB XML text are refused with a located issue", async () => {
  const huge = "x".repeat(2_000_000);
  const csv = Buffer.from(`CHILD,DOB,MISSING,MIS_START,MIS_END\nC1,01/01/2010,M,"${huge}",\n`);
  const path = join(dir, "huge.csv");
  writeFileSync(path, csv);
  const r = await loadFormats(undefined, { paths: [path] });
  assert.equal(r.status, "rejected");
  assert.equal(r.issues[0]!.code, "FILE_CSV_MALFORMED");
  const xml = Buffer.from(`<Message><Children><Child><ChildIdentifiers><LAchildID>${huge}</LAchildID></ChildIdentifiers></Child></Children></Message>`);
  const xpath = join(dir, "huge.xml");
  writeFileSync(xpath, xml);
  const x = await loadFormats(undefined, { paths: [xpath] });
  assert.equal(x.status, "rejected");
  assert.equal(x.issues[0]!.code, "FILE_XML_MALFORMED");
});

test("a refused load never leaves a partial snapshot (truncated files into a real store)", async () => {
  const { store, cleanup } = await tempStore();
  try {
    for (const [, base, name] of READERS) {
      for (const cut of [1, Math.floor(base.length / 3), base.length - 7]) {
        const path = join(dir, `cut-${name}`);
        writeFileSync(path, base.subarray(0, cut));
        try {
          // 201: the CIN census sample's own LEA, so a cut census is read as far as it goes.
          await loadFormats(store, { paths: [path], authority: "201", dfeErrorsAsQueries: true });
        } catch (e) {
          assert.ok(isLanternError(e), String(e));
        }
      }
    }
    // Each snapshot that exists is whole: its rows are all there and no staging table is left.
    const snaps = await store.all<{ snapshot_id: number; total_rows: number }>(`SELECT snapshot_id, total_rows FROM lantern_snapshot`);
    for (const s of snaps) {
      const [n] = await store.all<{ n: number }>(
        `SELECT (SELECT count(*) FROM ssd_person WHERE snapshot_id = $1) + (SELECT count(*) FROM ssd_cla_episodes WHERE snapshot_id = $1) + (SELECT count(*) FROM ssd_cin_episodes WHERE snapshot_id = $1) AS n`,
        [s.snapshot_id],
      );
      assert.ok(n!.n <= s.total_rows);
    }
    const stg = await store.all(`SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'stg_%'`);
    assert.deepEqual(stg, []);
  } finally {
    await cleanup();
  }
});
