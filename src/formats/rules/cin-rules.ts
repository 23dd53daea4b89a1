/**
 * @module
 * DfE CIN census validation rules (codes, types and messages from the DfE's CIN census rules as
 * transcribed in csc-validator-be-cin; `../shared/samples/rules/cin_census_rules.csv`). First
 * those that protect KPI correctness: identity, date order, overlapping episodes and plans, code
 * sets, and the two timeliness queries (assessments open more than 45 working days, section 47
 * enquiries more than 15 working days without a conference) that decide the assessment and
 * ICPC timeliness indicators.
 */

import { dayOf, isoDate, weekday } from "../../calendar/dates.ts";
import type { WorkingDayCalendar } from "../../calendar/working-days.ts";
import { type CinChild, type CinDate, type CinDetails, type CinHeader, CODES_CIN, yn } from "../cin-census.ts";
import type { DfeRule, RuleHit } from "./registry.ts";
import { upnCheckLetter, upnLaCode } from "./upn.ts";

/** Context: the census reference date (end of the year), the working-day calendar, ids seen so far. */
export interface CtxCin {
  readonly referenceDate: number | null;
  readonly calendar: WorkingDayCalendar;
  /** Each LAchildID read so far, and the line its <Child> is on (a second one names the first). */
  readonly seenIds: Map<string, number>;
}

type Rule = DfeRule<CinChild, CtxCin>;

function rule(id: string, fields: string[], message: string, expected: string, check: (c: CinChild, ctx: CtxCin) => RuleHit[]): Rule {
  return { id, dataset: "cin", severity: id.endsWith("Q") ? "query" : "error", fields, message, expected, check };
}

const at = (c: CinChild, line: number, column: string, value?: string, detail?: string): RuleHit => ({ file: c.file, row: line, column, ...(value !== undefined ? { value } : {}), ...(detail ? { detail } : {}) });
const dhit = (c: CinChild, d: CinDate, column: string, detail?: string): RuleHit => at(c, d.line, column, d.raw, detail);
const day = (d: CinDate): number | null => (typeof d.day === "number" ? d.day : null);
const nfa = (d: CinDetails): boolean => yn(d.nfa) === "Y";

/** All CINdetails of a child with a per-detail check. */
function perDetail(c: CinChild, f: (d: CinDetails) => RuleHit[]): RuleHit[] {
  return c.details.flatMap(f);
}

/** Intervals overlap (open end = forever). */
function overlaps(a: [number, number | null], b: [number, number | null]): boolean {
  const ae = a[1] ?? Infinity;
  const be = b[1] ?? Infinity;
  return a[0] < be && b[0] < ae;
}

function codeRule(id: string, fields: string, message: string, codes: readonly string[], get: (d: CinDetails) => { v: string; line: number }, required: boolean): Rule {
  return rule(id, [fields], message, `${required ? "" : "blank or "}one of ${codes.join(", ")}`, (c) =>
    perDetail(c, (d) => {
      const { v, line } = get(d);
      if (v === "" ? required : !codes.includes(v)) return [at(c, line, fields, v)];
      return [];
    }),
  );
}

export const CIN_RULES: readonly Rule[] = [
  // Identity.
  rule("8500", ["LAchildID"], "LA Child ID missing", "an LAchildID for every child", (c) => (c.id === "" ? [at(c, c.line, "LAchildID", "")] : [])),
  rule("8510", ["LAchildID"], "More than one child record with the same LA Child ID", "each LAchildID once in the return", (c, ctx) => {
    if (c.id === "") return [];
    const first = ctx.seenIds.get(c.id);
    if (first !== undefined) return [at(c, c.line, "LAchildID", c.id, `${c.id} first at line ${first}, again at line ${c.line}`)];
    ctx.seenIds.set(c.id, c.line);
    return [];
  }),
  // The UPN, part by part (upn.ts): each rule names one part, as the DfE's do; a UPN of another length is the XSD's to refuse.
  rule("1510", ["UPN"], "UPN invalid (wrong check letter at character 1)", "the UPN's check letter, from characters 2 to 13", (c) => {
    const letter = c.upn.length === 13 ? upnCheckLetter(c.upn.slice(1)) : null;
    return letter !== null && letter !== c.upn[0] ? [at(c, c.line, "UPN", c.upn, `the check letter for ${c.upn.slice(1)} is ${letter}`)] : [];
  }),
  rule("1530", ["UPN"], "UPN invalid (characters 2-4 not a recognised LA code)", "characters 2-4 an LA code (post-April 1998) or a pseudo-LA code 001-005", (c) =>
    c.upn.length === 13 && !upnLaCode(c.upn.slice(1, 4)) ? [at(c, c.line, "UPN", c.upn)] : [],
  ),
  rule("1540", ["UPN"], "UPN invalid (characters 5-12 not all numeric)", "digits in characters 5 to 12", (c) => (/\D/.test(c.upn.slice(4, 12)) ? [at(c, c.line, "UPN", c.upn)] : [])),
  rule("1550", ["UPN"], "UPN invalid (character 13 not a recognised value)", "a digit or a letter other than I, O and S as character 13", (c) =>
    c.upn.length === 13 && !/^[0-9A-HJ-NP-RT-Z]$/.test(c.upn[12]!) ? [at(c, c.line, "UPN", c.upn)] : [],
  ),
  rule("1560Q", ["FormerUPN"], "Please check and either amend or provide a reason: Former UPN wrongly formatted", "a letter, 11 digits and a digit or letter (the XSD's UPN pattern)", (c) =>
    c.formerUpn !== "" && !/^[A-Za-z]\d{11}[\dA-Za-z]$/.test(c.formerUpn) ? [at(c, c.line, "FormerUPN", c.formerUpn)] : [],
  ),
  rule("4180", ["Sex"], "Sex must be provided and equal M, F, or U", "Sex M, F or U (or GenderCurrent 0, 1, 2 or 9 before 2024-25)", (c) => {
    if (c.sexElement === "Sex" && !(CODES_CIN.Sex as readonly string[]).includes(c.sex) && !["1", "2"].includes(c.sex)) return [at(c, c.line, "Sex", c.sex)];
    if (c.sexElement === "GenderCurrent" && !(CODES_CIN.GenderCurrent as readonly string[]).includes(c.sex)) return [at(c, c.line, "GenderCurrent", c.sex)];
    if (c.sexElement === "") return [at(c, c.line, "Sex", "")];
    return [];
  }),
  rule("8520", ["PersonBirthDate", "ReferenceDate"], "Date of Birth is after data collection period (must be on or before the end of the census period)", "a date of birth on or before the reference date", (c, ctx) =>
    day(c.dob) !== null && ctx.referenceDate !== null && day(c.dob)! > ctx.referenceDate ? [dhit(c, c.dob, "PersonBirthDate")] : [],
  ),
  rule("8525Q", ["PersonBirthDate", "ExpectedPersonBirthDate"], "Either Date of Birth or Expected Date of Birth must be provided (but not both)", "exactly one of PersonBirthDate and ExpectedPersonBirthDate", (c) =>
    (c.dob.raw === "") === (c.expectedDob.raw === "") ? [dhit(c, c.dob, "PersonBirthDate")] : [],
  ),
  rule("8535Q", ["PersonDeathDate", "PersonBirthDate"], "Please check and either amend data or provide a reason: Child’s date of death should not be prior to the date of birth", "a date of death on or after the date of birth", (c) =>
    day(c.death) !== null && day(c.dob) !== null && day(c.death)! < day(c.dob)! ? [dhit(c, c.death, "PersonDeathDate")] : [],
  ),
  rule("8794", ["Disability"], "Child has two or more disabilities with the same code", "each disability code once per child", (c) => {
    const seen = new Set<string>();
    const out: RuleHit[] = [];
    for (const d of c.disabilities) {
      if (seen.has(d)) out.push(at(c, c.line, "Disability", d));
      seen.add(d);
    }
    return out;
  }),
  // CIN episodes: dates, order, overlaps.
  rule("8606", ["CINreferralDate", "PersonBirthDate", "ExpectedPersonBirthDate"], "Child referral date is more than 40 weeks before DOB or expected DOB", "a referral no more than 40 weeks before birth", (c) => {
    const born = day(c.dob) ?? day(c.expectedDob);
    if (born === null) return [];
    return perDetail(c, (d) => (day(d.referral) !== null && day(d.referral)! < born - 280 ? [dhit(c, d.referral, "CINreferralDate")] : []));
  }),
  rule("8630", ["CINreferralDate", "CINclosureDate"], "CIN Closure Date is before CIN Referral Date for the same CIN episode", "a closure date on or after the referral date", (c) =>
    perDetail(c, (d) => (day(d.closure) !== null && day(d.referral) !== null && day(d.closure)! < day(d.referral)! ? [dhit(c, d.closure, "CINclosureDate")] : [])),
  ),
  rule("8820", ["CINreferralDate", "CINclosureDate"], "The dates on the CIN episodes for this child overlap", "CIN episodes that do not overlap", (c) => {
    const eps = c.details.filter((d) => day(d.referral) !== null).sort((a, b) => day(a.referral)! - day(b.referral)!);
    const out: RuleHit[] = [];
    for (let i = 1; i < eps.length; i++) {
      const p = eps[i - 1]!;
      const e = eps[i]!;
      if (overlaps([day(p.referral)!, day(p.closure)], [day(e.referral)!, day(e.closure)])) out.push(dhit(c, e.referral, "CINreferralDate", `previous episode from ${p.referral.raw} ${p.closure.raw ? `to ${p.closure.raw}` : "is still open"}`));
    }
    return out;
  }),
  rule("8805", ["CINclosureDate", "ReasonForClosure"], "A CIN case cannot have a CIN closure date without a Reason for Closure", "a reason for closure with every closure date", (c) =>
    perDetail(c, (d) => (d.closure.raw !== "" && d.reason === "" ? [at(c, d.line, "ReasonForClosure", "")] : [])),
  ),
  rule("8810", ["ReasonForClosure", "CINclosureDate"], "A CIN case cannot have a Reason for Closure without a CIN Closure Date", "a closure date with every reason for closure", (c) =>
    perDetail(c, (d) => (d.reason !== "" && d.closure.raw === "" ? [at(c, d.line, "CINclosureDate", "")] : [])),
  ),
  codeRule("8640", "ReasonForClosure", "CIN Reason for closure code invalid (see Reason for Closure table in CIN Census code set)", CODES_CIN.ReasonForClosure, (d) => ({ v: d.reason, line: d.line }), false),
  codeRule("8650", "PrimaryNeedCode", "Primary Need Code invalid (see Primary Need table in CIN census code set)", CODES_CIN.PrimaryNeedCode, (d) => ({ v: d.need, line: d.line }), false),
  codeRule("8866", "ReferralSource", "Source of Referral is missing or an invalid code", CODES_CIN.ReferralSource, (d) => ({ v: d.source, line: d.line }), true),
  rule("8610", ["ReferralNFA", "PrimaryNeedCode"], "Primary Need code is missing for a referral which led to further action.", "a primary need code when ReferralNFA is false", (c) =>
    perDetail(c, (d) => (yn(d.nfa) === "N" && d.need === "" ? [at(c, d.line, "PrimaryNeedCode", "")] : [])),
  ),
  // Assessments.
  rule("8608", ["AssessmentActualStartDate", "AssessmentAuthorisationDate"], "Assessment Start Date cannot be later than its End Date", "an authorisation date on or after the start date", (c) =>
    perDetail(c, (d) => d.assessments.filter((a) => day(a.auth) !== null && day(a.start) !== null && day(a.start)! > day(a.auth)!).map((a) => dhit(c, a.auth, "AssessmentAuthorisationDate"))),
  ),
  rule("1103", ["AssessmentActualStartDate", "CINreferralDate"], "The assessment start date cannot be before the referral date", "an assessment starting on or after its referral", (c) =>
    perDetail(c, (d) => d.assessments.filter((a) => day(a.start) !== null && day(d.referral) !== null && day(a.start)! < day(d.referral)!).map((a) => dhit(c, a.start, "AssessmentActualStartDate"))),
  ),
  rule("8869", ["AssessmentFactors"], "The assessment factors code “21” cannot be used in conjunction with any other assessment factors.", "factor 21 (no factors identified) alone", (c) =>
    perDetail(c, (d) => d.assessments.filter((a) => a.factors.includes("21") && a.factors.length > 1).map((a) => at(c, a.line, "AssessmentFactors", a.factors.join(" ")))),
  ),
  rule("8898", ["AssessmentFactors"], "The assessment has more than one parental or child factors with the same code", "each factor code once per assessment", (c) =>
    perDetail(c, (d) => d.assessments.filter((a) => new Set(a.factors).size !== a.factors.length).map((a) => at(c, a.line, "AssessmentFactors", a.factors.join(" ")))),
  ),
  rule("8614", ["AssessmentAuthorisationDate", "AssessmentFactors"], "Parental or child factors at assessment should only be present for a completed assessment.", "factors only on an authorised assessment", (c) =>
    perDetail(c, (d) => d.assessments.filter((a) => a.factors.length > 0 && a.auth.raw === "").map((a) => at(c, a.line, "AssessmentFactors", a.factors.join(" ")))),
  ),
  rule("8670Q", ["AssessmentActualStartDate"], "Please check and either amend data or provide a reason: Assessment started more than 45 working days before the end of the census year. However, there is no Assessment end date.", "an authorisation date for an assessment started more than 45 working days before the reference date", (c, ctx) => {
    const ref = ctx.referenceDate;
    if (ref === null) return [];
    return perDetail(c, (d) =>
      d.assessments
        .filter((a) => day(a.start) !== null && a.auth.raw === "" && ctx.calendar.between(day(a.start)!, ref) > 45)
        .map((a) => dhit(c, a.start, "AssessmentActualStartDate", `${ctx.calendar.between(day(a.start)!, ref)} working days before ${isoDate(ref)}`)),
    );
  }),
  // CIN plans.
  rule("4011", ["CINPlanEndDate", "CINPlanStartDate"], "CIN Plan End Date earlier than Start Date", "a plan end on or after its start", (c) =>
    perDetail(c, (d) => d.plans.filter((p) => day(p.end) !== null && day(p.start) !== null && day(p.end)! < day(p.start)!).map((p) => dhit(c, p.end, "CINPlanEndDate"))),
  ),
  rule("4012Q", ["CINPlanStartDate", "CINPlanEndDate"], "Please check and either amend or provide a reason: CIN Plan shown as starting and ending on the same day", "a plan that ends after the day it starts", (c) =>
    perDetail(c, (d) => d.plans.filter((p) => day(p.end) !== null && day(p.end) === day(p.start)).map((p) => dhit(c, p.end, "CINPlanEndDate"))),
  ),
  rule("4014", ["CINPlanStartDate", "CINPlanEndDate"], "CIN Plan data contains overlapping dates", "CIN plans that do not overlap", (c) => {
    const plans = c.details.flatMap((d) => d.plans).filter((p) => day(p.start) !== null).sort((a, b) => day(a.start)! - day(b.start)!);
    const out: RuleHit[] = [];
    for (let i = 1; i < plans.length; i++) {
      if (overlaps([day(plans[i - 1]!.start)!, day(plans[i - 1]!.end)], [day(plans[i]!.start)!, day(plans[i]!.end)])) out.push(dhit(c, plans[i]!.start, "CINPlanStartDate"));
    }
    return out;
  }),
  rule("4015", ["CINPlanStartDate", "CINreferralDate"], "The CIN Plan start date cannot be before the referral date", "a plan starting on or after its referral", (c) =>
    perDetail(c, (d) => d.plans.filter((p) => day(p.start) !== null && day(d.referral) !== null && day(p.start)! < day(d.referral)!).map((p) => dhit(c, p.start, "CINPlanStartDate"))),
  ),
  rule("4000", ["ReferralNFA"], "CIN Plan details provided for a referral with no further action", "no CIN plan on a referral with no further action", (c) =>
    perDetail(c, (d) => (nfa(d) && d.plans.length ? [at(c, d.plans[0]!.line, "CINPlanStartDate", d.plans[0]!.start.raw)] : [])),
  ),
  // Section 47 and conferences.
  rule("2889", ["S47ActualStartDate", "CINreferralDate"], "The S47 start date cannot be before the referral date.", "a section 47 starting on or after its referral", (c) =>
    perDetail(c, (d) => d.s47.filter((s) => day(s.start) !== null && day(d.referral) !== null && day(s.start)! < day(d.referral)!).map((s) => dhit(c, s.start, "S47ActualStartDate"))),
  ),
  rule("8615", ["S47ActualStartDate", "DateOfInitialCPC"], "Section 47 Enquiry Start Date must be present and cannot be later than the date of the initial Child Protection Conference", "a section 47 start date on or before the ICPC", (c) =>
    perDetail(c, (d) =>
      d.s47.filter((s) => s.start.raw === "" || (day(s.start) !== null && day(s.icpc) !== null && day(s.start)! > day(s.icpc)!)).map((s) => dhit(c, s.start, "S47ActualStartDate")),
    ),
  ),
  rule("8675Q", ["DateOfInitialCPC", "S47ActualStartDate", "ICPCnotRequired"], "Please check and either amend data or provide a reason: S47 Enquiry started more than 15 working days before the end of the census year. However, there is no date of Initial Child Protection Conference.", "an ICPC date, or ICPCnotRequired, for a section 47 started more than 15 working days before the reference date", (c, ctx) => {
    const ref = ctx.referenceDate;
    if (ref === null) return [];
    return perDetail(c, (d) =>
      d.s47
        .filter((s) => day(s.start) !== null && s.icpc.raw === "" && yn(s.notRequired) !== "Y" && ctx.calendar.between(day(s.start)!, ref) > 15)
        .map((s) => dhit(c, s.start, "S47ActualStartDate", `${ctx.calendar.between(day(s.start)!, ref)} working days before ${isoDate(ref)}`)),
    );
  }),
  rule("8875", ["DateOfInitialCPC"], "The Date of Initial Child Protection Conference cannot be a weekend", "an ICPC on a weekday", (c) =>
    perDetail(c, (d) => [d.icpc, ...d.s47.map((s) => s.icpc)].filter((x) => day(x) !== null && [0, 6].includes(weekday(day(x)!))).map((x) => dhit(c, x, "DateOfInitialCPC"))),
  ),
  rule("8870Q", ["InitialCPCtarget"], "Please check and either amend or provide a reason: The Target Date for Initial Child Protection Conference should not be a weekend", "a target date on a weekday", (c) =>
    perDetail(c, (d) => d.s47.filter((s) => day(s.target) !== null && [0, 6].includes(weekday(day(s.target)!))).map((s) => dhit(c, s.target, "InitialCPCtarget"))),
  ),
  rule("8831", ["AssessmentActualStartDate", "S47ActualStartDate", "DateOfInitialCPC"], "Activity is recorded against a case marked as a referral with no further action", "no assessment, section 47 or conference on a referral with no further action", (c) =>
    perDetail(c, (d) => (nfa(d) && (d.assessments.length || d.s47.length) ? [at(c, d.line, "ReferralNFA", d.nfa)] : [])),
  ),
  // Child protection plans.
  rule("1105", ["CPPstartDate", "CINreferralDate"], "The child protection plan start date cannot be before the referral date", "a plan starting on or after its referral", (c) =>
    perDetail(c, (d) => d.cpps.filter((p) => day(p.start) !== null && day(d.referral) !== null && day(p.start)! < day(d.referral)!).map((p) => dhit(c, p.start, "CPPstartDate"))),
  ),
  rule("8840", ["CPPstartDate", "CPPendDate"], "Child Protection Plan cannot start and end on the same day", "a plan that ends after the day it starts", (c) =>
    perDetail(c, (d) => d.cpps.filter((p) => day(p.end) !== null && day(p.end) === day(p.start)).map((p) => dhit(c, p.end, "CPPendDate"))),
  ),
  rule("8832", ["ReferralNFA"], "Child Protection details provided for a referral with no further action.", "no child protection plan on a referral with no further action", (c) =>
    perDetail(c, (d) => (nfa(d) && d.cpps.length ? [at(c, d.cpps[0]!.line, "CPPstartDate", d.cpps[0]!.start.raw)] : [])),
  ),
  rule("8842Q", ["CPPreviewDate"], "Please check and either amend or provide a reason: Review Record has a missing date", "a date on every review", (c) =>
    perDetail(c, (d) => d.cpps.flatMap((p) => p.reviews.filter((r) => r.raw === "").map((r) => dhit(c, r, "CPPreviewDate")))),
  ),
];

/**
 * Rules on the census header, run once per file. 100: the reference date is 31 March of the
 * collection Year (a 2024-25 census is Year 2025, ReferenceDate 2025-03-31); Lantern takes the
 * census year from the reference date, so a Year that disagrees leaves it in doubt.
 */
export const CIN_HEADER_RULES: readonly DfeRule<CinHeader, { file: string }>[] = [
  {
    id: "100",
    dataset: "cin",
    severity: "error",
    fields: ["ReferenceDate", "Year"],
    message: "Reference Date is incorrect",
    expected: "ReferenceDate 31 March of the Year (Year 2025, ReferenceDate 2025-03-31 for 2024-25)",
    check: (h, ctx) => {
      const y = /^\d{4}$/.test(h.year.trim()) ? Number(h.year.trim()) : null;
      if (h.referenceDate !== null && y !== null && h.referenceDate === dayOf(y, 3, 31)) return [];
      const detail = y === null ? `Year is ${h.year.trim() ? `"${h.year.trim()}"` : "missing"}` : `Year ${y}: the reference date would be ${y}-03-31`;
      return [{ file: ctx.file, row: h.reference.line, column: "ReferenceDate", value: h.reference.raw, detail }];
    },
  },
];
