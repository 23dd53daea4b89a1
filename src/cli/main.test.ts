import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { test } from "node:test";
import { openStore, storeConfig } from "../store/open.ts";
import { capture, smallExport, tempDir, tempStore, writeExport } from "../../test/fixtures.ts";
import { COMMANDS, main } from "./main.ts";

async function reopen(dir: string) {
  const store = await openStore(storeConfig(dir, {}));
  return { store, cleanup: () => store.close() };
}

test("every command has --help with a worked example, and the top-level help lists them", async () => {
  const top = capture();
  assert.equal(await main(["--help"], top), 0);
  for (const name of Object.keys(COMMANDS)) {
    assert.match(top.stdout(), new RegExp(`\\b${name}\\b`));
    const o = capture();
    assert.equal(await main([name, "--help"], o), 0);
    assert.match(o.stdout(), new RegExp(`^lantern ${name}`));
    assert.match(o.stdout(), /Examples?:\n\s+lantern /);
  }
  // The export formats the issue names, in the usage line and under --format.
  const ex = capture();
  await main(["export", "--help"], ex);
  assert.match(ex.stdout(), /^lantern export --format ssd\|annex-a\|ssda903\|cin-census /);
  assert.match(ex.stdout(), /--format F\s+ssd, annex-a, ssda903 or cin-census/);
});

test("every command's help documents --json, and --data when it uses the store", async () => {
  // generate, spc and validate read and write files only; serve's output is the web application.
  const noStore = new Set(["generate", "spc", "validate"]);
  for (const name of Object.keys(COMMANDS)) {
    const o = capture();
    assert.equal(await main([name, "--help"], o), 0);
    if (!noStore.has(name)) assert.match(o.stdout(), /--data DIR/, `${name} --help documents --data`);
    if (name !== "serve") assert.match(o.stdout(), /--json/, `${name} --help documents --json`);
  }
});

test("lantern help COMMAND shows that command's help; a mistyped one is refused, not answered with the command list", async () => {
  const o = capture();
  assert.equal(await main(["help", "import"], o), 0);
  assert.match(o.stdout(), /^lantern import /);
  const typo = capture();
  assert.equal(await main(["help", "imprt"], typo), 1);
  assert.equal(typo.stdout(), "");
  assert.match(typo.stderr(), /^error LANTERN_UNKNOWN_COMMAND: There is no command "imprt"\..*\nWhat to do: Run `lantern --help` to list the commands\.\n$/s);
  const json = capture();
  assert.equal(await main(["help", "imprt", "--json"], json), 1);
  assert.equal(JSON.parse(json.stdout()).error.code, "LANTERN_UNKNOWN_COMMAND");
  // Names every object has are not commands either.
  for (const argv of [["toString"], ["constructor"], ["help", "__proto__"], ["help", "hasOwnProperty"]]) {
    const o = capture();
    assert.equal(await main(argv, o), 1, argv.join(" "));
    assert.match(o.stderr(), /^error LANTERN_UNKNOWN_COMMAND: There is no command "/, argv.join(" "));
  }
  const bare = capture();
  assert.equal(await main(["help"], bare), 0);
  assert.match(bare.stdout(), /^Lantern: /);
});

test("lantern help users add shows the users help, as lantern users add --help does; a subcommand users lacks, or a word after one, is refused", async () => {
  const usersHelp = capture();
  assert.equal(await main(["users", "--help"], usersHelp), 0);
  for (const sub of COMMANDS.users!.subcommands!) {
    for (const argv of [["help", "users", sub], ["--help", "users", sub]]) {
      const o = capture();
      assert.equal(await main(argv, o), 0, argv.join(" "));
      assert.equal(o.stdout(), usersHelp.stdout(), argv.join(" "));
    }
    assert.match(usersHelp.stdout(), new RegExp(`lantern users ${sub}\\b`), `the users help shows ${sub}`);
  }
  const bogus = capture();
  assert.equal(await main(["help", "users", "remove"], bogus), 1);
  assert.equal(bogus.stdout(), "");
  assert.match(bogus.stderr(), /^error LANTERN_USAGE: lantern users has no "remove": its subcommands are add, list, role, password, disable, enable\.\nWhat to do: Run `lantern help users` to see them\.\n$/);
  const extra = capture();
  assert.equal(await main(["help", "users", "add", "extra"], extra), 1);
  assert.match(extra.stderr(), /^error LANTERN_USAGE: Unexpected argument "extra": lantern help takes 2 arguments, COMMAND SUBCOMMAND\./);
  // A command without subcommands still takes only its name.
  const plain = capture();
  assert.equal(await main(["help", "import", "add"], plain), 1);
  assert.match(plain.stderr(), /^error LANTERN_USAGE: Unexpected argument "add": lantern help takes one argument, COMMAND\./);
});

test("lantern help and --version refuse a stray argument, naming it, as every command does", async () => {
  for (const argv of [
    ["help", "import", "extra"],
    ["--help", "import", "extra"],
    ["--version", "extra"],
    ["-v", "extra"],
  ]) {
    const o = capture();
    assert.equal(await main(argv, o), 1, argv.join(" "));
    assert.equal(o.stdout(), "", argv.join(" "));
    assert.match(o.stderr(), /^error LANTERN_USAGE: Unexpected argument "extra": lantern \S+ takes .*\nWhat to do: .*Run `lantern --help` to see what it accepts\.\n$/s, argv.join(" "));
  }
  const json = capture();
  assert.equal(await main(["--version", "extra", "--json"], json), 1);
  assert.equal(JSON.parse(json.stdout()).error.code, "LANTERN_USAGE");
  const option = capture();
  assert.equal(await main(["help", "import", "--nonsense"], option), 1);
  assert.match(option.stderr(), /LANTERN_USAGE.*nonsense/s);
  // What they did take still works.
  const version = capture();
  assert.equal(await main(["--version"], version), 0);
  assert.match(version.stdout(), /^lantern \d/);
  const topic = capture();
  assert.equal(await main(["--help", "import"], topic), 0);
  assert.match(topic.stdout(), /^lantern import /);
});

test("usage errors exit 1 and say what to do", async () => {
  const o = capture();
  assert.equal(await main(["frobnicate"], o), 1);
  assert.match(o.stderr(), /LANTERN_UNKNOWN_COMMAND.*\nWhat to do: Run `lantern --help`/s);
  const t = tempDir();
  try {
    const o2 = capture();
    assert.equal(await main(["import", writeExport(smallExport()), "--data", t.dir], o2), 1);
    assert.match(o2.stderr(), /--authority CODE/);
    const o3 = capture();
    assert.equal(await main(["import", "x", "--nonsense", "--data", t.dir], o3), 1);
    assert.match(o3.stderr(), /nonsense/);
    const o4 = capture();
    assert.equal(await main(["generate", "--out", t.dir, "--from", "2024-13"], o4), 1);
    assert.match(o4.stderr(), /YYYY-MM/);
    const o5 = capture();
    assert.equal(await main(["generate", "--out", join(t.dir, "late"), "--population", "500", "--to", "2025-03", "--shock", "2030-01:+30%"], o5), 1);
    assert.match(o5.stderr(), /--shock 2030-01 is after --to 2025-03: the synthetic data ends before it, so it would change nothing\./);
    assert.ok(!existsSync(join(t.dir, "late")), "nothing written");
    // An option left without its value, at the end or before another option, says so in plain words.
    const o6 = capture();
    assert.equal(await main(["import", "x", "--authority"], o6), 1);
    assert.match(o6.stderr(), /LANTERN_USAGE: --authority needs a value after it, such as --authority VALUE\./);
    const o7 = capture();
    assert.equal(await main(["import", "x", "--authority", "--dry-run"], o7), 1);
    assert.match(o7.stderr(), /LANTERN_USAGE: --authority needs a value after it: the next word starts with a dash/);
    assert.doesNotMatch(o7.stderr(), /ambiguous/);
  } finally {
    t.cleanup();
  }
});

test("import: rejected data exits 2 naming file, row and column; --json gives scripts the same", async () => {
  const t = tempDir();
  try {
    const files = smallExport();
    files["ssd_contacts.csv"] += "\nC9,P1,31/02/2024,1A,";
    const dir = writeExport(files);
    const o = capture();
    assert.equal(await main(["import", dir, "--authority", "202", "--data", t.dir], o), 2);
    assert.match(o.stderr(), /SSD_DATE_INVALID at ssd_contacts\.csv, row 5, column cont_contact_date: .*value "31\/02\/2024"; expected a date/);
    assert.match(o.stderr(), /Nothing was loaded/);
    const j = capture();
    assert.equal(await main(["import", dir, "--authority", "202", "--data", t.dir, "--json"], j), 2);
    const parsed = JSON.parse(j.stdout());
    assert.equal(parsed.error.code, "LANTERN_DATA_REJECTED");
    assert.equal(parsed.error.issues[0].row, 5);

    const good = writeExport(smallExport());
    const ok = capture();
    assert.equal(await main(["import", good, "--authority", "202", "--data", t.dir, "--json"], ok), 0);
    assert.equal(JSON.parse(ok.stdout()).authorities[0].snapshotId, 1);
    const again = capture();
    assert.equal(await main(["import", good, "--authority", "202", "--data", t.dir], again), 0);
    assert.match(again.stdout(), /identical to snapshot 1 .*nothing was added\. Use --force/);
    const list = capture();
    assert.equal(await main(["snapshots", "--data", t.dir, "--json"], list), 0);
    assert.equal(JSON.parse(list.stdout()).snapshots.length, 1);
    // A mistyped authority is said to be one, not "no data has been loaded yet".
    const typo = capture();
    assert.equal(await main(["snapshots", "--authority", "ZZZ", "--data", t.dir], typo), 1);
    assert.match(typo.stderr(), /No data has been loaded for authority ZZZ: data is loaded for 202\./);
  } finally {
    t.cleanup();
  }
});

test("output read by a pipe that closes early (| head) ends quietly with success, not an EPIPE stack trace", async () => {
  const bin = fileURLToPath(new URL("../../bin/lantern.mjs", import.meta.url));
  const child = spawn(process.execPath, [bin, "indicators", "--list"], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  // Read the first chunk, then close the pipe as `head` does.
  await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
  child.stdout.destroy();
  const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
  assert.doesNotMatch(stderr, /EPIPE|Error/);
  assert.equal(code, 0);
});

test("a second process is told the store is in use (exit 3)", async () => {
  const { dataDir, cleanup } = await tempStore();
  try {
    const bin = fileURLToPath(new URL("../../bin/lantern.mjs", import.meta.url));
    const run = promisify(execFile);
    const r = await run(process.execPath, [bin, "snapshots", "--data", dataDir]).then(
      () => assert.fail("expected a refusal"),
      (e: { code: number; stderr: string }) => e,
    );
    assert.equal(r.code, 3);
    assert.match(r.stderr, /LANTERN_STORE_LOCKED: .*in use by another Lantern process/);
  } finally {
    await cleanup();
  }
});

test("import computes; indicators prints values and --json the contract shape; records is audited", async () => {
  const t = tempDir();
  try {
    const files = smallExport();
    files["ssd_contacts.csv"] = "cont_contact_id,cont_person_id,cont_contact_date\nC1,P1,2024-04-01\nC2,P2,2024-05-28";
    const dir = writeExport(files);
    assert.equal(await main(["import", dir, "--authority", "202", "--data", t.dir], capture()), 0);
    const j = capture();
    assert.equal(await main(["indicators", "--indicator", "referrals", "--indicator", "rereferral_pct", "--period", "2024-04", "--period", "2024-25", "--data", t.dir, "--json"], j), 0);
    const vals = JSON.parse(j.stdout()) as Record<string, unknown>[];
    assert.deepEqual(
      vals.map((v) => [v["indicator"], v["period"], v["value"], v["reason"]]),
      [
        ["referrals", "2024-04", 2, undefined],
        ["referrals", "2024-25", null, "the data (snapshot 1) covers 2024-04-01 to 2024-05-31, which does not include all of this period."],
        [
          "rereferral_pct",
          "2024-04",
          null,
          "cannot be computed for this period: it looks back 12 months for previous referrals, and the data loaded for 202 holds them (ssd_cin_episodes) from 2024-04-01 only, so its figures start with the periods that begin on or after 2025-04-01",
        ],
        ["rereferral_pct", "2024-25", null, "the data (snapshot 1) covers 2024-04-01 to 2024-05-31, which does not include all of this period."],
      ],
      "2024-25 is not complete in data that ends in May 2024: null with the reason, never left out",
    );
    // A kind of period the indicator has no figures for, and an aggregate figure never loaded:
    // null with the reason in --json, as in the table.
    const gaps = capture();
    assert.equal(await main(["indicators", "--indicator", "referrals", "--indicator", "sw_caseload", "--period", "2024", "--period", "2024-04", "--data", t.dir, "--json"], gaps), 0);
    assert.deepEqual(
      (JSON.parse(gaps.stdout()) as Record<string, unknown>[]).map((v) => [v["indicator"], v["period"], v["value"], String(v["reason"]).slice(0, 50)]),
      [
        ["referrals", "2024", null, "2024 is a calendar year, and referrals has no figu"],
        ["referrals", "2024-04", 2, "undefined"],
        ["sw_caseload", "2024", null, "no figure has been loaded for this period: this is"],
        ["sw_caseload", "2024-04", null, "no figure has been loaded for this period: this is"],
      ],
    );
    for (const k of ["indicator", "authority", "period", "value", "numerator", "denominator", "unit"]) assert.ok(k in vals[0]!, k);
    const text = capture();
    assert.equal(await main(["indicators", "--indicator", "assess_45wd_pct", "--period", "2024-04", "--data", t.dir], text), 0);
    const rep = capture();
    assert.equal(await main(["import", dir, "--authority", "202", "--replace", "--data", t.dir], rep), 1);
    assert.match(rep.stderr(), /--replace is for measures\.csv files only/);
    assert.match(text.stdout(), /assess_45wd_pct\s+2024-04\s+– \[1\]/);
    assert.match(text.stdout(), /\n\[1\] no records in the denominator for this period\n$/, "the reason is a note under the table");
    const rec = capture();
    assert.equal(await main(["records", "--indicator", "referrals", "--period", "2024-04", "--data", t.dir, "--json"], rec), 0);
    assert.deepEqual(
      (JSON.parse(rec.stdout()) as Record<string, unknown>[]).map((r) => r["record_id"]),
      ["R1", "R2"],
    );
    const { store, cleanup } = await reopen(t.dir);
    try {
      const a = await store.all(`SELECT action, la_code FROM lantern_audit ORDER BY audit_id`);
      assert.deepEqual(
        a.map((r) => [r["action"], r["la_code"]]),
        [
          ["data.load", "202"],
          ["records.view", "202"],
        ],
        "the audit names whose children were listed, though --authority was not given",
      );
    } finally {
      await cleanup();
    }
    writeFileSync(join(t.dir, "targets.csv"), "indicator,year,target,tolerance,polarity\nreferrals,2024-25,36,1,lower\nrereferral_pct,2024-25,10,5,\n");
    const judged = capture();
    assert.equal(await main(["indicators", "--indicator", "referrals", "--indicator", "rereferral_pct", "--period", "2024-04", "--data", t.dir, "--json"], judged), 0);
    const [refs, rr] = JSON.parse(judged.stdout());
    assert.deepEqual([refs.value, refs.target, refs.rag, refs.vs_previous], [2, 3, "green", null], "2 referrals in April 2024 meets a month's share of 36 a year, lower better; March is before the data");
    assert.deepEqual([rr.value, rr.target, rr.rag], [null, 10, null], "re-referrals have no value before a year of referrals is held, so no RAG");
    const badTargets = capture();
    writeFileSync(join(t.dir, "targets.csv"), "indicator,year,target,tolerance\nreferrals,2024-25,lots,1\n");
    assert.equal(await main(["indicators", "--data", t.dir], badTargets), 2);
    assert.match(badTargets.stderr(), /targets\.csv, row 2, column target/);
    const list = capture();
    assert.equal(await main(["indicators", "--list", "--data", t.dir], list), 0);
    assert.match(list.stdout(), /assess_45wd_pct — Assessments completed within 45 working days/);
    const bad = capture();
    assert.equal(await main(["indicators", "--period", "2024-Q9", "--data", t.dir], bad), 1);
    assert.match(bad.stderr(), /not a period/);
  } finally {
    t.cleanup();
  }
});

test("a command that reads names a --data folder holding no store, and makes nothing there", async () => {
  const t = tempDir();
  try {
    const missing = join(t.dir, "typo");
    // benchmarks of a synthetic authority reads its stored value; migrate-store reads the store it
    // copies (an empty one made here would be "copied" into PostgreSQL and proved identical).
    const readers = [
      ["indicators"],
      ["snapshots"],
      ["audit", "--verify"],
      ["digest"],
      ["backup", "--out", join(t.dir, "b.gz")],
      ["benchmarks", "--authority", "X001", "--indicator", "assess_45wd_pct"],
      ["migrate-store", "--to", "postgres://lantern@127.0.0.1:1/lantern"],
    ];
    for (const args of readers) {
      const o = capture();
      assert.equal(await main([...args, "--data", missing], o), 1, args.join(" "));
      assert.match(o.stderr(), new RegExp(`LANTERN_STORE_MISSING: There is no Lantern store in ${missing.replaceAll("/", "\\/")}`), args.join(" "));
      assert.match(o.stderr(), /lantern demo --data DIR/);
    }
    assert.equal(existsSync(missing), false);
  } finally {
    t.cleanup();
  }
});

test("an option given an empty or blank value is refused by name, for every command, before anything is opened", async () => {
  const t = tempDir();
  try {
    const missing = join(t.dir, "no-store");
    const cases: [string[], string][] = [
      [["indicators", "--snapshot", ""], "snapshot"],
      [["indicators", "--by="], "by"],
      [["indicators", "--indicator", ""], "indicator"],
      [["records", "--indicator", " ", "--period", "2024-25"], "indicator"],
      [["report", "--period", "2024-04", "--audience", "public", "--out", join(t.dir, "r.html"), "--snapshot", ""], "snapshot"],
      [["digest", "--period", "  "], "period"],
      [["compute", "--indicator", "referrals", "--indicator", ""], "indicator"],
      [["audit", "--user", ""], "user"],
      [["snapshots", "--authority", "\t"], "authority"],
      [["generate", "--out", ""], "out"],
      [["import", "x", "--authority", ""], "authority"],
    ];
    for (const [args, option] of cases) {
      const o = capture();
      assert.equal(await main([...args, "--data", missing], o), 1, args.join(" "));
      assert.match(o.stderr(), new RegExp(`^error LANTERN_BAD_OPTION: --${option} needs a value: it was given ".*", which is empty\\.\\nWhat to do: Give --${option} a value, or leave the option out\\. Run \`lantern ${args[0]} --help\``), args.join(" "));
    }
    // --data itself: an empty folder name is not read as "the default folder".
    const d = capture();
    assert.equal(await main(["snapshots", "--data", ""], d), 1);
    assert.match(d.stderr(), /--data needs a value/);
    // A blank argument (a script's variable not set) is refused too, not looked for as a file named "".
    for (const args of [["import", ""], ["validate", "x", " "], ["import", "", "--authority", "202"]]) {
      const o = capture();
      assert.equal(await main([...args, "--data", missing], o), 1, args.join(" "));
      assert.match(o.stderr(), /^error LANTERN_USAGE: Argument \d is empty \(".*"\): it names no file, folder or value\.\nWhat to do: If a script passed it, check the variable it came from is set\./);
    }
    assert.equal(existsSync(missing), false, "no store was made");
  } finally {
    t.cleanup();
  }
});

test("every command refuses an argument it does not take, naming it, before anything is opened; commands that take arguments still do", async () => {
  const t = tempDir();
  try {
    const missing = join(t.dir, "no-store");
    // import and validate take any number of paths: a stray word there is a path, checked as one.
    const takesPaths = new Set(["import", "validate"]);
    const cases: [string[], string, string][] = [
      // Once ignored: `users list` ran and listed the users.
      [["users", "list", "extra"], `"extra"`, "lantern users list takes no arguments, only options"],
      [["users", "add", "bob", "extra", "more", "--role", "admin"], `"extra", "more"`, "lantern users add takes one argument, USERNAME"],
      [["users", "disable", "bob", "carol"], `"carol"`, "lantern users disable takes one argument, USERNAME"],
      [["restore", "a.backup.gz", "b.backup.gz", "--check"], `"b.backup.gz"`, "lantern restore takes one argument, FILE"],
      // An option's value with a space, not quoted: the second word is named.
      [["annotate", "--authority", "202", "--note", "Recording", "change"], `"change"`, "lantern annotate takes no arguments, only options"],
      ...Object.keys(COMMANDS)
        .filter((name) => !takesPaths.has(name) && name !== "restore" && name !== "users")
        .map((name): [string[], string, string] => [[name, "stray"], `"stray"`, `lantern ${name} takes no arguments, only options`]),
    ];
    for (const [args, named, takes] of cases) {
      const o = capture();
      assert.equal(await main([...args, "--data", missing], o), 1, args.join(" "));
      const s = named.includes(",") ? "s" : "";
      assert.equal(o.stderr().split("\n")[0], `error LANTERN_USAGE: Unexpected argument${s} ${named}: ${takes}.`, args.join(" "));
      assert.match(o.stderr(), new RegExp(`\nWhat to do: Leave (it|them) out; .* Run \`lantern ${args[0]} --help\` to see what it accepts\\.\n$`), args.join(" "));
      const json = capture();
      assert.equal(await main([...args, "--data", missing, "--json"], json), 1, args.join(" "));
      assert.equal((JSON.parse(json.stdout()) as { error: { code: string } }).error.code, "LANTERN_USAGE");
    }
    assert.equal(existsSync(missing), false, "no store was made");
    // Those that take arguments still read them: the paths are looked for, the backup file opened.
    const imp = capture();
    assert.equal(await main(["import", join(t.dir, "a"), join(t.dir, "b"), "--authority", "202", "--data", join(t.dir, "import-store")], imp), 1);
    assert.match(imp.stderr(), /LANTERN_FILE_NOT_FOUND/);
    const val = capture();
    assert.equal(await main(["validate", join(t.dir, "a"), join(t.dir, "b")], val), 1);
    assert.match(val.stderr(), /LANTERN_FILE_NOT_FOUND/);
    const res = capture();
    assert.equal(await main(["restore", join(t.dir, "a.backup.gz"), "--check"], res), 1);
    assert.match(res.stderr(), /^error LANTERN_FILE_NOT_FOUND: There is no backup file /);
    const users = capture();
    assert.equal(await main(["users", "list", "--data", missing], users), 1);
    assert.match(users.stderr(), /LANTERN_STORE_MISSING/);
  } finally {
    t.cleanup();
  }
});

test("every command that reads loaded data fails the same way on a store with nothing loaded: LANTERN_NO_DATA, exit 3, saying to import first", async () => {
  const t = tempDir();
  try {
    await (await openStore(storeConfig(t.dir, {}))).close();
    const out = (name: string) => join(t.dir, name);
    // Before: indicators and digest said so on stdout with exit 0 (digest even with --json),
    // compute and revisions exit 0, records, report, export and annotate exit 1, forecast exit 3.
    const readers: [string[], string][] = [
      [["indicators"], "so there are no figures to show"],
      [["indicators", "--authority", "202", "--period", "2024-25"], "so there are no figures to show"],
      [["records", "--indicator", "referrals", "--period", "2024-25"], "so there are no records to list"],
      [["digest"], "so there is nothing to digest"],
      [["forecast"], "so there is nothing to forecast"],
      [["report", "--period", "2024-25", "--audience", "public", "--out", out("r.html")], "so there is nothing to report"],
      [["export", "--format", "ssd", "--out", out("copy")], "so there is nothing to export"],
      [["export", "--format", "annex-a", "--period", "2024-25", "--authority", "202", "--out", out("annex-a.xlsx")], "so there is nothing to export"],
      [["revisions"], "so there are no loads to compare"],
      [["annotate", "--indicator", "referrals", "--date", "2024-04-01", "--note", "x"], "so there is no authority to note"],
      [["annotations", "--authority", "202"], "so there are no notes to list"],
      [["compute"], "so there is nothing to compute"],
    ];
    for (const [args, consequence] of readers) {
      const o = capture();
      assert.equal(await main([...args, "--data", t.dir], o), 3, args.join(" "));
      assert.equal(o.stdout(), "", args.join(" "));
      assert.equal(
        o.stderr(),
        `error LANTERN_NO_DATA: No data has been loaded yet, ${consequence}.\nWhat to do: Load data first with \`lantern import PATH --authority CODE\` (or \`lantern demo\` for a made-up authority), then run \`lantern ${args[0]}\` again.\n`,
        args.join(" "),
      );
      const json = capture();
      assert.equal(await main([...args, "--data", t.dir, "--json"], json), 3, args.join(" "));
      assert.equal((JSON.parse(json.stdout()) as { error: { code: string } }).error.code, "LANTERN_NO_DATA", args.join(" "));
    }
    for (const name of ["r.html", "copy", "annex-a.xlsx"]) assert.equal(existsSync(out(name)), false, `nothing was written: ${name}`);
    // Listings show an empty store as empty, and --list needs no data.
    for (const args of [["snapshots"], ["audit"], ["users", "list"], ["report", "--calendar", "--today", "2025-05-01"], ["indicators", "--list"]]) {
      const o = capture();
      assert.equal(await main([...args, "--data", t.dir, "--json"], o), 0, args.join(" "));
      JSON.parse(o.stdout());
    }
    // The top-level help documents it.
    const help = capture();
    await main(["--help"], help);
    assert.match(help.stdout(), /run before anything is loaded fails with\nLANTERN_NO_DATA, exit 3/);
  } finally {
    t.cleanup();
  }
});

test("every date option refuses a day that does not exist, naming the option and the form YYYY-MM-DD", async () => {
  const t = tempDir();
  try {
    const missing = join(t.dir, "no-store");
    for (const [args, option] of [
      [["report", "--calendar", "--today", "2025-02-30"], "today"],
      [["audit", "--from", "2025-13-01"], "from"],
      [["audit", "--to", "2025-04-31"], "to"],
      [["annotate", "--authority", "202", "--indicator", "referrals", "--date", "2025-02-30", "--note", "x"], "date"],
    ] as [string[], string][]) {
      const o = capture();
      assert.equal(await main([...args, "--data", missing], o), 1, args.join(" "));
      assert.match(o.stderr(), new RegExp(`^error LANTERN_BAD_OPTION: --${option} \\S+ is not a date; write a real date as YYYY-MM-DD`), args.join(" "));
    }
  } finally {
    t.cleanup();
  }
});

test("a bank holidays file Lantern cannot read: import refuses before loading, compute names the file and row (exit 2); a UK-dated one is used", async () => {
  const t = tempDir();
  try {
    const dir = writeExport(smallExport());
    writeFileSync(join(t.dir, "bank-holidays.csv"), "date,name\n07/06/2027,Extra\nJune 8th,Another\n");
    const o = capture();
    assert.equal(await main(["import", dir, "--authority", "202", "--data", t.dir], o), 2);
    assert.match(o.stderr(), /bank-holidays\.csv has a line whose date Lantern cannot read/);
    assert.match(o.stderr(), /at bank-holidays\.csv, row 3, column date: "June 8th"/);
    assert.match(o.stderr(), /What to do: Correct bank-holidays\.csv/);
    // Nothing was loaded: the same files load once the file is put right.
    assert.equal(await main(["import", dir, "--authority", "202", "--data", t.dir, "--no-compute"], capture()), 0);
    const c = capture();
    assert.equal(await main(["compute", "--data", t.dir], c), 2);
    assert.match(c.stderr(), /row 3, column date/);
    writeFileSync(join(t.dir, "bank-holidays.csv"), "date,name\n07/06/2027,Extra\n");
    assert.equal(await main(["compute", "--data", t.dir], capture()), 0);
    const { store, cleanup } = await reopen(t.dir);
    try {
      const rows = await store.all<{ d: string; wd: number }>(`SELECT CAST(d AS VARCHAR) AS d, wd FROM lantern_calendar WHERE d IN (DATE '2027-06-04', DATE '2027-06-08') ORDER BY d`);
      assert.equal(Number(rows[1]!.wd) - Number(rows[0]!.wd), 1, "Monday 7 June 2027 is a holiday: Friday to Tuesday is 1 working day");
      assert.equal(Number((await store.all<{ n: number }>(`SELECT count(*) AS n FROM lantern_snapshot`))[0]!.n), 1);
    } finally {
      await cleanup();
    }
  } finally {
    t.cleanup();
  }
});
