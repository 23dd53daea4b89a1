/**
 * Every CIN census DfE rule with a passing and a failing case: a valid child (clean against the
 * whole registry) and, per rule, the one change that breaks it. The 45- and 15-working-day
 * queries are also checked at their boundary with the working-day calendar.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { dayNumber, isoDate } from "../../calendar/dates.ts";
import { defaultCalendar } from "../../calendar/working-days.ts";
import { isProblem, parseDate } from "../../ingest/values.ts";
import type { CinChild, CinDate, CinDetails, CinHeader } from "../cin-census.ts";
import { CIN_HEADER_RULES, CIN_RULES, type CtxCin } from "./cin-rules.ts";
import { runRules } from "./registry.ts";

const D = (raw: string): CinDate => {
  if (!raw) return { raw, day: null, line: 5 };
  const d = parseDate(raw);
  return { raw, day: isProblem(d) ? undefined : d, line: 5 };
};

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? Mutable<U>[] : T[K] extends object ? Mutable<T[K]> : T[K] };
type Child = Mutable<CinChild>;
type Details = Mutable<CinDetails>;

function detail(): Details {
  return {
    line: 10,
    referral: D("2023-05-02"),
    source: "1A",
    need: "N1",
    closure: D(""),
    reason: "",
    icpc: D(""),
    nfa: "false",
    assessments: [{ line: 11, start: D("2023-05-03"), auth: D("2023-06-01"), factors: ["1A", "2B"] }],
    plans: [{ line: 12, start: D("2023-06-05"), end: D("2023-09-01") }],
    s47: [{ line: 13, start: D("2023-09-04"), target: D("2023-09-20"), icpc: D("2023-09-20"), notRequired: "false" }],
    cpps: [{ line: 14, start: D("2023-09-20"), end: D("2024-01-10"), initial: "NEG", latest: "NEG", previous: "0", previousLine: 14, reviews: [D("2023-12-05")] }],
  };
}

function base(): Child {
  return {
    file: "cin.xml",
    line: 3,
    id: "C1",
    // A valid UPN from the shared fake_CIN_data.xml (check letter, LA code 383).
    upn: "A383489771083",
    formerUpn: "",
    upnUnknown: "",
    dob: D("2015-01-01"),
    expectedDob: D(""),
    death: D(""),
    sex: "M",
    sexElement: "Sex",
    ethnicity: "WBRI",
    disabilities: ["NONE"],
    details: [detail()],
  };
}

const REF = dayNumber("2024-03-31");
const ctx = (seen: string[] = []): CtxCin => ({ referenceDate: REF, calendar: defaultCalendar(), seenIds: new Map(seen.map((id) => [id, 1])) });
const d0 = (c: Child) => c.details[0]!;

const FAIL: Record<string, (c: Child) => string[] | undefined> = {
  "8500": (c) => {
    c.id = "";
  },
  "8510": () => ["C1"],
  "1510": (c) => {
    c.upn = "B383489771083";
  },
  "1530": (c) => {
    c.upn = "A123456789012";
  },
  "1540": (c) => {
    c.upn = "A3834897X1083";
  },
  "1550": (c) => {
    c.upn = "A38348977108O";
  },
  "1560Q": (c) => {
    c.formerUpn = "X98765432";
  },
  "4180": (c) => {
    c.sex = "X";
  },
  "8520": (c) => {
    c.dob = D("2024-05-01");
  },
  "8525Q": (c) => {
    c.expectedDob = D("2015-01-01");
  },
  "8535Q": (c) => {
    c.death = D("2014-01-01");
  },
  "8794": (c) => {
    c.disabilities = ["MOB", "MOB"];
  },
  "8606": (c) => {
    c.dob = D("2024-03-01");
  },
  "8630": (c) => {
    d0(c).closure = D("2023-05-01");
    d0(c).reason = "RC1";
  },
  "8820": (c) => {
    const d = detail();
    d.referral = D("2023-06-01");
    d.assessments = [];
    d.plans = [];
    d.s47 = [];
    d.cpps = [];
    c.details.push(d);
  },
  "8805": (c) => {
    d0(c).closure = D("2024-02-01");
  },
  "8810": (c) => {
    d0(c).reason = "RC1";
  },
  "8640": (c) => {
    d0(c).closure = D("2024-02-01");
    d0(c).reason = "RC99";
  },
  "8650": (c) => {
    d0(c).need = "N99";
  },
  "8866": (c) => {
    d0(c).source = "";
  },
  "8610": (c) => {
    d0(c).need = "";
  },
  "8608": (c) => {
    d0(c).assessments[0]!.auth = D("2023-05-02");
  },
  "1103": (c) => {
    d0(c).assessments[0]!.start = D("2023-05-01");
  },
  "8869": (c) => {
    d0(c).assessments[0]!.factors = ["21", "1A"];
  },
  "8898": (c) => {
    d0(c).assessments[0]!.factors = ["1A", "1A"];
  },
  "8614": (c) => {
    d0(c).assessments[0]!.auth = D("");
  },
  "8670Q": (c) => {
    d0(c).assessments[0]!.auth = D("");
    d0(c).assessments[0]!.factors = [];
  },
  "4011": (c) => {
    d0(c).plans[0]!.end = D("2023-06-01");
  },
  "4012Q": (c) => {
    d0(c).plans[0]!.end = D("2023-06-05");
  },
  "4014": (c) => {
    d0(c).plans.push({ line: 15, start: D("2023-08-01"), end: D("2023-10-01") });
  },
  "4015": (c) => {
    d0(c).plans[0]!.start = D("2023-05-01");
  },
  "4000": (c) => {
    d0(c).nfa = "true";
  },
  "2889": (c) => {
    d0(c).s47[0]!.start = D("2023-05-01");
  },
  "8615": (c) => {
    d0(c).s47[0]!.start = D("2023-09-21");
  },
  "8675Q": (c) => {
    d0(c).s47[0]!.icpc = D("");
  },
  "8875": (c) => {
    d0(c).s47[0]!.icpc = D("2023-09-23");
  },
  "8870Q": (c) => {
    d0(c).s47[0]!.target = D("2023-09-24");
  },
  "8831": (c) => {
    d0(c).nfa = "1";
  },
  "1105": (c) => {
    d0(c).cpps[0]!.start = D("2023-05-01");
  },
  "8840": (c) => {
    d0(c).cpps[0]!.end = D("2023-09-20");
  },
  "8832": (c) => {
    d0(c).nfa = "true";
  },
  "8842Q": (c) => {
    d0(c).cpps[0]!.reviews = [D("")];
  },
};

/** Boundaries that must pass. */
const PASS: Record<string, (c: Child) => void> = {
  // A temporary UPN (a letter last) with its check letter; a former UPN in either form.
  "1510": (c) => {
    c.upn = "H20100000101A";
  },
  "1550": (c) => {
    c.upn = "H20100000101A";
  },
  "1560Q": (c) => {
    c.formerUpn = "X98765432123B";
  },
  // Started exactly 45 working days before the reference date: not yet overdue.
  "8670Q": (c) => {
    const cal = defaultCalendar();
    let s = REF;
    while (cal.between(s, REF) < 45) s--;
    d0(c).assessments[0]!.start = D(isoDate(s));
    d0(c).assessments[0]!.auth = D("");
    d0(c).assessments[0]!.factors = [];
    d0(c).plans = [];
    d0(c).s47 = [];
    d0(c).cpps = [];
    d0(c).referral = D(isoDate(s));
  },
  "8675Q": (c) => {
    const cal = defaultCalendar();
    let s = REF;
    while (cal.between(s, REF) < 15) s--;
    d0(c).s47[0]!.start = D(isoDate(s));
    d0(c).s47[0]!.icpc = D("");
    d0(c).cpps = [];
  },
  "8875": (c) => {
    d0(c).s47[0]!.icpc = D("2023-09-22");
  },
  "4180": (c) => {
    c.sexElement = "GenderCurrent";
    c.sex = "9";
  },
  "8831": (c) => {
    d0(c).nfa = "true";
    d0(c).assessments = [];
    d0(c).s47 = [];
    d0(c).plans = [];
    d0(c).cpps = [];
  },
};

const run = (c: Child, seen: string[] = []) => runRules(CIN_RULES, c as CinChild, ctx(seen), { file: "x" }).map((i) => i.code);

test("the valid CIN child passes every rule", () => {
  assert.deepEqual(run(base()), []);
});

test("every CIN rule has a failing case; at least 35 rules with unique ids; queries end in Q", () => {
  assert.ok(CIN_RULES.length >= 35, `${CIN_RULES.length} rules`);
  assert.equal(new Set(CIN_RULES.map((r) => r.id)).size, CIN_RULES.length);
  for (const r of CIN_RULES) {
    assert.ok(FAIL[r.id], `rule ${r.id} has no failing case`);
    assert.equal(r.severity, r.id.endsWith("Q") ? "query" : "error");
  }
});

for (const r of CIN_RULES) {
  test(`CIN rule ${r.id}: fails when broken, passes at the boundary`, () => {
    const bad = base();
    const seen = FAIL[r.id]!(bad) ?? [];
    const hits = run(bad, seen);
    assert.ok(hits.includes(`CIN-${r.id}`), `expected CIN-${r.id} in ${hits.join(", ")}`);
    const good = base();
    PASS[r.id]?.(good);
    const ok = run(good);
    assert.ok(!ok.includes(`CIN-${r.id}`), `CIN-${r.id} raised on the passing case`);
    const issue = runRules([r], bad as CinChild, ctx(seen), { file: "x" })[0]!;
    assert.equal(issue.severity, r.severity === "query" ? "warning" : "error");
    assert.ok(issue.file && issue.row && issue.expected && issue.message.includes(r.message));
  });
}

test("CIN rule 100: the reference date must be 31 March of the Year (2025 and 2025-03-31 for 2024-25); a census's start year, a missing Year or reference date fail", () => {
  const header = (year: string, ref: string): CinHeader => {
    const reference = { ...D(ref), line: 6 };
    return { referenceDate: reference.day ?? null, reference, lea: "202", year };
  };
  const run100 = (h: CinHeader) => runRules(CIN_HEADER_RULES, h, { file: "cin.xml" }, { file: "cin.xml" });
  assert.deepEqual(run100(header("2025", "2025-03-31")), []);
  const [bad] = run100(header("2024", "2025-03-31"));
  assert.deepEqual([bad?.code, bad?.severity, bad?.file, bad?.row, bad?.column, bad?.value], ["CIN-100", "error", "cin.xml", 6, "ReferenceDate", "2025-03-31"]);
  assert.equal(bad?.message, "DfE error 100: Reference Date is incorrect (Year 2024: the reference date would be 2024-03-31)");
  assert.equal(run100(header("2025", "2025-03-30")).length, 1);
  assert.equal(run100(header("", "2025-03-31"))[0]?.message, 'DfE error 100: Reference Date is incorrect (Year is missing)');
  assert.equal(run100(header("2025", "")).length, 1);
});

test("CIN UPN rules: a wrong check letter is 1510 alone, with the right letter; no UPN, or a valid one, raises none of them", () => {
  const upnRules = (upn: string) => {
    const c = base();
    c.upn = upn;
    return runRules(CIN_RULES, c as CinChild, ctx(), { file: "x" }).filter((i) => /^CIN-15/.test(i.code));
  };
  const [wrong, ...more] = upnRules("B383489771083");
  assert.deepEqual([wrong?.code, wrong?.value, more.length], ["CIN-1510", "B383489771083", 0]);
  assert.match(wrong!.message, /the check letter for 383489771083 is A/);
  // A code in the UPN element is the XSD's to refuse (UPNunknown holds it): none of these rules reads one.
  for (const ok of ["", "A383489771083", "T004199988970", "R005482628546", "H20100000101A", "UN1", "UN10"]) assert.deepEqual(upnRules(ok), [], ok);
});
