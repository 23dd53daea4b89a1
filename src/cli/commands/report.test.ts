import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { capture, smallExport, tempDir, writeExport } from "../../../test/fixtures.ts";
import { main } from "../main.ts";

test("lantern report: usage errors name the missing or bad option and exit 1", async () => {
  const t = tempDir();
  try {
    const o = capture();
    assert.equal(await main(["report", "--period", "2024-04", "--data", t.dir], o), 1);
    assert.match(o.stderr(), /needs --audience, --out FILE \(its extension/);
    const bad = capture();
    assert.equal(await main(["report", "--period", "2024-04", "--audience", "everyone", "--format", "html", "--out", join(t.dir, "r.html"), "--data", t.dir], bad), 1);
    assert.match(bad.stderr(), /--audience everyone is not public or exempt/);
    const fmt = capture();
    assert.equal(await main(["report", "--period", "2024-04", "--audience", "public", "--format", "docx", "--out", join(t.dir, "r.docx"), "--data", t.dir], fmt), 1);
    assert.match(fmt.stderr(), /--format docx is not pdf or html/);
  } finally {
    t.cleanup();
  }
});

test("lantern report writes the HTML for a month the data covers, and refuses a quarter it does not", async () => {
  const t = tempDir();
  try {
    // The small export plus a contact on 1 March, so the data covers March and April 2024 whole.
    // Person ids are made distinctive (P1 is also an activity code in the glossary).
    const files = Object.fromEntries(Object.entries(smallExport()).map(([k, v]) => [k, v.replace(/\bP([123])\b/g, "CHILD00$1")]));
    files["ssd_contacts.csv"] += "\nC4,CHILD003,2024-03-01,5A,";
    assert.equal(await main(["import", writeExport(files), "--authority", "202", "--data", t.dir], capture()), 0);
    const out = join(t.dir, "april.html");
    const o = capture();
    assert.equal(await main(["report", "--period", "2024-04", "--audience", "public", "--format", "html", "--out", out, "--committee", "Scrutiny Panel", "--data", t.dir], o), 0, o.stderr());
    const html = readFileSync(out, "utf8");
    assert.match(html, /<h1>Children's services performance report:<span class="gap"> <\/span><span class="period">April 2024<\/span><\/h1>/);
    assert.match(html, /Scrutiny Panel/);
    assert.match(html, /PUBLIC: small numbers suppressed/);
    // Two contacts in April: a count of 1 to 5, so c in public; no person id anywhere.
    const flowRow = /<tr><th scope="row">Contacts<\/th><td class="num">([^<]*)<\/td>/.exec(html);
    assert.equal(flowRow?.[1], "c");
    assert.doesNotMatch(html, /CHILD00/);
    const ex = capture();
    assert.equal(await main(["report", "--period", "2024-04", "--audience", "exempt", "--format", "html", "--out", out, "--data", t.dir], ex), 0, ex.stderr());
    assert.equal(/<tr><th scope="row">Contacts<\/th><td class="num">([^<]*)<\/td>/.exec(readFileSync(out, "utf8"))?.[1], "2");
    // Each report made is audited as an export: the public one, then the exempt one.
    const aud = capture();
    assert.equal(await main(["audit", "--action", "export.report", "--json", "--data", t.dir], aud), 0, aud.stderr());
    const { entries } = JSON.parse(aud.stdout()) as { entries: { action: string; actor: string; detail: { audience: string; period: string; via: string; committee: string } }[] };
    // Each with its committee, so the committee's next paper compares with it.
    assert.deepEqual(entries.map((e) => e.detail.committee).sort(), ["Children's Services Scrutiny Committee", "Scrutiny Panel"]);
    // --since names the snapshot to compare with: one that is not another of the authority's is refused.
    const since = capture();
    assert.equal(await main(["report", "--period", "2024-04", "--audience", "exempt", "--out", out, "--since", "1", "--data", t.dir], since), 1);
    assert.match(since.stderr(), /--since 1 is the snapshot the report is built from: there is nothing to compare it with/);
    const help = capture();
    assert.equal(await main(["report", "--help"], help), 0);
    assert.match(help.stdout(), /--since SNAPSHOT {4}compare with this snapshot/);
    const { commandLineUser } = await import("../../core/actor.ts");
    assert.deepEqual([...new Set(entries.map((e) => e.actor))], [commandLineUser()], "the report's author is recorded as every other command records its user, so audit --user finds them");
    assert.deepEqual(
      entries.map((e) => [e.detail.period, e.detail.audience, e.detail.via]).sort(),
      [
        ["2024-04", "exempt", "cli"],
        ["2024-04", "public", "cli"],
      ],
    );
    const q = capture();
    assert.equal(await main(["report", "--period", "2024-25-Q1", "--audience", "exempt", "--format", "html", "--out", out, "--data", t.dir], q), 1);
    assert.match(q.stderr(), /does not include all of Q1 2024-25/);
    // Before the data starts too, and the same for the digest and the returns: never a report of
    // blanks, an all-clear or an empty return for a period the data does not cover.
    for (const args of [
      ["report", "--period", "2024-02", "--audience", "exempt", "--format", "html", "--out", out],
      ["digest", "--period", "2024-02"],
      ["digest", "--period", "2030-01"],
      ["export", "--format", "ssda903", "--period", "2030-31", "--out", join(t.dir, "903")],
    ]) {
      const e = capture();
      assert.equal(await main([...args, "--data", t.dir], e), 1, args.join(" "));
      assert.match(e.stderr(), /covers 2024-03-01 to 2024-04-30, which does not include all of/, args.join(" "));
    }
    const cal = capture();
    assert.equal(await main(["report", "--calendar", "--today", "2024-06-15", "--json", "--data", t.dir], cal), 0);
    const c = JSON.parse(cal.stdout()) as { authority: string; reports: { period: string; due: string; status: string; missingTables: string[] }[] }[];
    const q1 = c[0]!.reports.find((r) => r.period === "2024-25-Q1")!;
    assert.equal(q1.due, "2024-08-11");
    assert.equal(q1.status, "waiting for data");
    assert.ok(q1.missingTables.includes("cla_episodes"));
  } finally {
    t.cleanup();
  }
});

test("lantern report refuses an --out it cannot write before building anything, and a failed write is LANTERN_WRITE_FAILED", async () => {
  const t = tempDir();
  try {
    const files = smallExport();
    files["ssd_contacts.csv"] += "\nC4,P3,2024-03-01,5A,";
    assert.equal(await main(["import", writeExport(files), "--authority", "202", "--data", t.dir], capture()), 0);
    const report = (out: string, format = "html") => ["report", "--period", "2024-04", "--audience", "public", "--format", format, "--out", out, "--data", t.dir];
    const cases: [string[], RegExp][] = [
      [report(join(t.dir, "no-such", "dir", "x.html")), /^error LANTERN_BAD_OPTION: --out .*x\.html: the folder .*no-such\/dir does not exist\.\nWhat to do: Create it first/],
      // PDF too, refused before Chromium is started.
      [report(join(t.dir, "no-such", "x.pdf"), "pdf"), /^error LANTERN_BAD_OPTION: --out .*x\.pdf: the folder .*no-such does not exist\./],
      [report(t.dir, "pdf"), /^error LANTERN_BAD_OPTION: --out .* is a folder, and this is written to a file\.\nWhat to do: Name a file in it, for example --out .*report\.pdf/],
      // A period written as people write it is named as Lantern writes it.
      [["report", "--period", "Q1 2024-25", "--audience", "public", "--out", join(t.dir, "x.html"), "--data", t.dir], /^error LANTERN_BAD_OPTION: --period Q1 2024-25 is not a period: Lantern writes that period 2024-25-Q1\./],
    ];
    for (const [args, why] of cases) {
      const o = capture();
      assert.equal(await main(args, o), 1, args.join(" "));
      assert.match(o.stderr(), why);
      assert.doesNotMatch(o.stderr(), /LANTERN_INTERNAL|\n\s+at /);
    }
    if (existsSync("/dev/full")) {
      const full = capture();
      assert.equal(await main(report("/dev/full"), full), 3);
      assert.match(full.stderr(), /^error LANTERN_WRITE_FAILED: Could not write --out \/dev\/full: the disk is full \(ENOSPC\)/);
    }
    // None of these made a report, so none is in the audit log.
    const aud = capture();
    assert.equal(await main(["audit", "--action", "export.report", "--json", "--data", t.dir], aud), 0);
    assert.equal((JSON.parse(aud.stdout()) as { total: number }).total, 0);
  } finally {
    t.cleanup();
  }
});

test("lantern report: a --format that disagrees with the --out extension is refused before any work; without --format the extension decides", async () => {
  const t = tempDir();
  try {
    // No store in this folder: each refusal comes before the store is opened, so it is not LANTERN_STORE_MISSING.
    const empty = join(t.dir, "nothing-here");
    const report = (...args: string[]) => ["report", "--period", "2024-04", "--audience", "public", ...args, "--data", empty];
    const cases: [string[], RegExp][] = [
      [report("--format", "html", "--out", join(t.dir, "x.pdf")), /^error LANTERN_BAD_OPTION: --format html does not match --out .*x\.pdf: a file ending \.pdf is a PDF, and this would write HTML into it\.\nWhat to do: Name the file \.html \(for example --out .*x\.html\), or use --format pdf, or leave --format out/],
      [report("--format", "pdf", "--out", join(t.dir, "x.htm")), /^error LANTERN_BAD_OPTION: --format pdf does not match --out .*x\.htm: a file ending \.htm is HTML, and this would write a PDF into it\./],
      [report("--format", "pdf", "--out", join(t.dir, "X.HTML")), /--format pdf does not match --out .*X\.HTML: a file ending \.HTML is HTML/],
      [report("--out", join(t.dir, "x.docx")), /^error LANTERN_USAGE: lantern report needs --format: --out .*x\.docx ends \.docx, which is not a report format\.\nWhat to do: Give --format pdf or --format html, or name the file \.pdf, \.html or \.htm\./],
      [report("--out", join(t.dir, "report")), /lantern report needs --format: --out .*report has no extension to take it from\./],
      [report(), /lantern report needs --out FILE \(its extension, \.pdf or \.html, gives the format\)\./],
    ];
    for (const [args, why] of cases) {
      const o = capture();
      assert.equal(await main(args, o), 1, args.join(" "));
      assert.match(o.stderr(), why, args.join(" "));
    }
    assert.equal(existsSync(empty), false);
    assert.deepEqual(readdirSync(t.dir), [], "nothing was written");

    // With a store: --out q.htm alone writes the HTML report, and --json says the format it chose.
    const files = smallExport();
    files["ssd_contacts.csv"] += "\nC4,P3,2024-03-01,5A,";
    assert.equal(await main(["import", writeExport(files), "--authority", "202", "--data", t.dir], capture()), 0);
    const out = join(t.dir, "april.htm");
    const o = capture();
    assert.equal(await main(["report", "--period", "2024-04", "--audience", "exempt", "--out", out, "--json", "--data", t.dir], o), 0, o.stderr());
    assert.equal((JSON.parse(o.stdout()) as { format: string }).format, "html");
    assert.match(readFileSync(out, "utf8"), /^<!DOCTYPE html>/);
  } finally {
    t.cleanup();
  }
});

test("lantern report --calendar refuses a --today that is no real date, naming the option and the form", async () => {
  const t = tempDir();
  try {
    for (const day of ["2025-02-30", "2025-13-01", "2025-2-1", "today"]) {
      const o = capture();
      assert.equal(await main(["report", "--calendar", "--today", day, "--data", t.dir], o), 1, day);
      assert.match(o.stderr(), new RegExp(`^error LANTERN_BAD_OPTION: --today ${day} is not a date; write a real date as YYYY-MM-DD`), day);
      assert.doesNotMatch(o.stderr(), /LANTERN_INTERNAL/);
    }
  } finally {
    t.cleanup();
  }
});
