// The committee report end to end on a small synthetic authority: the HTML against a golden file
// (UPDATE_GOLDEN=1 rewrites it), the public version's suppression, amended figures between two
// snapshots, and the PDF printed by Chromium read back with pdftotext.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import { createRequire } from "node:module";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import { fileURLToPath } from "node:url";
import { saveAnnotation } from "../analysis/annotations.ts";
import { buildDigest } from "../analysis/digest.ts";
import { isSmallCount } from "../analysis/suppression.ts";
import { generateToDirectory } from "../generate/index.ts";
import { importSsd } from "../ingest/ssd-import.ts";
import { computeAndStore } from "../kpi/compute.ts";
import { AREAS } from "../kpi/types.ts";
import { parsePeriod } from "../calendar/periods.ts";
import type { Store } from "../store/port.ts";
import { CHROMIUM, needsPrograms, tempDir, tempStore } from "../../test/fixtures.ts";
import { buildReport, type ReportContent, SECTION_TITLES } from "./content.ts";
import { gatherReport, revisionsOf } from "./data.ts";
import { londonTime } from "../calendar/london.ts";
import { reportHtml } from "./html.ts";
import { htmlToPdf } from "./pdf.ts";
import { saveComment } from "../web/edits.ts";

const GOLDEN = fileURLToPath(new URL("./report.golden.txt", import.meta.url));
const PERIOD = "2025-26-Q2";
const NOW = () => new Date("2025-11-03T09:30:00.000Z");

let store: Store;
let dataDir: string;
let personIds: string[] = [];
const cleanups: (() => Promise<void> | void)[] = [];

before(async () => {
  const out = tempDir();
  cleanups.push(out.cleanup);
  const s = await tempStore();
  cleanups.push(s.cleanup);
  store = s.store;
  dataDir = s.dataDir;
  await generateToDirectory({ out: out.dir, seed: 7, population: 6000, from: "2023-04", to: "2025-09", authorities: 1, shocks: [] });
  writeFileSync(join(dataDir, "targets.csv"), "indicator,year,target,tolerance\nassess_45wd_pct,2025-26,90,5\nrereferral_pct,2025-26,20,3\n");
  await importSsd(store, { paths: [out.dir], now: () => new Date("2025-10-20T08:00:00.000Z") });
  // A second extract in which three July contacts were found to be duplicates: snapshot 2.
  const second = tempDir();
  cleanups.push(second.cleanup);
  cpSync(out.dir, second.dir, { recursive: true });
  const contacts = join(second.dir, "X001", "ssd_contacts.csv");
  const lines = readFileSync(contacts, "utf8").split("\n");
  let dropped = 0;
  const kept = lines.filter((l, i) => !(i > 0 && dropped < 3 && l.includes(",2025-07-1") && ++dropped));
  writeFileSync(contacts, kept.join("\n"));
  assert.equal(dropped, 3);
  await importSsd(store, { paths: [second.dir], now: () => new Date("2025-10-27T08:00:00.000Z") });
  await computeAndStore(store, { dataDir });
  // Compared with Shropshire's England and neighbour figures, as the demo is.
  await store.run(`UPDATE lantern_authority SET like_code = '893' WHERE la_code = 'X001'`);
  await saveAnnotation(store, { authority: "X001", area: "missing", date: "2025-05-01", kind: "recording_change", note: "The police changed how missing episodes are recorded.", by: "test" }, NOW);
  await saveComment(store, { authority: "X001", indicator: "assess_45wd_pct", period: PERIOD, body: "Two long-term sickness absences in the assessment team.", published: true, by: "test" }, NOW);
  await saveComment(store, { authority: "X001", indicator: "referrals", period: PERIOD, body: "Draft: do not publish yet.", published: false, by: "test" }, NOW);
  const personFile = readdirSync(join(out.dir, "X001")).find((f) => f.startsWith("ssd_person"))!;
  personIds = readFileSync(join(out.dir, "X001", personFile), "utf8")
    .split("\n")
    .slice(1)
    .map((l) => l.split(",")[0]!)
    .filter(Boolean);
});

after(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function content(audience: "public" | "exempt"): Promise<ReportContent> {
  return buildReport(await gatherReport(store, { period: PERIOD, audience, dataDir, committee: "Children and Young People Scrutiny Panel", now: NOW }));
}

test("the HTML report matches the golden file", async () => {
  const html = reportHtml(await content("public"));
  // Nothing generated varies between runs except what is normalised here.
  const normal = html.replace(/\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?Z?)?/g, "<datetime>");
  if (process.env["UPDATE_GOLDEN"] === "1") writeFileSync(GOLDEN, normal);
  assert.equal(normal, readFileSync(GOLDEN, "utf8"), "the report changed; if that was intended, run with UPDATE_GOLDEN=1 and review the diff");
});

test("the HTML is self-contained and print-ready", async () => {
  const html = reportHtml(await content("exempt"));
  assert.doesNotMatch(html, /<script|<link|src=|url\(|https?:\/\/(?!www\.w3\.org\/2000\/svg)/i);
  assert.match(html, /@page \{ size: A4/);
  assert.match(html, /thead \{ display: table-header-group; \}/);
  assert.match(html, /tr \{ break-inside: avoid/);
  for (const t of [SECTION_TITLES.keyMessages, SECTION_TITLES.flow, SECTION_TITLES.quality, SECTION_TITLES.glossary, SECTION_TITLES.appendix, SECTION_TITLES.breakdowns]) assert.match(html, new RegExp(`<h2>${t}</h2>`));
  assert.match(html, /EXEMPT: NOT FOR PUBLICATION/);
});

test("the HTML report in a browser: one main landmark, nothing outside landmarks, no axe violations, and no sideways scrolling at 320 pixels", { skip: needsPrograms(["chromium"]) }, async () => {
  const html = reportHtml(await content("public"));
  assert.equal((html.match(/<main>/g) ?? []).length, 1);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] });
  try {
    const page = await browser.newPage({ viewport: { width: 320, height: 800 } });
    await page.setContent(html);
    assert.ok(((await page.evaluate("document.documentElement.scrollWidth")) as number) <= 320, "the page itself does not scroll sideways");
    await page.evaluate(readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8"));
    const r = (await page.evaluate(`axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] } })`)) as { violations: { id: string; nodes: unknown[] }[] };
    assert.deepEqual(
      r.violations.map((v) => v.id),
      [],
    );
  } finally {
    await browser.close();
  }
});

test("period labels are never broken across lines (the PDF wrapped 'Q2 2025-' / '26')", async () => {
  const html = reportHtml(await content("public"));
  assert.match(html, /\.period \{ white-space: nowrap; \}/);
  assert.match(html, /<h1>Children's services performance report:<span class="gap"> <\/span><span class="period">Q2 2025-26<\/span><\/h1>/);
  const appendix = html.slice(html.indexOf('<section class="appendix"'));
  const cells = [...appendix.matchAll(/<tr><td>[^<]*<\/td><th scope="row">[^<]*<\/th><th scope="row">(.*?)<\/th>/g)].map((m) => m[1]!);
  assert.ok(cells.length > 10);
  for (const c of cells) assert.match(c, /^<span class="period">[^<]+<\/span>$/, c);
});

test("the cover names the authority, committee, period, snapshot and extract date", async () => {
  const c = await content("exempt");
  assert.equal(c.cover.authority.code, "X001");
  assert.equal(c.cover.committee, "Children and Young People Scrutiny Panel");
  assert.equal(c.cover.period.label, "Q2 2025-26");
  assert.equal(c.cover.snapshot.id, 2);
  assert.equal(c.cover.snapshot.loaded, "2025-10-27");
  assert.match(c.cover.extracted, /^2025-09-\d\d$/);
  assert.equal(c.cover.generatedAt, "2025-11-03T09:30:00.000Z");
  // Produced: as the clock in England read it, labelled (it was UTC with no zone).
  assert.match(reportHtml(c), /<dt>Produced<\/dt><dd>2025-11-03 09:30 UK time \(GMT\)<\/dd>/);
  assert.equal(londonTime("2025-07-01T23:30:00.000Z"), "2025-07-02 00:30 UK time (BST)");
});

test("public: every small count, and every ratio on one, is c; exempt shows them", async () => {
  const pub = await content("public");
  const ex = await content("exempt");
  let small = 0;
  for (const [i, row] of ex.appendix.entries()) {
    const p = pub.appendix[i]!;
    assert.equal(p.title, row.title);
    assert.equal(row.value.suppressed, false);
    if (row.unit === "count" && isSmallCount(row.value.value)) {
      small++;
      assert.equal(p.value.suppressed, true, `${row.title} ${row.period} = ${row.value.value} is shown in public`);
    }
    if (row.numerator.value !== null && row.denominator.value !== null && row.value.value !== null && isSmallCount(row.denominator.value - row.numerator.value)) {
      assert.equal(p.value.suppressed, true, `${row.title} ${row.period}: ${row.numerator.value} of ${row.denominator.value} publishes the ones left out`);
    }
    for (const k of ["numerator", "denominator"] as const) {
      if (isSmallCount(row[k].value)) {
        assert.equal(p[k].suppressed, true, `${row.title} ${row.period} ${k} is shown`);
        // A value withheld (null, with its reason) has nothing to suppress.
        if (row.value.value !== null) assert.equal(p.value.suppressed, true, `${row.title} ${row.period} is a ratio on a small count`);
        else assert.equal(p.value.value, null, `${row.title} ${row.period} has no value in public either`);
      }
    }
    // Nothing shown in public is a count of 1 to 5.
    if (p.unit === "count" && !p.value.suppressed) assert.ok(!isSmallCount(p.value.value));
  }
  assert.ok(small > 0, "the fixture has small counts to suppress");
  for (const f of pub.flow) if (!f.value.suppressed) assert.ok(!isSmallCount(f.value.value), `${f.stage} shown`);
  assert.ok(pub.quality.suppression?.includes("Counts of 1 to 5 are shown as c"));
  assert.equal(ex.quality.suppression, null);
  // A chart of a series with suppressed months is not drawn in public (its points would show them).
  const charted = (c: ReportContent) => c.areas.flatMap((a) => a.indicators).filter((i) => i.spc).length;
  assert.ok(charted(pub) < charted(ex));
});

test("public: a rank and quartile band worked out from a figure that is c are c too", async () => {
  // X001 is not a real authority, so its own figure is placed among the published ones to rank it:
  // the rank of a hidden figure among 150 narrows it down as well as the figure would.
  const input = await gatherReport(store, { period: PERIOD, audience: "public", dataDir, now: NOW });
  const b = input.benchmarks.get("assess_45wd_pct")!;
  assert.equal(b.rank?.inserted, true);
  const year = b.year.lanternPeriod;
  const small = input.values.map((v) => (v.indicator === "assess_45wd_pct" && v.period === year && !v.breakdown ? { ...v, numerator: 3, denominator: 4, value: 75 } : v));
  const assess = (c: ReportContent) => c.areas.flatMap((a) => a.indicators).find((i) => i.id === "assess_45wd_pct")!.benchmark!;
  const hidden = assess(buildReport({ ...input, values: small }));
  assert.equal(hidden.rank, "c");
  assert.equal(hidden.band, "c");
  assert.equal(hidden.own.suppressed, true, "the figure ranked is c too");
  assert.ok(hidden.england !== null, "England's published figure is still shown");
  const shown = assess(buildReport(input));
  assert.equal(shown.rank, `${b.rank!.position} of ${b.rank!.of}`);
  // The figure ranked is shown first, for the benchmark year, from the result the rank comes from.
  const own = b.own.value;
  assert.ok("value" in own);
  assert.deepEqual(shown.own, { value: own.value, suppressed: false });
  assert.equal(shown.ownPeriod, b.year.label);
  const html = reportHtml(buildReport(input));
  const ownCell = assessRow(html);
  assert.match(ownCell.head, /^<th scope="col"[^>]*>This authority, 2024-25 \(year to 31 March 2025\)<\/th><th scope="col"[^>]*>England</, ownCell.head);
  assert.match(ownCell.row, new RegExp(`^<td class="num">${own.value.toFixed(1)}%</td>`), ownCell.row);
  assert.equal(assess(buildReport({ ...input, audience: "exempt", values: small })).rank, shown.rank, "officers see the rank");
});

test("an indicator SPC does not judge is still drawn: its last 36 months alone (a run chart), a month suppressed in public as a gap", async () => {
  const input = await gatherReport(store, { period: PERIOD, audience: "exempt", dataDir, now: NOW });
  // Months only ("2025-09", not the year "2024-25").
  const monthly = new Map(input.values.filter((v) => v.indicator === "assess_45wd_pct" && !v.breakdown && /^\d{4}-(0\d|1[0-2])$/.test(v.period)).map((v) => [v.period, v.value]));
  const section = (c: ReportContent) => c.areas.flatMap((a) => a.indicators).find((i) => i.id === "assess_45wd_pct")!;
  const run = section(buildReport(input)).run!;
  // The 36 months to September 2025 from the first with a value (the data begin in May 2023).
  assert.equal(run.points.length, 29);
  assert.deepEqual([run.points[0]!.period, run.points.at(-1)!.period, run.points.at(-1)!.date], ["May 2023", "September 2025", "2025-09-30"]);
  assert.equal(run.points[0]!.value, monthly.get("2023-05"));
  assert.equal(run.points.at(-1)!.value, monthly.get("2025-09"));
  assert.deepEqual(run.points.map((p) => p.value), [...monthly].filter(([m]) => m >= "2023-05" && m <= "2025-09").sort().map(([, v]) => v));
  assert.match(run.why, /^too few records a month/);
  const html = reportHtml(buildReport(input));
  const svg = /<svg[^>]*id="run-assess_45wd_pct"[\s\S]*?<\/svg>/.exec(html)?.[0] ?? "";
  assert.match(svg, /<desc id="run-assess_45wd_pct-desc">29 monthly values from May 2023 to September 2025, between 75\.0% and 100\.0%; latest 87\.5%\. No mean or process limits: too few records a month/);
  assert.doesNotMatch(svg, /stroke-dasharray="4,3"/, "no process limits");
  // In public, a month made small is a gap in the chart, not its value.
  const small = input.values.map((v) => (v.indicator === "assess_45wd_pct" && v.period === "2025-07" && !v.breakdown ? { ...v, numerator: 2, denominator: 3, value: 66.7 } : v));
  const pub = section(buildReport({ ...input, audience: "public", values: small })).run!;
  assert.equal(pub.points.find((p) => p.period === "July 2025")!.value, null);
  assert.equal(section(buildReport({ ...input, values: small })).run!.points.find((p) => p.period === "July 2025")!.value, 66.7, "officers see it");
  // With fewer than two values to join there is no chart, only the reason.
  const none = input.values.filter((v) => !(v.indicator === "assess_45wd_pct" && /^\d{4}-(0\d|1[0-2])$/.test(v.period) && v.period !== "2025-09"));
  const lone = section(buildReport({ ...input, values: none }));
  assert.equal(lone.run, null);
  assert.match(lone.spcNote ?? "", /^No SPC chart: fewer than 12 monthly values/);
  assert.doesNotMatch(lone.spcNote ?? "", /monthly values alone/);
});

test("public: a month made small is not given away by its quarter and the other months shown beside it (the members' rule)", async () => {
  const input = await gatherReport(store, { period: PERIOD, audience: "public", dataDir, now: NOW });
  // Referrals closed with no further action: July 9 of 152, August 4 of 76, September 12 of 144,
  // the quarter 25 of 372. With the quarter's counts and July's and September's shown, August
  // would be the quarter less the other two.
  const id = "referral_nfa_pct";
  const set: Record<string, [number, number]> = { "2025-07": [9, 152], "2025-08": [4, 76], "2025-09": [12, 144], [PERIOD]: [25, 372] };
  const small = input.values.map((v) => {
    const nd = v.indicator === id && !v.breakdown ? set[v.period] : undefined;
    return nd ? { ...v, numerator: nd[0], denominator: nd[1], value: (100 * nd[0]) / nd[1] } : v;
  });
  const c = buildReport({ ...input, values: small });
  const ind = c.areas.flatMap((a) => a.indicators).find((i) => i.id === id)!;
  assert.equal(ind.period?.id, PERIOD);
  const points = new Map<string, number | null>([...(ind.spc?.points ?? []), ...(ind.run?.points ?? [])].map((p) => [p.period, p.value]));
  const shownMonths = ["July 2025", "August 2025", "September 2025"].filter((m) => points.get(m) !== undefined && points.get(m) !== null);
  const quarterShown = !ind.numerator.suppressed && ind.numerator.value !== null;
  assert.ok(!shownMonths.includes("August 2025"), "August itself is c");
  assert.ok(!(quarterShown && shownMonths.length === 2), `the quarter (${ind.numerator.value} of ${ind.denominator.value}) is shown with ${shownMonths.join(" and ")}`);
  // Officers see all of it.
  const ex = buildReport({ ...input, audience: "exempt", values: small }).areas.flatMap((a) => a.indicators).find((i) => i.id === id)!;
  assert.equal(ex.numerator.suppressed, false);
});

test("public: the early warning names the indicators it could not judge because of small numbers, and never calls that nothing unusual", async () => {
  const [pub, ex] = [await content("public"), await content("exempt")];
  assert.ok(pub.keyMessages.withheld.length > 0, "the small fixture has series with a suppressed month");
  assert.deepEqual(ex.keyMessages.withheld, [], "the exempt version judges every month");
  const html = reportHtml(pub);
  const key = html.slice(html.indexOf('id="key-messages"'), html.indexOf("<h3>The figures in brief</h3>"));
  assert.match(key, new RegExp(`Not judged in this public version because of small numbers: ${pub.keyMessages.withheld[0]!.replace(/[()]/g, "\\$&")}`));
  assert.doesNotMatch(key, /Nothing unusual/);
  // With nothing withheld and nothing signalled, it says so plainly.
  const quiet = reportHtml({ ...pub, keyMessages: { ...pub.keyMessages, signals: [], withheld: [] } });
  assert.match(quiet, /Nothing unusual: no indicator shows special-cause variation/);
});

test("a count is not set beside England's total: its section points to its rate, which is compared", async () => {
  const c = await content("exempt");
  const section = (id: string) => c.areas.flatMap((a) => a.indicators).find((i) => i.id === id)!;
  assert.equal(section("referrals").benchmark, null);
  assert.ok(section("referrals").notes.includes('Compared with England and other councils as "Referrals per 10,000 children", since a count depends on the size of the area.'));
  assert.notEqual(section("referral_rate").benchmark, null);
  assert.doesNotMatch(reportHtml(c), /<caption>Referrals: compared with England/);
});

/** The head and the first row of assessment timeliness's benchmark table in the HTML. */
function assessRow(html: string): { head: string; row: string } {
  const at = html.indexOf("<caption>Assessments completed within 45 working days: compared with England");
  assert.ok(at > 0);
  const t = html.slice(at, html.indexOf("</table>", at));
  return { head: t.slice(t.indexOf("<tr>") + 4), row: t.slice(t.indexOf("<tbody><tr>") + 11) };
}

test("key messages, a section per area, glossary and appendix are all there", async () => {
  const c = await content("exempt");
  assert.ok(c.keyMessages.sentences.length > 0);
  assert.deepEqual(
    c.areas.map((a) => a.id),
    AREAS.map((a) => a.id).filter((id) => c.areas.some((x) => x.id === id)),
  );
  assert.ok(c.areas.length >= 7);
  const assess = c.areas.flatMap((a) => a.indicators).find((i) => i.id === "assess_45wd_pct")!;
  assert.equal(assess.target, 90);
  assert.ok(assess.rag !== null);
  // A small authority's percentage of under 20 assessments a month is not charted, as the digest does not judge it.
  assert.equal(assess.spc, null);
  assert.match(assess.spcNote ?? "", /^No SPC chart: too few records a month .*under 20 in a month of the last year.* The chart shows the monthly values alone, with no mean or process limits\.$/);
  const referrals = c.areas.flatMap((a) => a.indicators).find((i) => i.id === "referrals")!;
  assert.ok(referrals.spc, "referrals have an SPC chart");
  // As the key messages judge it: limits on the months before the latest year, the latest 12 judged against them.
  const seg = referrals.spc.result.segments.at(-1)!;
  assert.equal(seg.n - seg.baselineN, 12);
  assert.match(referrals.spc.description, new RegExp(`The mean and limits rest on the first ${seg.baselineN} months charted \\(to \\d{4}-\\d{2}-\\d{2}\\), so the 12 since are judged against how the process ran before them\\.`));
  assert.ok(assess.yearly.length >= 2);
  assert.ok(assess.benchmark, "assessment timeliness is compared with England");
  assert.ok(assess.benchmark.england !== null && assess.benchmark.england > 50 && assess.benchmark.england < 100);
  assert.match(assess.benchmark.comparedWith, /Shropshire/);
  assert.match(assess.benchmark.year, /^2024-25\b/, "a report after the latest published year uses the latest");
  // A report on an earlier year is compared with that year's published figures, not the latest.
  const early = buildReport(await gatherReport(store, { period: "2023-24-Q3", audience: "exempt", dataDir, now: NOW }));
  const earlyAssess = early.areas.flatMap((a) => a.indicators).find((i) => i.id === "assess_45wd_pct")!;
  assert.match(earlyAssess.benchmark?.year ?? "", /^2023-24\b/);
  assert.equal(c.glossary.length, c.glossary.filter((g) => g.definition.length >= 40).length);
  assert.ok(c.appendix.length >= c.areas.flatMap((a) => a.indicators).length);
  assert.ok(c.quality.notes.some((n) => n.note.includes("police")));
});

test("a note dated after the period's end is still in the paper's recording notes, marked as after the period, and changes no chart or trend", async () => {
  // Made in November for Q2 (to 30 September): a recording change from 1 October is known to the
  // officers writing it, and the committee must hear of it now, not only in the Q3 paper.
  const gathered = await gatherReport(store, { period: PERIOD, audience: "public", dataDir, now: NOW });
  const later = { id: 99, version: 1, authority: "X001", indicator: "referrals", area: null, date: "2025-10-01", kind: "recording_change" as const, note: "Referrals from the new front door system are counted from 1 October.", changedBy: "test", changedAt: "2025-11-01T10:00:00.000Z" };
  const c = buildReport({ ...gathered, annotations: [...gathered.annotations, later] });
  const note = c.quality.notes.find((n) => n.note.startsWith("Referrals from the new front door"));
  assert.ok(note, JSON.stringify(c.quality.notes));
  assert.equal(note.afterPeriod, true);
  assert.equal(c.quality.notes.find((n) => n.note.includes("police"))?.afterPeriod, false);
  const page = reportHtml(c);
  assert.match(page, /<td>recording change \(after <span class="period">Q2 2025-26<\/span>\)<\/td>/);
  assert.match(page, /Notes dated after <span class="period">Q2 2025-26<\/span> ended are listed too/);
  // The section's chart and comparisons stop at the period's end: the note is not among them.
  const referrals = c.areas.flatMap((a) => a.indicators).find((i) => i.id === "referrals")!;
  assert.ok(!referrals.annotations.some((a) => a.date === "2025-10-01"));
  assert.deepEqual(referrals, buildReport(gathered).areas.flatMap((a) => a.indicators).find((i) => i.id === "referrals"));
});

test("officer commentary marked for publication is carried; drafts are not", async () => {
  for (const audience of ["public", "exempt"] as const) {
    const c = await content(audience);
    assert.deepEqual(c.keyMessages.commentary, ["Assessments completed within 45 working days: Two long-term sickness absences in the assessment team."]);
    const assess = c.areas.flatMap((a) => a.indicators).find((i) => i.id === "assess_45wd_pct")!;
    assert.deepEqual(assess.commentary, ["Two long-term sickness absences in the assessment team."]);
    assert.doesNotMatch(reportHtml(c), /do not publish/);
  }
});

test("figures amended since the previous snapshot are listed", async () => {
  const c = await content("exempt");
  const group = c.quality.revisions.find((g) => g.title === "Contacts");
  assert.ok(group, JSON.stringify(c.quality.revisions.slice(0, 2)));
  const contacts = group.figures.find((r) => r.period === "Q2 2025-26");
  assert.ok(contacts, JSON.stringify(group.figures));
  assert.equal(Number(contacts.before.replace(/,/g, "")) - Number(contacts.after.replace(/,/g, "")), 3);
  assert.match(c.quality.revisionsNote, /snapshot 1, loaded 2025-10-20/);
});

test("every headline figure amended is listed, grouped by indicator: months, quarters, years and rolling years", async () => {
  // Three July 2025 contacts were dropped: July itself (a month the SPC chart plots), Q2 and every
  // rolling year holding July changed, not only the report's quarter (the fixture holds no 2025-26
  // year figure; revisionsOf's own test has one).
  const c = await content("exempt");
  const periods = c.quality.revisions.find((g) => g.title === "Contacts")?.figures.map((r) => r.period) ?? [];
  assert.ok(periods.includes("July 2025") || periods.includes("Jul 2025"), JSON.stringify(periods));
  assert.ok(periods.includes("Q2 2025-26"));
  assert.ok(periods.filter((p) => /12 months/i.test(p)).length >= 3, JSON.stringify(periods));
  // Each indicator appears once, its figures together.
  const titles = c.quality.revisions.map((g) => g.title);
  assert.equal(new Set(titles).size, titles.length);
  // In public, an amended figure that is suppressed now (or was) is counted, not listed: listed
  // as "Was 87, Now c" beside its quarter's change it would give its value away.
  const input = await gatherReport(store, { period: PERIOD, audience: "public", dataDir, now: NOW });
  const small = input.values.map((v) => (v.indicator === "contacts" && v.period === "2025-07" && !v.breakdown ? { ...v, value: 4 } : v));
  const pub = buildReport({ ...input, values: small });
  assert.ok(!pub.quality.revisions.find((g) => g.title === "Contacts")?.figures.some((r) => /Jul/.test(r.period)), "the suppressed month is not listed");
  assert.match(pub.quality.revisionsNote, / \d+ amended figure\(s\) are not listed: shown as c before or after/);
});

test("revisionsOf: every month, quarter, year and rolling year that changed, up to the period", () => {
  const v = (indicator: string, period: string, value: number | null) => ({ indicator, authority: "X", period, value, numerator: null, denominator: null, unit: "count" as const, snapshot: 1 });
  const before = [v("contacts", "2025-26-Q1", 10), v("contacts", "2025-26-Q2", 12), v("contacts", "2025-07", 4), v("contacts", "2025-26", 22), v("contacts", "12m-2025-09", 40), v("contacts", "12m-2025-10", 41), v("referrals", "2025-26-Q1", null)];
  const after = [v("contacts", "2025-26-Q1", 10), v("contacts", "2025-26-Q2", 9), v("contacts", "2025-07", 1), v("contacts", "2025-26", 19), v("contacts", "12m-2025-09", 37), v("contacts", "12m-2025-10", 38), v("referrals", "2025-26-Q1", 3), v("contacts", "2025-26-Q3", 5)];
  // The year to date counts; a rolling year ending after the period does not.
  assert.deepEqual(revisionsOf(before, after, "2025-09-30"), [
    { indicator: "contacts", period: "12m-2025-09", before: 40, after: 37 },
    { indicator: "contacts", period: "2025-07", before: 4, after: 1 },
    { indicator: "contacts", period: "2025-26", before: 22, after: 19 },
    { indicator: "contacts", period: "2025-26-Q2", before: 12, after: 9 },
    { indicator: "referrals", period: "2025-26-Q1", before: null, after: 3 },
  ]);
  // A figure loaded (or dropped) since, for a quarter both loads hold, is a revision too; a quarter
  // only the later load holds (2025-26-Q3 above) is not.
  const loaded = [...after, v("sw_caseload", "2025-26-Q1", 17)];
  assert.deepEqual(revisionsOf(before, loaded, "2025-09-30").at(-1), { indicator: "sw_caseload", period: "2025-26-Q1", before: null, after: 17 });
  assert.deepEqual(revisionsOf(loaded, after, "2025-09-30").at(-1), { indicator: "sw_caseload", period: "2025-26-Q1", before: 17, after: null });
});

test("the PDF: A4, tagged, bookmarked; its text has every heading, the headline figures and no child identifier", { skip: needsPrograms(["chromium", "pdfinfo", "pdftotext"]) }, async () => {
  const c = await content("public");
  const pdf = await htmlToPdf(reportHtml(c), { title: "test report" });
  const dir = tempDir();
  cleanups.push(dir.cleanup);
  const file = join(dir.dir, "q2.pdf");
  writeFileSync(file, pdf);
  const info = execFileSync("pdfinfo", [file], { encoding: "utf8" });
  assert.match(info, /Tagged:\s+yes/);
  assert.match(info, /Page size:\s+59\d\.\d+ x 84\d\.\d+ pts \(A4\)/);
  assert.match(pdf.toString("latin1"), /\/Outlines/);
  // The cover's title as a bookmark keeps its space where the line breaks before the period ("report:Q2 2025-26" before).
  assert.ok(pdfStrings(pdf).includes("Children's services performance report: Q2 2025-26"), "the cover's bookmark");
  const text = execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
  for (const h of [SECTION_TITLES.keyMessages, ...c.areas.map((a) => a.title), SECTION_TITLES.flow, SECTION_TITLES.quality, SECTION_TITLES.glossary, "Appendix: all values", SECTION_TITLES.breakdowns]) {
    assert.ok(text.includes(h), `the PDF has the heading ${h}`);
  }
  assert.match(text, /Page 2 of \d+/);
  // No period label is broken at its hyphen ("Q2 2025-" on one line, "26" on the next).
  assert.doesNotMatch(text, /\b(Q\d )?20\d\d-\n/, `a period label wraps: ${text.match(/.{0,80}\b(Q\d )?20\d\d-\n.{0,40}/)?.[0]}`);
  const contacts = c.flow[0]!.value.value!.toLocaleString("en-GB");
  assert.ok(text.includes(contacts), `the headline contacts figure ${contacts}`);
  assert.ok(text.includes("Lanternshire") || text.includes(c.cover.authority.name));
  assert.ok(personIds.length > 100);
  const words = new Set(text.split(/[^A-Za-z0-9]+/));
  const leaked = personIds.filter((id) => words.has(id));
  assert.deepEqual(leaked, [], "no person id appears in the public PDF");
  assert.doesNotMatch(text, /\bX001P\d+\b/);
});

test("key messages are the period's early-warning digest: SPC in each of its months, RAG changes and benchmark movements", async () => {
  const input = await gatherReport(store, { period: PERIOD, audience: "exempt", dataDir, committee: "Children and Young People Scrutiny Panel", now: NOW });
  const signals = buildReport(input).keyMessages.signals;
  const digest = buildDigest({ authority: "X001", period: PERIOD, indicators: input.indicators, values: input.values, targets: input.targets, annotations: input.annotations, spcForEachMonth: true, ...(input.movements ? { benchmark: input.movements } : {}) });
  // Every signal, none cut off (the first ten were kept, with no word of the rest).
  const expected = digest.groups
    .flatMap((g) => g.signals)
    .sort((a, b) => b.severity - a.severity || a.title.localeCompare(b.title))
    .map((s) => s.text);
  assert.deepEqual(
    signals.filter((s) => !s.text.startsWith("As the public version judges it")).map((s) => s.text),
    expected,
  );
  // Listed briefly by severity, each linked to its indicator's section, where it is given in full.
  const c = buildReport(input);
  const html = reportHtml(c);
  const key = html.slice(html.indexOf('id="key-messages"'), html.indexOf("<h3>The figures in brief</h3>"));
  assert.equal((key.match(/<li><a href="#ind-/g) ?? []).length, signals.length);
  for (const s of signals) {
    assert.ok(html.includes(`id="ind-${s.indicator}"`), `${s.indicator} has a section to link to`);
    assert.ok(c.areas.flatMap((a) => a.indicators).find((i) => i.id === s.indicator)!.warnings.includes(s.text));
  }
  assert.match(key, /<h4>Watch \(\d+\)<\/h4>/);
  // A quarter's SPC is judged in each of its months, not only its last.
  assert.ok(signals.some((s) => s.kind === "spc" && /\(monthly SPC\): .* in (July|August) 2025/.test(s.text)), signals.map((s) => s.text).join("\n"));
  assert.ok(input.movements, "X001 is compared like Shropshire, so movements are looked for");
});

test("the exempt version gives every warning the public one gives, and never fewer", async () => {
  // Targets between each percentage's Q1 and Q2 figures: a RAG change on every one, many more than
  // ten signals (the key messages kept the first ten, by severity then title, and said nothing of the rest).
  const input = await gatherReport(store, { period: PERIOD, audience: "exempt", dataDir, now: NOW });
  const at = (id: string, p: string) => input.values.find((v) => v.indicator === id && v.period === p && !v.breakdown)?.value ?? null;
  const targets = input.indicators.flatMap((d) => {
    const [q1, q2] = [at(d.id, "2025-26-Q1"), at(d.id, PERIOD)];
    return d.unit === "percent" && q1 !== null && q2 !== null && Math.abs(q1 - q2) >= 1 ? [{ indicator: d.id, year: "2025-26", target: (q1 + q2) / 2, tolerance: 0, polarity: "higher" as const }] : [];
  });
  const [pub, ex] = [buildReport({ ...input, targets, audience: "public" }), buildReport({ ...input, targets })];
  assert.ok(ex.keyMessages.signals.length > 10, `more than ten signals (${ex.keyMessages.signals.length})`);
  assert.ok(ex.keyMessages.signals.filter((s) => s.kind === "rag").length >= targets.length);
  const key = (s: { indicator: string; kind: string }) => `${s.indicator}|${s.kind}`;
  const exempt = new Set(ex.keyMessages.signals.map(key));
  const missing = pub.keyMessages.signals.filter((s) => !exempt.has(key(s)));
  assert.deepEqual(missing.map((s) => s.text), []);
  assert.ok(pub.keyMessages.signals.length > 0);
  // One the exempt version's own judgement does not give is said as the public version judges it.
  for (const s of ex.keyMessages.signals.filter((x) => x.text.startsWith("As the public version judges it"))) {
    assert.ok(pub.keyMessages.signals.some((p) => key(p) === key(s)));
  }
});

test("the amended-figures note dates the snapshot and the paper as the day in England, not UTC's", async () => {
  const input = await gatherReport(store, { period: PERIOD, audience: "exempt", dataDir, now: NOW });
  const late = "2025-07-01T23:30:00.000Z"; // 00:30 BST on 2 July
  const note = buildReport({
    ...input,
    previousSnapshot: { id: 1, loadedAt: late, basis: "same committee", paper: { madeAt: "2025-07-01T23:45:00.000Z", committee: "Scrutiny", period: "2025-26-Q1", audience: "public" } },
  }).quality.revisionsNote;
  assert.match(note ?? "", /^Figures compared with snapshot 1, loaded 2025-07-02, from which the previous report to .* \(Q1 2025-26, public version, made 2025-07-02\)\./);
  const cover = buildReport({ ...input, snapshot: { ...input.snapshot, loadedAt: late, extractedTo: null } }).cover;
  assert.deepEqual([cover.snapshot.loaded, cover.extracted], ["2025-07-02", "2025-07-02"]);
});

test("a target on an indicator with no better direction is drawn on its SPC chart, and the chart's words say it is there, giving no assurance", async () => {
  const input = await gatherReport(store, { period: PERIOD, audience: "exempt", dataDir, now: NOW });
  const c = buildReport({ ...input, targets: [{ indicator: "contacts", year: "2025-26", target: 1200, tolerance: 0 }] });
  const contacts = c.areas.flatMap((a) => a.indicators).find((i) => i.id === "contacts")!;
  assert.equal(contacts.polarity, "none");
  assert.equal(contacts.spc?.target, 100, "a month's share of 1,200 a year");
  assert.match(contacts.spc!.description, /The target of 100 gives no assurance because no direction of improvement is set\./);
  assert.doesNotMatch(contacts.spc!.description, /No target is set/);
});

test("a median's 'of' cell gives the number of records it is the median of, with no empty numerator", async () => {
  const html = reportHtml(await content("exempt"));
  const median = html.slice(html.indexOf('id="ind-assess_median_wd"'));
  const firstRow = median.slice(median.indexOf("<tbody>"), median.indexOf("</tr>", median.indexOf("<tbody>")));
  assert.match(firstRow, /<td>of [\d,]+<\/td>/);
  assert.doesNotMatch(firstRow, /<td> \/ /);
});

test("amended figures are those since the committee's last paper for the same kind of period, else its last paper, else the load before; --since names the snapshot", async () => {
  const { audit } = await import("../store/audit.ts");
  const { previousPaper } = await import("./data.ts");
  const note = async (more: { committee?: string; since?: number } = {}) => buildReport(await gatherReport(store, { period: PERIOD, audience: "exempt", dataDir, now: NOW, ...more })).quality.revisionsNote;
  assert.match(await note(), /^Figures compared with snapshot 1, loaded 2025-10-20, the load before this one \(no report to Children's Services Scrutiny Committee made from an earlier load is recorded\)\./);
  // A paper made from snapshot 2 itself, or for another authority, does not count; one from snapshot 1 to the committee does, and the note names it.
  const made = (la: string, snapshot: number, committee: string, period = PERIOD) => audit(store, { actor: "test", action: "export.report", la_code: la, detail: { period, audience: "public", format: "pdf", snapshot, via: "cli", committee } });
  await made("X001", 1, "Corporate Parenting Panel");
  assert.match(await note(), /the load before this one/, "a paper to another committee is not this committee's previous paper");
  await made("X001", 1, "Children's Services Scrutiny Committee", "2025-26-Q1");
  await made("X001", 2, "Children's Services Scrutiny Committee");
  await made("X002", 1, "Children's Services Scrutiny Committee");
  assert.match(await note(), /^Figures compared with snapshot 1, loaded 2025-10-20, from which the previous report to Children's Services Scrutiny Committee was built \(Q1 2025-26, public version, made \d{4}-\d\d-\d\d\)\./);
  assert.match(await note({ since: 1 }), /^Figures compared with snapshot 1, loaded 2025-10-20, the snapshot named for this report \(--since\)\./);
  await assert.rejects(gatherReport(store, { period: PERIOD, audience: "exempt", dataDir, since: 2 }), /--since 2 is the snapshot the report is built from/);
  await assert.rejects(gatherReport(store, { period: PERIOD, audience: "exempt", dataDir, since: 9 }), /--since 9 is not a snapshot of X001/);
  // The choice itself, newest paper first: same committee and kind, else same committee, else one whose committee was not recorded.
  const q = parsePeriod("2025-26-Q2")!;
  const papers = [
    { snapshot: 5, madeAt: "2025-10-01", committee: "Corporate Parenting Panel", period: "2025-26-Q1" },
    { snapshot: 4, madeAt: "2025-09-01", committee: "Scrutiny", period: "2024-25" },
    { snapshot: 3, madeAt: "2025-08-01", committee: "Scrutiny", period: "2025-26-Q1" },
    { snapshot: 2, madeAt: "2025-07-01", period: "2025-26-Q1" },
  ];
  assert.deepEqual(previousPaper(papers, 6, "Scrutiny", q), { made: papers[2], basis: "same committee and kind" });
  assert.deepEqual(previousPaper(papers, 6, "Scrutiny", parsePeriod("2025-26")!), { made: papers[1], basis: "same committee and kind" });
  assert.deepEqual(previousPaper(papers.slice(1), 6, "Scrutiny", parsePeriod("2025-09")!), { made: papers[1], basis: "same committee" });
  assert.deepEqual(previousPaper(papers, 6, "Health Scrutiny", q), { made: papers[3], basis: "committee not recorded" });
  assert.equal(previousPaper(papers, 3, "Scrutiny", q)?.made.snapshot, 2, "only papers from earlier loads");
  assert.equal(previousPaper(papers.slice(0, 3), 6, "Health Scrutiny", q), undefined);
});

test("public: the amended figures cannot give a suppressed one away: one shown as c before or after, and those over its months, are counted, not listed", async () => {
  // July's contacts were 7 and are now 4 (a small count, c), and Q2 went from 237 to 234 while
  // August and September did not change: "Was 7, Now c" beside "237, 234" would say July is now 4.
  const gathered = await gatherReport(store, { period: PERIOD, audience: "public", dataDir, now: NOW });
  const values = gathered.values.map((v) => (v.indicator === "contacts" && v.period === "2025-07" && !v.breakdown ? { ...v, value: 4, numerator: 4 } : v));
  const revisions = [
    { indicator: "contacts", period: "2025-07", before: 7, after: 4 },
    { indicator: "contacts", period: "2025-26-Q2", before: 237, after: 234 },
    { indicator: "contacts", period: "12m-2025-09", before: 993, after: 990 },
    { indicator: "contacts", period: "2024-05", before: 90, after: 88 },
  ];
  const c = buildReport({ ...gathered, values, revisions });
  const contacts = c.quality.revisions.find((g) => g.title === "Contacts")?.figures ?? [];
  // Neither July nor any figure over its months is listed (the rolling year holds May 2025 too, so
  // May 2025's change is withheld with it); May 2024, outside every period withheld, is.
  assert.deepEqual(contacts, [{ period: "May 2024", before: "90", after: "88" }]);
  assert.equal(c.quality.revisionsUnlisted, 3);
  assert.match(c.quality.revisionsNote, / 3 amended figure\(s\) are not listed: shown as c before or after, or over the same months as one that is, whose change would give it away\./);
  // The exempt paper lists every one.
  assert.equal(buildReport({ ...gathered, values, revisions, audience: "exempt" }).quality.revisions.find((g) => g.title === "Contacts")?.figures.length, 4);
});

test("public: an amended figure shown as c both before and after is counted, not listed", async () => {
  const gathered = await gatherReport(store, { period: PERIOD, audience: "public", dataDir, now: NOW });
  // Two small counts amended: 3 to 4 initial conferences in July 2025 (c both times).
  const input = { ...gathered, revisions: [...gathered.revisions, { indicator: "icpc", period: "2025-07", before: 3, after: 4 }] };
  const c = buildReport(input);
  const listed = c.quality.revisions.flatMap((g) => g.figures);
  assert.ok(!c.quality.revisions.some((g) => g.title === "Initial child protection conferences" && g.figures.some((f) => f.period === "July 2025")));
  assert.ok(!listed.some((f) => f.before === "c" && f.after === "c"));
  const ex = buildReport({ ...input, audience: "exempt" }).quality.revisions.flatMap((g) => g.figures).length;
  const unlisted = Number(/ (\d+) amended figure\(s\) are not listed: shown as c before or after/.exec(c.quality.revisionsNote)?.[1] ?? 0);
  assert.ok(unlisted >= 1);
  assert.equal(listed.length + unlisted, ex, "every amended figure is listed or counted");
});

test("across the recording change noted on 1 May 2025, missing episodes get no direction of travel: 'not comparable'", async () => {
  const c = await content("exempt");
  const section = (id: string) => c.areas.flatMap((a) => a.indicators).find((i) => i.id === id)!;
  const missing = section("missing_episodes");
  assert.equal(missing.lastYear?.direction, "not comparable", "Q2 2024-25 is before the change");
  assert.equal(missing.previous?.direction, "not comparable", "Q1 2025-26 holds it");
  assert.notEqual(section("referrals").lastYear?.direction, "not comparable", "a change noted on missing does not touch referrals");
  assert.match(reportHtml(c), /, not comparable<\/td>/);
});

test("a report with no England or neighbour comparison says why, and how to set a comparable authority", async () => {
  const input = await gatherReport(store, { period: PERIOD, audience: "exempt", dataDir, now: NOW });
  assert.equal(buildReport(input).keyMessages.noComparison, null, "X001 is compared like Shropshire");
  const alone = buildReport({ ...input, movements: undefined });
  assert.match(alone.keyMessages.noComparison ?? "", /^Nothing in this report is compared with England or statistical neighbours: X001 is not a DfE authority code and no comparable authority is set\. Set one once with `lantern benchmarks --authority X001 --like CODE/);
  assert.match(reportHtml(alone), /Nothing in this report is compared with England/);
});

/** The literal strings of a PDF (bookmark titles among them), its compressed streams opened. */
function pdfStrings(pdf: Buffer): string[] {
  const s = pdf.toString("latin1");
  const texts = [s];
  for (const m of s.matchAll(/stream\r?\n/g)) {
    const start = m.index + m[0].length;
    try {
      texts.push(inflateSync(Buffer.from(s.slice(start, s.indexOf("endstream", start)), "latin1")).toString("latin1"));
    } catch {
      // Not a deflated stream (an image, say).
    }
  }
  return texts.flatMap((t) => [...t.matchAll(/\((?:[^()\\]|\\.)*\)/g)].map((m) => m[0].slice(1, -1).replace(/\\(.)/g, "$1")));
}

test("every indicator is in the report: one with no figure says why, and a figure taken on a day loaded for the period's last month is shown as at that month", async () => {
  const input = await gatherReport(store, { period: PERIOD, audience: "exempt", dataDir, now: NOW });
  const sections = (c: ReportContent) => c.areas.flatMap((a) => a.indicators);
  // No measures.csv is loaded: the workforce section is there all the same, each figure "–" with its reason.
  const bare = buildReport(input);
  assert.deepEqual(sections(bare).map((i) => i.id).sort(), input.indicators.map((d) => d.id).sort());
  const workforce = bare.areas.find((a) => a.id === "workforce");
  assert.ok(workforce, "the workforce section is there with nothing loaded");
  for (const i of workforce.indicators) {
    assert.equal(i.value.value, null);
    assert.match(i.reason ?? "", /no figure has been loaded for this period \(an aggregate figure kept in another system, loaded from measures\.csv\)/);
    assert.ok(bare.quality.notComputed.some((n) => n.title === i.title), `${i.title} is listed as not computed`);
  }
  // Loaded for September 2025 only: the vacancy rate and electively home educated children (taken
  // on a day) are shown as at September 2025; turnover (over a period) is not.
  const month = (indicator: string, value: number) => ({ indicator, authority: "X001", period: "2025-09", value, numerator: null, denominator: null, unit: input.indicators.find((d) => d.id === indicator)!.unit, snapshot: 2 });
  const loaded = buildReport({ ...input, values: [...input.values, month("sw_vacancy_rate", 14.2), month("ehe_children", 312), month("sw_turnover_rate", 9.5)] });
  const vacancy = sections(loaded).find((i) => i.id === "sw_vacancy_rate")!;
  assert.equal(vacancy.value.value, 14.2);
  assert.equal(vacancy.period?.id, "2025-09");
  assert.equal(vacancy.asAt?.label, "at September 2025");
  assert.equal(sections(loaded).find((i) => i.id === "ehe_children")!.value.value, 312);
  assert.equal(sections(loaded).find((i) => i.id === "sw_turnover_rate")!.value.value, null);
  const html = reportHtml(loaded);
  const part = html.slice(html.indexOf('id="ind-sw_vacancy_rate"'), html.indexOf('id="ind-sw_caseload"'));
  assert.match(part, /<th scope="row"><span class="period">at September 2025<\/span><\/th><td class="num">14\.2%<\/td>/);
  assert.match(part, /No figure for <span class="period">Q2 2025-26<\/span> itself has been loaded; the value is the one at September 2025/);
  assert.ok(!loaded.quality.notComputed.some((n) => n.title === vacancy.title));
});

test("breakdowns: each area's stored breakdowns for the period, the exempt version in full, the public one suppressed as the members' pages suppress them, none recoverable from the total", async () => {
  const input = await gatherReport(store, { period: PERIOD, audience: "exempt", dataDir, now: NOW });
  const ex = buildReport(input);
  const pub = buildReport({ ...input, audience: "public" });
  const table = (c: ReportContent, id: string) => c.breakdowns.flatMap((a) => a.indicators).find((i) => i.id === id);
  // Contacts by source, age band and sex, as stored (what `lantern indicators --by` gives).
  const contacts = table(ex, "contacts")!;
  assert.ok(contacts, "contacts are broken down");
  const stored = input.breakdowns!.filter((v) => v.indicator === "contacts" && v.period === PERIOD && v.breakdown === "source");
  assert.ok(stored.length > 1);
  for (const v of stored) {
    const row = contacts.rows.find((r) => r.breakdown === "Source" && r.category.startsWith(v.category!.toUpperCase()))!;
    assert.deepEqual(row.value, { value: v.value, suppressed: false });
  }
  assert.ok(new Set(contacts.rows.map((r) => r.breakdown)).has("Age band"));
  // Public: every small count is c, and where the total is shown no single hidden category of a
  // count could be worked out as the total less the others.
  let hiddenSeen = 0;
  for (const area of pub.breakdowns) {
    for (const ind of area.indicators) {
      const exRows = table(ex, ind.id)!.rows;
      const headline = pub.areas.flatMap((a) => a.indicators).find((i) => i.id === ind.id)!;
      for (const dim of new Set(ind.rows.map((r) => r.breakdown))) {
        const rows = ind.rows.filter((r) => r.breakdown === dim);
        hiddenSeen += rows.filter((r) => r.value.suppressed).length;
        for (const [i, r] of rows.entries()) {
          const e = exRows.filter((x) => x.breakdown === dim)[i]!;
          if (ind.unit === "count" && isSmallCount(e.value.value)) assert.ok(r.value.suppressed, `${ind.title} ${dim} ${r.category} = ${e.value.value} is shown`);
          for (const k of ["numerator", "denominator"] as const) if (isSmallCount(e[k].value)) assert.ok(r[k].suppressed, `${ind.title} ${dim} ${r.category} ${k}`);
        }
        if (ind.unit === "count" && !headline.value.suppressed) {
          const hidden = rows.filter((r) => r.value.suppressed && r.value.value !== 0);
          assert.notEqual(hidden.length, 1, `${ind.title} by ${dim}: one hidden category is the total less the others`);
        }
      }
    }
  }
  assert.ok(hiddenSeen > 0, "the fixture has small categories to suppress");
  // Laid out as the report's other tables: a caption, column headers with scope, a scrolling region; linked from each area.
  const html = reportHtml(pub);
  const part = html.slice(html.indexOf('id="breakdowns"'));
  assert.match(part, /<h2>Appendix: breakdowns<\/h2>/);
  assert.match(part, /<div class="table-wrap" role="region" tabindex="0" aria-label="Contacts, Q2 2025-26, by source, age band, sex/);
  assert.match(part, /<th scope="col">Breakdown<\/th><th scope="col">Category<\/th><th scope="col" class="num">Value<\/th>/);
  assert.match(html, /<a href="#breakdowns-front_door">Front door: the figures broken down<\/a>/);
});

test("a quarter's monthly SPC chart of a count is drawn and assured against the month's twelfth of the yearly target, not the quarter's quarter", async () => {
  const input = await gatherReport(store, { period: PERIOD, audience: "exempt", dataDir, now: NOW });
  const months = ["2025-04", "2025-05", "2025-06", "2025-07", "2025-08", "2025-09"].map((m) => input.values.find((v) => v.indicator === "referrals" && v.period === m && !v.breakdown)!.value!);
  // A yearly target a little above the year's pace, lower is better: each month meets its twelfth.
  const year = Math.round((12 * months.reduce((a, b) => a + b, 0)) / months.length) + 12;
  const c = buildReport({ ...input, targets: [{ indicator: "referrals", year: "2025-26", target: year, tolerance: 0, polarity: "lower" }] });
  const referrals = c.areas.flatMap((a) => a.indicators).find((i) => i.id === "referrals")!;
  assert.equal(referrals.target, year / 4, "the quarter's figure is set beside a quarter of the year's target");
  assert.ok(referrals.spc, "referrals are charted");
  assert.equal(referrals.spc.target, year / 12, "the monthly chart's target line is a month's share");
  assert.equal(referrals.spc.result.options.target, year / 12, "the assurance icon judges the months against a month's share");
  // A quarter's share (about three months' referrals) lies far above every month: "consistently passing" would be false comfort.
  assert.notEqual(referrals.spc.result.assurance, "consistently_passing");
});

test("an amended figure that reads the same before and after, to the decimal place shown, is counted, not listed", async () => {
  const gathered = await gatherReport(store, { period: PERIOD, audience: "exempt", dataDir, now: NOW });
  // A late referral moves July's re-referral rate from 22.04% to 22.01%: both read 22.0%.
  const input = { ...gathered, revisions: [...gathered.revisions, { indicator: "rereferral_pct", period: "2025-07", before: 22.04, after: 22.01 }] };
  const c = buildReport(input);
  const listed = c.quality.revisions.flatMap((g) => g.figures);
  assert.ok(!listed.some((f) => f.before === f.after), listed.map((f) => `${f.period}: ${f.before} → ${f.after}`).join("; "));
  assert.match(c.quality.revisionsNote, / 1 amended figure\(s\) that read the same before and after, to the decimal place shown, are not listed\./);
  assert.equal(listed.length, gathered.revisions.length, "every other amendment is still listed");
  // With that the only amendment, the page does not then say none was made.
  const only = buildReport({ ...gathered, revisions: [{ indicator: "rereferral_pct", period: "2025-07", before: 22.04, after: 22.01 }] });
  assert.equal(only.quality.revisionsUnlisted, 1);
  const page = reportHtml(only);
  assert.match(page, /<p>No other figure has been amended\.<\/p>/);
  assert.doesNotMatch(page, /<p>No figure has been amended\.<\/p>/);
});

test("the PDF never leaves a table's caption or column headers at the foot of a page with its rows on the next", { skip: needsPrograms(["chromium", "pdftotext"]) }, async () => {
  const c = await content("public");
  // Breakdown tables of 1 to 24 rows, one after another, so that wherever the pages fall some
  // table starts near the foot of one: its caption and header must go over with its first row.
  const first = c.breakdowns[0]!.indicators[0]!;
  const many = Array.from({ length: 24 }, (_, i) => ({ ...first, id: `t${i}`, title: `Test table ${i + 1}`, rows: Array.from({ length: i + 1 }, (_, k) => first.rows[k % first.rows.length]!) }));
  const pdf = await htmlToPdf(reportHtml({ ...c, breakdowns: [...c.breakdowns, { id: "test", title: "Test area", indicators: many }] }), { title: "test report" });
  const dir = tempDir();
  cleanups.push(dir.cleanup);
  const file = join(dir.dir, "breaks.pdf");
  writeFileSync(file, pdf);
  const pages = execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" }).split("\f");
  const header = /^\s*(Breakdown\s+Category|Period\s+Value\s+Of|Financial year\s+(Average|Value)|Area\s+Indicator\s+Period|Stage\s+Number|Indicator\s+Why|Date\s+Kind|Period\s+Was)\b/;
  const orphans: string[] = [];
  for (const [i, page] of pages.entries()) {
    const lines = page.split("\n").filter((l) => l.trim() && !/Page \d+ of \d+/.test(l));
    const last = lines.at(-1) ?? "";
    // A page ending in a header row, or in a caption ("Test table 7, Q2 2025-26, by ..."), has left a table's top behind.
    if (header.test(last) || /^Test table \d+, /.test(last.trim()) || /^\S.*, by [a-z]/.test(last)) orphans.push(`page ${i + 1}: ${lines.slice(-2).join(" / ").replace(/\s+/g, " ")}`);
  }
  assert.deepEqual(orphans, []);
});

test("a screen reader can follow every table: the cells that name a row (indicator and period, breakdown and category, period, year, stage) are row headers", async () => {
  const html = reportHtml(await content("public"));
  const tables = [...html.matchAll(/<table><caption>(.*?)<\/caption><thead>(.*?)<\/thead><tbody>(.*?)<\/tbody><\/table>/g)].map((m) => ({
    caption: m[1]!,
    head: [...m[2]!.matchAll(/<th scope="col"[^>]*>(.*?)<\/th>/g)].map((h) => h[1]!),
    rows: [...m[3]!.matchAll(/<tr>(.*?)<\/tr>/g)].map((r) => [...r[1]!.matchAll(/<(th scope="row"|td)[^>]*>/g)].map((c) => c[1] === "td" ? "td" : "th")),
  }));
  assert.ok(tables.length > 50);
  // Which columns name the row, by the table's column headings; a one-row comparison with England has none.
  const naming = (head: readonly string[]): number[] =>
    head[0] === "Area" ? [1, 2] : head[0] === "Breakdown" ? [0, 1] : head[0]!.startsWith("This authority") ? [] : [0];
  for (const t of tables) {
    const want = naming(t.head);
    for (const row of t.rows) assert.deepEqual(row, row.map((_, i) => (want.includes(i) ? "th" : "td")), `${t.caption}: ${t.head.join(" | ")}`);
  }
  // The appendix is read cell by cell: its value is announced with its indicator and period.
  assert.match(html, /<tr><td>Front door<\/td><th scope="row">Contacts<\/th><th scope="row"><span class="period">Q2 2025-26<\/span><\/th><td class="num">/);
});

test("the glossary explains the words the tables use: RAG and its tolerance, direction of travel, statistical neighbours, rank, quartile band and c", async () => {
  for (const audience of ["public", "exempt"] as const) {
    const html = reportHtml(await content(audience));
    const glossary = html.slice(html.indexOf('<section class="glossary"'), html.indexOf('<section class="appendix"'));
    const reading = /<p class="note"><strong>Reading the tables\.<\/strong>(.*?)<\/p>/.exec(glossary)?.[1] ?? "";
    assert.match(reading, /RAG: green .*meets the target.*amber .*no more than the tolerance.*red /, audience);
    assert.match(reading, /improving or worsening.*up or down.*not comparable.*recording change/, audience);
    assert.match(reading, /Statistical neighbours: /, audience);
    assert.match(reading, /Rank: .*1 is the best/, audience);
    assert.match(reading, /Quartile band: A .*best.*D .*worst/, audience);
    if (audience === "public") assert.match(reading, /c: a figure suppressed/);
    else assert.doesNotMatch(reading, /c: a figure suppressed/);
  }
});

test("a key message calls a figure the latest only when it is the period's last month's: 'latest 19 in August 2025' in a paper to September was not", async () => {
  const c = await content("exempt");
  const spc = c.keyMessages.signals.filter((s) => s.kind === "spc").map((s) => ({ ...s, brief: s.brief.replace(/ \(as the public version judges it\)$/, "") }));
  assert.ok(spc.length > 1);
  for (const s of spc) {
    const latest = /; latest [^ ]+ in (\w+ \d{4})\.$/.exec(s.brief);
    if (latest) assert.equal(latest[1], "September 2025", s.brief);
  }
  // A signal in an earlier month still gives that month's figure, named.
  const earlier = spc.filter((s) => !/September 2025\.$/.test(s.brief));
  assert.ok(earlier.length > 0, "the fixture has a signal in a month before the last");
  for (const s of earlier) assert.match(s.brief, /; [^ ;]+ in \w+ \d{4}\.$/, s.brief);
});

test("a figure that could not be computed has no counts beside it: not ' / 29' nor 'c / c' under a dash, at most the records it would be of", async () => {
  for (const audience of ["public", "exempt"] as const) {
    const c = await content(audience);
    const html = reportHtml(c);
    const none = c.areas.flatMap((a) => a.indicators).filter((i) => i.value.value === null && i.unit === "percent");
    assert.ok(none.length > 0, "the fixture has a percentage that could not be computed");
    for (const i of none) {
      const part = html.slice(html.indexOf(`id="ind-${i.id}"`));
      const of = /<td class="num">–<\/td><td>([^<]*)<\/td>/.exec(part)?.[1];
      assert.ok(of !== undefined, i.id);
      assert.match(of, /^(of [\d,]+|of c)?$/, `${audience} ${i.title}: "${of}"`);
    }
  }
});

test("the PDF never leaves a glossary term at the foot of a page with its definition on the next", { skip: needsPrograms(["chromium", "pdftotext"]) }, async () => {
  const c = await content("public");
  // Definitions of many lengths, one after another, so that some term falls near a page's foot.
  const glossary = Array.from({ length: 3 * c.glossary.length }, (_, i) => ({ ...c.glossary[i % c.glossary.length]!, title: `Term ${i + 1}`, definition: c.glossary[(i * 7) % c.glossary.length]!.definition.slice(0, 80 + ((i * 37) % 600)) }));
  const pdf = await htmlToPdf(reportHtml({ ...c, glossary }), { title: "test report" });
  const dir = tempDir();
  cleanups.push(dir.cleanup);
  const file = join(dir.dir, "glossary.pdf");
  writeFileSync(file, pdf);
  const pages = execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" }).split("\f");
  const orphans = pages.flatMap((page, i) => {
    const last = page.split("\n").filter((l) => l.trim() && !/Page \d+ of \d+/.test(l)).at(-1) ?? "";
    return /^Term \d+$/.test(last.trim()) ? [`page ${i + 1}: ${last.trim()}`] : [];
  });
  assert.deepEqual(orphans, []);
});

test("a yearly average of counts groups its thousands as the counts above it do", async () => {
  const c = await content("exempt");
  const areas = c.areas.map((a) => ({
    ...a,
    indicators: a.indicators.map((i) => (i.id === "contacts" ? { ...i, yearly: i.yearly.map((y, k) => (k === 0 ? { ...y, mean: { ...y.mean, value: 2622.25 } } : y)) } : i)),
  }));
  const html = reportHtml({ ...c, areas });
  const contacts = html.slice(html.indexOf('id="ind-contacts"'), html.indexOf('id="ind-contacts_to_referral_pct"'));
  assert.match(contacts, /<td class="num">2,622\.3<\/td>/);
  assert.doesNotMatch(contacts, /2622\.3/);
});

test("yearly averages across a recording change say that the years before it are not comparable with those after, and which year mixes the two", async () => {
  // The fixture's police recording change on 2025-05-01 (the missing area) falls in 2025-26.
  const html = reportHtml(await content("public"));
  const section = (id: string) => html.slice(html.indexOf(`id="ind-${id}"`), html.indexOf('id="ind-', html.indexOf(`id="ind-${id}"`) + 5));
  const note = "A recording change on 2025-05-01 (The police changed how missing episodes are recorded) breaks this series: the averages of years before it are not comparable with those after it, and 2025-26's mixes figures recorded before and after it.";
  const missing = section("missing_episodes");
  assert.ok(missing.includes("yearly averages of the quarterly values"), "the section has its yearly averages");
  assert.ok(missing.includes(`<p class="note">${note}</p>`), missing.slice(missing.indexOf("yearly averages"), missing.indexOf("yearly averages") + 1500));
  assert.ok(missing.indexOf(note) > missing.indexOf("yearly averages of the quarterly values"), "said under the averages");
  assert.doesNotMatch(section("contacts"), /breaks this series/, "no recording change was noted on contacts");
});

test("a quarter's SPC words name the month whose value they give, beside the quarter's figure: not 'the latest value (95)' beside 234", async () => {
  const html = reportHtml(await content("public"));
  const contacts = html.slice(html.indexOf('id="ind-contacts"'), html.indexOf('id="ind-contacts_to_referral_pct"'));
  assert.match(contacts, /<td class="num">234<\/td>/, "the quarter's figure");
  assert.match(contacts, /<p>Common cause variation: the value for September 2025 \(95\) is within what this process normally produces/);
  assert.doesNotMatch(html, /the latest value/, "every SPC text in the paper names its month");
});

test("a quarter of the share of children looked after who went missing has no RAG against a year's target, and the report says why; a percentage done on time is judged as set", async () => {
  const input = await gatherReport(store, { period: PERIOD, audience: "exempt", dataDir, committee: "Corporate Parenting Board", now: NOW });
  const c = buildReport({ ...input, targets: [...input.targets, { indicator: "cla_missing_pct", year: "2025-26", target: 10, tolerance: 2, polarity: "lower" }] });
  const ind = (id: string) => c.areas.flatMap((a) => a.indicators).find((i) => i.id === id)!;
  const missing = ind("cla_missing_pct");
  assert.notEqual(missing.value.value, null, "the quarter has a figure");
  assert.equal(missing.rag, null);
  assert.equal(missing.target, null);
  assert.match(missing.ragNote ?? "", /^the target \(10\.0% for 2025-26\) is for a whole year: the share of children with an episode at any time in a quarter is smaller than a year's/);
  assert.match(reportHtml(c), /<p class="note">No RAG: the target \(10\.0% for 2025-26\) is for a whole year: [^<]*quarter[^<]*\.<\/p>/);
  const assess = ind("assess_45wd_pct");
  assert.equal(assess.target, 90);
  assert.notEqual(assess.rag, null);
  assert.equal(assess.ragNote, null);
});
