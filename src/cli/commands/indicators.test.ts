// `lantern indicators`: the JSON definitions list every breakdown `--by` accepts (as the text list
// does), and a period of a kind the selected indicators have no figures for is explained as that,
// not as a gap in the data; --by shows only the indicators with that breakdown (or says why a
// named one has none), and a period asked for twice is answered once.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { capture, smallExport, tempDir, writeExport } from "../../../test/fixtures.ts";
import { generateToDirectory } from "../../generate/index.ts";
import { breakdownsOf } from "../../kpi/engine.ts";
import { indicatorLibrary } from "../../kpi/library/index.ts";
import { main } from "../main.ts";

test("indicators --list --json gives each indicator's breakdowns as the engine has them, person dimensions included", async () => {
  const o = capture();
  assert.equal(await main(["indicators", "--list", "--json"], o), 0);
  const defs = JSON.parse(o.stdout()) as { id: string; breakdowns: string[] }[];
  const lib = indicatorLibrary();
  assert.equal(defs.length, lib.list().length);
  for (const d of defs) assert.deepEqual(d.breakdowns, breakdownsOf(lib.get(d.id)!), d.id);
  const contacts = defs.find((d) => d.id === "contacts")!;
  assert.ok(contacts.breakdowns.includes("ethnicity") && contacts.breakdowns.includes("disability"), contacts.breakdowns.join(","));
  // The text list says the same.
  const text = capture();
  assert.equal(await main(["indicators", "--list"], text), 0);
  assert.match(text.stdout(), new RegExp(`contacts — .*; by ${contacts.breakdowns.join(", ")}\\)`));
});

test("indicators for a calendar year names the indicators that have calendar-year figures; outside the data it gives the span", async () => {
  const t = tempDir();
  try {
    const files = smallExport();
    files["ssd_contacts.csv"] += "\nC4,P3,2024-03-01,5A,";
    assert.equal(await main(["import", writeExport(files), "--authority", "202", "--data", t.dir], capture()), 0);
    const cal = capture();
    assert.equal(await main(["indicators", "--indicator", "referrals", "--indicator", "contacts", "--period", "2024", "--data", t.dir], cal), 0, cal.stderr());
    assert.match(
      cal.stdout(),
      /^No values for 2024: 2024 is a calendar year, and referrals and contacts have no figures for calendar years: they are computed for months, financial quarters, financial years and rolling twelve-month periods\. Ask for a month \(2025-01\), a financial quarter \(2024-25-Q3\), a financial year \(2024-25\) or a rolling twelve-month period \(12m-2025-01\)\. Indicators with figures for calendar years: ehcp_requests, /,
    );
    assert.doesNotMatch(cal.stdout(), /the data covers/);
    const far = capture();
    assert.equal(await main(["indicators", "--indicator", "referrals", "--period", "2030-01", "--data", t.dir], far), 0);
    assert.equal(far.stdout(), "No values for 2030-01: the data covers 202 2024-03-01 to 2024-04-30.\n");
    // An aggregate figure never loaded is not a gap in the SSD data either.
    const unloaded = capture();
    assert.equal(await main(["indicators", "--indicator", "sw_caseload", "--period", "2024-04", "--data", t.dir], unloaded), 0);
    assert.match(unloaded.stdout(), /^No values for 2024-04: no figure has been loaded for this period: this is an aggregate figure from another system, loaded with `lantern import measures\.csv`\.\n$/);
  } finally {
    t.cleanup();
  }
});

test("no direction of travel is read across a recording change: 'not comparable' until the periods compared both follow it", async () => {
  const t = tempDir();
  try {
    const files = smallExport();
    files["ssd_contacts.csv"] += "\nC4,P3,2024-03-01,5A,\nC5,P3,2024-03-02,5A,";
    assert.equal(await main(["import", writeExport(files), "--authority", "202", "--data", t.dir], capture()), 0);
    const vs = async () => {
      const o = capture();
      assert.equal(await main(["indicators", "--indicator", "contacts", "--period", "2024-04", "--json", "--data", t.dir], o), 0, o.stderr());
      return (JSON.parse(o.stdout()) as { vs_previous: string | null }[])[0]!.vs_previous;
    };
    const before = await vs();
    assert.ok(before === "up" || before === "down" || before === "no change", String(before));
    const note = capture();
    assert.equal(await main(["annotate", "--authority", "202", "--indicator", "contacts", "--date", "2024-04-10", "--kind", "recording_change", "--note", "New front door system", "--data", t.dir], note), 0, note.stderr());
    assert.equal(await vs(), "not comparable");
    const text = capture();
    assert.equal(await main(["indicators", "--indicator", "contacts", "--period", "2024-04", "--data", t.dir], text), 0);
    assert.match(text.stdout(), /not comparable/);
  } finally {
    t.cleanup();
  }
});

test("indicators --by leaves out indicators without that breakdown, says so for one named, and asks for a repeated period once", async () => {
  const t = tempDir();
  try {
    const files = smallExport();
    files["ssd_contacts.csv"] += "\nC4,P3,2024-03-01,5A,";
    assert.equal(await main(["import", writeExport(files), "--authority", "202", "--data", t.dir], capture()), 0);
    type Row = { indicator: string; period: string; category?: string; value: number | null; reason?: string };
    const rows = async (...args: string[]) => {
      const o = capture();
      assert.equal(await main(["indicators", ...args, "--json", "--data", t.dir], o), 0, o.stderr());
      return JSON.parse(o.stdout()) as Row[];
    };
    const bySource = await rows("--by", "source", "--period", "2024-04", "--period", "2024-04");
    const lib = indicatorLibrary();
    // Only indicators with a breakdown by source, each category once, and no "not computed".
    assert.ok(bySource.length > 0);
    for (const r of bySource) assert.ok(breakdownsOf(lib.get(r.indicator)!).includes("source"), r.indicator);
    assert.ok(!bySource.some((r) => r.indicator === "assess_45wd_pct"));
    assert.equal(new Set(bySource.map((r) => `${r.indicator}|${r.period}|${r.category}`)).size, bySource.length);
    assert.ok(!bySource.some((r) => r.reason === "not computed for this period."), JSON.stringify(bySource));
    // Named, an indicator without the breakdown has its row, saying so and naming its breakdowns.
    const named = await rows("--by", "source", "--indicator", "assess_45wd_pct", "--indicator", "referrals", "--period", "2024-04");
    const assess = named.filter((r) => r.indicator === "assess_45wd_pct");
    assert.deepEqual(
      assess.map((r) => [r.value, r.reason]),
      [[null, `assess_45wd_pct has no breakdown by source; its breakdowns are ${breakdownsOf(lib.get("assess_45wd_pct")!).join(", ")}.`]],
    );
    assert.ok(named.some((r) => r.indicator === "referrals" && r.value === 2));
    // A month with no referrals: nothing to break down, said as that.
    const march = await rows("--by", "source", "--indicator", "referrals", "--period", "2024-03");
    assert.deepEqual(march.map((r) => [r.value, r.reason]), [[null, "there is nothing in this period to break down by source (the figure for the whole authority is 0)."]]);
    // A period outside the data, or an indicator, given twice is answered once.
    const twice = await rows("--indicator", "referrals", "--indicator", "referrals", "--period", "2030-01", "--period", "2030-01");
    assert.equal(twice.length, 1, JSON.stringify(twice));
    assert.match(twice[0]!.reason!, /does not include all of this period/);
  } finally {
    t.cleanup();
  }
});

test("indicators --targets naming a file that is not there says what to do", async () => {
  const t = tempDir();
  try {
    assert.equal(await main(["import", writeExport(smallExport()), "--authority", "202", "--data", t.dir], capture()), 0);
    const o = capture();
    assert.equal(await main(["indicators", "--targets", "nope.csv", "--data", t.dir], o), 1);
    assert.match(o.stderr(), /^error LANTERN_FILE_NOT_FOUND: nope\.csv does not exist\.\nWhat to do: Check the path, or leave --targets out to use .*targets\.csv when it exists/);
  } finally {
    t.cleanup();
  }
});

test("indicators --targets gives a month or quarter of the share of children looked after who went missing no RAG, saying the target is for a whole year; the year and a rolling twelve months are judged", async () => {
  const { dir: gen } = tempDir();
  await generateToDirectory({ out: gen, seed: 5, population: 6000, from: "2023-03", to: "2025-03", authorities: 1, shocks: [] });
  const t = tempDir();
  try {
    assert.equal(await main(["import", gen, "--no-compute", "--data", t.dir], capture()), 0);
    const periods = ["2025-03", "2024-25-Q4", "2024-25", "12m-2025-03"];
    type Row = { period: string; value: number | null; target: number | null; rag: string | null; rag_reason: string | null };
    const judged = async (targets?: string) => {
      const o = capture();
      assert.equal(await main(["indicators", "--indicator", "cla_missing_pct", ...periods.flatMap((p) => ["--period", p]), ...(targets ? ["--targets", targets] : []), "--json", "--data", t.dir], o), 0, o.stderr());
      return new Map((JSON.parse(o.stdout()) as Row[]).map((r) => [r.period, r]));
    };
    // A target between the month's (and quarter's) share and the year's: the year misses it, and
    // a month's figure, a fraction of the year's, would have met it.
    const values = await judged();
    const part = Math.max(values.get("2025-03")!.value!, values.get("2024-25-Q4")!.value!);
    const year = values.get("2024-25")!.value!;
    assert.ok(part + 2 < year, `the month and quarter (${part}) are well below the year (${year})`);
    const target = Math.round((part + year) / 2);
    const targets = join(t.dir, "goals.csv");
    writeFileSync(targets, `indicator,year,target,tolerance,polarity\ncla_missing_pct,2024-25,${target},0,lower\n`);
    const by = await judged(targets);
    for (const [p, kind] of [["2025-03", "month"], ["2024-25-Q4", "quarter"]] as const) {
      assert.equal(by.get(p)!.rag, null, p);
      assert.equal(by.get(p)!.target, null, p);
      assert.match(by.get(p)!.rag_reason ?? "", new RegExp(`^the target \\(${target}\\.0% for 2024-25\\) is for a whole year: the share of children with an episode at any time in a ${kind} is smaller than a year's`), p);
    }
    for (const p of ["2024-25", "12m-2025-03"]) {
      assert.equal(by.get(p)!.rag, "red", p);
      assert.equal(by.get(p)!.target, target, p);
      assert.equal(by.get(p)!.rag_reason, null, p);
    }
    // The table says so in a note under it, numbered in the RAG column.
    const text = capture();
    assert.equal(await main(["indicators", "--indicator", "cla_missing_pct", "--period", "2025-03", "--targets", targets, "--data", t.dir], text), 0, text.stderr());
    assert.match(text.stdout(), /\bRAG\b/);
    assert.match(text.stdout(), /– \[1\]/);
    assert.match(text.stdout(), /\n\[1\] No RAG: the target \(\d+\.0% for 2024-25\) is for a whole year: /);
  } finally {
    t.cleanup();
  }
});

test("indicators --help names every field of a --json row: those always given, and those given with a null value or with --by", async () => {
  const help = capture();
  assert.equal(await main(["indicators", "--help"], help), 0);
  // The --json option's text, up to the blank line that ends the options.
  const text = /^ {2}--json {2,}([\s\S]*?)\n\n/m.exec(help.stdout())?.[1] ?? "";
  const names = (s: string) => [...s.matchAll(/"([a-z_]+)"/g)].map((m) => m[1]!);
  const always = names(text.slice(0, text.indexOf("}")));
  const sometimes = names(text.slice(text.indexOf("}")));
  assert.ok(always.length && sometimes.length, text);
  const t = tempDir();
  try {
    const files = smallExport();
    files["ssd_contacts.csv"] += "\nC4,P3,2024-03-01,5A,";
    assert.equal(await main(["import", writeExport(files), "--authority", "202", "--data", t.dir], capture()), 0);
    const rows = async (...args: string[]) => {
      const o = capture();
      assert.equal(await main(["indicators", "--indicator", "referrals", ...args, "--json", "--data", t.dir], o), 0, o.stderr());
      return JSON.parse(o.stdout()) as Record<string, unknown>[];
    };
    const [plain] = await rows("--period", "2024-04");
    assert.notEqual(plain!["value"], null);
    assert.deepEqual(Object.keys(plain!), always, "a row with a value has exactly the fields the help lists, in its order");
    const [none] = await rows("--period", "2030-01");
    assert.equal(none!["value"], null);
    assert.deepEqual(new Set(Object.keys(none!)), new Set([...always, "reason"]));
    const [broken] = await rows("--period", "2024-04", "--by", "source");
    assert.deepEqual(new Set(Object.keys(broken!)), new Set([...always, "breakdown", "category"]));
    assert.deepEqual(new Set(sometimes), new Set(["reason", "breakdown", "category"]), "the help names the fields given only sometimes, and no other");
  } finally {
    t.cleanup();
  }
});

test("a --period written as people write it (2024/25, Q3 2024-25, Jan 2025) is refused naming the period as Lantern writes it, by every command that takes one", async () => {
  const t = tempDir();
  try {
    for (const [argv, said] of [
      [["indicators", "--period", "2024/25"], "--period 2024/25 is not a period: Lantern writes that period 2024-25."],
      [["records", "--indicator", "referrals", "--period", "Q3 2024-25"], "--period Q3 2024-25 is not a period: Lantern writes that period 2024-25-Q3."],
      [["digest", "--period", "Jan 2025"], "--period Jan 2025 is not a period: Lantern writes that period 2025-01."],
      [["export", "--format", "annex-a", "--out", join(t.dir, "a.xlsx"), "--period", "Mar 2025"], "--period Mar 2025 is not a period: Lantern writes that period 2025-03."],
      [["export", "--format", "ssda903", "--out", join(t.dir, "903"), "--period", "2024/25"], "--period 2024/25 is not a financial year: Lantern writes that year 2024-25."],
    ] as const) {
      const o = capture();
      assert.equal(await main([...argv, "--data", t.dir], o), 1, argv.join(" "));
      assert.equal(o.stderr().split("\n")[0], `error LANTERN_BAD_OPTION: ${said}`, argv.join(" "));
    }
  } finally {
    t.cleanup();
  }
});
