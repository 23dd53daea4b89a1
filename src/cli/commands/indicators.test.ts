// `lantern indicators`: the JSON definitions list every breakdown `--by` accepts (as the text list
// does), and a period of a kind the selected indicators have no figures for is explained as that,
// not as a gap in the data.
import assert from "node:assert/strict";
import { test } from "node:test";
import { capture, smallExport, tempDir, writeExport } from "../../../test/fixtures.ts";
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
