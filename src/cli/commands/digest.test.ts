import assert from "node:assert/strict";
import { test } from "node:test";
import { capture, smallExport, tempDir, writeExport } from "../../../test/fixtures.ts";
import { main } from "../main.ts";

test("digest never gives an all-clear it could not judge: too few months say so; a quarter is monthly SPC; a calendar year is refused", async () => {
  const t = tempDir();
  try {
    const files = smallExport();
    // Contacts in March and July make April to June 2024 complete months: three months of data.
    files["ssd_contacts.csv"] += "\nC4,P1,2024-03-01,1A,\nC5,P1,2024-07-15,1A,";
    assert.equal(await main(["import", writeExport(files), "--authority", "202", "--data", t.dir], capture()), 0);
    const run = async (...args: string[]) => {
      const o = capture();
      return { code: await main(["digest", ...args, "--data", t.dir], o), out: o.stdout(), err: o.stderr() };
    };

    const month = await run("--period", "2024-05");
    assert.equal(month.code, 0, month.err);
    assert.doesNotMatch(month.out, /nothing unusual/);
    assert.match(month.out, /^Early warning for 202, 2024-05: 0 signal\(s\) of concern, 8 to watch, but SPC could judge no indicator\n/);
    // Each indicator it could not judge is named, with why.
    assert.match(month.out, /\nDemand\n(?: {2}\[\w+\] .*\n)* {2}not enough months to judge: Contacts; Contacts leading to a referral; Referrals; /);
    assert.match(month.out, /\nSafeguarding\n(?: {2}\[\w+\] .*\n)* {2}no figure to judge: Child in need plans started; /);
    // Camden (202) is published: its own figures place it, so benchmark movements are listed though
    // SPC could judge nothing (re-referrals 14.0% in 2022-23, 18.6% in 2023-24: band A to B).
    assert.match(month.out, /\n {2}\[watch\] Re-referrals within 12 months moved from quartile band A to B among English councils \(A is the best quarter\): 18\.6% in 2023-24 \(year to 31 March 2024\) \(England 22\.4%\), against 14\.0% in 2022-23/);

    const quarter = await run("--period", "2024-25-Q1");
    assert.equal(quarter.code, 0, quarter.err);
    assert.match(quarter.out, /\nSPC signals are monthly: April 2024 to June 2024, each month judged against the months before it\.\n/);
    assert.match(quarter.out, /\nDemand\n(?: {2}\[\w+\] .*\n)* {2}not enough months to judge: Contacts; /);
    assert.doesNotMatch(quarter.out, /nothing unusual/);
    const json = JSON.parse((await run("--period", "2024-25-Q1", "--authority", "202", "--json")).out);
    assert.deepEqual(json.spcMonths, ["2024-04", "2024-05", "2024-06"]);
    const demand = json.groups.find((g: { id: string }) => g.id === "demand");
    assert.deepEqual(demand.judged, []);
    assert.deepEqual(
      demand.notJudged.find((n: { indicator: string }) => n.indicator === "referrals"),
      { indicator: "referrals", title: "Referrals", reason: "few_months", months: ["2024-04", "2024-05", "2024-06"] },
    );

    const calendar = await run("--period", "2024");
    assert.equal(calendar.code, 1);
    assert.equal(calendar.out, "");
    assert.match(calendar.err, /^error LANTERN_BAD_OPTION: The digest is not given for a calendar year \(--period 2024\)/);
    assert.match(calendar.err, /use --period 12m-2024-12 \(the 12 months to December 2024\)/);
  } finally {
    t.cleanup();
  }
});

test("digest's flow: a share is a percentage, and assessments above the referrals are so many per 100 referrals, never 150%", async () => {
  const t = tempDir();
  try {
    const files = smallExport();
    files["ssd_contacts.csv"] += "\nC4,P1,2024-03-01,1A,\nC5,P1,2024-07-15,1A,";
    // Three assessments completed in the quarter on two referrals: a referral can have more than one.
    files["ssd_cin_assessments.csv"] += "\nA2,P1,R1,2024-05-21,2024-06-03\nA3,P2,R2,2024-04-06,2024-04-18";
    assert.equal(await main(["import", writeExport(files), "--authority", "202", "--data", t.dir], capture()), 0);
    const o = capture();
    assert.equal(await main(["digest", "--period", "2024-25-Q1", "--data", t.dir], o), 0, o.stderr());
    assert.match(o.stdout(), /\nstage +number +compared with the stage it comes from +a year earlier\n/);
    // No figures a year earlier: "–" with the reason numbered under the table.
    assert.match(o.stdout(), /\nReferrals +2 +66\.7% of contacts +– \[\d+\] *\n/);
    assert.match(o.stdout(), /\nAssessments completed +3 +150\.0 per 100 referrals +– \[\d+\] *\n/);
    assert.doesNotMatch(o.stdout(), /1\d\d\.\d%/);
    const j = capture();
    assert.equal(await main(["digest", "--period", "2024-25-Q1", "--authority", "202", "--json", "--data", t.dir], j), 0, j.stderr());
    const flow = JSON.parse(j.stdout()).flow as { indicator: string; conversion: number | null; share: boolean }[];
    assert.deepEqual(
      flow.slice(0, 3).map((f) => [f.indicator, f.conversion === null ? null : Number(f.conversion.toFixed(1)), f.share]),
      [
        ["contacts", null, false],
        ["referrals", 66.7, true],
        ["assessments_completed", 150, false],
      ],
    );
  } finally {
    t.cleanup();
  }
});

test("digest --json gives a flow stage with no figure its reason beside the null value", async () => {
  const t = tempDir();
  try {
    const files = smallExport();
    files["ssd_contacts.csv"] += "\nC4,P3,2024-03-01,5A,";
    assert.equal(await main(["import", writeExport(files), "--authority", "202", "--data", t.dir], capture()), 0);
    const j = capture();
    assert.equal(await main(["digest", "--period", "2024-04", "--authority", "202", "--json", "--data", t.dir], j), 0, j.stderr());
    const flow = JSON.parse(j.stdout()).flow as { indicator: string; value: number | null; reason?: string }[];
    // The small export has no child protection plans: that stage cannot be computed, and says why.
    assert.deepEqual(
      flow.find((f) => f.indicator === "cpp_started"),
      { ...flow.find((f) => f.indicator === "cpp_started"), value: null, reason: "cannot be computed: no ssd_cp_plans data loaded for 202" },
    );
    for (const f of flow) assert.equal(f.value === null, typeof f.reason === "string" && f.reason.length > 0, f.indicator);
    assert.ok(flow.some((f) => f.value !== null) && flow.some((f) => f.value === null));
    // A conversion that cannot be given is null with its reason too, now and a year earlier.
    const conv = flow as unknown as { indicator: string; conversion: number | null; conversionReason?: string; conversionLastYear: number | null; conversionLastYearReason?: string }[];
    for (const f of conv) {
      assert.equal(f.conversion === null, typeof f.conversionReason === "string", f.indicator);
      assert.equal(f.conversionLastYear === null, typeof f.conversionLastYearReason === "string", f.indicator);
    }
    // The table gives each missing figure as "–" with a numbered reason under it, never "not available" alone.
    const o = capture();
    assert.equal(await main(["digest", "--period", "2024-04", "--data", t.dir], o), 0, o.stderr());
    assert.doesNotMatch(o.stdout(), /not available/);
    const notes = new Map([...o.stdout().matchAll(/^\[(\d+)\] (.+)$/gm)].map((m) => [m[1]!, m[2]!]));
    const plans = /\nChild protection plans started +– \[(\d+)\] +– \[(\d+)\] +– \[(\d+)\] *\n/.exec(o.stdout());
    assert.ok(plans, o.stdout());
    assert.equal(notes.get(plans[1]!), "cannot be computed: no ssd_cp_plans data loaded for 202");
    assert.match(notes.get(plans[2]!)!, /^no figure for child protection plans started in April 2024: cannot be computed/);
    assert.match(notes.get(plans[3]!)!, /^no figure for .* in April 2023: /);
  } finally {
    t.cleanup();
  }
});
