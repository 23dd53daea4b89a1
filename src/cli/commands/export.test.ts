// `lantern export --out`: every format checks its path the same way before any work (a missing
// folder, a folder where a file goes or a file where a folder goes is LANTERN_BAD_OPTION naming
// --out, nothing created and nothing audited), and a failure while writing is
// LANTERN_WRITE_FAILED (exit 3), never a crash. And the CIN census writes each disability once.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { capture, smallExport, tempDir, writeExport } from "../../../test/fixtures.ts";
import { main } from "../main.ts";

/** The small export with activity from 1 April 2024 to late March 2025, so 2024-25 is covered, and a disability recorded twice. */
function yearExport(): string {
  const files = smallExport();
  files["ssd_contacts.csv"] += "\nC0,P3,2024-04-01,5A,\nC9,P3,2025-03-28,5A,";
  files["ssd_disability.csv"] = ["disa_table_id,disa_person_id,disa_disability_code", "D1,P1,INC", "D2,P1,INC", "D3,P1,LD", "D4,P2,HAND"].join("\n");
  return writeExport(files);
}

const EXAMPLES = [
  ["ssd", "--out"],
  ["ssda903", "--period", "2024-25", "--out"],
  ["cin-census", "--period", "2024-25", "--out"],
  ["annex-a", "--period", "2024-25", "--out"],
] as const;

describe("lantern export --out", () => {
  const t = tempDir();
  before(async () => {
    const o = capture();
    assert.equal(await main(["import", yearExport(), "--authority", "202", "--data", t.dir], o), 0, o.stderr());
  });
  after(() => t.cleanup());

  const exportsAudited = async () => {
    const a = capture();
    assert.equal(await main(["audit", "--action", "export.*", "--json", "--data", t.dir], a), 0);
    return (JSON.parse(a.stdout()) as { total: number }).total;
  };

  test("every format refuses a path in a folder that does not exist, before any work, and creates nothing", async () => {
    const missing = join(t.dir, "no-such", "folder");
    for (const [format, ...rest] of EXAMPLES) {
      const name = format === "cin-census" ? "x.xml" : format === "annex-a" ? "x.xlsx" : "x";
      const o = capture();
      assert.equal(await main(["export", "--format", format, ...rest, join(missing, name), "--data", t.dir], o), 1, format);
      assert.match(o.stderr(), new RegExp(`^error LANTERN_BAD_OPTION: --out .*${name}: the folder .*no-such/folder does not exist\\.\\nWhat to do: Create it first`), format);
      assert.doesNotMatch(o.stderr(), /LANTERN_INTERNAL|Unhandled|\n\s+at /, format);
    }
    assert.equal(existsSync(join(t.dir, "no-such")), false, "the SSDA903 folder's parents are not made silently");
    assert.equal(await exportsAudited(), 0);
  });

  test("a file format refuses a folder, and a folder format refuses a file", async () => {
    const folder = join(t.dir, "a-folder");
    mkdirSync(folder, { recursive: true });
    const file = join(t.dir, "a-file");
    writeFileSync(file, "keep me");
    const cases: [string[], RegExp][] = [
      [["cin-census", "--period", "2024-25", "--out", folder], /--out .*a-folder is a folder, and this is written to a file\.\nWhat to do: Name a file in it, for example --out .*a-folder\/cin-2024-25\.xml/],
      [["ssda903", "--period", "2024-25", "--out", file], /--out .*a-file is a file, and this is written as a folder of files/],
      [["ssd", "--out", file], /--out .*a-file is a file, and this is written as a folder of files/],
    ];
    for (const [args, why] of cases) {
      const o = capture();
      assert.equal(await main(["export", "--format", ...args, "--data", t.dir], o), 1, args.join(" "));
      assert.match(o.stderr(), why);
    }
    assert.equal(readFileSync(file, "utf8"), "keep me");
    assert.equal(await exportsAudited(), 0);
  });

  test("a full disk is LANTERN_WRITE_FAILED (exit 3) for every format, and the export is not audited", { skip: existsSync("/dev/full") ? false : "no /dev/full here" }, async () => {
    // /dev/full fails every write with ENOSPC; a link to it stands in for a file on a full disk.
    const xlsx = join(t.dir, "full.xlsx");
    symlinkSync("/dev/full", xlsx);
    const f903 = join(t.dir, "full-903");
    mkdirSync(f903);
    symlinkSync("/dev/full", join(f903, "header.csv"));
    const fssd = join(t.dir, "full-ssd");
    mkdirSync(fssd);
    symlinkSync("/dev/full", join(fssd, "ssd_person.csv"));
    for (const args of [
      ["cin-census", "--period", "2024-25", "--out", "/dev/full"],
      ["annex-a", "--period", "2024-25", "--out", xlsx],
      ["ssda903", "--period", "2024-25", "--out", f903],
      ["ssd", "--out", fssd],
    ]) {
      const o = capture();
      assert.equal(await main(["export", "--format", ...args, "--data", t.dir], o), 3, args.join(" "));
      assert.match(o.stderr(), /^error LANTERN_WRITE_FAILED: Could not write --out .*: the disk is full \(ENOSPC\)\. What was written there is incomplete: do not use it\.\nWhat to do: Free some space/, args.join(" "));
    }
    assert.equal(await exportsAudited(), 0);
  });

  test("every export, a validation report and a committee report are readable by their owner alone, an overwritten file too", { skip: process.platform === "win32" ? "no POSIX modes" : false }, async () => {
    const at = (name: string) => join(t.dir, "private", name);
    mkdirSync(join(t.dir, "private"));
    // A file there before, readable by everyone, is narrowed when it is written again.
    writeFileSync(at("annex.xlsx"), "old", { mode: 0o644 });
    const outs = { ssd: at("ssd"), ssda903: at("903"), "cin-census": at("cin.xml"), "annex-a": at("annex.xlsx") };
    for (const [format, ...rest] of EXAMPLES) {
      const o = capture();
      assert.equal(await main(["export", "--format", format, ...rest, outs[format], "--data", t.dir], o), 0, o.stderr());
    }
    await main(["validate", outs["cin-census"], "--report", at("report.json")], capture());
    const o = capture();
    assert.equal(await main(["report", "--period", "2024-25", "--audience", "exempt", "--format", "html", "--out", at("paper.html"), "--data", t.dir], o), 0, o.stderr());
    const files = [outs["cin-census"], outs["annex-a"], at("report.json"), at("paper.html"), ...readdirSync(outs.ssd).map((f) => join(outs.ssd, f)), ...readdirSync(outs.ssda903).map((f) => join(outs.ssda903, f))];
    assert.ok(files.length > 10, files.join(" "));
    for (const f of files) assert.equal(statSync(f).mode & 0o777, 0o600, f);
    for (const d of [outs.ssd, outs.ssda903]) assert.equal(statSync(d).mode & 0o777, 0o700, d);
  });

  test("a CIN census for an authority code that is not the DfE's three digits is written with a warning that the DfE would refuse its <LEA>", async () => {
    const other = tempDir();
    try {
      assert.equal(await main(["import", yearExport(), "--authority", "X001", "--data", other.dir], capture()), 0);
      const out = join(other.dir, "cin.xml");
      const o = capture();
      assert.equal(await main(["export", "--format", "cin-census", "--period", "2024-25", "--out", out, "--data", other.dir], o), 0, o.stderr());
      assert.match(readFileSync(out, "utf8"), /<LEA>X001<\/LEA>/);
      assert.match(o.stderr(), /^Warning: X001 is not a DfE local authority number \(three digits\), which the census header's <LEA> must be, so the DfE would refuse this file as it stands\. To submit a census, load the data under the council's number/m);
      const j = capture();
      assert.equal(await main(["export", "--format", "cin-census", "--period", "2024-25", "--out", out, "--data", other.dir, "--json"], j), 0);
      assert.equal((JSON.parse(j.stdout()) as { warnings: string[] }).warnings.length, 1);
      assert.equal(j.stderr(), "");
    } finally {
      other.cleanup();
    }
  });

  test("the CIN census lists each of a child's disability codes once (DfE rule 8794), and passes that rule", async () => {
    const out = join(t.dir, "cin.xml");
    const o = capture();
    assert.equal(await main(["export", "--format", "cin-census", "--period", "2024-25", "--out", out, "--data", t.dir], o), 0, o.stderr());
    assert.equal(o.stderr(), "", "202 is a DfE number: no warning");
    const xml = readFileSync(out, "utf8");
    const p1 = /<LAchildID>P1<\/LAchildID>[\s\S]*?<\/Child>/.exec(xml)?.[0] ?? "";
    assert.deepEqual([...p1.matchAll(/<Disability>([^<]+)<\/Disability>/g)].map((m) => m[1]), ["INC", "LD"]);
    const report = join(t.dir, "cin-report.json");
    await main(["validate", out, "--report", report], capture());
    const issues = (JSON.parse(readFileSync(report, "utf8")) as { issues: { code: string }[] }).issues;
    assert.deepEqual(
      issues.filter((i) => i.code === "CIN-8794"),
      [],
    );
  });
});

test("lantern export from a store with nothing loaded says to load data first, not to list what is loaded", async () => {
  const t = tempDir();
  try {
    const { openStore, storeConfig } = await import("../../store/open.ts");
    await (await openStore(storeConfig(t.dir, {}))).close();
    for (const args of [["ssd"], ["ssda903", "--period", "2024-25"]]) {
      const o = capture();
      assert.equal(await main(["export", "--format", ...args, "--out", join(t.dir, "copy"), "--data", t.dir], o), 3, args.join(" "));
      assert.match(o.stderr(), /^error LANTERN_NO_DATA: No data has been loaded yet, so there is nothing to export\.\nWhat to do: Load data first with `lantern import PATH --authority CODE` \(or `lantern demo` for a made-up authority\)/, args.join(" "));
    }
    // A mistyped authority is still pointed at the list of those loaded, once something is loaded.
    assert.equal(await main(["import", writeExport(smallExport()), "--authority", "202", "--data", t.dir], capture()), 0);
    const typo = capture();
    assert.equal(await main(["export", "--format", "ssd", "--authority", "X009", "--out", join(t.dir, "copy"), "--data", t.dir], typo), 1);
    assert.match(typo.stderr(), /No data has been loaded for authority X009\.\nWhat to do: Run `lantern snapshots` to see the authorities loaded\./);
  } finally {
    t.cleanup();
  }
});
