// The digest's SPC on hand-made series: a longer period is judged month by month exactly as each
// month's own digest judges it, and what the SPC could not judge is named, never "nothing unusual".
import assert from "node:assert/strict";
import { test } from "node:test";
import { parsePeriod, periodsWithin } from "../calendar/periods.ts";
import type { IndicatorDef, IndicatorValue } from "../kpi/types.ts";
import { buildDigest, conversionWords, digestPeriodIds, flowStageIsShare } from "./digest.ts";

const def = (id: string, extra: Partial<IndicatorDef> = {}) => ({ id, title: id, area: "front_door", unit: "count", polarity: "none", measure: "flow", ...extra }) as IndicatorDef;
const referrals = def("referrals");
const conversion = def("referral_to_assessment_pct", { unit: "percent" });
const onPlans = def("cpp_at_end", { area: "child_protection", measure: "snapshot" });

/** Months from April 2023: `n` of them, steady around 100, with `spikes` (month id → value). */
function series(indicator: string, n: number, spikes: Record<string, number> = {}, extra: Partial<IndicatorValue> = {}): IndicatorValue[] {
  return periodsWithin("2023-04-01", "2030-03-31", ["month"])
    .slice(0, n)
    .map((p, i) => {
      const value = spikes[p.id] ?? [100, 103, 98, 101, 97, 102][i % 6]!;
      return { indicator, authority: "X", period: p.id, value, numerator: value, denominator: null, unit: "count", snapshot: 1, ...extra };
    });
}

test("a quarter is judged month by month: the spike its middle month signals is reported for the quarter, as monthly SPC", () => {
  // 30 months to September 2025; August 2025 is far beyond the limits.
  const values = series("referrals", 30, { "2025-08": 160 });
  const digest = (period: string, spcForEachMonth?: boolean) => buildDigest({ authority: "X", period, indicators: [referrals], values, ...(spcForEachMonth ? { spcForEachMonth } : {}) });
  const month = digest("2025-08").groups[0]!.signals;
  assert.deepEqual(
    month.map((s) => [s.indicator, s.kind, s.label, s.severity]),
    [["referrals", "spc", "special cause neutral high", 2]],
  );
  assert.match(month[0]!.text, /^referrals: 160 in August 2025\. Special cause variation/);

  const quarter = digest("2025-26-Q2", true);
  assert.deepEqual(quarter.spcMonths, ["2025-07", "2025-08", "2025-09"]);
  const [signal, ...others] = quarter.groups[0]!.signals;
  assert.equal(others.length, 0);
  assert.deepEqual([signal!.indicator, signal!.kind, signal!.label, signal!.severity, signal!.months], ["referrals", "spc", "special cause neutral high", 2, ["2025-08"]]);
  assert.match(signal!.text, /^referrals \(monthly SPC\): special cause neutral high in August 2025\. 160 in August 2025: Special cause variation — neutral: the value for August 2025 is unusually high/);
  assert.doesNotMatch(signal!.text, /the latest value/, "August is not the quarter's latest month");
  // August's own window is not September's: said, so the figures are not read off a chart to September.
  const q = digest("2025-26-Q2", true).groups[0]!.signals[0]!.text;
  const sept = buildDigest({ authority: "X", period: "2025-09", indicators: [referrals], values }).groups[0]!.signals;
  assert.equal(sept.length, 0, "September is common cause");
  assert.match(q, / It is judged on the months up to August 2025, whose limits differ from those of the chart drawn to September 2025\.$/);
  assert.deepEqual(quarter.groups[0]!.judged, ["referrals"]);

  // The financial year and the rolling year that hold August report it too; a quarter without it does not.
  for (const p of ["2025-26", "12m-2025-09"]) assert.deepEqual(digest(p, true).groups[0]!.signals.map((s) => s.months), [["2025-08"]], p);
  const q1 = digest("2025-26-Q1", true);
  assert.deepEqual([q1.groups[0]!.signals, q1.groups[0]!.judged], [[], ["referrals"]]);

  // Without asking for it (the web page and the report), a quarter runs no SPC and says so.
  const plain = digest("2025-26-Q2");
  assert.deepEqual([plain.spcMonths, plain.groups[0]!.signals, plain.groups[0]!.judged], [[], [], []]);
});

test("a quarter's signals are the months' own: two months flagged differently are both named", () => {
  const values = series("referrals", 30, { "2025-07": 160, "2025-09": 40 });
  const d = buildDigest({ authority: "X", period: "2025-26-Q2", indicators: [referrals], values, spcForEachMonth: true });
  const s = d.groups[0]!.signals[0]!;
  assert.deepEqual(s.months, ["2025-07", "2025-09"]);
  assert.match(s.text, /special cause neutral high in July 2025; special cause neutral low in September 2025\. 40 in September 2025:/);
  for (const m of ["2025-07", "2025-09"]) assert.equal(buildDigest({ authority: "X", period: m, indicators: [referrals], values }).groups[0]!.signals.length, 1, m);
});

test("too few months, no figure or too few records: named as not judged, never as nothing unusual", () => {
  // The first month of data, and the eleventh: the SPC needs 12 monthly figures.
  for (const n of [1, 11]) {
    const values = series("referrals", n);
    const d = buildDigest({ authority: "X", period: values.at(-1)!.period, indicators: [referrals, onPlans], values });
    const g = d.groups[0]!;
    assert.deepEqual([g.signals, g.judged], [[], []]);
    assert.deepEqual(g.notJudged, [{ indicator: "referrals", title: "referrals", reason: "few_months", months: [values.at(-1)!.period] }]);
    // A stock is never charted, so it is neither judged nor listed.
    assert.deepEqual([d.groups[1]!.judged, d.groups[1]!.notJudged], [[], []]);
  }
  // The twelfth month is judged.
  const twelve = series("referrals", 12);
  assert.deepEqual(buildDigest({ authority: "X", period: "2024-03", indicators: [referrals], values: twelve }).groups[0]!.judged, ["referrals"]);
  // A month with no figure; a percentage of fewer than 20 records.
  const gap = twelve.filter((v) => v.period !== "2024-03");
  assert.deepEqual(buildDigest({ authority: "X", period: "2024-03", indicators: [referrals], values: gap }).groups[0]!.notJudged.map((n) => n.reason), ["no_figure"]);
  const small = series("referral_to_assessment_pct", 24, {}, { unit: "percent", denominator: 19 });
  assert.deepEqual(buildDigest({ authority: "X", period: "2025-03", indicators: [conversion], values: small }).groups[0]!.notJudged.map((n) => n.reason), ["few_records"]);
  // A count of under 5 a month on average over the last 12 (children starting care in a small
  // authority: 0, 1, 2, 3): the screened limits of such a series put an ordinary 0 below the lower
  // limit (0.13 here), so it is not charted; at 5 a month on average it is.
  const lumpy = [1, 1, 0, 0, 0, 0, 0, 0, 0, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 2, 0, 0, 0, 0, 2, 1, 1, 1, 0, 1, 2, 1, 1, 0];
  const started = (add: number) => series("cla_started", 36).map((v, i) => ({ ...v, value: lumpy[i]! + add, numerator: lumpy[i]! + add }));
  const few = buildDigest({ authority: "X", period: "2026-03", indicators: [def("cla_started")], values: started(0) }).groups[0]!;
  assert.deepEqual([few.signals, few.notJudged.map((n) => [n.indicator, n.reason])], [[], [["cla_started", "few_records"]]]);
  const enough = buildDigest({ authority: "X", period: "2026-03", indicators: [def("cla_started")], values: started(4.25) }).groups[0]!;
  assert.deepEqual(enough.judged, ["cla_started"], "12 months averaging 5.0");
  // A rate of such a count is judged on its numerator, the events, as the count is.
  const rate = started(0).map((v) => ({ ...v, value: v.value! / 3, unit: "rate" as const }));
  assert.deepEqual(buildDigest({ authority: "X", period: "2026-03", indicators: [def("cla_start_rate", { unit: "rate" })], values: rate.map((v) => ({ ...v, indicator: "cla_start_rate" })) }).groups[0]!.notJudged.map((n) => n.reason), ["few_records"]);
  // A quarter straddling the twelfth month: its first two months could not be judged, its last could.
  const q = buildDigest({ authority: "X", period: "2023-24-Q4", indicators: [referrals], values: twelve, spcForEachMonth: true }).groups[0]!;
  assert.deepEqual([q.judged, q.notJudged.map((n) => [n.reason, n.months])], [["referrals"], [["few_months", ["2024-01", "2024-02"]]]]);
});

test("digestPeriodIds reaches 36 months back from a longer period's first month", () => {
  const ids = digestPeriodIds(parsePeriod("2025-26-Q2")!, { spcForEachMonth: true });
  for (const id of ["2022-08", "2025-07", "2025-09", "2025-26-Q2", "2025-26-Q1", "2024-25-Q2"]) assert.ok(ids.includes(id), id);
  assert.ok(!ids.includes("2022-07"));
  const month = digestPeriodIds(parsePeriod("2025-09")!);
  assert.ok(month.includes("2022-10") && !month.includes("2022-09"));
});

test("the flow: a share is a percentage of the stage before; a ratio that is no share, or passes 100, is so many per 100", () => {
  const month = (indicator: string, value: number): IndicatorValue => ({ indicator, authority: "X", period: "2025-03", value, numerator: value, denominator: null, unit: "count", snapshot: 1 });
  const counts: Record<string, number> = { contacts: 1000, referrals: 620, assessments_completed: 631, cin_plans_started: 300, s47_started: 120, icpc: 60, cpp_started: 66, cla_started: 30 };
  const d = buildDigest({ authority: "X", period: "2025-03", indicators: Object.keys(counts).map((id) => def(id)), values: Object.entries(counts).map(([k, v]) => month(k, v)) });
  const words = d.flow.map((f) => [f.stage, f.share, f.conversion === null || !f.from ? null : conversionWords(f.conversion, f.from.stage, f.share)]);
  assert.deepEqual(words, [
    ["Contacts", false, null],
    ["Referrals", true, "62.0% of contacts"],
    // Assessments completed are not a subset of the referrals, so 101.8 is never "101.8% of referrals".
    ["Assessments completed", false, "101.8 per 100 referrals"],
    ["Child in need plans started", false, "47.5 per 100 assessments completed"],
    ["Section 47 enquiries", false, "19.0 per 100 assessments completed"],
    ["Initial conferences", true, "50.0% of section 47 enquiries"],
    // A share above 100 (plans whose conference fell in the period before) is not a percentage either.
    ["Child protection plans started", true, "110.0 per 100 initial conferences"],
    // Most children start care without a child protection plan: compared with no stage.
    ["Children starting care", false, null],
  ]);
  assert.equal(d.flow.at(-1)!.from, null);
  assert.equal(flowStageIsShare("Referrals"), true);
  assert.equal(flowStageIsShare("Assessments completed"), false);
  assert.equal(conversionWords(100, "Contacts", true), "100.0% of contacts");
});

test("for a viewer who may not see every figure, SPC rests only on the months after the last hidden one, and nothing said depends on a hidden figure", () => {
  // 30 months to September 2025; September 2024 (a 3) is hidden from the viewer, and July 2025 spikes.
  const values = series("referrals", 30, { "2024-09": 3, "2025-07": 160 });
  const hidden = (indicator: string, period: string) => indicator === "referrals" && period === "2024-09";
  const digest = (vs: IndicatorValue[], period: string) => buildDigest({ authority: "X", period, indicators: [referrals], values: vs, spcForEachMonth: true, hidden });
  // July 2025 has 10 months after September 2024, August 11, September 12: withheld in July and August, judged in September.
  const q = digest(values, "2025-26-Q2").groups[0]!;
  assert.deepEqual(q.notJudged.map((n) => [n.reason, n.months]), [["withheld", ["2025-07", "2025-08"]]]);
  assert.deepEqual(q.judged, ["referrals"]);
  // The month itself hidden: withheld, not "no figure".
  assert.deepEqual(digest(values, "2024-09").groups[0]!.notJudged.map((n) => n.reason), ["withheld"]);
  // Judged on October 2024 to September 2025 alone: the same verdict as on those months by
  // themselves, and its words say where it starts (its limits are not the whole series').
  const spike = series("referrals", 30, { "2024-09": 3, "2025-09": 170 });
  const alone = buildDigest({ authority: "X", period: "2025-09", indicators: [referrals], values: spike.filter((v) => v.period >= "2024-10") }).groups[0]!.signals;
  const viewer = digest(spike, "2025-09").groups[0]!.signals;
  assert.equal(alone.length, 1);
  assert.deepEqual(viewer.map(({ text, ...rest }) => rest), alone.map(({ text, ...rest }) => rest));
  assert.equal(viewer[0]!.text, `${alone[0]!.text} Judged on the months from October 2024: an earlier month is not shown.`);
  // Whatever the hidden figure is, the viewer's SPC says the same, month by month and over the year
  // (the flow's stages and RAG changes quote figures as they are: the caller hides those).
  for (const period of ["2025-26-Q2", "2025-09", "2025-26", "2024-09"]) {
    for (const other of [1, 5, 40, 400]) {
      const changed = values.map((v) => (v.period === "2024-09" ? { ...v, value: other, numerator: other } : v));
      assert.deepEqual(digest(changed, period).groups, digest(values, period).groups, `${period} with the hidden figure ${other}`);
    }
  }
  // Without `hidden` the same series is judged on every month, the hidden one included.
  assert.deepEqual(buildDigest({ authority: "X", period: "2025-26-Q2", indicators: [referrals], values, spcForEachMonth: true }).groups[0]!.notJudged, []);
});

test("an SPC signal with a target for its year says what the target means for assurance, not 'no target is set'", () => {
  const values = series("rereferral_pct", 30, { "2025-09": 160 }, { unit: "percent", denominator: 1000 });
  const pct = def("rereferral_pct", { unit: "percent", polarity: "lower" });
  const targets = [{ indicator: "rereferral_pct", year: "2025-26", target: 120, tolerance: 5 }];
  const [withTarget] = buildDigest({ authority: "X", period: "2025-09", indicators: [pct], values, targets }).groups[0]!.signals;
  assert.match(withTarget!.text, /above the upper process limit of [\d.]+%\. The target of 120% is outside the process limits on the passing side, so it will consistently be met/);
  assert.doesNotMatch(withTarget!.text, /No target is set/);
  const [without] = buildDigest({ authority: "X", period: "2025-09", indicators: [pct], values }).groups[0]!.signals;
  assert.match(without!.text, /No target is set/);
});

test("a flow stage with no figure gives the reason beside its null value, as indicators --json does: the stored figure's own, or that it was not computed", () => {
  const month = (indicator: string, value: number | null, reason?: string): IndicatorValue => ({ indicator, authority: "X", period: "2025-03", value, numerator: value, denominator: null, unit: "count", snapshot: 1, ...(reason ? { reason } : {}) });
  const values = [month("contacts", null, "ssd_contacts was not loaded in this snapshot."), month("assessments_completed", 40), month("cin_plans_started", 12)];
  const d = buildDigest({ authority: "X", period: "2025-03", indicators: ["contacts", "referrals", "assessments_completed", "cin_plans_started"].map((id) => def(id)), values });
  const byId = new Map(d.flow.map((f) => [f.indicator, f]));
  assert.equal(byId.get("contacts")!.value, null);
  assert.equal(byId.get("contacts")!.reason, "ssd_contacts was not loaded in this snapshot.");
  assert.equal(byId.get("referrals")!.value, null, "no figure stored");
  assert.equal(byId.get("referrals")!.reason, "not computed for this period.");
  for (const f of d.flow) assert.equal(f.value === null, typeof f.reason === "string" && f.reason.length > 0, f.stage);
  // In JSON the reason sits beside the value; a stage with a value has none.
  const json = JSON.parse(JSON.stringify(d.flow)) as Record<string, unknown>[];
  assert.deepEqual(Object.keys(json[0]!).slice(3, 5), ["value", "reason"]);
  assert.ok(!("reason" in json.find((f) => f["indicator"] === "assessments_completed")!));
});

test("a flow conversion that cannot be given is null with its reason beside it, now and a year earlier; one given has none", () => {
  const at = (indicator: string, period: string, value: number | null, reason?: string): IndicatorValue => ({ indicator, authority: "X", period, value, numerator: value, denominator: null, unit: "count", snapshot: 1, ...(reason ? { reason } : {}) });
  const values = [
    at("contacts", "2025-03", 300),
    at("referrals", "2025-03", 90),
    at("assessments_completed", "2025-03", 0),
    at("cin_plans_started", "2025-03", 4),
    at("s47_started", "2025-03", null, "cannot be computed: no ssd_s47_enquiry data loaded for X"),
    at("contacts", "2024-03", 280),
    at("referrals", "2024-03", 70),
  ];
  const ids = ["contacts", "referrals", "assessments_completed", "cin_plans_started", "s47_started", "icpc", "cpp_started", "cla_started"];
  const d = buildDigest({ authority: "X", period: "2025-03", indicators: ids.map((id) => def(id)), values });
  const by = new Map(d.flow.map((f) => [f.indicator, f]));
  assert.equal(by.get("referrals")!.conversion, 30);
  assert.equal(by.get("referrals")!.conversionReason, undefined);
  assert.equal(by.get("referrals")!.conversionLastYearReason, undefined);
  assert.equal(by.get("contacts")!.conversionReason, "contacts are the first stage: there is no stage before them to compare with");
  assert.equal(by.get("assessments_completed")!.conversionLastYearReason, "no figure for assessments completed in March 2024: none is stored for that period");
  assert.equal(by.get("cin_plans_started")!.conversionReason, "no assessments completed in March 2025 to compare with");
  assert.equal(by.get("s47_started")!.conversionReason, "no figure for section 47 enquiries in March 2025: cannot be computed: no ssd_s47_enquiry data loaded for X");
  // Neither figure: this stage's is named.
  assert.equal(by.get("icpc")!.conversionReason, "no figure for initial conferences in March 2025: none is stored for that period");
  assert.match(by.get("cla_started")!.conversionReason!, /^not compared with another stage: /);
  for (const f of d.flow) {
    assert.equal(f.conversion === null, typeof f.conversionReason === "string" && f.conversionReason.length > 0, f.stage);
    assert.equal(f.conversionLastYear === null, typeof f.conversionLastYearReason === "string" && f.conversionLastYearReason.length > 0, f.stage);
  }
});
