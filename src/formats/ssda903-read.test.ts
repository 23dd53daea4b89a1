/**
 * The SSDA903 return read child by child in bounded memory (ssda903-read.ts) gives what reading
 * every record first gave: the shared fake 903 (grouped by child, in the Header's order) is
 * merged; the same files with the children's rows interleaved (no file grouped by child) are
 * spilled to sorted runs and read back; both give the same validation results, located at the
 * same records, and the same snapshot. Each way against the others, exactly: the kept list of
 * issues in order, the counts, the rows.
 */

import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { tempDir, tempStore } from "../../test/fixtures.ts";
import type { DataIssue } from "../core/errors.ts";
import type { Store } from "../store/port.ts";
import { SSD_TABLES } from "../store/ssd-schema.ts";
import { type FormatLoadOptions, type FormatLoadResult, loadFormats } from "./load.ts";
import type { Read903Mode, Unit903 } from "./ssda903-read.ts";
import { UnitSorter } from "./ssda903-read.ts";

const S = fileURLToPath(new URL("../../../shared/samples/ssda903_validator_fake/", import.meta.url));
const CSVS = readdirSync(S).filter((f) => f.endsWith(".csv")).sort();

/** A seeded random number in [0, 1). */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 4294967296;
  };
}

/**
 * Copy the fake 903 into a folder, each file's data rows rearranged by `arrange` (given the rows
 * with their original line numbers); returns the folder and, per file, new line → original line.
 */
function copy903(arrange: (rows: { line: number; text: string; child: string }[], file: string) => { line: number; text: string; child: string }[]): { dir: string; lineMap: Map<string, Map<number, number>> } {
  const { dir } = tempDir("lantern-903-read-");
  const lineMap = new Map<string, Map<number, number>>();
  for (const f of CSVS) {
    const [head, ...body] = readFileSync(join(S, f), "utf8").split("\n");
    const rows = body.map((text, i) => ({ line: i + 2, text, child: text.split(",")[0]! })).filter((r) => r.text.trim() !== "");
    const out = arrange(rows, f);
    writeFileSync(join(dir, f), `${[head, ...out.map((r) => r.text)].join("\n")}\n`);
    lineMap.set(f, new Map(out.map((r, i) => [i + 2, r.line])));
  }
  return { dir, lineMap };
}

/** Each child's rows in their order, the children's rows interleaved at random: no file is grouped by child. */
function interleaved(seed: number) {
  const rnd = seeded(seed);
  return (rows: { line: number; text: string; child: string }[]) => {
    const per = new Map<string, typeof rows>();
    for (const r of rows) per.set(r.child, [...(per.get(r.child) ?? []), r]);
    const lists = [...per.values()];
    const out: typeof rows = [];
    while (lists.length) {
      const i = Math.floor(rnd() * lists.length);
      out.push(lists[i]!.shift()!);
      if (!lists[i]!.length) lists.splice(i, 1);
    }
    return out;
  };
}

async function run(paths: string[], opts: Partial<FormatLoadOptions> = {}): Promise<{ r: Omit<FormatLoadResult, "elapsedMs">; mode: Read903Mode | undefined }> {
  let mode: Read903Mode | undefined;
  const { elapsedMs: _, ...r } = await loadFormats(undefined, { paths, on903Read: (m) => (mode = m), ...opts });
  return { r, mode };
}

/** Issues as comparable lines, rows taken back to the original files' lines. */
function located(issues: readonly DataIssue[], lineMap?: Map<string, Map<number, number>>): string[] {
  return issues.map((i) => JSON.stringify({ ...i, row: i.row !== undefined && i.file && lineMap?.get(i.file) ? lineMap.get(i.file)!.get(i.row) : i.row })).sort();
}

test("the fake 903 grouped by child is merged; interleaved it is spilled; the same issues at the same records", async () => {
  const grouped = await run(CSVS.map((f) => join(S, f)), { maxIssues: 100_000 });
  assert.equal(grouped.mode, "merge");
  const { dir, lineMap } = copy903(interleaved(903));
  const mixed = await run([dir], { maxIssues: 100_000 });
  assert.equal(mixed.mode, "spill", "a file out of the Header's order stops the merge");
  assert.equal(mixed.r.errorCount, grouped.r.errorCount);
  assert.equal(mixed.r.warningCount, grouped.r.warningCount);
  assert.equal(mixed.r.queryCount, grouped.r.queryCount);
  assert.ok(grouped.r.errorCount > 3000, `${grouped.r.errorCount} errors`);
  assert.deepEqual(located(mixed.r.issues, lineMap), located(grouped.r.issues));
  assert.deepEqual(mixed.r.tables, grouped.r.tables);
  assert.deepEqual(mixed.r.files, grouped.r.files);
  // A DfE error located by file, row and column, the same record either way.
  const e = grouped.r.issues.find((i) => i.code === "903-501")!;
  assert.ok(e.file === "episodes.csv" && e.row! > 1 && e.column === "DECOM");
});

test("every way gives exactly the same result: merged, spilled in many small runs, and the first issues kept in file order", async () => {
  const paths = CSVS.map((f) => join(S, f));
  for (const maxIssues of [500, 7]) {
    const merged = await run(paths, { maxIssues });
    const spilled = await run(paths, { maxIssues, read903: { mode: "spill", runChars: 20_000 } });
    assert.equal(merged.mode, "merge");
    assert.equal(spilled.mode, "spill");
    assert.deepEqual(spilled.r, merged.r);
  }
  const first = (await run(paths, { maxIssues: 7 })).r.issues.filter((i) => i.severity === "error");
  assert.equal(first.length, 7);
  // Child by child in the order children are first met (header.csv's first child is the
  // episodes' first, since episodes.csv comes first): never a later child's issue before an earlier one's.
  assert.equal(first[0]!.file, "episodes.csv");
});

test("the XML form is read <CHILD> by <CHILD>, the same as spilled, duplicates reported where they are", async () => {
  const xml = join(S, "fake_903.xml");
  const streamed = await run([xml], { maxIssues: 100_000 });
  const spilled = await run([xml], { maxIssues: 100_000, read903: { mode: "spill", runChars: 10_000 } });
  assert.equal(streamed.mode, "xml");
  assert.deepEqual(spilled.r, streamed.r);
  const text = readFileSync(xml, "utf8");
  const a = text.indexOf("<CHILD>");
  const b = text.indexOf("</CHILD>") + "</CHILD>".length;
  const { dir } = tempDir("lantern-903-xml-");
  writeFileSync(join(dir, "dup.xml"), text.slice(0, b) + text.slice(a, b) + text.slice(b));
  const dup = await run([join(dir, "dup.xml")], { maxIssues: 100_000 });
  const d = dup.r.issues.filter((i) => i.code === "FORMAT_ID_DUPLICATE");
  assert.equal(d.length, 1);
  assert.equal(d[0]!.column, "CHILDID");
  // Where the id first appeared too, so that both records can be found.
  const line = (at: number) => text.slice(0, at).split("\n").length;
  const id = /<CHILDID>([^<]*)<\/CHILDID>/.exec(text.slice(a, b))![1]!.trim();
  assert.deepEqual([d[0]!.file, d[0]!.row, d[0]!.value], ["dup.xml", line(b), id]);
  assert.equal(d[0]!.message, `CHILDID ${id} occurs twice: first at line ${line(a)}, again at line ${line(b)}.`);
  assert.equal(dup.r.errorCount, streamed.r.errorCount + 1);
});

test("structural errors keep their file, row and column and their order, merged or spilled", async () => {
  const HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n";
  const EPIS = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n";
  const MISS = "CHILD,DOB,MISSING,MIS_START,MIS_END\n";
  const h = (c: string) => `${c},1,01/01/2010,WBRI,,,\n`;
  const ep = (c: string) => `${c},01/01/2023,S,C2,N1,U4,PR1,,,,,,\n`;
  const mi = (c: string, start: string) => `${c},01/01/2010,M,${start},02/01/2023\n`;
  const { dir } = tempDir("lantern-903-err-");
  // In the Header's order, with a child missing from it (Z9, orphan rows in the middle) and a bad date.
  writeFileSync(join(dir, "a.csv"), HEADER + h("A1") + h("A2") + h("A3"));
  writeFileSync(join(dir, "b.csv"), EPIS + ep("A1") + ep("Z9") + ep("A3") + `,01/01/2023,S,C2,N1,U4,PR1,,,,,,\n`);
  writeFileSync(join(dir, "c.csv"), MISS + mi("A2", "31/02/2023") + mi("Z9", "01/01/2023"));
  const merged = await run([dir]);
  assert.equal(merged.mode, "merge");
  const where = (r: typeof merged.r) => r.issues.map((i) => [i.code, i.file, i.row, i.column]);
  const expected = [
    ["FORMAT_VALUE_REQUIRED", "b.csv", 5, "CHILD"],
    // Only the cell itself: not again as the SSD column it would give (miss_missing_episode_start_date).
    ["FORMAT_DATE_INVALID", "c.csv", 2, "MIS_START"],
    // Z9's episode once, as the file names it (not as clae_, clap_ and lega_person_id), then its missing record.
    ["FORMAT_REFERENCE_MISSING", "b.csv", 3, "CHILD"],
    ["FORMAT_CHILD_NOT_IN_HEADER", "c.csv", 3, "CHILD"],
  ];
  assert.deepEqual(where(merged.r).filter(([c]) => !String(c).startsWith("903-")), expected);
  // A second Header row for A1 further down: the Header is out of its own order, so the files are spilled.
  writeFileSync(join(dir, "a.csv"), HEADER + h("A1") + h("A2") + h("A3") + h("A1"));
  const spilled = await run([dir]);
  assert.equal(spilled.mode, "spill");
  assert.deepEqual(where(spilled.r)[0], ["FORMAT_ID_DUPLICATE", "a.csv", 5, "CHILD"]);
  assert.equal(spilled.r.issues[0]!.message, "CHILD A1 has two Header rows: first at row 2, again at row 5.");
  assert.deepEqual(where(spilled.r).slice(1).filter(([c]) => !String(c).startsWith("903-")), where(merged.r).filter(([c]) => !String(c).startsWith("903-")));
});

test("a file that cannot be read ends the load as before: the issues of the files read before it, then the failure", async () => {
  const { dir } = tempDir("lantern-903-bad-");
  writeFileSync(join(dir, "a.csv"), "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nA1,1,01/01/2010,WBRI,,,\nA1,1,01/01/2010,WBRI,,,\n");
  writeFileSync(join(dir, "b.csv"), "CHILD,DOB,MISSING,MIS_START,MIS_END\nA1,01/01/2010,M,31/02/2023,02/01/2023\n");
  writeFileSync(join(dir, "c.csv"), 'CHILD,DOB,REVIEW,REVIEW_CODE\nA1,01/01/2010,01/01/2023,PN1\nA1,"01/01/2010,01/01/2023,PN1\n');
  const r = await run([dir]);
  assert.equal(r.r.status, "rejected");
  assert.deepEqual(
    r.r.issues.map((i) => [i.code, i.file, i.row]),
    [
      ["FORMAT_ID_DUPLICATE", "a.csv", 3],
      ["FORMAT_DATE_INVALID", "b.csv", 2],
      ["FILE_CSV_MALFORMED", "c.csv", 3],
    ],
  );
});

test("spilled runs are merged back in order, many at a time", async () => {
  const names = ["a.csv", "b.csv"];
  const sorter = new UnitSorter(names, 200);
  const rnd = seeded(7);
  const units: Unit903[] = [];
  for (let k = 0; k < 2000; k++) {
    const c = `C${Math.floor(rnd() * 300)}`;
    const i = Math.floor(rnd() * 2);
    units.push({ c, i, o: k, l: k + 2, x: false, r: [{ t: "Episodes", rec: { file: names[i]!, row: k + 2, f: { CHILD: c, DECOM: "01/01/2020" } } }] });
  }
  for (const u of units) sorter.add(u);
  assert.ok(sorter.runs > 64, `${sorter.runs} runs (more than are merged at once)`);
  const seen: Unit903[] = [];
  const children = new Set<string>();
  try {
    for await (const g of sorter.groups()) {
      assert.ok(g.every((u) => u.c === g[0]!.c));
      assert.ok(!children.has(g[0]!.c), "each child once");
      children.add(g[0]!.c);
      seen.push(...g);
    }
  } finally {
    sorter.cleanup();
  }
  const key = (u: Unit903) => `${u.c}|${u.i}|${String(u.o).padStart(5, "0")}`;
  assert.deepEqual(
    seen.map(key),
    units.map(key).sort((a, b) => {
      const [ca, ia, oa] = a.split("|");
      const [cb, ib, ob] = b.split("|");
      return ca! < cb! ? -1 : ca! > cb! ? 1 : Number(ia) - Number(ib) || Number(oa) - Number(ob);
    }),
  );
  assert.deepEqual(seen[0]!.r[0]!.rec, { file: names[seen[0]!.i], row: seen[0]!.l, f: { CHILD: seen[0]!.c, DECOM: "01/01/2020" } });
});

async function contents(store: Store, la: string): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const t of SSD_TABLES) {
    const cols = t.columns.map((c) => c.name).join(", ");
    out[t.name] = (await store.all(`SELECT ${cols} FROM current_${t.name} WHERE la_code = $1`, [la])).map((r) => JSON.stringify(r)).sort();
  }
  return out;
}

test("the fake 903 loads the same snapshot grouped (merged) and interleaved (restarted, spilled)", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const modes: (Read903Mode | undefined)[] = [];
    const paths = CSVS.map((f) => join(S, f));
    // Every query kept (the first 500 would differ: the files meet the children in another order).
    const a = await loadFormats(store, { paths, authority: "901", dfeErrorsAsQueries: true, maxIssues: 100_000, on903Read: (m) => modes.push(m) });
    const { dir } = copy903(interleaved(17));
    const b = await loadFormats(store, { paths: [dir], authority: "902", dfeErrorsAsQueries: true, maxIssues: 100_000, on903Read: (m) => modes.push(m) });
    assert.deepEqual(modes, ["merge", "spill"]);
    assert.equal(a.status, "loaded");
    assert.equal(b.status, "loaded");
    assert.deepEqual(b.tables, a.tables);
    const ca = await contents(store, "901");
    assert.equal(ca["ssd_person"]!.length, 2675);
    assert.equal(ca["ssd_cla_episodes"]!.length, 5050);
    assert.deepEqual(await contents(store, "902"), ca);
    const q = async (id: number) => (await store.all(`SELECT rule_id, column_name, value, message FROM lantern_dfe_query WHERE snapshot_id = $1`, [id])).map((r) => JSON.stringify(r)).sort();
    assert.deepEqual(await q(b.snapshotId!), await q(a.snapshotId!));
    // The staging tables (in the database file on DuckDB) are gone.
    const left = await store.all(`SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'stg_%'`);
    assert.deepEqual(left, []);
  } finally {
    await cleanup();
  }
});
