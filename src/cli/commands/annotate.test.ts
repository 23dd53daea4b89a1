import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { capture, smallExport, tempDir, writeExport } from "../../../test/fixtures.ts";
import { main } from "../main.ts";

const t = tempDir();
before(async () => {
  assert.equal(await main(["import", writeExport(smallExport()), "--authority", "202", "--data", t.dir], capture()), 0);
});
after(() => t.cleanup());

async function run(...args: string[]) {
  const o = capture();
  const code = await main([...args, "--data", t.dir], o);
  return { code, out: o.stdout(), err: o.stderr() };
}

const NOTE = ["--date", "2024-04-01", "--kind", "note", "--note", "New front door system"];

test("annotate and annotations refuse an authority never loaded, as other commands do, and annotate saves nothing", async () => {
  const r = await run("annotate", "--authority", "ZZZ", "--indicator", "referrals", ...NOTE);
  assert.equal(r.code, 1, r.err);
  assert.match(r.err, /LANTERN_BAD_OPTION: No data has been loaded for authority ZZZ\.\nWhat to do: Run `lantern snapshots`/);
  const same = await run("indicators", "--authority", "ZZZ");
  assert.equal(same.err, r.err);
  // Listing a mistyped authority's notes is refused the same way, not answered with an empty list.
  const listed = await run("annotations", "--authority", "ZZZ");
  assert.deepEqual([listed.code, listed.err], [1, r.err]);
  const json = await run("annotations", "--authority", "ZZZ", "--json");
  assert.equal(json.code, 1);
  assert.equal(JSON.parse(json.out).error.code, "LANTERN_BAD_OPTION");
  const history = await run("annotations", "--authority", "ZZZ", "--history", "1");
  assert.deepEqual([history.code, history.err], [1, r.err]);
});

test("annotate refuses --indicator with --area, and --delete without --id or with changes", async () => {
  const cases: [string[], RegExp][] = [
    [["--indicator", "referrals", "--area", "front_door", ...NOTE], /LANTERN_USAGE: Give --indicator or --area, not both/],
    [["--delete"], /LANTERN_USAGE: --delete needs --id N/],
    [["--id", "1", "--delete", "--note", "changed"], /LANTERN_USAGE: --delete cannot be given with --note/],
  ];
  for (const [args, re] of cases) {
    const r = await run("annotate", "--authority", "202", ...args);
    assert.equal(r.code, 1, `${args.join(" ")}: ${r.err}`);
    assert.match(r.err, re);
  }
  assert.equal((await run("annotations", "--authority", "202", "--json")).out, "[]\n");
});

test("deleting twice changes nothing the second time; --history says which version deleted, edited or restored it", async () => {
  const made = await run("annotate", "--authority", "202", "--indicator", "referrals", ...NOTE, "--json");
  assert.equal(made.code, 0, made.err);
  const id = String(JSON.parse(made.out).id);
  assert.equal((await run("annotate", "--authority", "202", "--id", id, "--delete")).out, `Deleted annotation ${id} (version 2).\n`);
  const again = await run("annotate", "--authority", "202", "--id", id, "--delete");
  assert.equal(again.code, 0, again.err);
  assert.match(again.out, new RegExp(`^Annotation ${id} was already deleted \\(version 2, by .+\\); nothing was changed\\.\\n$`));
  const h = await run("annotations", "--authority", "202", "--history", id, "--json");
  assert.deepEqual(
    JSON.parse(h.out).map((v: { version: number; deleted: boolean }) => [v.version, v.deleted]),
    [
      [1, false],
      [2, true],
    ],
  );
  // A new --area replaces the indicator rather than adding to it, and brings the note back.
  const back = await run("annotate", "--authority", "202", "--id", id, "--area", "front_door");
  assert.equal(back.out, `Saved annotation ${id} (version 3); it had been deleted and is shown again.\n`);
  assert.equal((await run("annotate", "--authority", "202", "--id", id, "--note", "Went live in April")).code, 0);
  const table = (await run("annotations", "--authority", "202", "--history", id)).out;
  assert.match(table, /^id +version +change +date/);
  assert.deepEqual(
    table
      .trim()
      .split("\n")
      .slice(2)
      .map((l) => l.trim().split(/\s+/).slice(1, 3)),
    [
      ["1", "created"],
      ["2", "deleted"],
      ["3", "restored"],
      ["4", "edited"],
    ],
  );
  const [now] = JSON.parse((await run("annotations", "--authority", "202", "--json")).out);
  assert.deepEqual([now.indicator, now.area, now.note], [null, "front_door", "Went live in April"]);
  const other = await run("annotations", "--authority", "203", "--history", id);
  assert.equal(other.code, 1);
  assert.match(other.err, /No data has been loaded for authority 203\./, "203 is not loaded here: its notes are not listed as an empty history");
  const missing = await run("annotations", "--authority", "202", "--history", "9999");
  assert.equal(missing.code, 1);
  assert.match(missing.err, /202 has no annotation 9999/);
});

test("--authority may be left out when data for only one authority is loaded; with two, the user is told which are loaded", async () => {
  const made = await run("annotate", "--indicator", "contacts", ...NOTE, "--json");
  assert.equal(made.code, 0, made.err);
  assert.equal(JSON.parse(made.out).authority, "202");
  const listed = await run("annotations", "--json");
  assert.equal(listed.code, 0, listed.err);
  assert.ok(JSON.parse(listed.out).some((a: { id: number }) => a.id === JSON.parse(made.out).id));
  const two = tempDir();
  try {
    for (const la of ["202", "203"]) assert.equal(await main(["import", writeExport(smallExport()), "--authority", la, "--data", two.dir], capture()), 0);
    const o = capture();
    assert.equal(await main(["annotations", "--data", two.dir], o), 1);
    assert.match(o.stderr(), /LANTERN_USAGE: Say which authority with --authority CODE: data is loaded for 202, 203\./);
  } finally {
    two.cleanup();
  }
});
